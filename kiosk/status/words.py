"""Dossier statuses 1–10 in plain words, with what to do next, for a public screen.

Messages are English ids translated by gettext (Vietnamese by default), so the kiosk, the
`kiosk status` command and the tests say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.catalogue.dossier import Dossier, Status
from kiosk.catalogue.working_days import VIETNAM, Calendar
from kiosk.i18n import N_, _, babel_locale

STATUS_WORDS: dict[Status, tuple[str, str]] = {
    Status.NEW: (N_("Registered, waiting to be received"),
                 N_("The office will check your papers. Nothing to do for now.")),
    Status.RECEIVED: (N_("Received"),
                      N_("Your dossier has been received and will be processed.")),
    Status.NOT_ACCEPTED: (N_("Not accepted"),
                          N_("Your dossier was not accepted. Please ask at the counter why "
                             "and what to do.")),
    Status.PROCESSING: (N_("Being processed"),
                        N_("Nothing to do for now. Come back on the appointment day.")),
    Status.SUPPLEMENT_REQUESTED: (N_("More papers are needed"),
                                  N_("Bring the missing papers to the counter.")),
    Status.PAYMENT_REQUESTED: (N_("A fee must be paid"),
                               N_("Pay the fee or tax asked for, then keep the receipt.")),
    Status.WITHDRAWN: (N_("Withdrawn at your request"),
                       N_("The dossier was withdrawn. Nothing more will be done.")),
    Status.STOPPED: (N_("Processing stopped"),
                     N_("Processing was stopped. Please ask at the counter.")),
    Status.PROCESSED: (N_("Ready to collect"),
                       N_("Your result is ready. Bring your receipt and ID card to the "
                          "counter.")),
    Status.RETURNED: (N_("Result handed over"),
                      N_("The result has been handed over. Nothing more to do.")),
}


@dataclass(frozen=True)
class StatusView:
    """What the status screen and `kiosk status` show about one dossier."""

    code: str
    procedure: str  # its name; its code when the office sent no name
    applicant: str  # masked by the server
    status: int
    headline: str  # "Being processed – result expected on 12/12/2026"
    next_step: str
    overdue: bool
    received: str
    appointment: str
    completed: str
    history: list[tuple[str, str, str]]  # (date, status words, note)
    fee: int | None = None  # VND the office asks for; None: no fee asked
    fee_paid: bool = False  # as the office's records say (the kiosk never decides it)
    procedure_code: str = ""


def day(value: date | None) -> str:
    from babel.dates import format_date

    return format_date(value, "dd/MM/yyyy", locale=babel_locale()) if value else ""


def describe(dossier: Dossier, today: date, calendar: Calendar = VIETNAM,
             here_agency: str = "") -> StatusView:
    """`here_agency`: the agency of this kiosk's office, so a person sent to another office
    is told so."""
    title, step = (_(text) for text in STATUS_WORDS[dossier.status])
    headline = title
    if dossier.appointment and not dossier.status.is_closed:
        headline = _("{status} – result expected on {day}").format(
            status=title, day=day(dossier.appointment))
    overdue = dossier.is_overdue(today, calendar)
    if overdue and not dossier.status.is_closed:
        headline += " " + _("({n} working days late)").format(
            n=dossier.days_late(today, calendar))
    next_step = _what_to_do(dossier, step, today, overdue, here_agency)
    return StatusView(
        code=dossier.code, procedure=dossier.procedure_name or dossier.procedure_code,
        applicant=dossier.applicant_name, status=int(dossier.status), headline=headline,
        next_step=next_step.strip(), overdue=overdue, received=day(dossier.received),
        appointment=day(dossier.appointment), completed=day(dossier.completed),
        history=[(day(h.at), _(STATUS_WORDS[h.status][0]), h.note) for h in dossier.history],
        fee=dossier.fee, fee_paid=dossier.fee_paid, procedure_code=dossier.procedure_code)


def _what_to_do(dossier: Dossier, step: str, today: date, overdue: bool,
                here_agency: str) -> str:
    """The next step in plain words, with what the agency's history says: who handles the
    dossier now and by when a step is due."""
    status, latest = dossier.status, (dossier.history[-1] if dossier.history else None)
    handler = latest.handler if latest else ""
    parts = [step]
    if dossier.note and status in (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED,
                                   Status.NOT_ACCEPTED):
        parts.append(dossier.note)  # which paper, or which fee
    due = dossier.due()
    if status == Status.PROCESSED and due is not None and today >= due:
        where = dossier.counter or _("the counter")
        parts = [_("The result is ready: go to {counter}, and bring your receipt (giấy hẹn) "
                   "and your ID card (thẻ căn cước).").format(counter=where)]
    elif dossier.counter and status in (Status.SUPPLEMENT_REQUESTED, Status.PROCESSED,
                                        Status.PAYMENT_REQUESTED) \
            and not _names(" ".join(parts), dossier.counter):
        # the office's note often says it already ("mang đến Quầy số 1"): once is enough
        parts.append(_("Go to: {counter}.").format(counter=dossier.counter))
    if status in (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED) and latest \
            and latest.status == status:
        if latest.deadline:
            parts.append(_("Please do it by {day}.").format(day=day(latest.deadline)))
        elsewhere = dossier.agency and here_agency and dossier.agency != here_agency
        if handler:
            parts.append(_("Handled by: {office}.").format(office=handler))
        if elsewhere:
            parts.append(_("This is not this office: go to the office named above, not "
                           "the counter here."))
    if overdue and not status.is_closed:
        parts.append(_("We are sorry that your dossier is late."))
        new = latest.deadline if latest and latest.deadline and dossier.appointment \
            and latest.deadline > dossier.appointment else None
        if new:
            parts.append(_("The office now expects the result on {day}.").format(
                day=day(new)))
        parts.append(_("To ask about it: {who}.").format(
            who=handler or dossier.counter or _("the counter of the office")))
    return " ".join(p.strip() for p in parts if p.strip())


def _names(text: str, counter: str) -> bool:
    """Whether `text` already names the counter (case and spacing aside)."""
    return " ".join(counter.split()).casefold() in " ".join(text.split()).casefold()
