"""When a person has walked away: the idle rules, without Kivy, so they are testable.

After `idle_seconds` without a touch away from home, a countdown of `countdown_seconds`
offers to continue; when it runs out the session ends (home, everything cleared). On the
home screen nothing is shown to continue, but whoever went home and walked away is
forgotten after the same time ("left"), and after `attract_seconds` the attract loop
starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class IdleState:
    kind: str  # "active" | "countdown" | "expired" | "left" | "attract"
    seconds_left: int = 0


class IdleTimer:
    def __init__(self, idle_seconds: float, countdown_seconds: float, attract_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds = idle_seconds
        self.countdown_seconds = countdown_seconds
        self.attract_seconds = attract_seconds
        self.clock = clock
        self.last_touch = clock()

    def touch(self) -> None:
        self.last_touch = self.clock()

    def state(self, at_home: bool) -> IdleState:
        quiet = self.clock() - self.last_touch
        if at_home:
            if quiet >= self.attract_seconds:
                return IdleState("attract")
            if quiet >= self.idle_seconds + self.countdown_seconds:
                return IdleState("left")
            return IdleState("active")
        if quiet < self.idle_seconds:
            return IdleState("active")
        left = self.idle_seconds + self.countdown_seconds - quiet
        if left <= 0:
            return IdleState("expired")
        return IdleState("countdown", int(left + 0.999))
