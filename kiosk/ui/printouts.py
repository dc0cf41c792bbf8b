"""What the screens print and the fee QR they show: the procedure's checklist and the
submission receipt put in the person's words, the print button with what the printer
said, and the VietQR panel for a fee.

The layouts themselves are in kiosk/printing/tickets.py (no Kivy); here they are filled in
from the catalogue with the same words the screens use.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from kivy.clock import Clock
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.catalogue.model import Procedure
from kiosk.i18n import N_, _
from kiosk.printing.device import PrinterState
from kiosk.printing.layout import Ticket
from kiosk.printing.tickets import (
    Checklist,
    Paper,
    PaperGroup,
    SubmissionReceipt,
    procedure_checklist,
    submission_receipt,
)
from kiosk.ui.formatting import copies_text, method_name, money, processing_time
from kiosk.ui.qr import QrImage
from kiosk.ui.services import KioskServices
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import BigButton, Surface, Text

# what the person is told, by the printer's condition
PRINTER_WORDS = {
    "ready": N_("Printed. Please take your paper from the printer."),
    "paper_low": N_("Printed. Please take your paper from the printer."),
    "paper_out": N_("The printer is out of paper."),
    "cover_open": N_("The printer's cover is open."),
    "offline": N_("The printer is not working right now."),
    "absent": N_("The printer is not working right now."),
    "failed": N_("The printer is not working right now."),
    "off": N_("This kiosk has no printer."),
}
INSTEAD = N_("Please photograph the QR code on the screen with your phone instead, or ask "
             "the staff at the counter.")


def _groups(procedure: Procedure) -> tuple[PaperGroup, ...]:
    """The papers of each case (a procedure with several cases lists each under its
    name, as the detail screen does)."""
    return tuple(PaperGroup(case.name if len(procedure.cases) > 1 else "",
                            tuple(Paper(c.name, copies_text(c), c.required)
                                  for c in case.components))
                 for case in procedure.cases)


def _where(procedure: Procedure) -> tuple[str, ...]:
    lines = []
    if procedure.agency.receiving_address:
        lines.append(_("Hand in at: {place}").format(place=procedure.agency.receiving_address))
    if procedure.agency.executing:
        lines.append(_("Handled by: {agency}").format(agency=procedure.agency.executing))
    return tuple(lines)


def checklist_ticket(procedure: Procedure, services: KioskServices,
                     now: datetime | None = None) -> Ticket:
    """The detail screen's "what to bring", fees, time and place, to prepare at home."""
    fees = []
    for channel in procedure.channels:
        amounts = [money(f.amount) + (f": {f.description}" if f.description and f.amount
                                      else "") for f in channel.fees] or [_("Free")]
        fees.append(f"{method_name(channel.method)}: {'; '.join(amounts)}")
    times = [f"{method_name(c.method)}: {processing_time(c)}" for c in procedure.channels]
    return procedure_checklist(
        Checklist(procedure.name, procedure.code, _groups(procedure), tuple(fees),
                  tuple(times), _where(procedure), services.procedure_url(procedure)),
        now or datetime.now(), services.config.kiosk.name)


def receipt_ticket(procedure: Procedure | None, dossier_code: str, appointment: date | None,
                   services: KioskServices, originals: tuple[Paper, ...] = (),
                   received: datetime | None = None) -> Ticket:
    """The receipt after an online submission: the code, dates, the originals to show at
    the counter, where."""
    return submission_receipt(
        SubmissionReceipt(dossier_code, procedure.name if procedure else "",
                          received or datetime.now(), appointment, originals,
                          _where(procedure) if procedure else ()),
        services.config.kiosk.name)


class PrintPanel(BoxLayout):
    """A print button and, under it, what the printer said. Shown only where a printer
    is configured; a printer out of order sends the person to the on-screen QR code."""

    def __init__(self, label: str, theme: Theme, services: KioskServices,
                 make: Callable[[], Ticket], action_id: str, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", size_hint_y=None, spacing=theme.mm(1),
                         **kwargs)
        self.services = services
        self.theme = theme
        self.make = make
        self.button = BigButton(label, theme, self._print, kind="secondary",
                                action_id=action_id)
        self.note = Text("", size=theme.text_small, color=theme.palette.text)
        self.state: PrinterState | None = None
        self.add_widget(self.button)
        self.add_widget(self.note)
        self.bind(minimum_height=self.setter("height"))

    def _print(self) -> None:
        self.button.enabled = False
        self.note.text = _("Printing…")
        self.services.print_ticket(self.make(),
                                   lambda state: Clock.schedule_once(lambda _: self._done(state)))

    def _done(self, state: PrinterState) -> None:
        self.state = state
        self.button.enabled = True
        words = _(PRINTER_WORDS[state.condition])
        self.note.text = words if state.can_print else f"{words} {_(INSTEAD)}"
        self.note.bold = not state.can_print
        self.note.color = self.theme.palette.text if state.can_print else \
            self.theme.palette.accent


def fee_panel(theme: Theme, services: KioskServices, amount: int | None, purpose: str,
              paid: bool = False) -> Surface | None:
    """The fee and how to pay it by bank transfer (VietQR), or that the office has it
    paid; None when there is no amount or no account to pay to, or when the dossier
    (`purpose`, its code) is another agency's: the account is this centre's. The kiosk
    never decides "paid": that word comes only from the central API's status."""
    t = theme
    if not amount:
        return None
    card = Surface(orientation="vertical", size_hint_y=None, background=t.palette.surface,
                   radius=t.mm(2), padding=t.mm(4), spacing=t.mm(2))
    card.bind(minimum_height=card.setter("height"))
    if paid:
        card.add_widget(Text(_("Fee {amount}: paid (the office has received it)").format(
            amount=money(amount)), size=t.text_body, color=t.palette.online, bold=True))
        return card
    agency = services.config.kiosk.agency
    if not agency or not purpose.startswith(f"{agency}-"):
        return None
    payload = services.fee_qr(amount, purpose)
    if payload is None:
        return None
    payment = services.config.payment
    card.add_widget(Text(_("Fee to pay: {amount}").format(amount=money(amount)),
                         size=t.text_heading, color=t.palette.text, bold=True))
    card.add_widget(Text(_("Scan with your bank's app to pay by transfer (VietQR)."),
                         size=t.text_body, color=t.palette.text))
    holder = AnchorLayout(size_hint_y=None, height=t.mm(58))
    holder.add_widget(QrImage(payload, t.mm(55)))
    card.add_widget(holder)
    for line in (_("Account: {name}").format(name=payment.account_name) if
                 payment.account_name else "",
                 _("Account number: {account}").format(account=payment.account),
                 _("Transfer message: {code}").format(code=purpose)):
        if line:
            card.add_widget(Text(line, size=t.text_small, color=t.palette.text))
    card.add_widget(Text(_("This kiosk does not see payments: check your dossier later. It "
                           "shows the fee as paid once the office has received it."),
                         size=t.text_small, color=t.palette.muted))
    return card
