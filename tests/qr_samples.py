"""QR test images: codes made with `qrcode`, placed on camera-sized frames of a desk with
printed-looking text. Shared by the decode and `kiosk scan` tests."""

from __future__ import annotations

import cv2
import numpy as np
import qrcode

CODE = "38.98.H29-210519-0003"
CODE2 = "000.00.20.H29-201117-0001"
URL = f"https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma_ho_so={CODE2}"
VIETNAMESE = f"Hồ sơ {CODE2}"
# zbar guesses Shift-JIS for these UTF-8 bytes unless it is in binary mode (it reads
# VIETNAMESE right: its guess depends on the bytes)
MOJIBAKE_BAIT = f"Đang xử lý - {CODE2}"
W, H = 1280, 720


def qr_image(data: str | bytes, box: int = 6) -> np.ndarray:
    """A grayscale QR code with its quiet zone, `box` pixels per module."""
    code = qrcode.QRCode(box_size=box, border=4,
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return np.array(code.make_image().convert("L"), dtype=np.uint8)


def scene(seed: int = 0) -> np.ndarray:
    """A grey desk with printed-looking text: something for the decoders to reject."""
    rng = np.random.default_rng(seed)
    frame = np.full((H, W), 185, np.uint8)
    for _ in range(70):
        cv2.putText(frame, f"Giay tiep nhan ho so {rng.integers(10**6)}",
                    (int(rng.integers(0, W - 100)), int(rng.integers(20, H))),
                    cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.4, 1.1)),
                    int(rng.integers(0, 110)), 1, cv2.LINE_AA)
    return frame


def on_frame(code: np.ndarray, x: int = 420, y: int = 120, seed: int = 0) -> np.ndarray:
    frame = scene(seed)
    h, w = code.shape
    assert y + h <= H and x + w <= W, "the code must fit in the frame"
    frame[y:y + h, x:x + w] = code
    return frame


def rotated(code: np.ndarray, degrees: float) -> np.ndarray:
    h, w = code.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (int(h * sin + w * cos), int(h * cos + w * sin))
    matrix[0, 2] += size[0] / 2 - w / 2
    matrix[1, 2] += size[1] / 2 - h / 2
    return cv2.warpAffine(code, matrix, size, borderValue=255)


def bgr(gray: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
