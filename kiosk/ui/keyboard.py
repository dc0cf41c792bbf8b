"""An on-screen Vietnamese keyboard for people who have never used Telex.

Plain letters in a QWERTY layout, then a row of mark buttons (ă, â/ê/ô, ơ/ư, đ) and a row of
tone buttons that change the last word (the rules are in `vietnamese_input`). Keys that
would do nothing right now are greyed out, so the user sees which marks fit the word.
Key sizes come from the widget's own size, never below `theme.touch`; five rows of ten
units fit 1280×800 in about 43 % of the height (`minimum_height` says how much exactly).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.core.text.markup import MarkupLabel
from kivy.graphics import Color, Rectangle
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.assets import ASSETS
from kiosk.i18n import N_, _
from kiosk.ui import vietnamese_input as vi
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import BigButton

COLUMNS = 10  # units per row; a letter key is one unit
LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
SYMBOL_ROWS = ("1234567890", "-/.,:;()@", "+#%&'?!")
MARK_LABELS = {"breve": "ă", "circumflex": "â ê ô", "horn": "ơ ư", "stroke": "đ"}
MARK_UNITS = {"breve": 1.0, "circumflex": 1.5, "horn": 1.5, "stroke": 1.0}
# (tone, vowel showing it, English msgid of its name); Vietnamese: sắc, huyền, hỏi, ngã,
# nặng, không dấu.
TONE_LABELS = (("sac", "á", N_("acute")), ("huyen", "à", N_("grave")),
               ("hoi", "ả", N_("hook")), ("nga", "ã", N_("tilde")), ("nang", "ạ", N_("dot")),
               ("none", "a", N_("no tone")))
# Roboto, Kivy's default font, has no ⌫; DejaVu (shipped for the PDFs) has it.
SYMBOL_FONT = ASSETS / "fonts" / "DejaVuSans-Bold.ttf"

Row = list[tuple[BigButton | None, float]]  # a key (None: empty space) and its width in units


class VietnameseKeyboard(Widget):
    """Letter, mark, tone and editing keys; `text` is what has been typed.

    Every key has an `action_id` ("key:a", "key:1", "mark:horn", "tone:sac", "key:space",
    "key:backspace", "key:clear", "key:digits", "key:letters"); `key(action_id)` finds one.
    """

    text = StringProperty("")
    digits = BooleanProperty(False)
    caps = BooleanProperty(False)  # letters typed (and shown) in upper case, e.g. for names
    minimum_height = NumericProperty(0)
    silent = True  # "Đọc to" does not read the keys out; touched in the speech mode they speak

    def __init__(self, theme: Theme, on_text: Callable[[str], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self._notify = on_text
        self.gap = theme.mm(1.5)
        self._keys: dict[str, BigButton] = {}
        self._font_sizes: dict[tuple[str, float, float, int], int] = {}
        for row in LETTER_ROWS + SYMBOL_ROWS:
            for char in row:
                self._make(f"key:{char}", char, lambda c=char: self._type(c), "secondary")
        for mark in vi.MARKS:
            self._make(f"mark:{mark}", MARK_LABELS[mark],
                       lambda m=mark: self._edit(vi.add_mark(self.text, m)))
        for tone, _vowel, _name in TONE_LABELS:
            self._make(f"tone:{tone}", "", lambda t=tone: self._edit(vi.add_tone(self.text, t)))
        self._make("key:space", "", lambda: self._edit(vi.type_letter(self.text, " ")),
                   "secondary")
        self._make("key:backspace", "", lambda: self._edit(vi.backspace(self.text)),
                   "secondary")
        self._make("key:clear", "", lambda: self._edit(""), "accent")
        self._make("key:digits", "123", lambda: self._switch(True), "secondary")
        self._make("key:letters", "abc", lambda: self._switch(False), "secondary")
        self._keys["key:backspace"].markup = True

        with self.canvas.before:
            Color(*theme.palette.surface)
            self._panel = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._layout, size=self._layout, text=self._refresh,
                  digits=self._show, caps=self._relabel)
        self._relabel()
        self._show()

    def key(self, action_id: str) -> BigButton:
        return self._keys[action_id]

    def visible_keys(self) -> list[BigButton]:
        return [child for child in self.children if isinstance(child, BigButton)]

    def _make(self, action_id: str, label: str, handler: Callable[..., None],  # as BigButton
              kind: str = "primary") -> None:
        def press() -> None:
            handler()
            if self._notify is not None:
                self._notify(self.text)
        button = BigButton(label, self.theme, press, kind=kind, size_hint_x=None,
                           action_id=action_id)
        self._keys[action_id] = button

    def _type(self, char: str) -> None:
        self._edit(vi.type_letter(self.text, char.upper() if self.caps else char))

    def _edit(self, text: str) -> None:
        self.text = text

    def _switch(self, digits: bool) -> None:
        self.digits = digits

    def _relabel(self, *_args: Any) -> None:
        for char in "".join(LETTER_ROWS):
            self._keys[f"key:{char}"].text = char.upper() if self.caps else char
        for mark, label in MARK_LABELS.items():
            self._keys[f"mark:{mark}"].text = label.upper() if self.caps else label
        for tone, vowel, name in TONE_LABELS:
            self._keys[f"tone:{tone}"].text = f"{vowel} {_(name)}"
        self._keys["key:space"].text = _("Space")
        self._keys["key:clear"].text = _("Clear")
        delete = escape_markup(_("Delete"))
        self._keys["key:backspace"].text = (
            f"[font={SYMBOL_FONT}]⌫[/font] {delete}" if SYMBOL_FONT.exists() else delete)
        self._layout()

    def _rows(self) -> list[Row]:
        k = self._keys
        top, middle, bottom = SYMBOL_ROWS if self.digits else LETTER_ROWS
        mode = k["key:letters"] if self.digits else k["key:digits"]

        def chars(row: str) -> Row:
            return [(k[f"key:{c}"], 1.0) for c in row]

        side = (COLUMNS - len(middle)) / 2
        marks: Row = [(k[f"mark:{m}"], MARK_UNITS[m]) for m in vi.MARKS]
        edit_units = COLUMNS - sum(MARK_UNITS.values())
        tone_units = COLUMNS / len(TONE_LABELS)
        bottom_side = (COLUMNS - 3 - len(bottom)) / 2
        return [
            chars(top),
            [(None, side), *chars(middle), (None, side)],
            [(mode, 1.5), (None, bottom_side), *chars(bottom), (None, bottom_side),
             (k["key:backspace"], 1.5)],
            [*marks, (k["key:space"], edit_units - 2), (k["key:clear"], 2.0)],
            [(k[f"tone:{tone}"], tone_units) for tone, _v, _n in TONE_LABELS],
        ]

    def _show(self, *_args: Any) -> None:
        """Put the keys of the current mode (letters or digits) in the widget tree."""
        self.clear_widgets()
        for row in self._rows():
            for button, _units in row:
                if button is not None:
                    self.add_widget(button)
        self._refresh()
        self._layout()

    def _refresh(self, *_args: Any) -> None:
        text = self.text
        marks = vi.which_marks(text)
        for mark in vi.MARKS:
            self._keys[f"mark:{mark}"].enabled = mark in marks
        tone_now = vi.current_tone(text) if vi.which_tones(text) else None
        for tone, _v, _n in TONE_LABELS:
            self._keys[f"tone:{tone}"].enabled = tone_now is not None and tone != tone_now
        # A leading or doubled space only makes matching and reading harder.
        self._keys["key:space"].enabled = bool(text) and not text.endswith(" ")
        self._keys["key:backspace"].enabled = bool(text)
        self._keys["key:clear"].enabled = bool(text)

    def _lines(self, columns: int) -> list[Row]:
        """The rows, wrapped to `columns` units when the width cannot hold ten keys."""
        if columns >= COLUMNS:
            return self._rows()
        lines: list[Row] = []
        for row in self._rows():
            line: Row = []
            used = 0.0
            for button, units in row:
                if button is None:
                    continue  # the half-key offsets only make sense on a full row
                units = min(units, columns)
                if line and used + units > columns:
                    lines.append(line)
                    line, used = [], 0.0
                line.append((button, units))
                used += units
            lines.append(line)
        return lines

    def _layout(self, *_args: Any) -> None:
        touch, gap = self.theme.touch, self.gap
        self._panel.pos, self._panel.size = self.pos, self.size
        width = self.width - 2 * gap
        columns = COLUMNS
        if (width - (COLUMNS - 1) * gap) / COLUMNS < touch:
            columns = max(1, int((width + gap) // (touch + gap)))
        unit = max(touch, (width - (columns - 1) * gap) / columns)
        lines = self._lines(columns)
        count = len(lines)
        self.minimum_height = 2 * gap + count * touch + (count - 1) * gap
        # Very tall keys look like something other than a keyboard; keep them a finger's
        # height or so and let the block sit at the bottom, nearest the user's hands.
        row_height = min(max(touch, (self.height - 2 * gap - (count - 1) * gap) / count),
                         self.theme.mm(30))
        y = self.y + gap + (count - 1) * (row_height + gap)
        for line in lines:
            x = self.x + gap
            for button, units in line:
                key_width = units * unit + (units - 1) * gap
                if button is not None:
                    button.pos = (round(x), round(y))
                    button.size = (round(key_width), round(row_height))
                    self._fit(button)
                x += key_width + gap
            y -= row_height + gap

    def _fit(self, button: BigButton) -> None:
        """Keep a long label (e.g. "a không dấu" in large text) inside its key.

        It may wrap to two lines when the key is tall enough; otherwise its font shrinks
        just enough for one line, since a clipped label is worse than a smaller one.
        """
        body = self.theme.text_body
        pad = self.theme.mm(3)  # BigButton keeps this much clear around its text
        width, height = button.width - 2 * pad, button.height - pad
        key = (button.text, width, height, body)
        if key not in self._font_sizes:  # measuring renders text: once per label and size
            self._font_sizes[key] = _font_size(button.text, body, width, height)
        button.font_size = self._font_sizes[key]


def _font_size(text: str, body: int, width: float, height: float) -> int:
    if len(text) <= 1 or _fits(text, body, width, height):  # one line, or two if tall enough
        return body
    line_width, line_height = _extent(text, body, None)
    size = max(1, int(body * min(width / line_width, height / line_height)))
    # Kivy wraps a little before the measured width, so step down until it fits.
    while size > 1 and not _fits(text, size, width, height):
        size -= 1
    return size


def _extent(text: str, font_size: int, width: float | None) -> tuple[float, float]:
    """The size of a bold label, wrapped at `width` (or on one line)."""
    label = MarkupLabel(text=text, font_size=font_size, bold=True, halign="center",
                        text_size=(width, None))
    label.refresh()
    return label.content_width, label.content_height


def _fits(text: str, font_size: int, width: float, height: float) -> bool:
    wrapped_width, wrapped_height = _extent(text, font_size, width)
    return wrapped_width <= width and wrapped_height <= height
