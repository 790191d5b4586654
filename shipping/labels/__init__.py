"""Label and manifest renderers: pure functions from plain data to bytes/text (no DB, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shipping.carriers.base import Address


@dataclass(frozen=True, slots=True)
class LabelData:
    tracking_number: str
    carrier_code: str
    carrier_name: str
    service: str
    ship_from: Address
    ship_to: Address
    ship_date: date
    weight_g: int
    package_index: int = 1
    package_count: int = 1
    reference: str = ""


from shipping.labels.pdf import render_label_pdf  # noqa: E402
from shipping.labels.zpl import render_label_zpl  # noqa: E402

__all__ = ["LabelData", "render_label_pdf", "render_label_zpl"]
