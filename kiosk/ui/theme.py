"""Sizes and colours of the kiosk's screens, derived from the panel's physical size.

The pixel rule: a touch target is at least 15 mm on the panel. A 21.5-inch 16:9 panel at
1920×1080 is 476 mm wide, 4.03 px/mm, so a target is at least 61 px there; body text is
6.5 mm (26 px there, above the 24 px floor). On another panel the same millimetres give
other pixels when `display.diagonal_inches` in the config says how big the panel is; when it
does not (0), the 1080p density is assumed, so no panel gets smaller targets. Large-text
mode doubles text sizes (the layouts reflow; the top bar keeps its size, so its
switches stay where the finger found them). Colours meet WCAG contrast 4.5:1 (checked by a test).
No Kivy here, so the rule is tested without a window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

MIN_TARGET_MM = 15.0
REFERENCE_PX_PER_MM = math.hypot(1920, 1080) / (21.5 * 25.4)  # 4.03
LARGE_TEXT = 2.0
RGBA = tuple[float, float, float, float]


def rgba(hex_colour: str, alpha: float = 1.0) -> RGBA:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b, alpha)


def contrast(a: RGBA, b: RGBA) -> float:
    """WCAG 2 contrast ratio between two opaque colours."""
    def luminance(c: RGBA) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Palette:
    background: RGBA = rgba("#F3F5F9")
    surface: RGBA = rgba("#FFFFFF")
    text: RGBA = rgba("#15202B")
    muted: RGBA = rgba("#4A5563")
    header: RGBA = rgba("#0B3D91")
    header_text: RGBA = rgba("#FFFFFF")
    primary: RGBA = rgba("#0B3D91")
    primary_text: RGBA = rgba("#FFFFFF")
    secondary: RGBA = rgba("#E3E9F4")
    secondary_text: RGBA = rgba("#0B2A5E")
    disabled: RGBA = rgba("#D5D9E0")
    disabled_text: RGBA = rgba("#3F4753")
    online: RGBA = rgba("#17683A")
    online_text: RGBA = rgba("#FFFFFF")
    offline: RGBA = rgba("#9A3412")
    offline_text: RGBA = rgba("#FFFFFF")
    accent: RGBA = rgba("#B91C1C")
    accent_text: RGBA = rgba("#FFFFFF")
    divider: RGBA = rgba("#C9D1DD")
    # a mode switch that is on (large text, contrast, speech): lit, unlike the others
    switched_on: RGBA = rgba("#FFC727")
    switched_on_text: RGBA = rgba("#15202B")

    def text_pairs(self) -> dict[str, tuple[RGBA, RGBA]]:
        """Every (text, background) pair the screens use, for the contrast check."""
        return {
            "body": (self.text, self.background), "body on card": (self.text, self.surface),
            "muted": (self.muted, self.surface), "muted on page": (self.muted, self.background),
            "header": (self.header_text, self.header),
            "primary button": (self.primary_text, self.primary),
            "secondary button": (self.secondary_text, self.secondary),
            "disabled button": (self.disabled_text, self.disabled),
            "online badge": (self.online_text, self.online),
            "offline badge": (self.offline_text, self.offline),
            "accent": (self.accent_text, self.accent),
            "link on card": (self.primary, self.surface),
            "switch that is on": (self.switched_on_text, self.switched_on),
        }


# For people who see poorly: white and yellow on black, every pair far above 7:1
HIGH_CONTRAST = Palette(
    background=rgba("#000000"), surface=rgba("#121212"), text=rgba("#FFFFFF"),
    muted=rgba("#E6E6E6"), header=rgba("#000000"), header_text=rgba("#FFFF00"),
    primary=rgba("#FFFF00"), primary_text=rgba("#000000"), secondary=rgba("#2B2B2B"),
    secondary_text=rgba("#FFFFFF"), disabled=rgba("#3A3A3A"), disabled_text=rgba("#D9D9D9"),
    online=rgba("#00E676"), online_text=rgba("#000000"), offline=rgba("#FFAB40"),
    offline_text=rgba("#000000"), accent=rgba("#FF8A80"), accent_text=rgba("#000000"),
    divider=rgba("#FFFFFF"), switched_on=rgba("#FFFF00"), switched_on_text=rgba("#000000"))


@dataclass(frozen=True)
class Theme:
    px_per_mm: float
    width: int
    height: int
    large_text: bool = False
    palette: Palette = Palette()

    @classmethod
    def for_window(cls, width: int, height: int, diagonal_inches: float = 0,
                   large_text: bool = False, high_contrast: bool = False) -> Theme:
        px_per_mm = (math.hypot(width, height) / (diagonal_inches * 25.4) if diagonal_inches
                     else REFERENCE_PX_PER_MM)
        return cls(px_per_mm, width, height, large_text,
                   HIGH_CONTRAST if high_contrast else Palette())

    @property
    def high_contrast(self) -> bool:
        return self.palette == HIGH_CONTRAST

    def with_large_text(self, on: bool) -> Theme:
        return replace(self, large_text=on)

    def mm(self, millimetres: float) -> int:
        return round(millimetres * self.px_per_mm)

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def cramped(self) -> bool:
        """Twice the text on a short screen (1280x800: under 230 mm tall): the keyboard,
        the pads and the lists need every line of the height."""
        return self.large_text and self.height < self.mm(230)

    @property
    def touch(self) -> int:
        """The smallest side of anything a finger must hit."""
        return math.ceil(MIN_TARGET_MM * self.px_per_mm)

    @property
    def button(self) -> int:
        return self.mm(18)

    @property
    def gap(self) -> int:
        return self.mm(4)

    @property
    def padding(self) -> int:
        return self.mm(6)

    def _text(self, millimetres: float) -> int:
        return round(millimetres * self.px_per_mm * (LARGE_TEXT if self.large_text else 1.0))

    @property
    def text_small(self) -> int:
        return self._text(6.0)

    @property
    def text_body(self) -> int:
        return self._text(6.5)

    @property
    def text_heading(self) -> int:
        return self._text(8.5)

    @property
    def text_title(self) -> int:
        return self._text(11)
