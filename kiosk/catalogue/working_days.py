"""Working days and appointment dates: one calendar for the kiosk and the reference API.

Offices work Monday to Friday, minus Vietnam's public holidays, with the government's swaps
(a day off moved onto a weekday, a Saturday made a working day in exchange): the `holidays`
package's Vietnam calendar has both. A province's own extra days off or working days come
from the config's [calendar] section. A dossier received after the cut-off hour (15:00) or
on a day off counts from the next working day; N working days later is the appointment, and
N = 0 is that start day. Pure functions: nothing here reads a clock or a file. The
national holidays come from `take_national_holidays_from`'s source: the `holidays` package
in this process unless the kiosk says otherwise (kiosk/system/holidays_apart.py).
"""

from __future__ import annotations

import calendar as monthly
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from kiosk.catalogue.national_holidays import NationalYear, asked_here

UNITS = ("working_day", "day", "hour", "month")
HOURS_PER_DAY = 8  # a working day, for processing times given in hours
# a bound on the search for the next working day: no calendar has a month of days off
_LONGEST_BREAK = 60


@dataclass(frozen=True)
class Calendar:
    """Vietnam's working days with a province's own changes on top."""

    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)
    # received at or after this time of day: counts from the next working day
    cutoff: time = time(15, 0)

    @classmethod
    def of(cls, days_off: Iterable[str] = (), working_days: Iterable[str] = (),
           cutoff: str = "15:00") -> Calendar:
        """From config text: ISO dates and "HH:MM"; raises ValueError naming the bad one."""
        return cls(frozenset(_iso(text) for text in days_off),
                   frozenset(_iso(text) for text in working_days), _clock(cutoff))


VIETNAM = Calendar()


def _iso(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-12-31") from None


def _clock(text: str) -> time:
    try:
        hour, minute = (int(part) for part in text.strip().split(":"))
        return time(hour, minute)
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day like 15:00") from None


_source: Callable[[int], NationalYear] = asked_here


def take_national_holidays_from(source: Callable[[int], NationalYear]) -> None:
    """Where a year's national holidays come from from now on (the kiosk: a short-lived
    process, so that the package's ~15 MB stay out of it)."""
    global _source
    if source is not _source:  # each of the kiosk's services says so: the tables stay
        _source = source
        _national.cache_clear()


@lru_cache(maxsize=64)
def _national(year: int) -> NationalYear:
    return _source(year)  # on first use of a year, not at import: ~80 ms before a frame


def holiday_name(day: date) -> str:
    """The public holiday's Vietnamese name, or "" on an ordinary day."""
    return _national(day.year).name(day)


def is_working_day(day: date, calendar: Calendar = VIETNAM) -> bool:
    if day in calendar.working_days:
        return True
    if day in calendar.days_off:
        return False
    return _national(day.year).is_working_day(day)


def next_working_day(day: date, calendar: Calendar = VIETNAM) -> date:
    """The first working day on or after `day`."""
    for offset in range(_LONGEST_BREAK):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, calendar):
            return candidate
    raise ValueError(f"no working day within {_LONGEST_BREAK} days of {day}")


def previous_working_day(day: date, calendar: Calendar = VIETNAM) -> date:
    """The last working day on or before `day`."""
    for offset in range(_LONGEST_BREAK):
        candidate = day - timedelta(days=offset)
        if is_working_day(candidate, calendar):
            return candidate
    raise ValueError(f"no working day within {_LONGEST_BREAK} days before {day}")


def start_day(received: datetime | date, calendar: Calendar = VIETNAM) -> date:
    """The day counting starts from: the day received, or the next working day when it
    came on a day off or at or after the cut-off hour."""
    day = received.date() if isinstance(received, datetime) else received
    if isinstance(received, datetime) and received.time() >= calendar.cutoff:
        day += timedelta(days=1)
    return next_working_day(day, calendar)


def add_working_days(start: date, count: int, calendar: Calendar = VIETNAM) -> date:
    """`count` working days after `start` (itself a working day); 0: `start`."""
    if count < 0:
        raise ValueError("a processing time is not negative")
    day = start
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1), calendar)
    return day


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, monthly.monthrange(year, month + 1)[1]))


def due_date(received: datetime | date, amount: float, unit: str = "working_day",
             calendar: Calendar = VIETNAM) -> date:
    """The appointment for a dossier received then, taking `amount` of `unit`.

    working_day: counted in working days from the start day; hour: whole working days of
    8 hours; day and month: calendar time from the start day, moved onto the next working
    day when it ends on a day off (nobody is asked to come to a closed office).
    """
    if unit not in UNITS:
        raise ValueError(f"unknown time unit {unit!r} (one of {', '.join(UNITS)})")
    if amount < 0 or math.isnan(amount):
        raise ValueError("a processing time is not negative")
    start = start_day(received, calendar)
    if unit == "working_day":
        return add_working_days(start, math.ceil(amount), calendar)
    if unit == "hour":
        return add_working_days(start, math.ceil(amount / HOURS_PER_DAY), calendar)
    if unit == "day":
        return next_working_day(start + timedelta(days=math.ceil(amount)), calendar)
    return next_working_day(_add_months(start, math.ceil(amount)), calendar)


def working_days_between(first: date, last: date, calendar: Calendar = VIETNAM) -> int:
    """Working days after `first` up to and including `last` (0 when `last` <= `first`)."""
    count = 0
    day = first + timedelta(days=1)
    while day <= last:
        count += is_working_day(day, calendar)
        day += timedelta(days=1)
    return count
