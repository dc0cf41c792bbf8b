"""The kiosk's building blocks: text that wraps, big buttons, cards, badges.

Every widget takes its sizes and colours from the app's `Theme`, so large-text mode and
other panel sizes change them all at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui.theme import RGBA, Theme

HELD = "kiosk.held"  # marks a touch that was a long press (the speech mode): no button acts


class Text(Label):
    """A label that wraps to its width and is as tall as its text."""

    def __init__(self, text: str = "", *, size: int, color: RGBA, bold: bool = False,
                 halign: str = "left", **kwargs: Any) -> None:
        super().__init__(text=text, font_size=size, color=color, bold=bold, halign=halign,
                         valign="middle", size_hint_y=None, **kwargs)
        self.bind(width=self._wrap, texture_size=self._fit)
        self._wrap(self, self.width)
        # an empty text never changes its texture size: without this it kept Kivy's
        # default height of 100 px (a blank under an empty message)
        self._fit(self, self.texture_size)

    def _wrap(self, _: Widget, width: float) -> None:
        self.text_size = (max(width - self.padding[0] * 2, 1), None)

    def _fit(self, _: Widget, texture_size: list[float]) -> None:
        self.height = max(texture_size[1], self.font_size * 1.2)


class Surface(BoxLayout):
    """A box with a solid (optionally rounded) background."""

    background = ListProperty([1, 1, 1, 1])
    radius = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            self._colour = Color(*self.background)
            self._shape = RoundedRectangle(pos=self.pos, size=self.size,
                                           radius=[self.radius])
        self.bind(pos=self._redraw, size=self._redraw, background=self._recolour)

    def _redraw(self, *_: Any) -> None:
        self._shape.pos, self._shape.size = self.pos, self.size
        self._shape.radius = [self.radius]

    def _recolour(self, *_: Any) -> None:
        self._colour.rgba = self.background


class BigButton(ButtonBehavior, Label):
    """A button at least one touch target tall and wide, with a rounded fill.

    A disabled button keeps showing why (its `reason` below the label).
    """

    fill = ListProperty([0, 0, 0, 1])
    pressed_fill = ListProperty([0, 0, 0, 1])
    enabled = BooleanProperty(True)
    action_id = StringProperty("")
    at_least = NumericProperty(0)  # a growing button's least height (see `equal_rows`)

    # on_press is called with no arguments; typed `...` because a row of buttons passes
    # `lambda k=key: ...` (one default per button), which mypy cannot match to `[]`
    def __init__(self, text: str, theme: Theme, on_press: Callable[..., None] | None = None, *,
                 kind: str = "primary", height: int | None = None, **kwargs: Any) -> None:
        p = theme.palette
        fill, colour = {"primary": (p.primary, p.primary_text),
                        "secondary": (p.secondary, p.secondary_text),
                        "accent": (p.accent, p.accent_text),
                        "on": (p.switched_on, p.switched_on_text)}[kind]
        super().__init__(text=text, font_size=theme.text_body, color=colour, bold=True,
                         halign="center", valign="middle", size_hint_y=None,
                         height=max(height or theme.button, theme.touch), **kwargs)
        self.theme = theme
        self.normal = (fill, colour)
        self.fill = fill
        self.pressed_fill = (*(c * 0.8 for c in fill[:3]), 1)
        self.min_width = theme.touch
        with self.canvas.before:
            self._colour = Color(*self.fill)
            self._shape = RoundedRectangle(pos=self.pos, size=self.size,
                                           radius=[theme.mm(2.5)])
        self.bind(pos=self._redraw, size=self._redraw, fill=self._recolour,
                  state=self._pressed, enabled=self._enable)
        self.hugging = False
        self.growing = False
        self.bind(size=self._wrap)
        self._handler = on_press

    def _wrap(self, *_: Any) -> None:
        if self.hugging:
            return
        pad = self.theme.mm(3)
        if self.growing:
            self.text_size = (max(self.width - 2 * pad, 1), None)
            return
        self.text_size = (max(self.width - 2 * pad, 1), max(self.height - pad, 1))

    def grow_to_text(self) -> None:
        """Wrap the words at the button's width and be as tall as they need (at least the
        usual height, and `at_least`): for labels that large text turns into two or three
        lines."""
        self.growing = True
        self.usual_height = self.height
        self.bind(texture_size=self._grow, at_least=self._grow)
        self._wrap()

    def grown_height(self) -> float:
        """How tall a growing button's words make it (at least its usual height)."""
        return max(self.usual_height, self.texture_size[1] + self.theme.mm(3))

    def _grow(self, *_: Any) -> None:
        self.height = max(self.grown_height(), self.at_least)

    def shrink_to_fit(self) -> None:
        """Keep the words on one line, in a smaller size where the button is too narrow
        for them (a key of a fixed grid, whose label large text would wrap and cut)."""
        wanted = float(self.property("font_size").get(self))  # as set by the caller

        def fit(*_: Any) -> None:
            room = self.width - 2 * self.theme.mm(3.5)  # inside the wrapping width
            plain = self.text.split("\n")[0]
            width = CoreLabel(font_size=wanted, bold=self.bold,
                              font_name=self.font_name).get_extents(plain)[0]
            # never below the smallest readable size: there it wraps onto two lines
            floor = min(self.theme.text_small, self.theme.mm(6))
            self.font_size = wanted if width <= room or room <= 0 else \
                max(int(wanted * room / width), min(floor, wanted))

        self.bind(size=fit)
        fit()

    def hug_text(self) -> None:
        """Be as wide as the text on one line (and at least a touch target), not wrap it."""
        self.hugging = True
        self.text_size = (None, None)
        pad = self.theme.mm(3)
        self.bind(texture_size=lambda *_: setattr(
            self, "width", max(self.texture_size[0] + 2 * pad, self.theme.touch)))
        self.texture_update()

    def _redraw(self, *_: Any) -> None:
        self._shape.pos, self._shape.size = self.pos, self.size

    def _recolour(self, *_: Any) -> None:
        self._colour.rgba = self.fill

    def _pressed(self, *_: Any) -> None:
        if self.enabled:
            self.fill = self.pressed_fill if self.state == "down" else self.normal[0]

    def _enable(self, *_: Any) -> None:
        p = self.theme.palette
        self.fill, self.color = (self.normal if self.enabled else (p.disabled, p.disabled_text))

    def on_release(self) -> None:
        touch = getattr(self, "last_touch", None)
        if touch is not None and touch.ud.get(HELD):
            return  # a finger held still to switch the speech mode chose nothing else
        if self.enabled and self._handler is not None:
            self._handler()


