"""QR codes for origin stamps: one module matrix, drawn as PNG (pixels) or SVG (one path).

Error correction Q restores up to 25 % of damaged modules — a label scuffed in transport or
printed on a curved jar still scans — and the quiet zone is the 4 modules ISO/IEC 18004 asks.
"""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4
PNG_MODULE_PIXELS = 10

Matrix = list[list[bool]]


def qr_matrix(data: str) -> Matrix:
    """The QR modules for `data`, quiet zone included (True = dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_png(data: str, module_pixels: int = PNG_MODULE_PIXELS) -> bytes:
    """A black-on-white PNG of the QR for `data` (1-bit, a few hundred bytes)."""
    from PIL import Image

    matrix = qr_matrix(data)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * module_pixels, size * module_pixels), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_svg_path(matrix: Matrix) -> str:
    """SVG path data drawing the dark modules, one horizontal run per segment ('M4 4h7v1h-7z')."""
    parts: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return "".join(parts)


def qr_svg(data: str, *, standalone: bool = True) -> str:
    """The QR for `data` as SVG, one unit per module; scales to any print size without blur."""
    matrix = qr_matrix(data)
    size = len(matrix)
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    return (
        f'<svg{namespace} viewBox="0 0 {size} {size}" shape-rendering="crispEdges" '
        f'role="img">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{qr_svg_path(matrix)}"/></svg>'
    )
