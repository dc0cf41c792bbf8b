"""Where a dossier stands, in large plain words, with what to do next and its history."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import _
from kiosk.status.words import StatusView
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Surface, Text


class StatusScreen(KioskScreen):
    def refresh(self) -> None:
        t = self.theme
        view: StatusView | None = self.params.get("view")
        column = self.page()
        if view is None:
            self.nav.home()
            return
        column.add_widget(Text(view.procedure, size=t.text_heading, color=t.palette.text,
                               bold=True))
        column.add_widget(self.body(_("Dossier {code} · {name}").format(
            code=view.code, name=view.applicant), muted=True))
        card = Surface(orientation="vertical", size_hint_y=None, radius=t.mm(2),
                       padding=t.mm(5), spacing=t.mm(2),
                       background=t.palette.accent if view.overdue else t.palette.primary)
        card.bind(minimum_height=card.setter("height"))
        colour = t.palette.accent_text if view.overdue else t.palette.primary_text
        card.add_widget(Text(view.headline, size=t.text_title, color=colour, bold=True))
        if view.overdue:
            card.add_widget(Text(_("This dossier is past its appointment date."),
                                 size=t.text_body, color=colour))
        column.add_widget(card)
        column.add_widget(self.heading(_("What to do next")))
        column.add_widget(self.body(view.next_step))
        dates = [(_("Received"), view.received), (_("Appointment"), view.appointment),
                 (_("Completed"), view.completed)]
        column.add_widget(self.body("   ·   ".join(f"{label}: {value}"
                                                   for label, value in dates if value)))
        if view.history:
            column.add_widget(self.heading(_("History")))
            for when, words, note in view.history:
                column.add_widget(self.body(f"{when}  —  {words}" + (f": {note}" if note
                                                                      else "")))
        row = BoxLayout(size_hint_y=None, height=t.button, spacing=t.gap)
        if self.services.can_submit:
            row.add_widget(BigButton(_("Rate our service"), t, lambda: self.nav.go(
                "rate", dossier_code=view.code), kind="secondary", action_id="status:rate"))
        row.add_widget(BigButton(_("Done"), t, self.nav.home, action_id="status:done"))
        column.add_widget(row)
