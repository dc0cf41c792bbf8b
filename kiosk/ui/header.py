"""The bar across the top of every screen: where you are, the time, online or not,
home and back, text size, and the language switch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from kiosk.i18n import _, babel_locale, language
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Badge, BigButton, Surface


class Header(Surface):
    def __init__(self, theme: Theme, location: str, *, on_home: Callable[[], None],
                 on_back: Callable[[], None], on_language: Callable[[str], None],
                 on_large_text: Callable[[], None], on_contrast: Callable[[], None],
                 on_secret_tap: Callable[[], None]) -> None:
        super().__init__(orientation="horizontal", size_hint_y=None,
                         background=theme.palette.header)
        self.location = location
        self.handlers = (on_home, on_back, on_language, on_large_text, on_contrast)
        self.on_secret_tap = on_secret_tap
        self.online: bool | None = None
        self.at_home = True
        self.rebuild(theme)

    def rebuild(self, theme: Theme) -> None:
        on_home, on_back, on_language, on_large_text, on_contrast = self.handlers
        self.theme = theme
        self.clear_widgets()
        p = theme.palette
        self.background = p.header
        pad = theme.mm(2)
        self.padding = (pad, pad)
        self.spacing = pad
        self.height = theme.button + 2 * pad
        compact = theme.width < 1500 or theme.portrait
        if not self.at_home:
            self.add_widget(self._button(_("Home"), on_home, "nav:home"))
            self.add_widget(self._button(_("‹ Back"), on_back, "nav:back"))
        title = BoxLayout(orientation="vertical")
        # two lines in the bar's fixed height, whatever the text size elsewhere
        line = int(theme.button / 2 / 1.2)
        self.place = Label(text=self.location, font_size=min(
                               theme.text_small if compact else theme.text_body, line),
                           bold=True, color=p.header_text, halign="left",
                           valign="middle", shorten=True, shorten_from="right")
        self.place.bind(size=lambda w, s: setattr(w, "text_size", s))
        self.clock = Label(font_size=min(theme.text_small, line), color=p.header_text,
                           halign="left", valign="middle", shorten=True,
                           shorten_from="right")
        self.clock.bind(size=lambda w, s: setattr(w, "text_size", s))
        title.add_widget(self.place)
        title.add_widget(self.clock)
        title.bind(on_touch_down=self._maybe_secret)
        self.add_widget(title)
        self.status = BoxLayout(size_hint_x=None, width=theme.mm(40 if compact else 55))
        self.add_widget(self.status)
        self.add_widget(self._button(_("A+ Large text"), on_large_text, "nav:large_text"))
        self.add_widget(self._button(_("Contrast"), on_contrast, "nav:contrast"))
        other = "en" if language() == "vi" else "vi"
        self.add_widget(self._button("English" if other == "en" else "Tiếng Việt",
                                     lambda: on_language(other), "nav:language"))
        self.tick()
        self.show_online(self.online)

    def _button(self, text: str, handler: Callable[[], None], action: str) -> BigButton:
        t = self.theme
        button = BigButton(text, t, handler, kind="secondary", size_hint_x=None,
                           action_id=action)
        button.font_size = t.text_small
        button.hug_text()
        return button

    def _maybe_secret(self, widget: Any, touch: Any) -> bool:
        if widget.collide_point(*touch.pos):
            self.on_secret_tap()
        return False

    def tick(self) -> None:
        self.clock.text = format_datetime(datetime.now(), "EEEE, dd/MM/yyyy  HH:mm",
                                          locale=babel_locale()).capitalize()

    def show_online(self, online: bool | None) -> None:
        self.online = online
        self.status.clear_widgets()
        p = self.theme.palette
        if online is None:
            return
        text = _("Online") if online else _("Offline")
        fill, colour = (p.online, p.online_text) if online else (p.offline, p.offline_text)
        badge = Badge(text, self.theme, fill, colour)
        holder = BoxLayout()
        holder.add_widget(badge)
        self.status.add_widget(holder)
        badge.pos_hint = {"center_y": 0.5}
