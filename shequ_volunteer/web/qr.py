"""QR codes as inline SVG (segno, pure Python): no image files, crisp when printed."""
from __future__ import annotations

import io

import segno


def qr_svg(url: str, scale: int = 6) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()
