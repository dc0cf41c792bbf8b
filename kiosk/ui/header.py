"""The bar across the top of every screen: where you are, the time, online or not,
home and back, read aloud, text size, contrast, help, and the language switch (in the speech
mode, slower and faster take the place of text size and contrast)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.i18n import _, babel_locale, language
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Badge, BigButton, Surface


class Header(Surface):
    def __init__(self, theme: Theme, location: str, *, on_home: Callable[[], None],
                 on_back: Callable[[], None], on_language: Callable[[str], None],
                 on_large_text: Callable[[], None], on_contrast: Callable[[], None],
                 on_secret_tap: Callable[[], None],
                 on_speak: Callable[[], None] | None = None,
                 on_rate: Callable[[bool], None] | None = None,
                 on_help: Callable[[], None] | None = None) -> None:
        super().__init__(orientation="horizontal", size_hint_y=None,
                         background=theme.palette.header)
        self.location = location
        self.handlers = (on_home, on_back, on_language, on_large_text, on_contrast)
        self.on_speak, self.on_rate = on_speak, on_rate  # None: this kiosk cannot speak
        self.speaking = False
        self.speech_mode = False
        self.on_secret_tap = on_secret_tap
        self.on_help = on_help  # help, with "Call a staff member", from every screen
        self.online: bool | None = None
        self.at_home = True
        self.at_help = False
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
        compact = self.compact = theme.width < 1500 or theme.portrait
        # portrait: a second row for the tools, so the place and the time keep their room
        two_rows = self.two_rows = theme.portrait
        self.orientation = "vertical" if two_rows else "horizontal"
        self.height = (2 * theme.button + 3 * pad) if two_rows else theme.button + 2 * pad
        first = BoxLayout(spacing=pad) if two_rows else self
        tools = BoxLayout(spacing=pad) if two_rows else self
        if not self.at_home:
            first.add_widget(self._button(_("Home"), on_home, "nav:home"))
            first.add_widget(self._button(_("‹ Back"), on_back, "nav:back"))
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
        first.add_widget(title)
        self.status = BoxLayout(size_hint_x=None, width=0)  # as wide as its badge
        first.add_widget(self.status)
        if two_rows:
            tools.add_widget(Widget())  # the tools to the right, as in landscape
        if self.on_rate is not None and self.speech_mode:
            rate = self.on_rate
            tools.add_widget(self._button(_("Slower"), lambda: rate(False), "speech:slower"))
            tools.add_widget(self._button(_("Faster"), lambda: rate(True), "speech:faster"))
        else:
            tools.add_widget(self._button(_("A+ Large text"), on_large_text,
                                          "nav:large_text"))
            tools.add_widget(self._button(_("Contrast"), on_contrast, "nav:contrast"))
        self.speak = None
        if self.on_speak is not None:
            self.speak = self._button(self._speak_label(), self.on_speak, "nav:speak")
            tools.add_widget(self.speak)
        if self.on_help is not None and not (self.at_home or self.at_help):
            tools.add_widget(self._button(_("Help"), self.on_help, "nav:help"))
        other = "en" if language() == "vi" else "vi"
        tools.add_widget(self._button("English" if other == "en" else "Tiếng Việt",
                                      lambda: on_language(other), "nav:language"))
        if two_rows:
            self.add_widget(first)
            self.add_widget(tools)
        self.tick()
        self.show_online(self.online)

    def _button(self, text: str, handler: Callable[[], None], action: str) -> BigButton:
        t = self.theme
        button = BigButton(text, t, handler, kind="secondary", size_hint_x=None,
                           action_id=action)
        button.font_size = t.text_small
        button.hug_text()
        return button

    def _speak_label(self) -> str:
        return _("Stop reading") if self.speaking else _("Read aloud")

    def show_speaking(self, speaking: bool) -> None:
        self.speaking = speaking
        if self.speak is not None:
            self.speak.text = self._speak_label()

    def show_speech_mode(self, on: bool) -> None:
        self.speech_mode = on
        self.rebuild(self.theme)

    def _maybe_secret(self, widget: Any, touch: Any) -> bool:
        if widget.collide_point(*touch.pos):
            self.on_secret_tap()
        return False

    def tick(self) -> None:
        # a narrow bar puts the time first, so that it is what stays when the line is cut
        now, locale = datetime.now(), babel_locale()
        day = format_datetime(now, "EEEE, dd/MM/yyyy", locale=locale).capitalize()
        time = format_datetime(now, "HH:mm", locale=locale)
        self.clock.text = f"{time} · {day}" if self.compact else f"{day}  {time}"

    def show_online(self, online: bool | None) -> None:
        self.online = online
        self.status.clear_widgets()
        self.status.width = 0
        p = self.theme.palette
        # a narrow one-row bar has no room to spare: it shows the state only when it is news
        if online is None or (online and self.compact and not self.two_rows):
            return
        text = _("Online") if online else _("Offline")
        fill, colour = (p.online, p.online_text) if online else (p.offline, p.offline_text)
        badge = Badge(text, self.theme, fill, colour)
        holder = BoxLayout()
        holder.add_widget(badge)
        self.status.add_widget(holder)
        badge.pos_hint = {"center_y": 0.5}
        badge.bind(width=lambda _, width: setattr(self.status, "width", width))
        badge.texture_update()  # its size now, not at the next frame
        self.status.width = badge.width
