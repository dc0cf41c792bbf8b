"""Catalogue values as a person reads them: money, processing times, channels, levels.

No Kivy here. Money and numbers are formatted by babel in the current language's locale.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from kiosk.catalogue.model import Channel, Component, Fee, Procedure
from kiosk.catalogue.working_days import Calendar, due_date
from kiosk.i18n import N_, _, babel_locale, ngettext

METHOD_NAMES = {"in_person": N_("In person"), "online": N_("Online"),
                "postal": N_("By post")}
LEVEL_NAMES = {"national": N_("National"), "province": N_("Province"),
               "district": N_("District (before 7/2025)"), "commune": N_("Commune / ward")}
# a processing time in its unit: "{n}" is the number as the language writes it
DURATIONS: dict[str, Callable[[float], str]] = {
    "working_day": lambda n: ngettext("{n} working day", "{n} working days", n),
    "day": lambda n: ngettext("{n} day", "{n} days", n),
    "hour": lambda n: ngettext("{n} hour", "{n} hours", n),
    "month": lambda n: ngettext("{n} month", "{n} months", n),
}


def money(amount: int | None) -> str:
    if amount is None:
        return _("depends on the case")
    if amount == 0:
        return _("Free")
    return format_currency(amount, "VND", locale=babel_locale())


def fee_text(fee: Fee) -> str:
    return money(fee.amount)


def channel_fees(channel: Channel) -> str:
    """One line for a channel's fees: "Free", "50.000 ₫", or "from 2.000 ₫".

    The lệ phí (the charge for the procedure itself) is what a person means by "what does
    it cost"; a phí for extras such as additional copies is shown on the detail screen.
    """
    fees = [f for f in channel.fees if f.kind == "le_phi"] or list(channel.fees)
    amounts = [f.amount for f in fees]
    if not amounts or all(a == 0 for a in amounts):
        return _("Free")
    known = [a for a in amounts if a]
    if None in amounts or len(set(known)) > 1:
        return _("from {amount}").format(amount=money(min(known))) if known else money(None)
    return money(known[0])


def processing_time(channel: Channel) -> str:
    n = channel.time
    if n is None:  # only described: the note under the line says it
        return _("Not stated")
    if n == 0:
        return _("same day")
    shown = format_decimal(n, locale=babel_locale())
    return DURATIONS[channel.time_unit](n).format(n=shown)


def method_name(method: str) -> str:
    return _(METHOD_NAMES[method])


def level_name(level: str) -> str:
    return _(LEVEL_NAMES.get(level, level))


def level_names(procedure: Procedure) -> str:
    return ", ".join(level_name(level) for level in procedure.levels)


def summary_channel(procedure: Procedure) -> Channel:
    """The channel a row in a list summarises: in person if offered, else the first."""
    return procedure.channel("in_person") or procedure.channels[0]


def originals_count(n: int) -> str:
    return ngettext("{n} original", "{n} originals", n).format(n=n)


def copies_count(n: int) -> str:
    return ngettext("{n} copy", "{n} copies", n).format(n=n)


def pages_photographed(n: int) -> str:
    return ngettext("{n} page photographed", "{n} pages photographed", n).format(n=n)


def copies_text(component: Component) -> str:
    parts = []
    if component.originals:
        parts.append(originals_count(component.originals))
    if component.copies:
        parts.append(copies_count(component.copies))
    return ", ".join(parts) or _("bring it to show")


def day(value: date) -> str:
    return format_date(value, "dd/MM/yyyy", locale=babel_locale())


def weekday_date(day: date) -> str:
    """"Thứ Năm 10/12/2026": the weekday tells a person at once whether it suits them."""
    return format_date(day, "EEEE dd/MM/yyyy", locale=babel_locale())


def expected_today(channel: Channel, now: datetime, calendar: Calendar) -> str:
    """When a dossier handed in now by this channel should have its result; only for a
    channel with a time (one given only in words has no date: the office sets it)."""
    assert channel.time is not None, "a time given only in words has no date"
    return _("Handed in today: result expected on {day}").format(
        day=weekday_date(due_date(now, channel.time, channel.time_unit, calendar)))
