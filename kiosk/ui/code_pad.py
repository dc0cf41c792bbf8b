"""A keypad for what a dossier code or a slip's reference is made of: digits, the capital
letters A to Z in alphabetical order (read off the paper one by one, not touch-typed), the
dot and the dash. Keys carry the same action_ids as the on-screen keyboard ("key:a",
"key:7", "key:.", "key:backspace", "key:clear")."""

from __future__ import annotations

import string
from collections.abc import Callable

from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import _
from kiosk.ui.keyboard import SYMBOL_FONT
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import BigButton

COLUMNS = 10
KEYS = (*string.digits[1:], "0", *string.ascii_uppercase, ".", "-")


class CodePad(GridLayout):
    def __init__(self, theme: Theme, on_text: Callable[[str], None], text: str = "") -> None:
        super().__init__(cols=COLUMNS, spacing=theme.mm(1.2), size_hint_y=None)
        self.bind(minimum_height=self.setter("height"))
        self.text = text
        self._on_text = on_text
        height = max(theme.touch, theme.mm(17))
        for key in KEYS:
            self.add_widget(BigButton(key, theme, lambda k=key: self._edit(self.text + k),
                                      kind="secondary", height=height,
                                      action_id=f"key:{key.lower()}"))
        # the last row ends with delete one, delete all
        delete = BigButton("⌫", theme, lambda: self._edit(self.text[:-1]), height=height,
                           action_id="key:backspace")
        delete.font_name = str(SYMBOL_FONT)  # Roboto has no ⌫
        self.add_widget(delete)
        clear = BigButton(_("Clear"), theme, lambda: self._edit(""), kind="secondary",
                          height=height, action_id="key:clear")
        clear.shrink_to_fit()  # "Xóa hết" in a key one tenth of the screen wide
        self.add_widget(clear)

    def _edit(self, text: str) -> None:
        self.text = text
        self._on_text(text)
