"""Times of day the kiosk keeps: the display's night sleep and the nightly restart.

Plain functions on local wall-clock times, so they are tested without waiting for night.
A window such as 22:00-06:30 runs over midnight; an empty setting means "never".
"""

from __future__ import annotations

import logging
import shlex
import subprocess
from datetime import datetime, time, timedelta

log = logging.getLogger(__name__)


def in_window(now: time, start: time | None, end: time | None) -> bool:
    """Whether `now` is in [start, end), which may run over midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def restart_due(now: datetime, started: datetime, at: time | None) -> bool:
    """Whether the daily restart time has come since the process started."""
    if at is None:
        return False
    last = datetime.combine(now.date(), at, now.tzinfo)
    if last > now:
        last -= timedelta(days=1)
    return started < last <= now


def run_quietly(command: str) -> None:
    """Start an operator-configured command (e.g. turning the panel off) without a shell
    and without waiting for it; a missing program is logged, never raised."""
    if not command.strip():
        return
    try:
        subprocess.Popen(shlex.split(command), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except (OSError, ValueError) as err:
        log.warning("display command %r failed: %s", command, err)
