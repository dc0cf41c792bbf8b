"""A ticket drawn as a black-and-white picture, one pixel per printer dot.

Thermal printers print Vietnamese reliably only as a picture: their built-in code pages
differ by maker (CP1258 on a few Epson models, TCVN3 or none on the common Chinese ones),
and CP1258 writes most tones as combining marks that many firmwares print beside the
letter. A picture drawn here with DejaVu Sans (bundled, every Vietnamese letter) looks
the same on every printer that takes ESC/POS raster images (GS v 0), which all of them do.
The same picture is the ticket's PNG (the tour, a preview).
"""

from __future__ import annotations

from functools import cache

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk.assets import ASSETS
from kiosk.printing.layout import Gap, Line, Qr, Rule, Ticket
from kiosk.printing.spec import PRINTABLE_DOTS

REGULAR = ASSETS / "fonts" / "DejaVuSans.ttf"
BOLD = ASSETS / "fonts" / "DejaVuSans-Bold.ttf"
DOTS_PER_MM = 8  # 203 dpi, the resolution of nearly every 58 and 80 mm thermal printer
SIZES = {"small": 20, "normal": 24, "large": 34, "huge": 96}  # text height in dots
MARGIN = 8  # dots kept clear at each side


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Words onto lines no wider than `width`; a word longer than a line is cut."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while font.getlength(word) > width:  # a long code or address without spaces
                cut = len(word)
                while cut > 1 and font.getlength(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _qr(data: str, side: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1,
                         border=2)
    code.add_data(data)
    code.make(fit=True)
    modules = code.make_image(fill_color="black", back_color="white").convert("1")
    box = max(2, side // modules.width)  # whole dots per module: sharp for phone cameras
    return modules.resize((modules.width * box, modules.height * box), Image.Resampling.NEAREST)


def render(ticket: Ticket, paper_mm: int = 80) -> Image.Image:
    """The ticket as a 1-bit picture as wide as the paper's printable width."""
    width = PRINTABLE_DOTS.get(paper_mm, PRINTABLE_DOTS[80])
    inner = width - 2 * MARGIN
    pieces: list[tuple[Image.Image | None, int, str]] = []  # (picture, height, align)
    for block in ticket.blocks:
        if isinstance(block, Line):
            size = SIZES[block.size]
            font = _font(size, block.bold)
            while block.whole and size > SIZES["small"] and font.getlength(block.text) > inner:
                size -= 2
                font = _font(size, block.bold)
            ascent, descent = font.getmetrics()
            for text in _wrap(block.text, font, inner):
                # a capital with a tone mark (Ấ, Ồ) reaches above the font's ascent
                above = max(0, -int(font.getbbox(text)[1]))
                piece = Image.new("1", (max(1, int(font.getlength(text)) + 1),
                                        above + ascent + descent), 1)
                ImageDraw.Draw(piece).text((0, above), text, font=font, fill=0)
                pieces.append((piece, piece.height + 4, block.align))
        elif isinstance(block, Rule):
            piece = Image.new("1", (inner, 10), 1)
            ImageDraw.Draw(piece).line((0, 5, inner, 5), fill=0, width=2)
            pieces.append((piece, 10, "left"))
        elif isinstance(block, Gap):
            pieces.append((None, round(block.mm * DOTS_PER_MM), "left"))
        elif isinstance(block, Qr):
            code = _qr(block.data, min(inner, round(block.mm * DOTS_PER_MM)))
            pieces.append((code, code.height + 4, "center"))
    height = sum(h for _, h, _ in pieces) + 2 * MARGIN + 6 * DOTS_PER_MM  # room to tear
    paper = Image.new("1", (width, height), 1)
    y = MARGIN
    for drawn, h, align in pieces:
        if drawn is not None:
            x = MARGIN + ((inner - drawn.width) // 2 if align == "center" else 0)
            paper.paste(drawn, (max(MARGIN, x), y))
        y += h
    return paper
