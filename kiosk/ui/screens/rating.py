"""Rate our service: one touch for the overall level, one touch per optional criterion.

Reached from the home screen and after a dossier look-up (then tied to that dossier's
code, and nothing else about the person). "Send" puts the rating in the outbox, which
delivers it once, whenever the network allows; the person is thanked at once either way.
"""

from __future__ import annotations

import threading
from typing import Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from kiosk.feedback.rating import CRITERIA, LEVELS, Rating
from kiosk.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Text, grow_row

THANKS_SECONDS = 6


class RatingScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.rating = Rating()
        self.sent = False
        self.failed = False
        self.sending = False
        self.leaving: Any = None

    def open(self, **params: Any) -> None:
        super().open(**params)
        self.rating = Rating(dossier_code=params.get("dossier_code"))
        self.sent = self.failed = False

    def reset(self) -> None:
        super().reset()
        self.rating, self.sent, self.failed = Rating(), False, False
        if self.leaving is not None:
            self.leaving.cancel()

    def refresh(self) -> None:
        t = self.theme
        column = self.page()
        if self.sent:
            column.add_widget(Text(_("Thank you! Your rating helps the office serve people "
                                     "better."), size=t.text_title, color=t.palette.online,
                                   bold=True))
            column.add_widget(BigButton(_("Done"), t, self.nav.home, action_id="rate:done"))
            return
        column.add_widget(Text(_("How satisfied are you with the service?"),
                               size=t.text_title, color=t.palette.text, bold=True))
        if self.rating.dossier_code:
            column.add_widget(self.body(_("About dossier {code}").format(
                code=self.rating.dossier_code), muted=True))
        column.add_widget(self._levels("overall", self.rating.overall, tall=True))
        column.add_widget(self.heading(_("If you like, tell us more (one touch each):")))
        for key, words in CRITERIA:
            column.add_widget(self.body(_(words)))
            column.add_widget(self._levels(key, self.rating.criteria.get(key)))
        if self.failed:
            column.add_widget(Text(_("Your rating could not be saved on this kiosk. Thank "
                                     "you all the same."), size=t.text_body,
                                   color=t.palette.accent, bold=True))
        send = BigButton(_("Send my rating"), t, self._send, action_id="rate:send")
        send.enabled = self.rating.ready
        row = BoxLayout(size_hint_y=None, height=t.button, spacing=t.gap)
        row.add_widget(BigButton(_("Back"), t, self.nav.back, kind="secondary",
                                 action_id="rate:back"))
        row.add_widget(send)
        column.add_widget(grow_row(row, t))

    def _levels(self, key: str, chosen: int | None, tall: bool = False) -> BoxLayout:
        t = self.theme
        height = t.mm(24) if tall else t.button
        row = BoxLayout(size_hint_y=None, height=height, spacing=t.gap)
        for level, words in LEVELS:
            kind = ("accent" if level == 1 else "primary") if chosen == level else "secondary"
            row.add_widget(BigButton(_(words), t, lambda level=level: self._choose(key, level),
                                     kind=kind, height=height, action_id=f"rate:{key}:{level}"))
        return grow_row(row, t)

    def _choose(self, key: str, level: int) -> None:
        self.rating.choose(key, level)
        self.refresh()

    def _send(self) -> None:
        services = self.services
        if not self.rating.ready or self.sent or self.sending:
            return
        self.sending = True
        payload = self.rating.payload(services.config.kiosk.agency)

        def work() -> None:
            from kiosk.store.outbox import OutboxError

            try:
                # stored (on disk, off the UI thread) before the thanks; the outbox
                # delivers it once, now or later
                services.sender.send("rating", payload)
                stored = True
            except (OutboxError, OSError):
                stored = False
            Clock.schedule_once(lambda _: self._stored(stored))

        threading.Thread(target=work, name="rating", daemon=True).start()

    def _stored(self, stored: bool) -> None:
        self.sending = False
        self.sent, self.failed = stored, not stored
        if self.manager is None or self.manager.current != self.name:
            return
        self.refresh()
        if stored:
            self.leaving = Clock.schedule_once(self._leave, THANKS_SECONDS)

    def _leave(self, _dt: float) -> None:
        if self.manager is not None and self.manager.current == self.name and self.sent:
            self.nav.home()
