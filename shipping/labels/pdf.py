"""4×6 inch shipping label as PDF (reportlab), one page per package, with a Code 128 barcode."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

if TYPE_CHECKING:
    from shipping.labels import LabelData

PAGE = (4 * inch, 6 * inch)


def render_label_pdf(labels: list[LabelData]) -> bytes:
    """Render one 4×6 page per label; returns the PDF bytes."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE, pageCompression=0)
    width, height = PAGE
    for label in labels:
        pdf.setTitle(f"Label {label.tracking_number}")
        margin = 0.15 * inch
        # Header: carrier and service.
        pdf.setFont("Helvetica-Bold", 20)
        pdf.drawString(margin, height - 0.45 * inch, label.carrier_name[:18].upper())
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawRightString(width - margin, height - 0.45 * inch, label.service)
        pdf.line(margin, height - 0.6 * inch, width - margin, height - 0.6 * inch)
        # From.
        pdf.setFont("Helvetica", 7)
        y = height - 0.78 * inch
        pdf.drawString(margin, y, "FROM:")
        for line in label.ship_from.lines():
            y -= 0.12 * inch
            pdf.drawString(margin + 0.4 * inch, y, line[:48])
        pdf.drawRightString(
            width - margin, height - 0.78 * inch, f"SHIP DATE: {label.ship_date:%Y-%m-%d}"
        )
        pdf.drawRightString(
            width - margin, height - 0.90 * inch, f"WT: {label.weight_g / 1000:.2f} KG"
        )
        pdf.drawRightString(
            width - margin,
            height - 1.02 * inch,
            f"PKG {label.package_index} OF {label.package_count}",
        )
        # To.
        pdf.line(margin, y - 0.1 * inch, width - margin, y - 0.1 * inch)
        y -= 0.32 * inch
        pdf.setFont("Helvetica-Bold", 9)
        pdf.drawString(margin, y, "SHIP TO:")
        pdf.setFont("Helvetica-Bold", 12)
        for line in label.ship_to.lines():
            y -= 0.2 * inch
            pdf.drawString(margin + 0.3 * inch, y, line[:34])
        # Barcode (Code 128) with the tracking number under it.
        # Widest bars that still fit the label (long tracking numbers get narrower bars).
        unit = Code128(label.tracking_number, barHeight=1.1 * inch, barWidth=1.0, quiet=False)
        bar_width = min(1.4, (width - 2 * margin) / unit.width)
        barcode = Code128(
            label.tracking_number, barHeight=1.1 * inch, barWidth=bar_width, quiet=False
        )
        bar_x = max(margin, (width - barcode.width) / 2)
        barcode.drawOn(pdf, bar_x, 1.0 * inch)
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawCentredString(width / 2, 0.75 * inch, f"TRACKING #: {label.tracking_number}")
        if label.reference:
            pdf.setFont("Helvetica", 8)
            pdf.drawCentredString(width / 2, 0.5 * inch, f"REF: {label.reference}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
