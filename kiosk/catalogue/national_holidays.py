"""Vietnam's public holidays and official swaps for one year, from the `holidays` package,
and the year's table as JSON (a few hundred bytes).

Importing `holidays` loads the calendars of some 250 countries: ~15 MB of Python objects
that stay in the process for good. The kiosk therefore asks for each year's table in a
short-lived process (kiosk/system/holidays_apart.py, which sends it here as JSON); the
reference API and the command line ask here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class NationalYear:
    """A year's days off by name, and the weekend days worked in exchange for one."""

    names: dict[date, str]
    working_weekend: frozenset[date]
    weekend: frozenset[int]  # weekday numbers, Monday 0

    def name(self, day: date) -> str:
        return self.names.get(day, "")

    def is_working_day(self, day: date) -> bool:
        if day.weekday() in self.weekend:
            return day in self.working_weekend
        return day not in self.names


def asked_here(year: int) -> NationalYear:
    """The year's table from the `holidays` package, imported into this process."""
    import holidays

    table = holidays.country_holidays("VN", years=year, language="vi")
    return NationalYear({day: str(name) for day, name in table.items()},
                        frozenset(d for d in table.weekend_workdays if d.year == year),
                        frozenset(table.weekend))


def to_json(year: NationalYear) -> str:
    return json.dumps({"names": {d.isoformat(): n for d, n in sorted(year.names.items())},
                       "working_weekend": sorted(d.isoformat() for d in year.working_weekend),
                       "weekend": sorted(year.weekend)}, ensure_ascii=False)


def from_json(text: str) -> NationalYear:
    data = json.loads(text)
    return NationalYear({date.fromisoformat(d): str(n) for d, n in data["names"].items()},
                        frozenset(date.fromisoformat(d) for d in data["working_weekend"]),
                        frozenset(int(w) for w in data["weekend"]))
