"""What "Đọc to" reads on a screen: its words in a sensible order.

The title and the content first, in the order they are laid out, then the choices (the
buttons), so a listener hears what the screen is about before what they can do. A
widget marked `silent` (the on-screen keyboard: forty letters are not content) is left
out with everything inside it; in the speech mode its keys still speak when touched.
"""

from __future__ import annotations

import re

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.i18n import _

_MARKUP = re.compile(r"\[/?(?:b|i|u|s|sub|sup|size|color|font|ref|anchor)(?:=[^\]]*)?\]")


def spoken_text(widget: Widget) -> str:
    """A widget's words as they should be heard ("" when it has none)."""
    text = getattr(widget, "text", None)
    if not isinstance(widget, Label) or not isinstance(text, str) or not text.strip():
        return ""
    if widget.markup:
        text = _MARKUP.sub("", text).replace("&bl;", "[").replace("&br;", "]") \
            .replace("&amp;", "&")
    if getattr(widget, "enabled", True) is False:
        text = _("{label} (not available)").format(label=text)
    return text.strip()


def reading_of(root: Widget) -> list[str]:
    content: list[str] = []
    choices: list[str] = []

    def visit(widget: Widget) -> None:
        if getattr(widget, "silent", False) or widget.opacity == 0:
            return
        text = spoken_text(widget)
        if text:
            (choices if isinstance(widget, ButtonBehavior) else content).append(text)
        for child in reversed(widget.children):  # Kivy keeps the last added first
            visit(child)

    visit(root)
    return content + choices
