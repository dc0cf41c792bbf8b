"""The bar across the top of every screen: where you are, the time, the network, home and
back, read aloud, text size, contrast, help, and the language switch (in the speech mode,
its switch, slower and faster take the place of text size and contrast). A switch that is
on is lit and says so. On a portrait screen, home, back and the switches are in a bar at
the bottom instead, within reach from a wheelchair."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from kivy.core.text import Label as CoreLabel
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.i18n import _, babel_locale, language
from kiosk.ui.network_status import NetworkStatus
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Badge, BigButton, Surface


class Header(Surface):
    def __init__(self, theme: Theme, location: str, *, on_home: Callable[[], None],
                 on_back: Callable[[], None], on_language: Callable[[str], None],
                 on_large_text: Callable[[], None], on_contrast: Callable[[], None],
                 on_secret_tap: Callable[[], None],
                 on_speak: Callable[[], None] | None = None,
                 on_rate: Callable[[bool], None] | None = None,
                 on_help: Callable[[], None] | None = None,
                 on_speech_mode: Callable[[], None] | None = None) -> None:
        super().__init__(orientation="horizontal", size_hint_y=None,
                         background=theme.palette.header)
        # the bar at the bottom of a portrait screen; the app places it under the screens
        self.bottom = Surface(orientation="horizontal", size_hint_y=None, height=0,
                              background=theme.palette.header)
        self.on_speech_mode = on_speech_mode
        self.large_text = theme.large_text
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
        self.large_text = theme.large_text
        # the bars keep their size in the large-text mode: the switches stay where the
        # finger found them, and the place and time keep their room
        self.theme = theme = theme.with_large_text(False)
        self.clear_widgets()
        self.bottom.clear_widgets()
        p = theme.palette
        self.background = self.bottom.background = p.header
        pad = theme.mm(2)
        self.padding = self.bottom.padding = (pad, pad)
        self.spacing = self.bottom.spacing = pad
        compact = self.compact = theme.width < 1500 or theme.portrait
        # portrait: home, back and the switches in a bar at the bottom, where a person in a
        # wheelchair (or a short one) reaches them; the top bar keeps the place and time
        self.two_rows = theme.portrait
        self.height = theme.button + 2 * pad
        self.bottom.height = theme.button + 2 * pad if theme.portrait else 0
        self.bottom.opacity = 1 if theme.portrait else 0
        tools = self.bottom if theme.portrait else self
        if not self.at_home:
            tools.add_widget(self._button(_("Home"), on_home, "nav:home"))
            tools.add_widget(self._button(_("‹ Back"), on_back, "nav:back"))
        title = BoxLayout(orientation="vertical")
        # two lines in the bar's fixed height
        line = int(theme.button / 2 / 1.2)
        self.place = Label(text=self.location, font_size=min(
                               theme.text_small if compact else theme.text_body, line),
                           bold=True, color=p.header_text, halign="left",
                           valign="middle", shorten=True, shorten_from="right")
        self.clock = Label(font_size=min(theme.text_small, line), color=p.header_text,
                           halign="left", valign="middle", shorten=True,
                           shorten_from="right")
        self.clock.bind(size=lambda w, s: setattr(w, "text_size", s))
        self.place.bind(size=self._fit_place)
        title.add_widget(self.place)
        title.add_widget(self.clock)
        title.bind(on_touch_down=self._maybe_secret)
        self.add_widget(title)
        self.status = BoxLayout(size_hint_x=None, width=0)  # as wide as its badge
        self.add_widget(self.status)
        if theme.portrait:
            tools.add_widget(Widget())  # the switches to the right, as in landscape
        if self.on_rate is not None and self.speech_mode:
            rate = self.on_rate
            if self.on_speech_mode is not None:
                tools.add_widget(self._switch(_("Speech mode"), True, self.on_speech_mode,
                                              "nav:speech_mode"))
            tools.add_widget(self._button(_("Slower"), lambda: rate(False), "speech:slower"))
            tools.add_widget(self._button(_("Faster"), lambda: rate(True), "speech:faster"))
        else:
            tools.add_widget(self._switch(_("A+ Large text"), self.large_text, on_large_text,
                                          "nav:large_text"))
            tools.add_widget(self._switch(_("Contrast"), theme.high_contrast, on_contrast,
                                          "nav:contrast"))
        self.speak = None
        if self.on_speak is not None:
            self.speak = self._button(self._speak_label(), self.on_speak, "nav:speak")
            tools.add_widget(self.speak)
        if self.on_help is not None and not (self.at_home or self.at_help):
            tools.add_widget(self._button(_("Help"), self.on_help, "nav:help"))
        other = "en" if language() == "vi" else "vi"
        tools.add_widget(self._button("English" if other == "en" else "Tiếng Việt",
                                      lambda: on_language(other), "nav:language"))
        self.tick()
        self.show_online(self.online)

    def _fit_place(self, place: Label, size: tuple[float, float]) -> None:
        """The place's name whole: on one line with the time under it where it fits; where
        the buttons leave it too little width (a narrow bar with home, back and help), on
        two lines, and the time gives way (the name says where the person is; the time is
        on the home screen, where the bar has room)."""
        width = size[0]
        one_line = CoreLabel(text=place.text, font_size=place.font_size,
                             bold=True).get_extents(place.text)[0]
        wraps = one_line > width
        place.shorten, place.max_lines = not wraps, 2 if wraps else 0
        place.size_hint_y = 2 if wraps else 1  # the clock's line too
        place.text_size = (width, None) if wraps else (width, size[1])
        self.clock.opacity = 0 if wraps else 1
        self.clock.size_hint_y = None if wraps else 1
        if wraps:
            self.clock.height = 0

    def _switch(self, label: str, on: bool, handler: Callable[[], None], action: str
                ) -> BigButton:
        """A mode's switch: lit, with the words "on" under its name, while it is on."""
        button = self._button(label + ("\n" + _("On") if on else ""), handler, action,
                              kind="on" if on else "secondary")
        button.halign = "center"
        return button

    def _button(self, text: str, handler: Callable[[], None], action: str,
                kind: str = "secondary") -> BigButton:
        t = self.theme
        button = BigButton(text, t, handler, kind=kind, size_hint_x=None, action_id=action)
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
        text = _(NetworkStatus(online, False).badge)
        fill, colour = (p.online, p.online_text) if online else (p.offline, p.offline_text)
        badge = Badge(text, self.theme, fill, colour)
        holder = BoxLayout()
        holder.add_widget(badge)
        self.status.add_widget(holder)
        badge.pos_hint = {"center_y": 0.5}
        badge.bind(width=lambda _, width: setattr(self.status, "width", width))
        badge.texture_update()  # its size now, not at the next frame
        self.status.width = badge.width
