"""The receipt: the dossier code (or the kiosk's reference while it waits to be sent, or
why it was refused), as text and as a QR code to photograph."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import _, babel_locale
from kiosk.printing.layout import Ticket
from kiosk.status.lookup import refusal_words
from kiosk.store.catalogue_store import StoreError
from kiosk.ui.printouts import PrintPanel, fee_panel, receipt_ticket
from kiosk.ui.qr import QrImage
from kiosk.ui.widgets import BigButton, Text

if TYPE_CHECKING:
    from kiosk.ui.screens.apply.screen import ApplyScreen


class ReceiptStep:
    """Drawn without the draft: by now it is in the outbox and forgotten here."""

    def __init__(self, flow: ApplyScreen) -> None:
        self.flow = flow

    def build(self) -> None:
        flow = self.flow
        t = flow.theme
        column = flow.page()
        delivery = flow.state.delivery
        if delivery is None:
            return
        code = str(delivery.answer.get("dossier_code", ""))
        if delivery.outcome == "delivered" and code:
            column.add_widget(Text(_("Your dossier has been received"), size=t.text_title,
                                   color=t.palette.online, bold=True))
            column.add_widget(flow.body(_("Your dossier code:")))
            column.add_widget(Text(code, size=t.text_title, color=t.palette.text, bold=True))
            appointment = long_date(delivery.answer.get("appointment"))
            if appointment:
                column.add_widget(flow.body(_("Expected result date: {date}").format(
                    date=appointment)))
            column.add_widget(flow.body(_("Photograph this code with your phone, or write it "
                                          "down. You need it to check your dossier.")))
            if flow.services.can_print:
                column.add_widget(PrintPanel(
                    _("Print the receipt"), t, flow.services,
                    lambda: self._receipt_ticket(code, delivery.answer), "apply:print"))
            fee = delivery.answer.get("fee")
            panel = fee_panel(t, flow.services, fee if isinstance(fee, int) else None, code)
            if panel is not None:
                column.add_widget(panel)
            if delivery.answer.get("possible_duplicate_of"):
                column.add_widget(flow.body(_("This looks like a dossier you sent before "
                                              "({code}); the staff will check that only "
                                              "one is processed.").format(
                    code=delivery.answer["possible_duplicate_of"])))
            shown = code
        elif delivery.outcome == "refused":
            column.add_widget(Text(_("Your dossier was not accepted online"),
                                   size=t.text_title, color=t.palette.accent, bold=True))
            column.add_widget(flow.body(_(refusal_words(delivery.api_code))))
            column.add_widget(flow.body(_("Please show this reference at the counter; the "
                                          "staff will help you:")))
            column.add_widget(Text(delivery.reference, size=t.text_title,
                                   color=t.palette.text, bold=True))
            shown = delivery.reference
        else:
            column.add_widget(Text(_("Your dossier is saved and will be sent"),
                                   size=t.text_title, color=t.palette.text, bold=True))
            column.add_widget(flow.body(_("The network is slow or down right now. This kiosk "
                                          "keeps your dossier safely and sends it by itself "
                                          "as soon as it can.")))
            if not flow.state.bring_at_counter:  # true only when nothing is to be brought
                column.add_widget(flow.body(_("Nothing else is needed from you.")))
            column.add_widget(flow.body(_("If you ask at the counter, show this reference:")))
            column.add_widget(Text(delivery.reference, size=t.text_title,
                                   color=t.palette.text, bold=True))
            shown = delivery.reference
        if delivery.outcome != "refused":
            self._originals(column)
        holder = AnchorLayout(size_hint_y=None, height=t.mm(62))
        holder.add_widget(QrImage(shown, t.mm(58)))
        column.add_widget(holder)
        column.add_widget(BigButton(_("Done"), t, flow.finish, action_id="apply:done"))


    def _receipt_ticket(self, code: str, answer: dict[str, Any]) -> Ticket:
        services = self.flow.services
        try:
            procedure = services.catalogue.procedure(self.flow.params.get("code", ""))
        except StoreError:
            procedure = None
        appointment = answer.get("appointment")
        try:
            due = date.fromisoformat(appointment) if isinstance(appointment, str) else None
        except ValueError:
            due = None
        return receipt_ticket(procedure, code, due, services, self.flow.state.originals)

    def _originals(self, column: GridLayout) -> None:
        """What the person chose to bring to the counter, and where and when: the receipt
        matches their choices."""
        flow = self.flow
        t = flow.theme
        papers = flow.state.bring_at_counter
        if not papers:
            return
        column.add_widget(Text(_("Bring these originals to the counter:"), size=t.text_body,
                               color=t.palette.text, bold=True))
        for name in papers:
            column.add_widget(flow.body(f"• {name}"))
        config = flow.services.config
        where = _("Where: {place}").format(place=config.kiosk.name)
        if config.help.opening_hours:
            where += " · " + _("When: {hours}").format(hours=config.help.opening_hours)
        column.add_widget(flow.body(where))


def long_date(value: Any) -> str:
    """An ISO date from the API's answer, written out in the person's language."""
    if not isinstance(value, str):
        return ""
    try:
        return format_date(date.fromisoformat(value), "full", locale=babel_locale())
    except ValueError:
        return ""
