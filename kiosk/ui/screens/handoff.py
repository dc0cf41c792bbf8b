"""Continue online on your own phone: a short-lived hand-off link from the central API
(where the person picks up the procedure), or, when the API cannot be asked, the
procedure's page on the public service portal."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from kivy.clock import Clock
from kivy.uix.anchorlayout import AnchorLayout

from kiosk.i18n import _
from kiosk.store.catalogue_store import StoreError
from kiosk.ui.qr import QrImage
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Text


class HandoffScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.link: Any = None  # a Handoff from the API, once it has answered

    def open(self, **params: Any) -> None:
        super().open(**params)
        self.link = None
        code, api = params.get("code", ""), self.services.api
        if not self.services.online:
            return

        def work() -> None:
            from kiosk.store.client import ApiError

            try:
                link = api.handoff(code)
            except ApiError:
                return  # the portal's page is shown, which works as well
            Clock.schedule_once(lambda _: self._linked(code, link))

        threading.Thread(target=work, name="handoff", daemon=True).start()

    def _linked(self, code: str, link: Any) -> None:
        if self.manager is not None and self.manager.current == self.name \
                and self.params.get("code") == code:
            self.link = link
            self.refresh()

    def reset(self) -> None:
        super().reset()
        self.link = None

    def refresh(self) -> None:
        t = self.theme
        column = self.page()
        try:
            procedure = self.services.catalogue.procedure(self.params.get("code", ""))
        except StoreError:
            procedure = None
        if procedure is None:
            column.add_widget(self.heading(_("This procedure is not in the catalogue.")))
            return
        column.add_widget(Text(_("Submit “{name}” online").format(name=procedure.name),
                               size=t.text_title, color=t.palette.text, bold=True))
        for line in (_("1. Open the camera on your phone and point it at the code below."),
                     _("2. Tap the link that appears: the procedure opens on the public "
                       "service portal."),
                     _("3. Log in with your VNeID account and follow the steps. You can "
                       "photograph your papers with the phone."),
                     _("Staff at the counter can help you if you get stuck.")):
            column.add_widget(self.body(line))
        holder = AnchorLayout(size_hint_y=None, height=t.mm(80))
        url = self.link.url if self.link else self.services.procedure_url(procedure)
        holder.add_widget(QrImage(url, t.mm(75)))
        column.add_widget(holder)
        if self.link:
            column.add_widget(self.body(_("This code works for {n} minutes.").format(
                n=_minutes_left(self.link.expires_at)), muted=True))
        column.add_widget(BigButton(_("Back to the procedure"), t, self.nav.back,
                                    kind="secondary", action_id="handoff:back"))


def _minutes_left(expires_at: str) -> int:
    try:
        expires = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
        return max(1, round((expires - datetime.now(UTC)).total_seconds() / 60))
    except (ValueError, TypeError):
        return 1
