"""4×6 inch shipping label as ZPL II text (203 dpi: 812 × 1218 dots) with a ^BC Code 128 barcode."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shipping.labels import LabelData


def _fd(text: str) -> str:
    """Field data: ZPL uses ^ and ~ as command prefixes, so strip them from user text."""
    return text.replace("^", " ").replace("~", " ")


def render_label_zpl(labels: list[LabelData]) -> str:
    """One ^XA … ^XZ block per label."""
    blocks = []
    for label in labels:
        lines = [
            "^XA",
            "^CI28",  # UTF-8
            "^PW812",
            "^LL1218",
            f"^FO30,30^A0N,60,60^FD{_fd(label.carrier_name[:18].upper())}^FS",
            f"^FO560,40^A0N,40,40^FD{_fd(label.service)}^FS",
            "^FO30,110^GB752,3,3^FS",
            "^FO30,130^A0N,22,22^FDFROM:^FS",
        ]
        y = 130
        for line in label.ship_from.lines():
            lines.append(f"^FO110,{y}^A0N,22,22^FD{_fd(line[:44])}^FS")
            y += 26
        lines += [
            f"^FO520,130^A0N,22,22^FDSHIP DATE: {label.ship_date:%Y-%m-%d}^FS",
            f"^FO520,156^A0N,22,22^FDWT: {label.weight_g / 1000:.2f} KG^FS",
            f"^FO520,182^A0N,22,22^FDPKG {label.package_index} OF {label.package_count}^FS",
            f"^FO30,{y + 10}^GB752,3,3^FS",
            f"^FO30,{y + 30}^A0N,28,28^FDSHIP TO:^FS",
        ]
        y += 70
        for line in label.ship_to.lines():
            lines.append(f"^FO80,{y}^A0N,44,44^FD{_fd(line[:30])}^FS")
            y += 52
        lines += [
            "^FO30,800^GB752,3,3^FS",
            "^BY3,3,220",
            f"^FO60,840^BCN,220,N,N,N^FD{_fd(label.tracking_number)}^FS",
            f"^FO60,1090^A0N,36,36^FDTRACKING #: {_fd(label.tracking_number)}^FS",
        ]
        if label.reference:
            lines.append(f"^FO60,1140^A0N,24,24^FDREF: {_fd(label.reference)}^FS")
        lines.append("^XZ")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n"
