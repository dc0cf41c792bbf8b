"""Vietnam's national holidays asked of the `holidays` package in a short-lived process.

Importing `holidays` loads the calendars of some 250 countries: ~15 MB of Python objects
that would stay in the kiosk for good, for the fourteen dates a year it needs (measured
with the soak benchmark: the kiosk's resident memory after its warm-up was ~14 MB lower
without it; README.md, "Memory"). A year's table comes back as JSON from
`python -m kiosk.system.holidays_apart YEAR` (~0.2 s, once a year per process). Where no
process can be started, the package is asked in the kiosk's own.
"""

from __future__ import annotations

import subprocess
import sys

from kiosk.catalogue.national_holidays import NationalYear, asked_here, from_json, to_json
from kiosk.catalogue.working_days import take_national_holidays_from

SECONDS = 60  # a loaded kiosk starts Python and the package in well under this


def asked_apart(year: int) -> NationalYear:
    """The year's table, computed in a process of its own; in this one if that fails."""
    try:
        done = subprocess.run([sys.executable, "-m", __name__, str(year)], check=True,
                              capture_output=True, timeout=SECONDS)
        return from_json(done.stdout.decode("utf-8"))
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return asked_here(year)


def use() -> None:
    """The working-day calendar takes its national holidays from here from now on."""
    take_national_holidays_from(asked_apart)


if __name__ == "__main__":
    print(to_json(asked_here(int(sys.argv[1]))))
