"""Dossiers (hồ sơ) handed in at the counter: status codes, dates, history, overdue.

Status codes are the ones used when syncing with the national portal. "Overdue" is not a
status: it is derived from the appointment date and today or the completion date.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import IntEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Strict, ValidationInfo, field_validator
from pydantic.dataclasses import dataclass

from kiosk.catalogue.model import (
    CHECKED,
    Day,
    Flag,
    Money,
    OptionalText,
    Record,
    Text,
    between,
    check,
    invalid,
)
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


def _status(value: Any) -> Any:
    if isinstance(value, Status):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("must be a whole number")
    if not 1 <= value <= len(Status):
        raise invalid(f"must be between 1 and {len(Status)}")
    return Status(value)


StatusCode = Annotated[Status, BeforeValidator(_status)]


def _jsonable(value: Any) -> Any:
    """Plain JSON types: tuples to lists, dates to ISO text."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True, config=CHECKED)
class HistoryEntry(Record):
    at: Day
    status: StatusCode
    note: OptionalText = ""
    handler: OptionalText = ""  # the office or officer handling this step
    deadline: Day | None = None  # when this step is due


@dataclass(frozen=True, config=CHECKED)
class Dossier(Record):
    code: Annotated[Text, AfterValidator(check(DOSSIER_CODE.match, "is not a dossier code"))]
    procedure_code: Text
    applicant_name: Text
    status: StatusCode
    received: Day
    appointment: Day | None = None
    completed: Day | None = None
    channel: Annotated[int, Strict(), between(1, 3)] = 1
    agency: OptionalText = ""
    procedure_name: OptionalText = ""
    counter: OptionalText = ""
    note: OptionalText = ""
    history: tuple[HistoryEntry, ...] = ()
    # the fee (VND) the office asks for this dossier, and whether the office has seen it
    # paid; None: no fee asked. Only the office's system says "paid", never a kiosk.
    fee: Money | None = None
    fee_paid: Flag = False

    @field_validator("appointment", "completed")
    @classmethod
    def _not_before_received(cls, day: date | None, info: ValidationInfo) -> date | None:
        received = info.data.get("received")  # absent when it is wrong itself
        if day is not None and received is not None and day < received:
            raise invalid("is before the day it was received")
        return day

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
