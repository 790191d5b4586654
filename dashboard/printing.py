"""PDF printing for the screens: bin labels and pick lists, with Code 128 barcodes (reportlab).

Pure functions: they take plain values and return PDF bytes; the views fetch the rows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

# Bin labels: 2 columns × 8 rows of 100 × 34 mm on A4 (a common label sheet).
LABEL_W, LABEL_H = 100 * mm, 34 * mm
COLS, ROWS = 2, 8
MARGIN_X = (A4[0] - COLS * LABEL_W) / 2
MARGIN_Y = (A4[1] - ROWS * LABEL_H) / 2


def _barcode(c: canvas.Canvas, value: str, x: float, y: float, width: float, height: float) -> None:
    """Draw a Code 128 barcode scaled to fit `width` (keeps the quiet zones)."""
    code = Code128(value, barHeight=height, barWidth=0.5 * mm, humanReadable=False, quiet=True)
    scale = min(1.0, width / code.width) if code.width else 1.0
    c.saveState()
    c.translate(x, y)
    c.scale(scale, 1)
    code.drawOn(c, 0, 0)
    c.restoreState()


@dataclass(frozen=True)
class BinLabel:
    code: str
    warehouse: str
    zone: str


def bin_labels_pdf(labels: Iterable[BinLabel]) -> bytes:
    """A4 sheets of bin labels: big human-readable code above a Code 128 of the same code."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("Bin labels")
    per_page = COLS * ROWS
    count = 0
    for count, label in enumerate(labels, start=1):
        slot = (count - 1) % per_page
        if slot == 0 and count > 1:
            c.showPage()
        col, row = slot % COLS, slot // COLS
        x = MARGIN_X + col * LABEL_W
        y = A4[1] - MARGIN_Y - (row + 1) * LABEL_H
        c.setLineWidth(0.3)
        c.rect(x + 1 * mm, y + 1 * mm, LABEL_W - 2 * mm, LABEL_H - 2 * mm)
        c.setFont("Helvetica-Bold", 20)
        c.drawString(x + 5 * mm, y + LABEL_H - 10 * mm, label.code)
        c.setFont("Helvetica", 8)
        c.drawRightString(
            x + LABEL_W - 5 * mm, y + LABEL_H - 8 * mm, f"{label.warehouse} · {label.zone}"
        )
        _barcode(c, label.code, x + 4 * mm, y + 4 * mm, LABEL_W - 8 * mm, 14 * mm)
    if count == 0:
        c.setFont("Helvetica", 12)
        c.drawString(20 * mm, A4[1] - 30 * mm, "No bins matched.")
    c.showPage()
    c.save()
    return buf.getvalue()


@dataclass(frozen=True)
class PickListRow:
    sequence: int
    bin_code: str
    sku: str
    description: str
    quantity: int
    tote: str = ""


def pick_list_pdf(
    *, number: str, warehouse: str, subtitle: str, rows: Sequence[PickListRow]
) -> bytes:
    """A4 pick list in walking order: a Code 128 of the list number, then one row per stop."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"Pick list {number}")
    width, height = A4
    left = 15 * mm

    def header() -> float:
        c.setFont("Helvetica-Bold", 16)
        c.drawString(left, height - 20 * mm, f"Pick list {number}")
        c.setFont("Helvetica", 10)
        c.drawString(left, height - 26 * mm, f"{warehouse} · {subtitle}")
        _barcode(c, number, width - 85 * mm, height - 30 * mm, 70 * mm, 14 * mm)
        y = height - 40 * mm
        c.setFont("Helvetica-Bold", 9)
        for text, x in (
            ("#", 0),
            ("Bin", 10),
            ("SKU", 50),
            ("Item", 95),
            ("Qty", 160),
            ("Tote", 172),
        ):
            c.drawString(left + x * mm, y, text)
        c.line(left, y - 2 * mm, width - left, y - 2 * mm)
        return y - 9 * mm

    y = header()
    row_h = 13 * mm
    for row in rows:
        if y < 20 * mm:
            c.showPage()
            y = header()
        c.setFont("Helvetica", 9)
        c.drawString(left, y + 4 * mm, str(row.sequence))
        c.setFont("Helvetica-Bold", 11)
        c.drawString(left + 10 * mm, y + 4 * mm, row.bin_code)
        c.setFont("Helvetica", 9)
        c.drawString(left + 50 * mm, y + 4 * mm, row.sku[:24])
        c.drawString(left + 95 * mm, y + 4 * mm, row.description[:36])
        c.setFont("Helvetica-Bold", 11)
        c.drawRightString(left + 168 * mm, y + 4 * mm, str(row.quantity))
        c.setFont("Helvetica", 9)
        c.drawString(left + 172 * mm, y + 4 * mm, row.tote[:10])
        _barcode(c, row.bin_code, left + 10 * mm, y - 2 * mm, 38 * mm, 5 * mm)
        c.setLineWidth(0.2)
        c.line(left, y - 3 * mm, width - left, y - 3 * mm)
        y -= row_h
    c.showPage()
    c.save()
    return buf.getvalue()
