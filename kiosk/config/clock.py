"""Times of day as the config file writes them ("22:00"): read here, below both the config
checks and the schedule that acts on them (kiosk.system.schedule)."""

from __future__ import annotations

from datetime import time


def parse_clock(text: str) -> time | None:
    """ "HH:MM" as a time of day; "" is None (not set). Raises ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{text!r} is not a time of day like 22:00")
    return time(int(hours), int(minutes))
