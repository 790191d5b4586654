"""End-of-day manifest renderers: CSV (one row per package) and a one-page-per-50 PDF list."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

from common.csv_export import csv_writer

CSV_HEADER = [
    "tracking_number",
    "service",
    "reference",
    "package",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "ship_to_name",
    "ship_to_city",
    "ship_to_postal_code",
    "ship_to_country",
]


@dataclass(frozen=True, slots=True)
class ManifestRow:
    tracking_number: str
    service: str
    reference: str
    package: int
    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int
    ship_to_name: str
    ship_to_city: str
    ship_to_postal_code: str
    ship_to_country: str


def render_manifest_csv(rows: list[ManifestRow]) -> str:
    """CSV text with a header row; one row per package (formulas neutralised)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([getattr(row, name) for name in CSV_HEADER])
    return out.getvalue()


def render_manifest_pdf(
    *,
    carrier_name: str,
    warehouse_code: str,
    ship_date: date,
    manifest_ref: str,
    rows: list[ManifestRow],
) -> bytes:
    """A printable summary for the driver to sign: totals, then one line per package."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, pageCompression=0)
    _width, height = letter
    total_weight = sum(r.weight_g for r in rows)
    shipments = len({r.tracking_number for r in rows})
    per_page = 50
    pages = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    for number, chunk in enumerate(pages, start=1):
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(0.6 * inch, height - 0.8 * inch, f"End-of-day manifest — {carrier_name}")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(
            0.6 * inch,
            height - 1.05 * inch,
            f"Warehouse {warehouse_code} · ship date {ship_date:%Y-%m-%d} · ref {manifest_ref} · "
            f"{shipments} shipments, {len(rows)} packages, {total_weight / 1000:.2f} kg · "
            f"page {number}/{len(pages)}",
        )
        y = height - 1.4 * inch
        pdf.setFont("Helvetica-Bold", 9)
        for x, title in (
            (0.6, "Tracking number"),
            (2.6, "Service"),
            (3.6, "Pkg"),
            (4.0, "kg"),
            (4.6, "Ship to"),
        ):
            pdf.drawString(x * inch, y, title)
        pdf.setFont("Helvetica", 9)
        for row in chunk:
            y -= 0.17 * inch
            pdf.drawString(0.6 * inch, y, row.tracking_number)
            pdf.drawString(2.6 * inch, y, row.service)
            pdf.drawString(3.6 * inch, y, str(row.package))
            pdf.drawString(4.0 * inch, y, f"{row.weight_g / 1000:.2f}")
            pdf.drawString(
                4.6 * inch,
                y,
                f"{row.ship_to_name[:22]}, {row.ship_to_city[:16]} {row.ship_to_postal_code}",
            )
        if number == len(pages):
            pdf.drawString(
                0.6 * inch, 0.9 * inch, "Driver signature: ______________________   Time: ________"
            )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
