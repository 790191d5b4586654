"""OMS rules that a reviewer would otherwise have to remember (STYLE.md B6, B14)."""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2] / "orders"
WRITERS = {
    "order": "services/lifecycle.py",
    "request": "services/lifecycle.py",
    "rma": "services/returns.py",
    "reservation": "services/reservations.py",
}


def _sources():
    for path in ROOT.rglob("*.py"):
        if "migrations" not in path.parts:
            yield path


def test_status_fields_are_written_only_by_their_single_writer():
    offenders = []
    for path in _sources():
        rel = str(path.relative_to(ROOT))
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            match = re.search(r"\b(\w+)\.status\s*=[^=]", line)
            if match and WRITERS.get(match.group(1)) != rel:
                offenders.append(f"{rel}:{n}: {line.strip()}")
            if re.search(r"\.update\([^)]*\bstatus=", line) and "idempotency" not in rel:
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []


def test_every_public_service_and_selector_has_a_docstring():
    missing = []
    for path in [*ROOT.joinpath("services").glob("*.py"), ROOT / "selectors.py"]:
        for node in ast.parse(path.read_text()).body:
            public = isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
            if public and ast.get_docstring(node) is None:
                missing.append(f"{path.name}:{node.name}")
    assert missing == []
