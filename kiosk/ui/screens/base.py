"""What every screen has: the services, the navigator, the theme, and a scrolling page."""

from __future__ import annotations

from typing import Any, Protocol

from kivy.uix.gridlayout import GridLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui.services import KioskServices
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Surface, Text


class Navigator(Protocol):
    """How a screen moves the person elsewhere; the app implements it."""

    theme: Theme

    def go(self, name: str, **params: Any) -> None: ...

    def back(self) -> None: ...

    def home(self) -> None: ...

    def leave(self, restart: bool) -> None:
        """The operator's way out: restart the kiosk, or leave it for the desktop."""

    def keep_going(self) -> None: ...  # counts as a touch (the idle time-out starts again)


class KioskScreen(Screen):
    """A screen built in code from the current language and theme.

    `refresh()` rebuilds what it shows; it runs on entering the screen, and when the
    language or text size changes. `reset()` forgets anything a person typed or chose.
    """

    def __init__(self, name: str, nav: Navigator, services: KioskServices) -> None:
        super().__init__(name=name)
        self.nav = nav
        self.services = services
        self.params: dict[str, Any] = {}

    @property
    def theme(self) -> Theme:
        return self.nav.theme

    def open(self, **params: Any) -> None:
        self.params = params

    def refresh(self) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        self.params = {}

    def network_changed(self) -> None:
        """The network came or went (`services.network`): a screen whose offers depend on
        it shows the new state (home does; others read it when next built)."""

    def on_pre_enter(self, *_: Any) -> None:
        self.refresh()

    # --- building blocks -------------------------------------------------------------

    def page(self) -> GridLayout:
        """A full-screen page with a vertical scrolling column; returns the column."""
        return self.scrolling_column(self.backdrop("vertical"))

    def backdrop(self, orientation: str) -> Surface:
        """The screen's background box, replacing whatever the screen showed before."""
        t = self.theme
        self.clear_widgets()
        page = Surface(orientation=orientation, background=t.palette.background,
                       padding=t.padding, spacing=t.gap)
        self.add_widget(page)
        return page

    def scrolling_column(self, parent: Widget, spacing: int | None = None) -> GridLayout:
        """A column that scrolls when it is taller than its place in `parent`."""
        t = self.theme
        scroll = ScrollView(do_scroll_x=False, bar_width=scroll_bar(t),
                            scroll_type=["bars", "content"])
        column = GridLayout(cols=1, size_hint_y=None, padding=beside_bar(t),
                            spacing=t.gap if spacing is None else spacing)
        column.bind(minimum_height=column.setter("height"))
        scroll.add_widget(column)
        parent.add_widget(scroll)
        return column

    def heading(self, text: str) -> Text:
        t = self.theme
        return Text(text, size=t.text_heading, color=t.palette.text, bold=True)

    def body(self, text: str, *, muted: bool = False, **kwargs: Any) -> Text:
        t = self.theme
        return Text(text, size=t.text_body, color=t.palette.muted if muted else t.palette.text,
                    **kwargs)


def scroll_bar(theme: Theme) -> int:
    """The width of a scroll bar: wide enough to see and to drag."""
    return max(8, theme.mm(2.5))


def beside_bar(theme: Theme) -> tuple[int, int, int, int]:
    """A scrolling column's padding: its right edge clear of the scroll bar, which is
    drawn over the column (an "Edit" button or a card's edge under it looks cut off)."""
    return (0, 0, scroll_bar(theme) + theme.mm(1), 0)
