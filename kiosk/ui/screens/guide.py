"""The guidance videos: a list of them, and one playing with its captions, a pause button
and "Listen", which reads each caption aloud as its step comes."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk import i18n
from kiosk.guides import available, guide
from kiosk.i18n import _
from kiosk.ui.guide_player import GuideVideo
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Text


class GuideScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.video: GuideVideo | None = None
        self.listening = False

    def reset(self) -> None:
        super().reset()
        self.stop()
        self.listening = False

    def on_leave(self, *_: Any) -> None:
        self.stop()

    def stop(self) -> None:
        if self.video is not None:
            self.video.stop()
            self.video = None

    def refresh(self) -> None:
        self.stop()
        if self.params.get("id"):
            self._playing(self.params["id"])
        else:
            self._list()

    def _list(self) -> None:
        t = self.theme
        column = self.page()
        column.add_widget(self.heading(_("Guidance videos")))
        column.add_widget(self.body(_("Short videos of this kiosk's screens, with captions "
                                      "you can also listen to.")))
        for g in available():
            column.add_widget(BigButton(_(g.title), t,
                                        lambda gid=g.id: self.nav.go("guide", id=gid),
                                        action_id=f"guide:{g.id}"))

    def _playing(self, guide_id: str) -> None:
        t = self.theme
        shown = guide(guide_id)
        page = self.backdrop("vertical")
        page.add_widget(self.heading(_(shown.title)))
        self.caption = Text("", size=t.text_heading, color=t.palette.text, bold=True,
                            halign="center")
        self.video = GuideVideo(shown, on_step=self._step)
        page.add_widget(self.video)
        page.add_widget(self.caption)
        row = BoxLayout(orientation="horizontal", spacing=t.gap, size_hint_y=None,
                        height=t.button)
        self.pause_button = BigButton(_("Pause"), t, self._toggle, action_id="guide:pause")
        self.video.bind(paused=self._paused)
        row.add_widget(self.pause_button)
        if self.services.speaker is not None:
            self.listen_button = BigButton(
                _("Stop listening") if self.listening else _("Listen"), t, self._listen,
                kind="secondary", action_id="guide:listen")
            row.add_widget(self.listen_button)
        row.add_widget(BigButton(_("Other videos"), t, self.nav.back, kind="secondary",
                                 action_id="guide:back"))
        page.add_widget(row)
        self.video.play()

    def _step(self, caption: str) -> None:
        self.caption.text = caption
        if self.listening and self.services.speaker is not None:
            self.services.speaker.say([caption], i18n.language())

    def _toggle(self) -> None:
        if self.video is not None:
            self.video.toggle()

    def _paused(self, _video: Any, paused: bool) -> None:
        self.pause_button.text = _("Play") if paused else _("Pause")

    def _listen(self) -> None:
        self.listening = not self.listening
        self.listen_button.text = _("Stop listening") if self.listening else _("Listen")
        speaker = self.services.speaker
        if speaker is None:
            return
        if self.listening and self.video is not None:
            speaker.say([self.video.caption], i18n.language())
        else:
            speaker.stop()