class Badge(Label):
    """A small coloured tag such as "Trực tuyến"."""

    def __init__(self, text: str, theme: Theme, fill: RGBA, colour: RGBA, **kwargs: Any) -> None:
        super().__init__(text=text, font_size=theme.text_small, color=colour, bold=True,
                         size_hint=(None, None), **kwargs)
        pad = theme.mm(2)
        self.bind(texture_size=lambda *_: setattr(
            self, "size", (self.texture_size[0] + 2 * pad, self.texture_size[1] + pad)))
        with self.canvas.before:
            Color(*fill)
            self._shape = RoundedRectangle(pos=self.pos, size=self.size, radius=[pad])
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: Any) -> None:
        self._shape.pos, self._shape.size = self.pos, self.size


class Tag(Badge):
    """A property of a procedure, such as "Nộp được trực tuyến": outlined in the link colour
    on the card, so it is never taken for the top bar's filled network badge."""

    def __init__(self, text: str, theme: Theme, max_width: int | None = None,
                 **kwargs: Any) -> None:
        p = theme.palette
        super().__init__(text, theme, p.surface, p.primary, halign="center", **kwargs)
        if max_width is not None:  # large text: two lines rather than past its column
            self.texture_update()
            if self.texture_size[0] + 2 * theme.mm(2) > max_width:
                self.text_size = (max_width - 2 * theme.mm(2), None)
        with self.canvas.before:
            Color(*p.primary)
            self._outline = Line(rounded_rectangle=(*self.pos, *self.size, theme.mm(2)),
                                 width=max(1.5, theme.mm(0.5)))
        self._corner = theme.mm(2)

    def _redraw(self, *_: Any) -> None:
        super()._redraw()
        if hasattr(self, "_outline"):
            self._outline.rounded_rectangle = (*self.pos, *self.size, self._corner)


class Divider(Widget):
    def __init__(self, theme: Theme, **kwargs: Any) -> None:
        super().__init__(size_hint_y=None, height=max(2, theme.mm(0.5)), **kwargs)
        with self.canvas:
            Color(*theme.palette.divider)
            self._line = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: Any) -> None:
        self._line.pos, self._line.size = self.pos, self.size


class Frame(Widget):
    """An outline (e.g. the framing guide); drawn over its parent's content."""

    def __init__(self, colour: RGBA, width: float = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            Color(*colour)
            self._line = Line(rectangle=(*self.pos, *self.size), width=width)
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: Any) -> None:
        self._line.rectangle = (*self.pos, *self.size)


def grow_row(row: BoxLayout, theme: Theme) -> BoxLayout:
    """A row of buttons as tall as its tallest label, each button as tall as the row:
    large text (or a disabled button's reason) wraps a label onto more lines, and the row
    grows rather than cut them. Call it once the row has its buttons."""
    buttons = [w for w in row.children if isinstance(w, BigButton)]
    usual = row.height

    def fit(*_: Any) -> None:
        row.height = max([usual] + [b.grown_height() for b in buttons])
        for button in buttons:
            button.height = row.height

    for button in buttons:
        button.grow_to_text()
        button.bind(texture_size=fit)
    fit()
    return row


def equal_rows(grid: GridLayout) -> GridLayout:
    """A grid of growing buttons (`grow_to_text`) whose rows are each as tall as their
    tallest button, all of the row's buttons stretched to it: a short label next to a
    two-line one is not left a shorter button in a taller row."""
    def fit(*_: Any) -> None:
        buttons = [w for w in reversed(grid.children) if isinstance(w, BigButton)]
        cols = grid.cols or 1
        for start in range(0, len(buttons), cols):
            row = buttons[start:start + cols]
            tallest = max(b.grown_height() for b in row)
            for button in row:
                button.at_least = tallest

    later = Clock.create_trigger(fit)  # once the row's words have all been measured
    for button in grid.children:
        if isinstance(button, BigButton):
            button.bind(texture_size=later)
    later()
    return grid


def typed_box(theme: Theme, text: str = "") -> tuple[Surface, Text]:
    """The box that shows what is being typed (a search, a dossier code, an ID number's
    dots), and the text in it: one touch target tall, taller when the words at twice
    the size need it (their line is then taller than a button)."""
    t = theme
    box = Surface(size_hint_y=None, height=t.button, background=t.palette.surface,
                  radius=t.mm(2), padding=(t.mm(4), 0))
    # one line, its end in view: a long search or code does not grow the box as it is
    # typed (and push the keys down under the finger)
    shown = Text(text, size=t.text_heading, color=t.palette.text, bold=True, shorten=True,
                 shorten_from="left")
    shown.bind(height=lambda _, height: setattr(box, "height", max(t.button, height)))
    box.height = max(t.button, shown.height)
    box.add_widget(shown)
    return box, shown
