"""The CSV import's error report neutralises spreadsheet formulas (OWASP CSV injection)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from common.testing.csv_payloads import PAYLOADS, is_neutral
from tests.orders.test_commands import _csv, _row
from tests.orders.test_commands import shop as shop

pytestmark = pytest.mark.django_db


def test_error_report_neutralises_formulas(shop, tmp_path):
    # given an import whose bad rows carry formulas in their external ids
    path = _csv(tmp_path, [_row(evil, "", 1) for evil in PAYLOADS])
    errors = tmp_path / "errors.csv"
    # when it is imported with an error report
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "orders_import_csv",
            path,
            channel="import-shop",
            errors=str(errors),
            no_progress=True,
            stdout=io.StringIO(),
        )
    # then the report names each row, every cell inert
    rows = list(csv.reader(errors.open(newline="")))
    assert rows[0] == ["row", "external_id", "error"]
    assert len(rows) == 1 + len(PAYLOADS)
    assert all(is_neutral(cell) for row in rows for cell in row)
    assert sorted(r[1] for r in rows[1:]) == sorted(f"'{p.strip()}" for p in PAYLOADS)
