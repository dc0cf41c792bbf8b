"""Where a dossier stands, in large plain words, with what to do next and its history; or,
for the reference on a kiosk's slip, that the submission waits to be sent or was refused."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import _
from kiosk.status.lookup import GO_TO_COUNTER, Lookup
from kiosk.status.words import StatusView
from kiosk.store.catalogue_store import StoreError
from kiosk.ui.printouts import fee_panel
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Surface, Text, grow_row


class StatusScreen(KioskScreen):
    def _procedure_name(self, view: StatusView) -> str:
        """The procedure's name; where the office sent only its code, the name from the
        kiosk's catalogue (a code such as "1.001776" means nothing to a person)."""
        if view.procedure and view.procedure != view.procedure_code:
            return view.procedure
        try:
            known = self.services.catalogue.procedure(view.procedure_code)
        except StoreError:
            known = None
        return known.name if known is not None else _("Your dossier")

    def refresh(self) -> None:
        t = self.theme
        view: StatusView | None = self.params.get("view")
        submission: Lookup | None = self.params.get("submission")
        screen = self.backdrop("vertical")
        column = self.scrolling_column(screen)
        # portrait: the buttons at the foot of the screen, where the bottom bar is and a
        # hand reaches from a wheelchair (under a short text they left half the screen
        # blank below them); landscape: after the text
        self.foot = screen if self.theme.portrait else column
        if submission is not None:
            self._submission(column, submission)
            return
        if view is None:
            self.nav.home()
            return
        column.add_widget(Text(self._procedure_name(view), size=t.text_heading,
                               color=t.palette.text, bold=True))
        column.add_widget(self.body(_("Dossier {code} · {name}").format(
            code=view.code, name=view.applicant), muted=True))
        if view.procedure_code:  # for the counter, small: the name is what people read
            column.add_widget(Text(_("Procedure code {code}").format(
                code=view.procedure_code), size=t.text_small, color=t.palette.muted))
        if self.params.get("reference"):
            column.add_widget(self.body(_("Sent from a kiosk with the reference "
                                          "{reference}.").format(
                reference=self.params["reference"]), muted=True))
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
        fee = fee_panel(t, self.services, view.fee, view.code, view.fee_paid)
        if fee is not None:
            column.add_widget(fee)
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
        self.foot.add_widget(grow_row(row, t))

    def _submission(self, column: GridLayout, found: Lookup) -> None:
        """A submission known by its slip: still waiting in this kiosk, or refused."""
        t = self.theme
        refused = found.outcome == "refused"
        column.add_widget(self.body(_("Reference {reference}").format(
            reference=found.reference), muted=True))
        card = Surface(orientation="vertical", size_hint_y=None, radius=t.mm(2),
                       padding=t.mm(5), spacing=t.mm(2),
                       background=t.palette.accent if refused else t.palette.primary)
        card.bind(minimum_height=card.setter("height"))
        colour = t.palette.accent_text if refused else t.palette.primary_text
        card.add_widget(Text(_("Not accepted online") if refused else
                             _("Waiting to be sent"), size=t.text_title, color=colour,
                             bold=True))
        column.add_widget(card)
        column.add_widget(self.heading(_("What to do next")))
        if refused:
            column.add_widget(self.body(_(found.message) + " " + _(found.why)))
            column.add_widget(self.body(_(GO_TO_COUNTER)))
        else:
            column.add_widget(self.body(_(found.message)))
        self.foot.add_widget(BigButton(_("Done"), t, self.nav.home, action_id="status:done"))
