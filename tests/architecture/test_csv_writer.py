"""Every CSV the system writes goes through the one writer that neutralises formulas."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_every_csv_writer_in_the_code_is_the_shared_one():
    # csv.writer / csv.DictWriter may appear only in common/csv_export.py
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {".venv", "tests", "bench", "var"} or "migrations" in rel.parts:
            continue
        if rel.as_posix() == "common/csv_export.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"writer", "DictWriter"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []


def test_the_shared_writer_neutralises_every_owasp_prefix_and_keeps_numbers():
    import io

    from common.csv_export import csv_writer

    out = io.StringIO()
    csv_writer(out, lineterminator="\n").writerow(
        ["=1", "+1", "-1", "@a", "\tx", "\rx", "plain", -5, 2.5, ""]
    )
    assert out.getvalue() == "'=1,'+1,'-1,'@a,'\tx,'\rx,plain,-5,2.5,\n"
