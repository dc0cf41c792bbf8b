"""sd_notify(3) without libsystemd: tell systemd the kiosk is up, alive, or going away.

systemd hands a `Type=notify` service the address of its notification socket in
`NOTIFY_SOCKET` (a file path, or "@name" for an abstract socket) and, with `WatchdogSec=`,
the watchdog timeout in `WATCHDOG_USEC` and the process meant to feed it in `WATCHDOG_PID`.
Each message is one datagram of newline-separated `KEY=value` assignments.

Notifying is best effort: outside systemd there is no socket and every call does nothing;
if the socket is gone (systemd re-executing, a test's socket closed) the kiosk goes on
and says so once in the log. The socket never blocks: these calls run on the UI loop.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Mapping

log = logging.getLogger(__name__)

# systemd reads at most this much of one datagram (NOTIFY_BUFFER_MAX); a longer STATUS
# would lose the whole message
MAX_DATAGRAM = 4096
MAX_STATUS = 512


def notify_address(value: str) -> str | None:
    """The socket address for `NOTIFY_SOCKET`, or None when there is none we can use."""
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]  # Linux abstract namespace
    if value.startswith("/"):
        return value
    return None  # unset, or a kind we do not speak (systemd 253+ also offers vsock:)


def watchdog_interval(environ: Mapping[str, str] | None = None,
                      pid: int | None = None) -> float | None:
    """Seconds between watchdog pings (half the timeout, as sd_watchdog_enabled(3) advises),
    or None when systemd wants none from this process."""
    env = os.environ if environ is None else environ
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    # WATCHDOG_PID names the process systemd started; a child that inherited the variable
    # must stay quiet, or a hung parent would be kept alive by it
    owner = env.get("WATCHDOG_PID", "")
    if owner:
        try:
            if int(owner) != (os.getpid() if pid is None else pid):
                return None
        except ValueError:
            return None
    return usec / 2 / 1_000_000


def monotonic_usec() -> int:
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


class Notifier:
    """Sends notifications to systemd; without `NOTIFY_SOCKET`, does nothing."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        raw = env.get("NOTIFY_SOCKET", "")
        self.address = notify_address(raw)
        if raw and self.address is None:
            log.warning("NOTIFY_SOCKET=%r is not a socket path: systemd will not hear from "
                        "the kiosk", raw)
        self._socket: socket.socket | None = None
        self._complained = False

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, *assignments: str) -> bool:
        """Send one message; True if it left (systemd may still ignore it)."""
        if self.address is None:
            return False
        data = "\n".join(assignments).encode()
        if len(data) > MAX_DATAGRAM:
            raise ValueError(f"a notification is at most {MAX_DATAGRAM} bytes")
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX,
                                             socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
                self._socket.setblocking(False)  # a stuck systemd must not freeze the UI
            self._socket.sendto(data, self.address)
        except OSError as err:
            self.close()
            # once per outage: the watchdog pings every few seconds
            level = logging.DEBUG if self._complained else logging.WARNING
            log.log(level, "cannot notify systemd at %s: %s",
                    self.address.replace("\0", "@"), err)
            self._complained = True
            return False
        self._complained = False
        return True

    def ready(self, status: str | None = None) -> bool:
        return self.send("READY=1", *_status(status))

    def status(self, text: str) -> bool:
        return self.send(*_status(text))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def stopping(self, status: str | None = None) -> bool:
        return self.send("STOPPING=1", *_status(status))

    def reloading(self, status: str | None = None) -> bool:
        """Begin a reload; send `ready()` when it is done. systemd 253+ pairs the two by the
        monotonic time sent here (Type=notify-reload)."""
        return self.send("RELOADING=1", f"MONOTONIC_USEC={monotonic_usec()}", *_status(status))

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _status(text: str | None) -> list[str]:
    if text is None:
        return []
    # a newline would start a new assignment: status text must not be able to say READY=1
    line = " ".join(text.split())
    return [f"STATUS={line[:MAX_STATUS]}"]
