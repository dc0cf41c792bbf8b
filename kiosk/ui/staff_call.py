"""“Call a staff member”: the button and what it says after, for any screen that offers
help. The call goes to the central API with the kiosk and the screen; staff see it on the
operator screen and in `kiosk staff-calls`. Offline there is nobody to tell: the kiosk
says so and points to the counter."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from kivy.clock import Clock
from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import _
from kiosk.ui.services import KioskServices
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import BigButton, Surface, Text


class StaffCaller:
    """One person's call: not yet made, on its way, made (with its time), or not possible.
    `changed` runs on the UI thread when the state changes (the screen redraws)."""

    def __init__(self, services: KioskServices, changed: Callable[[], None]) -> None:
        self.services, self.changed = services, changed
        self.forget()

    def forget(self) -> None:
        self.state = "idle"  # "calling", "called", "offline", "failed"
        self.called_at: datetime | None = None
        self.asked = 0

    def call(self, screen: str) -> None:
        from kiosk.store.client import ApiError
        from kiosk.store.staff_calls import call_staff

        if self.state in ("calling", "called"):
            return  # one call per person: a second tap would only add to staff's list
        if not self.services.online:
            self.state = "offline"
            self.changed()
            return
        self.state = "calling"
        self.asked += 1
        asked, client = self.asked, self.services.api.client
        self.changed()

        def work() -> None:
            try:
                at: datetime | None = call_staff(client, screen).at
            except ApiError:
                at = None
            Clock.schedule_once(lambda _: self._answered(at) if asked == self.asked else None)

        threading.Thread(target=work, name="staff-call", daemon=True).start()

    def _answered(self, at: datetime | None) -> None:
        self.state, self.called_at = ("called", at) if at else ("failed", None)
        if at:
            self.services.usage.count("staff_call")
        self.changed()

    def add_to(self, column: GridLayout, t: Theme, screen: str) -> None:
        """The call button, or what became of the call, as a card in `column`."""
        card = Surface(orientation="vertical", size_hint_y=None, radius=t.mm(2),
                       padding=t.mm(4), spacing=t.mm(2), background=t.palette.surface)
        card.bind(minimum_height=card.setter("height"))
        text = t.palette.text
        if self.state == "called" and self.called_at is not None:
            card.add_widget(Text(_("A staff member has been called."), size=t.text_heading,
                                 color=text, bold=True))
            card.add_widget(Text(_("Called at {time}. Please wait here at the kiosk; staff "
                                   "will come to you.").format(
                                       time=self.called_at.strftime("%H:%M")),
                                 size=t.text_body, color=text))
        elif self.state in ("offline", "failed"):
            card.add_widget(Text(_("The call could not be sent: the kiosk cannot reach the "
                                   "centre now."), size=t.text_heading, color=text, bold=True))
            card.add_widget(Text(_("Please go to the reception desk or the nearest counter; "
                                   "staff there will help you."), size=t.text_body, color=text))
            card.add_widget(BigButton(_("Try again"), t, lambda: self._again(screen),
                                      kind="secondary", action_id="help:call_again"))
        else:
            card.add_widget(Text(_("Need a person to help you?"), size=t.text_heading,
                                 color=text, bold=True))
            button = BigButton(_("Sending the call…") if self.state == "calling" else
                               _("Call a staff member"), t, lambda: self.call(screen),
                               action_id="help:call_staff")
            button.enabled = self.state != "calling"
            card.add_widget(button)
        column.add_widget(card)

    def _again(self, screen: str) -> None:
        self.state = "idle"
        self.call(screen)
