"""Rate limits keyed by any string: "at most N events per window", thread-safe, bounded memory.

The reference API keys them by API key, by remote address, by (dossier, client) -- whatever
a route needs; a later look-up (by citizen ID number, say) makes a `RateLimit` of its own
and keys it the same way.

Each key keeps one number, its "theoretical arrival time" (the generic cell rate algorithm,
GCRA): every event pushes it `window / limit` seconds further, and an event is refused
while it lies more than `window` ahead of now. That is a sliding window with no steps at
window edges: up to `limit` events at once, then one every `window / limit` seconds, and
the refusal says exactly when the next event would be allowed (`Retry-After`).

Memory is bounded: at most `max_keys` keys are kept, in least-recently-used order; keys
whose window has passed are forgotten first, and past `max_keys` the least recently used
live key is forgotten too (whoever owns it gets a fresh allowance: an attacker needs that
many distinct keys -- addresses, API keys -- inside one window to do it).

Several worker processes: the counts live in this process's memory, so with `--workers N`
each worker counts on its own and a client spread over the workers gets up to N times
the limit (and a restart forgets them all). What must hold across workers and restarts
(the lookup-PIN failures) is counted in the database instead; the rest is a brake on
floods, where N times a small number is still a small number.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until the next event would be allowed (0 if allowed)

    @property
    def retry_after_header(self) -> str:
        """`Retry-After` in whole seconds, never 0 for a refusal."""
        return str(max(1, math.ceil(self.retry_after)))


class RateLimit:
    def __init__(self, limit: int, window_s: float, *, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or window_s <= 0 or max_keys < 1:
            raise ValueError("a rate limit needs limit >= 1, window_s > 0 and max_keys >= 1")
        self.limit, self.window_s, self.max_keys = limit, window_s, max_keys
        self._step = window_s / limit
        self._clock = clock
        self._lock = threading.Lock()
        self._tat: OrderedDict[str, float] = OrderedDict()  # key -> theoretical arrival time

    def hit(self, key: str) -> Decision:
        """Count one event for `key` if it is allowed now; a refused event is not counted
        (so a client that keeps knocking is let in again once the window allows)."""
        return self._decide(key, count=True)

    def check(self, key: str) -> Decision:
        """Would one event for `key` be allowed now? Counts nothing."""
        return self._decide(key, count=False)

    def _decide(self, key: str, count: bool) -> Decision:
        with self._lock:
            now = self._clock()
            tat = max(self._tat.get(key, now), now)
            ahead = tat + self._step - now  # how far the window reaches with this event
            if ahead > self.window_s + 1e-9:
                return Decision(False, ahead - self.window_s)
            if count:
                self._tat[key] = tat + self._step
                self._tat.move_to_end(key)
                self._forget(now)
            return Decision(True)

    def _forget(self, now: float) -> None:
        """Drop keys whose window has passed (least recently used first), then the least
        recently used ones while there are too many."""
        while self._tat:
            key, tat = next(iter(self._tat.items()))
            if tat > now and len(self._tat) <= self.max_keys:
                break
            del self._tat[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._tat)
