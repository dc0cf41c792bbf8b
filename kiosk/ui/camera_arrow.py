"""An arrow to the kiosk's camera ("Camera ở đây ↑"), at the edge of the screen where the
camera sits (config: [scanner] camera_position), so a person knows where to hold a paper."""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Line, Triangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.i18n import _
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Text


class Arrow(Widget):
    """A thick arrow filling its box, pointing "up", "down", "left" or "right"."""

    def __init__(self, theme: Theme, direction: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.direction = direction
        with self.canvas:
            Color(*theme.palette.primary)
            self._head = Triangle()
            self._shaft = Line(width=max(3, theme.mm(1.6)), cap="round")
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: Any) -> None:
        x, y, w, h = self.x, self.y, self.width, self.height
        cx, cy = self.center
        if self.direction in ("up", "down"):
            tip = y + h if self.direction == "up" else y
            base = tip - 0.5 * h if self.direction == "up" else tip + 0.5 * h
            tail = y if self.direction == "up" else y + h
            half = min(w, h) * 0.35
            self._head.points = [cx, tip, cx - half, base, cx + half, base]
            self._shaft.points = [cx, tail, cx, base]
        else:
            tip = x + w if self.direction == "right" else x
            base = tip - 0.5 * w if self.direction == "right" else tip + 0.5 * w
            tail = x if self.direction == "right" else x + w
            half = min(w, h) * 0.35
            self._head.points = [tip, cy, base, cy - half, base, cy + half]
            self._shaft.points = [tail, cy, base, cy]


DIRECTIONS = {"top": "up", "bottom": "down", "left": "left", "right": "right"}


def camera_arrow(theme: Theme, position: str) -> BoxLayout | None:
    """The arrow and its words for a camera at `position` of the screen; None when the
    position is not known (better no arrow than a wrong one)."""
    direction = DIRECTIONS.get(position)
    if direction is None:
        return None
    t = theme
    across = direction in ("up", "down")
    box = BoxLayout(orientation="horizontal" if across else "vertical", spacing=t.gap,
                    size_hint=(1, None) if across else (None, 1))
    if across:
        box.height = t.mm(16)
    else:
        box.width = t.mm(30)
    words = Text(_("The camera is here"), size=t.text_body, color=t.palette.text, bold=True,
                 halign="center" if not across else "left")
    arrow = Arrow(t, direction, size_hint=(None, 1) if across else (1, None))
    if across:
        arrow.width = t.mm(16)
        box.add_widget(Widget())
        box.add_widget(arrow)
        words.size_hint_x = None
        words.bind(texture_size=lambda *_: setattr(words, "width", words.texture_size[0]))
        words.text_size = (None, None)
        box.add_widget(words)
        box.add_widget(Widget())
    else:
        arrow.height = t.mm(24)
        box.add_widget(Widget())
        box.add_widget(arrow)
        box.add_widget(words)
        box.add_widget(Widget())
    box.action_id = ""  # nothing to press: an arrow, not a button
    return box
