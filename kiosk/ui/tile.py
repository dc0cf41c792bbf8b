"""A big button with a pictogram and two lines of words: home's tiles, the attract loop.

The pictogram (white on transparent, see assets/pictograms) is tinted to the words'
colour, so it follows the contrast mode and the greyed look of a tile that cannot be used.
Wide tiles put it left of the words, narrow ones above them; the tile grows the
pictogram into whatever height the home screen gives it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from kivy.clock import Clock
from kivy.core.image import Image as CoreImage
from kivy.core.text.markup import MarkupLabel
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.utils import escape_markup

from kiosk.assets import PICTOGRAMS
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import BigButton

ICON_LEFT_FROM_MM = 130  # tiles at least this wide put the pictogram beside the words
SMALLEST_ICON_MM = 12


# Loaded once each (a fixed set: home's tiles and the attract loop's pictures). Drawn
# small, a pictogram needs mipmaps not to shimmer; Mesa's software renderer makes them on
# the CPU (2.5-6.5 ms an image, ~40 ms for home's eight, against 0.4 ms without), so
# the first frame gets plain textures and the tiles get mipmapped ones right after it.
_smooth: dict[str, Texture] = {}
_plain: dict[str, Texture] = {}
_first_frame_drawn = False
_tiles_to_smooth: weakref.WeakSet[PictureTile] = weakref.WeakSet()


def pictogram(name: str) -> Texture:
    """The pictogram's texture: mipmapped once the app's first frame is up, plain
    before it (see above)."""
    if name in _smooth:
        return _smooth[name]
    path = str(PICTOGRAMS / f"{name}.png")
    if _first_frame_drawn:
        texture = _smooth[name] = CoreImage(path, mipmap=True).texture
        return texture
    if not _plain:
        Window.bind(on_flip=_after_first_frame)
    if name not in _plain:
        _plain[name] = CoreImage(path).texture
    return _plain[name]


def _after_first_frame(*_: Any) -> None:
    Window.unbind(on_flip=_after_first_frame)
    Clock.schedule_once(_smoothen)  # the next frame's, not this flip's, time


def _smoothen(_dt: float) -> None:
    global _first_frame_drawn
    _first_frame_drawn = True
    for tile in list(_tiles_to_smooth):
        tile.smoothen()
    _tiles_to_smooth.clear()
    _plain.clear()


@lru_cache(maxsize=256)
def words_height(text: str, font_size: float, width: float,
                 padding: tuple[float, float, float, float]) -> float:
    """How tall marked-up words are, set at `width`: laid out, not drawn (a Label widget
    drew them into a texture to tell, ~6x slower). Kept: home fits its rows and each tile
    its pictogram by measuring the same words at the same widths over and over."""
    return float(MarkupLabel(text=text, font_size=font_size, text_size=(width, None),
                             padding=padding).render()[1])


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
        self._icon_name = icon
        if not _first_frame_drawn:
            _tiles_to_smooth.add(self)
        self.bind(color=lambda *_: setattr(self._tint, "rgba", self.color),
                  size=self._arrange, pos=self._arrange)

    def smoothen(self) -> None:
        """The pictogram with its mipmaps, after the app's first frame."""
        self._icon.texture = pictogram(self._icon_name)

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
