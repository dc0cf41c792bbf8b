"""Dossiers (hồ sơ) handed in at the counter: status codes, dates, history, overdue.

Status codes are the ones used when syncing with the national portal. "Overdue" is not a
status: it is derived from the appointment date and today or the completion date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from kiosk.catalogue.model import ValidationError, _jsonable, _Reader
from kiosk.catalogue.working_days import VIETNAM, Calendar, next_working_day, working_days_between

# agency id (e.g. 000.00.20.H29 or 38.98.H29), receipt date YYMMDD, sequence number
DOSSIER_CODE = re.compile(r"^(?P<agency>[0-9A-Z]{1,4}(?:\.[0-9A-Z]{1,4}){1,4})"
                          r"-(?P<day>\d{6})-(?P<seq>\d{4,6})$")


class Status(IntEnum):
    NEW = 1
    RECEIVED = 2
    NOT_ACCEPTED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUESTED = 6
    WITHDRAWN = 7
    STOPPED = 8
    PROCESSED = 9
    RETURNED = 10

    @property
    def is_closed(self) -> bool:
        """No more work will be done on the dossier, so a due date no longer runs."""
        return self in (Status.NOT_ACCEPTED, Status.WITHDRAWN, Status.STOPPED,
                        Status.PROCESSED, Status.RETURNED)


CHANNELS = {1: "in_person", 2: "online", 3: "postal"}


@dataclass(frozen=True)
class HistoryEntry:
    at: date
    status: Status
    note: str = ""
    handler: str = ""  # the office or officer handling this step
    deadline: date | None = None  # when this step is due

    @classmethod
    def from_dict(cls, data: Any, path: str) -> HistoryEntry:
        r = _Reader(data, path)
        return cls(r.day("at"), Status(r.integer("status", low=1, high=10)),
                   r.text("note", required=False, empty=True),
                   r.text("handler", required=False, empty=True),
                   r.day("deadline", required=False))


@dataclass(frozen=True)
class Dossier:
    code: str
    procedure_code: str
    applicant_name: str
    status: Status
    received: date
    appointment: date | None = None
    completed: date | None = None
    channel: int = 1
    agency: str = ""
    procedure_name: str = ""
    counter: str = ""
    note: str = ""
    history: tuple[HistoryEntry, ...] = ()
    # the fee (VND) the office asks for this dossier, and whether the office has seen it
    # paid; None: no fee asked. Only the office's system says "paid", never a kiosk.
    fee: int | None = None
    fee_paid: bool = False

    @classmethod
    def from_dict(cls, data: Any, path: str = "dossier") -> Dossier:
        r = _Reader(data, path)
        code = r.text("code")
        if not DOSSIER_CODE.match(code):
            raise ValidationError(r._at("code"), "is not a dossier code")
        dossier = cls(
            code=code, procedure_code=r.text("procedure_code"),
            applicant_name=r.text("applicant_name"),
            status=Status(r.integer("status", low=1, high=10)),
            received=r.day("received"),
            appointment=r.day("appointment", required=False),
            completed=r.day("completed", required=False),
            channel=r.integer("channel", required=False, low=1, high=3) or 1,
            agency=r.text("agency", required=False, empty=True),
            procedure_name=r.text("procedure_name", required=False, empty=True),
            counter=r.text("counter", required=False, empty=True),
            note=r.text("note", required=False, empty=True),
            history=r.objects("history", HistoryEntry.from_dict, required=False),
            fee=r.integer("fee", required=False, low=0, high=10**12),
            fee_paid=r.flag("fee_paid", default=False),
        )
        if dossier.appointment and dossier.appointment < dossier.received:
            raise ValidationError(r._at("appointment"), "is before the day it was received")
        if dossier.completed and dossier.completed < dossier.received:
            raise ValidationError(r._at("completed"), "is before the day it was received")
        return dossier

    def to_dict(self) -> dict[str, Any]:
        return _jsonable({
            "code": self.code, "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name, "applicant_name": self.applicant_name,
            "status": int(self.status), "received": self.received,
            "appointment": self.appointment, "completed": self.completed,
            "channel": self.channel, "agency": self.agency, "counter": self.counter,
            "note": self.note,
            "history": [{"at": h.at, "status": int(h.status), "note": h.note,
                         **({"handler": h.handler} if h.handler else {}),
                         **({"deadline": h.deadline} if h.deadline else {})}
                        for h in self.history],
            **({"fee": self.fee, "fee_paid": self.fee_paid} if self.fee is not None else {}),
        })

    def due(self, calendar: Calendar = VIETNAM) -> date | None:
        """The appointment as the office can keep it: an appointment set on a day off
        (a holiday the agency's system did not know) falls due on the next working day."""
        return None if self.appointment is None else next_working_day(self.appointment,
                                                                      calendar)

    def is_overdue(self, today: date, calendar: Calendar = VIETNAM) -> bool:
        """Past the appointment: still open after it, or completed later than it."""
        due = self.due(calendar)
        if due is None:
            return False
        if self.completed is not None:
            return self.completed > due
        if self.status.is_closed:
            return False
        return today > due

    def days_late(self, today: date, calendar: Calendar = VIETNAM) -> int:
        """Working days past the appointment (a weekend does not make a dossier later)."""
        due = self.due(calendar)
        if due is None or not self.is_overdue(today, calendar):
            return 0
        return max(1, working_days_between(due, self.completed or today, calendar))


def mask_name(full_name: str) -> str:
    """Hide a person's name on a public screen: "Nguyễn Văn An" -> "Nguyễn V** A**".

    The family name stays (it is shared by millions); every other word keeps its first
    letter, so the owner recognises it and a bystander learns little.
    """
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0], *(w[0] + "**" for w in words[1:])])


def dossier_code(agency: str, received: date, seq: int) -> str:
    return f"{agency}-{received:%y%m%d}-{seq:04d}"
