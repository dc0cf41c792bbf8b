"""Pictures of receipts ("giấy tiếp nhận hồ sơ và hẹn trả kết quả") with their QR code,
or laid out as deployed one-stop systems print them (a look-up QR with the portal's URL,
a verification QR and a Code 128 barcode of the dossier code): for the demo camera video,
the tour, the tests and the decoding benchmark."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import qrcode
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from kiosk.assets import ASSETS

FONT = ASSETS / "fonts" / "DejaVuSans.ttf"
BOLD = ASSETS / "fonts" / "DejaVuSans-Bold.ttf"


def qr_image(payload: str | bytes, box: int = 8) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box,
                         border=2)
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").convert("RGB")


def receipt(payload: str | bytes, code: str, *, width: int = 620) -> Image.Image:
    """A receipt slip: the heading, the dossier code and dates, and the QR code."""
    height = int(width * 0.62)
    paper = Image.new("RGB", (width, height), (250, 250, 246))
    draw = ImageDraw.Draw(paper)
    bold = ImageFont.truetype(str(BOLD), max(12, width // 36))
    text = ImageFont.truetype(str(FONT), max(11, width // 42))
    draw.text((width * 0.05, height * 0.06), "GIẤY TIẾP NHẬN HỒ SƠ", font=bold, fill=(0, 0, 0))
    draw.text((width * 0.05, height * 0.14), "VÀ HẸN TRẢ KẾT QUẢ", font=bold, fill=(0, 0, 0))
    lines = [f"Mã hồ sơ: {code[:14]}", f"  {code[14:]}", "Ngày nhận: 20/11/2026",
             "Hẹn trả: 25/11/2026",
             "Bộ phận Một cửa UBND xã Minh Khai", "(Dữ liệu mẫu)"]
    for i, line in enumerate(lines):
        draw.text((width * 0.05, height * (0.30 + 0.1 * i)), line, font=text,
                  fill=(20, 20, 20))
    side = int(height * 0.6)
    paper.paste(qr_image(payload).resize((side, side), Image.NEAREST),
                (int(width - side - width * 0.04), int(height * 0.3)))
    return paper


def barcode_image(code: str, module: int = 3, height: int = 0) -> Image.Image:
    """A Code 128 barcode of `code`, `module` pixels a bar unit, with its quiet zone."""
    symbol = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.Code128)
    bars = Image.fromarray(np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=module)))
    if height:
        bars = bars.resize((bars.width, height), Image.NEAREST)
    framed = Image.new("L", (bars.width + 20 * module, bars.height + 4 * module), 255)
    framed.paste(bars, (10 * module, 2 * module))
    return framed.convert("RGB")


def portal_url(code: str, citizen_id: str = "", host: str = "dichvucong.hanoi.gov.vn"
               ) -> str:
    return f"https://{host}/portaldvc/tra-cuu?SGT={citizen_id}&MHS={code}"


def deployed_receipt(code: str, *, lookup: str | None = None, verify: str | None = None,
                     barcode: bool = True, width: int = 900) -> Image.Image:
    """A receipt as a deployed system prints it: the heading, the look-up QR (`lookup`,
    e.g. `portal_url(...)`) top left, the verification QR (`verify`) top right, and the
    dossier code's Code 128 barcode under the heading; None or False leaves one out."""
    height = int(width * 0.75)
    paper = Image.new("RGB", (width, height), (250, 250, 246))
    draw = ImageDraw.Draw(paper)
    bold = ImageFont.truetype(str(BOLD), max(12, width // 40))
    text = ImageFont.truetype(str(FONT), max(11, width // 48))
    side = int(width * 0.2)
    for payload, x in ((lookup, int(width * 0.03)), (verify, int(width * 0.77))):
        if payload:
            paper.paste(qr_image(payload).resize((side, side), Image.NEAREST),
                        (x, int(height * 0.03)))
    draw.text((width * 0.26, height * 0.06), "GIẤY TIẾP NHẬN HỒ SƠ", font=bold,
              fill=(0, 0, 0))
    draw.text((width * 0.26, height * 0.13), "VÀ HẸN TRẢ KẾT QUẢ", font=bold, fill=(0, 0, 0))
    if barcode:
        bars = barcode_image(code, module=max(2, width // 300), height=int(height * 0.1))
        paper.paste(bars, ((width - bars.width) // 2, int(height * 0.34)))
    lines = [f"Mã hồ sơ: {code}", "Ngày nhận: 03/12/2026 09:12",
             "Ngày hẹn trả: 10/12/2026", "Bộ phận Một cửa UBND phường Ba Đình",
             "(Dữ liệu mẫu)"]
    for i, line in enumerate(lines):
        draw.text((width * 0.05, height * (0.52 + 0.09 * i)), line, font=text,
                  fill=(20, 20, 20))
    return paper


def turned(image: Image.Image, degrees: float) -> Image.Image:
    """`image` turned anticlockwise by `degrees`, on a grey desk where the paper was not."""
    return image.convert("RGB").rotate(degrees, resample=Image.BICUBIC, expand=True,
                                       fillcolor=(92, 96, 104))


def camera_frame(slip: Image.Image | None, size: tuple[int, int] = (1280, 720),
                 at: tuple[float, float] = (0.5, 0.5)) -> np.ndarray:
    """A BGR camera frame: a grey desk, with the slip centred at `at` (fractions)."""
    frame = Image.new("RGB", size, (92, 96, 104))
    if slip is not None:
        x = int(size[0] * at[0] - slip.width / 2)
        y = int(size[1] * at[1] - slip.height / 2)
        frame.paste(slip, (x, y))
    return cv2.cvtColor(np.asarray(frame), cv2.COLOR_RGB2BGR)


def write_video(path: Path, frames: list[np.ndarray], fps: float = 15.0) -> Path:
    """An MJPG .avi that cv2.VideoCapture reads back: the kiosk's stand-in camera."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return path


def receipt_video(path: Path, payload: str | bytes, code: str, *, empty_frames: int = 5,
                  receipt_frames: int = 20) -> Path:
    """An empty desk for a moment, then a receipt held under the camera."""
    empty = camera_frame(None)
    held = camera_frame(receipt(payload, code))
    return write_video(path, [empty] * empty_frames + [held] * receipt_frames)
