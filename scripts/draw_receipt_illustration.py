"""Draw the scan screen's picture of a receipt (giấy tiếp nhận hồ sơ và hẹn trả kết
quả) with its QR code and its barcode marked ① and ②: assets/scan/receipt.png.

Drawn here from shapes (no copied art): a sheet with a heading, grey lines standing for
text, a QR code of a sample look-up address at the top right and a barcode at the
bottom, each ringed in orange with its number. Run again after changing it:
    .venv/bin/python scripts/draw_receipt_illustration.py
"""

from __future__ import annotations

import random
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "scan" / "receipt.png"
BOLD = ROOT / "assets" / "fonts" / "DejaVuSans-Bold.ttf"
W, H = 620, 860
INK, LINE, PAPER = (30, 36, 48), (176, 184, 196), (255, 255, 252)
MARK = (234, 106, 0)  # orange: stands out from black print and the kiosk's blue


def sample_qr(side: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4,
                         border=0)
    code.add_data("https://dichvucong.gov.vn/tra-cuu?ma_ho_so=000.00.20.H29-201117-0001")
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").convert("RGB")
    return image.resize((side, side), Image.NEAREST)


def bars(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    """Bars of varied widths, like a Code 128 barcode (not a readable one)."""
    left, top, right, bottom = box
    rng = random.Random(128)
    x = left
    while x < right - 4:
        width = rng.choice((2, 2, 3, 4, 6))
        if rng.random() < 0.55:
            draw.rectangle((x, top, min(x + width, right) - 1, bottom), fill=INK)
        x += width


def ring(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], number: str,
         font: ImageFont.FreeTypeFont, at: tuple[int, int]) -> None:
    left, top, right, bottom = box
    draw.rounded_rectangle((left, top, right, bottom), radius=14, outline=MARK, width=8)
    x, y = at
    draw.ellipse((x - 30, y - 30, x + 30, y + 30), fill=MARK)
    draw.text((x, y), number, font=font, fill=(255, 255, 255), anchor="mm")


def draw() -> Image.Image:
    sheet = Image.new("RGB", (W, H), (0, 0, 0, 0))
    sheet.paste((236, 239, 244), (0, 0, W, H))
    d = ImageDraw.Draw(sheet)
    d.rectangle((34, 34, W - 14, H - 14), fill=(205, 210, 218))  # shadow
    d.rectangle((20, 20, W - 28, H - 28), fill=PAPER, outline=LINE, width=2)
    heading = ImageFont.truetype(str(BOLD), 25)
    number = ImageFont.truetype(str(BOLD), 38)
    # the national heading and the agency: grey lines, as if too small to read
    for y, (x0, x1) in zip((58, 82), ((50, 250), (70, 230)), strict=True):
        d.rounded_rectangle((x0, y, x1, y + 10), radius=5, fill=LINE)
    d.text((50, 250), "GIẤY TIẾP NHẬN HỒ SƠ", font=heading, fill=INK)
    d.text((50, 284), "VÀ HẸN TRẢ KẾT QUẢ", font=heading, fill=INK)
    for i, length in enumerate((430, 380, 470, 300, 440, 360, 410)):
        y = 350 + i * 42
        d.rounded_rectangle((50, y, 50 + length, y + 12), radius=6, fill=LINE)
    side = 170
    qr_at = (W - 28 - 40 - side, 60)
    sheet.paste(sample_qr(side), qr_at)
    ring(d, (qr_at[0] - 16, qr_at[1] - 16, qr_at[0] + side + 16, qr_at[1] + side + 16),
         "1", number, (qr_at[0] - 16, qr_at[1] + side // 2))
    bar_box = (90, 680, W - 110, 770)
    bars(d, bar_box)
    ring(d, (bar_box[0] - 20, bar_box[1] - 18, bar_box[2] + 20, bar_box[3] + 18), "2",
         number, (bar_box[0] - 20, bar_box[1] - 18))
    return sheet


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    draw().save(OUT, optimize=True)
    print(OUT)
