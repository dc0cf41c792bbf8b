"""A big button with a pictogram and two lines of words: home's tiles, the attract loop.

The pictogram (white on transparent, see assets/pictograms) is tinted to the words'
colour, so it follows the contrast mode and the greyed look of a tile that cannot be used.
Wide tiles put it left of the words, narrow ones above them; the tile grows the
pictogram into whatever height the home screen gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.label import Label
from kivy.utils import escape_markup

from kiosk.assets import PICTOGRAMS
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import BigButton

ICON_LEFT_FROM_MM = 130  # tiles at least this wide put the pictogram beside the words
SMALLEST_ICON_MM = 12


@lru_cache(maxsize=32)
def pictogram(name: str) -> Texture:
    return CoreImage(str(PICTOGRAMS / f"{name}.png"), mipmap=True).texture


@lru_cache(maxsize=256)
def words_height(text: str, font_size: float, width: float,
                 padding: tuple[float, float, float, float]) -> float:
    """How tall marked-up words are, set at `width`. Kept: home fits its rows and each tile
    its pictogram by measuring the same words at the same widths over and over (a hundred
    times before the first frame), and each measure draws them."""
    probe = Label(text=text, markup=True, font_size=font_size, text_size=(width, None),
                  padding=list(padding))
    probe.texture_update()
    return float(probe.texture_size[1])


class PictureTile(BigButton):
    def __init__(self, title: str, note: str, icon: str, theme: Theme,
                 on_press: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__("", theme, on_press, **kwargs)
        self.markup = True
        self.bold = False
        self.font_size = theme.text_heading
        small = theme.text_body
        self.text = (f"[b]{escape_markup(title)}[/b]" +
                     (f"\n[size={small}]{escape_markup(note)}[/size]" if note else ""))
        self.hugging = True  # the tile lays its words out itself (below), not BigButton
        with self.canvas.after:
            self._tint = Color(*self.color)
            self._icon = Rectangle(texture=pictogram(icon))
        self.bind(color=lambda *_: setattr(self._tint, "rgba", self.color),
                  size=self._arrange, pos=self._arrange)

    @property
    def beside(self) -> bool:
        return self.width >= self.theme.mm(ICON_LEFT_FROM_MM)

    def _pad(self) -> int:
        return self.theme.mm(4)

    def text_height(self, width: float, beside: bool, icon: float) -> float:
        """How tall the words are at this width (with the pictogram beside them or not)."""
        pad = self._pad()
        padding = (icon + 2 * pad, 0, pad, 0) if beside else (pad, 0, pad, 0)
        return words_height(self.text, self.font_size, max(width, 1), padding)

    def needed_height(self, width: float) -> float:
        """The least height in which the words fit beside or under the smallest pictogram."""
        pad, icon = self._pad(), self.theme.mm(SMALLEST_ICON_MM)
        if width >= self.theme.mm(ICON_LEFT_FROM_MM):
            return max(self.text_height(width, True, icon), icon) + 2 * pad
        return self.text_height(width, False, icon) + icon + 3 * pad

    def _arrange(self, *_: Any) -> None:
        t, pad = self.theme, self._pad()
        width, height = self.width, self.height
        smallest = t.mm(SMALLEST_ICON_MM)
        if self.beside:
            icon = max(min(height - 2 * pad, width * 0.28, t.mm(40)), smallest)
            # the pictogram no wider than the words leave room for
            while icon > smallest and self.text_height(width, True, icon) > height - 2 * pad:
                icon = max(smallest, icon - t.mm(4))
            self.padding = [icon + 2 * pad, pad, pad, pad]
            self.halign, self.valign = "left", "middle"
            self._icon.pos = (self.x + pad, self.center_y - icon / 2)
        else:
            words = self.text_height(width, False, 0)
            icon = max(min(height - words - 3 * pad, width * 0.5, t.mm(50)), smallest)
            # pictogram and words as one block in the middle of the tile
            above = max((height - icon - pad - words) / 2, pad)
            self.padding = [pad, above + icon + pad, pad, pad]
            self.halign, self.valign = "center", "top"
            self._icon.pos = (self.center_x - icon / 2, self.top - above - icon)
        self._icon.size = (icon, icon)
        self.text_size = (width, height)
