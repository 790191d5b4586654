"""Read the text drawn in a reportlab PDF (ASCII85 + Flate streams decoded; no PDF library)."""

import base64
import re
import zlib


def _decode(raw: bytes) -> bytes:
    raw = raw.strip()
    if raw.endswith(b"~>"):
        raw = base64.a85decode(re.sub(rb"\s", b"", raw[:-2]))
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return raw


def pdf_text(pdf: bytes) -> str:
    """Every string drawn with Tj, one per line, in drawing order."""
    content = "\n".join(
        _decode(m.group(1)).decode("latin-1")
        for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    )
    return "\n".join(re.findall(r"\((.*?)\) Tj", content))


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))
