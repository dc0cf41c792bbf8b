"""systemd's watchdog, fed from the Kivy main loop.

The pings are a Kivy Clock interval, not a thread: a thread would go on pinging while the
UI is frozen, and a frozen kiosk is exactly what the watchdog is for (systemd kills it and
starts it again). READY=1 waits for the first frame on screen, so `systemctl start` and the
units ordered after the kiosk see it ready when a person can see it; STOPPING=1 goes out
when the app stops by itself (operator exit). Outside systemd all of this does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.core.window import Window

from kiosk.system.notify import Notifier, watchdog_interval

log = logging.getLogger(__name__)


class UiWatchdog:
    def __init__(self, notifier: Notifier, interval: float | None) -> None:
        self.notifier = notifier
        self.interval = interval
        self._pings: ClockEvent | None = None
        self.ready = False

    @classmethod
    def start(cls, environ: Mapping[str, str] | None = None) -> UiWatchdog:
        watchdog = cls(Notifier(environ), watchdog_interval(environ))
        if watchdog.notifier.enabled:
            Window.fbind("on_flip", watchdog._first_flip)
            if watchdog.interval:
                watchdog._pings = Clock.schedule_interval(watchdog._ping, watchdog.interval)
                log.info("feeding systemd's watchdog every %.1f s", watchdog.interval)
        return watchdog

    def _first_flip(self, *_: Any) -> None:  # returns None: True would cancel the flip
        Window.funbind("on_flip", self._first_flip)
        # handlers run before the buffer swap: say ready on the next tick, once it is shown
        Clock.schedule_once(self._ready, 0)

    def _ready(self, _dt: float) -> None:
        self.ready = True
        self.notifier.ready("kiosk is on screen")
        self.notifier.watchdog()

    def _ping(self, _dt: float) -> None:
        self.notifier.watchdog()

    def stop(self) -> None:
        if self._pings is not None:
            self._pings.cancel()
            self._pings = None
        Window.funbind("on_flip", self._first_flip)
        self.notifier.stopping("kiosk is stopping")
        self.notifier.close()
