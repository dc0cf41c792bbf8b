"""Vietnam's public holidays and official swaps for one year, asked of the `holidays`
package in a short-lived process of its own.

Importing `holidays` loads the calendars of some 250 countries: ~15 MB of Python objects
that would stay in a process for good, for the fourteen dates a year it needs (measured
with the soak benchmark: the kiosk's resident memory after its warm-up was ~14 MB lower
without it; README.md, "Memory"). A year's table, a few hundred bytes, comes back as
JSON from `python -m kiosk.catalogue.national_holidays YEAR` (~0.2 s, once a year per
process). Where no process can be started, the package is asked in this one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import date

SECONDS = 60  # a loaded kiosk starts Python and the package in well under this


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


def _to_json(year: NationalYear) -> str:
    return json.dumps({"names": {d.isoformat(): n for d, n in sorted(year.names.items())},
                       "working_weekend": sorted(d.isoformat() for d in year.working_weekend),
                       "weekend": sorted(year.weekend)}, ensure_ascii=False)


def _from_json(text: str) -> NationalYear:
    data = json.loads(text)
    return NationalYear({date.fromisoformat(d): str(n) for d, n in data["names"].items()},
                        frozenset(date.fromisoformat(d) for d in data["working_weekend"]),
                        frozenset(int(w) for w in data["weekend"]))


def asked_apart(year: int) -> NationalYear:
    """The year's table, computed in a process of its own; in this one if that fails."""
    try:
        done = subprocess.run([sys.executable, "-m", __name__, str(year)], check=True,
                              capture_output=True, timeout=SECONDS)
        return _from_json(done.stdout.decode("utf-8"))
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return asked_here(year)


if __name__ == "__main__":
    print(_to_json(asked_here(int(sys.argv[1]))))
