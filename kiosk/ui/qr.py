"""QR codes as PNG bytes (drawn with qrcode), and as a Kivy image widget."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from kivy.core.image import Image as CoreImage
from kivy.uix.image import Image


def qr_png(text: str, box_size: int = 10) -> bytes:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size,
                         border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


class QrImage(Image):
    def __init__(self, text: str, side: int, **kwargs: Any) -> None:
        texture = CoreImage(io.BytesIO(qr_png(text)), ext="png").texture
        texture.mag_filter = "nearest"  # keep the modules sharp for phone cameras
        super().__init__(texture=texture, size_hint=(None, None), size=(side, side),
                         fit_mode="contain", **kwargs)
        self.qr_text = text
