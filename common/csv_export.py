"""The one CSV writer for everything the system writes: spreadsheet formulas are neutralised.

A cell that starts with =, +, -, @, a tab or a carriage return would be run as a formula by
Excel, LibreOffice or Google Sheets (OWASP "CSV injection"). Such a text cell is written with a
leading apostrophe, which spreadsheets show as plain text; the csv module's quoting then takes
care of embedded quotes and separators. Numbers are written as they are (a negative quantity
stays a number). Every export uses `csv_writer`; tests/architecture/test_csv_writer.py keeps
it so.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """The value to write: text that a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeCsvWriter:
    """`csv.writer` with every text cell passed through `csv_cell`."""

    def __init__(self, fh: Any, **fmtparams: Any) -> None:
        self._writer = csv.writer(fh, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(fh: Any, **fmtparams: Any) -> SafeCsvWriter:
    """A CSV writer over `fh` (same parameters as `csv.writer`) that neutralises formulas."""
    return SafeCsvWriter(fh, **fmtparams)
