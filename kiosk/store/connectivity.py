"""Is the central API reachable? A background check the screens read without waiting.

The UI thread never makes a network call to learn this: it reads `online`, which a
daemon thread refreshes every `interval` seconds (and at once on `check_soon()`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from kiosk.store.client import ApiClient, ApiError, ClientSettings


class Connectivity:
    def __init__(self, settings: ClientSettings, interval: float = 30.0) -> None:
        # a health check must answer fast or count as offline; no retries
        quick = replace(settings, connect_timeout=min(settings.connect_timeout, 2.0),
                        read_timeout=min(settings.read_timeout, 3.0),
                        total_timeout=min(settings.total_timeout, 5.0), retries=0)
        self.client = ApiClient(quick)
        self.interval = interval
        self.online: bool | None = None  # None until the first check has answered
        self.reason = ""
        self.checked_at = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        try:
            self.client.get("health")
            self.online, self.reason = True, ""
        except ApiError as err:
            self.online, self.reason = False, err.reason
        self.checked_at = time.monotonic()
        return self.online

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="connectivity", daemon=True)
            self._thread.start()

    def check_soon(self) -> None:
        self._wake.set()

    def report_down(self, reason: str = "a request failed") -> None:
        """A screen's own request just failed for want of the network: every screen says
        so now (a top bar still saying "online" over "no network" misleads), and the
        background check looks again at once."""
        self.online, self.reason = False, reason
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            self._wake.wait(self.interval)
            self._wake.clear()
