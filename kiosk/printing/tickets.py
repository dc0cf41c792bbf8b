"""What the kiosk prints, laid out: the online-submission receipt, a procedure's checklist
("what to bring"), and the queue ticket. No I/O.

The content comes in already in the person's words (money, copies and times formatted by
the screen that prints it); this module decides only what goes where. Nothing personal is
ever given to it: no name, no ID number, no phone, only what the person needs to come back
(the dossier code, the procedure, dates, places).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_date, format_datetime

from kiosk.i18n import _, babel_locale
from kiosk.printing.layout import Block, Gap, Line, Qr, Rule, Ticket


@dataclass(frozen=True)
class Paper:
    """One paper to bring: its name, how many originals and copies, required or not."""

    name: str
    copies: str  # "1 original, 2 copies", already in the person's language
    required: bool = True


@dataclass(frozen=True)
class PaperGroup:
    """The papers of one case of a procedure ("" when it has only one)."""

    case: str
    papers: tuple[Paper, ...]


@dataclass(frozen=True)
class Checklist:
    """A procedure's "what to bring", so a person can prepare at home."""

    procedure: str
    code: str
    groups: tuple[PaperGroup, ...]
    fees: tuple[str, ...] = ()  # "In person — 50.000 ₫", one line each
    times: tuple[str, ...] = ()  # "In person — 5 working days", one line each
    where: tuple[str, ...] = ()  # where to hand it in, who handles it
    url: str = ""  # the procedure on the national portal (its QR)


@dataclass(frozen=True)
class SubmissionReceipt:
    """What the person needs after an online submission at the kiosk: the code to check
    the dossier with and when to come back. No applicant's name or ID number."""

    dossier_code: str
    procedure: str
    received: datetime
    appointment: date | None
    bring: tuple[Paper, ...] = ()  # the originals to show at the counter
    where: tuple[str, ...] = ()
    lookup: str = ""  # what the look-up QR holds (the bare code unless configured)


@dataclass(frozen=True)
class QueueTicket:
    """A queue number as the central API gave it (the queue screens fill this in)."""

    number: str  # "A-027", as the counter calls it
    service: str  # the service area ("Tư pháp – Hộ tịch")
    waiting: int  # people ahead when the number was taken
    issued: datetime
    counters: tuple[str, ...] = ()  # the counters that call this area
    notes: tuple[str, ...] = field(default=())


def _centre(centre: str) -> list[Block]:
    return [Line(centre, "small", align="center"), Rule()] if centre else []


def _day(value: date) -> str:
    return format_date(value, "EEEE dd/MM/yyyy", locale=babel_locale())


def _time(value: datetime) -> str:
    return format_datetime(value, "HH:mm dd/MM/yyyy", locale=babel_locale())


def _papers(papers: Iterable[Paper]) -> list[Block]:
    blocks: list[Block] = []
    for number, paper in enumerate(papers, 1):
        need = "" if paper.required else " · " + _("If it applies to you")
        blocks += [Line(f"{number}. {paper.name}", bold=True),
                   Line(f"{paper.copies}{need}", "small")]
    return blocks


def _section(title: str, lines: Iterable[str]) -> list[Block]:
    lines = [line for line in lines if line]
    if not lines:
        return []
    return [Gap(2), Line(title, bold=True), *(Line(line) for line in lines)]


def submission_receipt(receipt: SubmissionReceipt, centre: str = "") -> Ticket:
    blocks: list[Block] = [
        *_centre(centre),
        Line(_("DOSSIER RECEIPT"), "large", bold=True, align="center"),
        Line(_("Submitted online at the kiosk"), "small", align="center"),
        Gap(2),
        Line(_("Your dossier code:"), align="center"),
        Line(receipt.dossier_code, "large", bold=True, align="center", whole=True),
        Gap(2),
        Line(receipt.procedure, bold=True),
        Line(_("Received: {time}").format(time=_time(receipt.received))),
    ]
    if receipt.appointment is not None:
        blocks.append(Line(_("Result expected: {day}").format(day=_day(receipt.appointment)),
                           bold=True))
    else:
        blocks.append(Line(_("Result date: the office will tell you")))
    if receipt.bring:
        blocks += [Gap(2), Line(_("Bring the originals of these papers to the counter:"),
                                bold=True), *_papers(receipt.bring)]
    blocks += _section(_("Where"), receipt.where)
    blocks += [Gap(3), Qr(receipt.lookup or receipt.dossier_code, 32),
               Line(_("Scan this code at the kiosk or on the portal to check your dossier."),
                    "small", align="center")]
    return Ticket("receipt", tuple(blocks))


def procedure_checklist(checklist: Checklist, printed: datetime, centre: str = "") -> Ticket:
    blocks: list[Block] = [
        *_centre(centre),
        Line(_("WHAT TO BRING"), "large", bold=True, align="center"),
        Gap(2),
        Line(checklist.procedure, bold=True),
        Line(_("Procedure code {code}").format(code=checklist.code), "small"),
    ]
    for group in checklist.groups:
        blocks.append(Gap(2))
        if group.case:
            blocks += [Line(group.case, bold=True), Rule()]
        blocks += _papers(group.papers)
    if not any(group.papers for group in checklist.groups):
        blocks.append(Line(_("No papers are listed: ask at the counter.")))
    blocks += _section(_("Fees"), checklist.fees)
    blocks += _section(_("Processing time"), checklist.times)
    blocks += _section(_("Where"), checklist.where)
    if checklist.url:
        blocks += [Gap(3), Qr(checklist.url, 28),
                   Line(_("Scan to open this procedure on your phone"), "small",
                        align="center")]
    blocks += [Gap(2), Line(_("Printed {time}").format(time=_time(printed)), "small",
                            align="center")]
    return Ticket("checklist", tuple(blocks))


def queue_ticket(ticket: QueueTicket, centre: str = "") -> Ticket:
    blocks: list[Block] = [
        *_centre(centre),
        Line(_("YOUR NUMBER"), align="center"),
        Line(ticket.number, "huge", bold=True, align="center", whole=True),
        Line(ticket.service, "large", bold=True, align="center"),
    ]
    if ticket.counters:
        blocks.append(Line(_("Counters: {counters}").format(
            counters=", ".join(ticket.counters)), align="center"))
    blocks += [Gap(2),
               Line(_("People waiting before you: {n}").format(n=ticket.waiting),
                    align="center"),
               Line(_("Taken at {time}").format(time=_time(ticket.issued)), "small",
                    align="center")]
    blocks += [Line(note, "small", align="center") for note in ticket.notes]
    blocks += [Gap(2), Line(_("Please wait until your number is called."), "small",
                            align="center")]
    return Ticket("queue", tuple(blocks))
