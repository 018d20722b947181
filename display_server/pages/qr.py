"""QR codes in pages, as ``data:`` URLs (the pages allow ``data:`` images, not other hosts)."""

from __future__ import annotations

import base64
import io


def qr_data_uri(text: str, box_size: int = 8) -> str:
    """A PNG QR code of ``text`` as a ``data:`` URL; ``box_size`` pixels per module."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size,
                         border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
