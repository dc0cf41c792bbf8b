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
    procedure: str
    applicant: str  # masked by the server
    status: int
    headline: str  # "Being processed – result expected on 12/12/2026"
    next_step: str
    overdue: bool
    received: str
    appointment: str
    completed: str
    history: list[tuple[str, str, str]]  # (date, status words, note)


def day(value: date | None) -> str:
    from babel.dates import format_date

    return format_date(value, "dd/MM/yyyy", locale=babel_locale()) if value else ""


def describe(dossier: Dossier, today: date, calendar: Calendar = VIETNAM) -> StatusView:
    title, step = (_(text) for text in STATUS_WORDS[dossier.status])
    headline = title
    if dossier.appointment and not dossier.status.is_closed:
        headline = _("{status} – result expected on {day}").format(
            status=title, day=day(dossier.appointment))
    overdue = dossier.is_overdue(today, calendar)
    if overdue and not dossier.status.is_closed:
        headline += " " + _("({n} days late)").format(n=dossier.days_late(today, calendar))
    next_step = step
    if dossier.note and dossier.status in (Status.SUPPLEMENT_REQUESTED,
                                           Status.PAYMENT_REQUESTED, Status.NOT_ACCEPTED):
        next_step = f"{step} {dossier.note}"
    if dossier.counter and dossier.status in (Status.SUPPLEMENT_REQUESTED, Status.PROCESSED,
                                              Status.PAYMENT_REQUESTED):
        next_step += " " + _("Go to: {counter}.").format(counter=dossier.counter)
    return StatusView(
        code=dossier.code, procedure=dossier.procedure_name or dossier.procedure_code,
        applicant=dossier.applicant_name, status=int(dossier.status), headline=headline,
        next_step=next_step.strip(), overdue=overdue, received=day(dossier.received),
        appointment=day(dossier.appointment), completed=day(dossier.completed),
        history=[(day(h.at), _(STATUS_WORDS[h.status][0]), h.note) for h in dossier.history])
