"""A printed ticket as plain data: lines of text, rules, gaps and QR codes, top to bottom.

One layout draws both to the thermal printer (as a raster picture) and to a PNG (the tour,
the screen's preview), so what a person is shown is what comes out of the printer. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Size = Literal["small", "normal", "large", "huge"]
Align = Literal["left", "center"]


@dataclass(frozen=True)
class Line:
    """Text, wrapped to the paper's width."""

    text: str
    size: Size = "normal"
    bold: bool = False
    align: Align = "left"
    whole: bool = False  # never broken over lines (a code): drawn smaller if it must


@dataclass(frozen=True)
class Rule:
    """A thin line across the paper."""


@dataclass(frozen=True)
class Gap:
    """Empty space, in millimetres."""

    mm: float = 3.0


@dataclass(frozen=True)
class Qr:
    """A QR code, centred, `mm` wide."""

    data: str
    mm: float = 30.0


Block = Line | Rule | Gap | Qr


@dataclass(frozen=True)
class Ticket:
    """What is printed, and a name for it (the file name of its picture, a log line)."""

    kind: str
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """Every line's words, top to bottom (what a test or a screen reader reads)."""
        return "\n".join(b.text for b in self.blocks if isinstance(b, Line))

    def qr_data(self) -> list[str]:
        return [b.data for b in self.blocks if isinstance(b, Qr)]
