"""systemd's watchdog is fed by the UI loop: the real kiosk, offscreen, in its own process,
talking to a notification socket of the test's as it would to systemd.

The app process freezes its main loop on SIGUSR1 (a Clock callback that sleeps, as a hung
callback would) and stops as the operator's exit does on SIGUSR2.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

INTERVAL = 1.0  # WATCHDOG_USEC=2 s: a ping every second
FREEZE = 6.0

APP = f"""
import signal, sys, time
from kiosk.ui.launch import prepare_kivy
prepare_kivy(width=1280, height=800, fullscreen=False, offscreen=True)
from kivy.clock import Clock
from kiosk.config import load_config
from kiosk.system.notify import Notifier
from kiosk.ui.app import KioskApp
from kiosk.ui.services import KioskServices

app = KioskApp(KioskServices.from_config(load_config(sys.argv[1], environ={{}})))
marker = Notifier()

def freeze(_dt):
    marker.status("test: frozen")
    time.sleep({FREEZE})
    marker.status("test: thawed")

signal.signal(signal.SIGUSR1, lambda *_: Clock.schedule_once(freeze, 0))
signal.signal(signal.SIGUSR2, lambda *_: Clock.schedule_once(lambda _dt: app.stop(), 0))
app.run()
"""


class Systemd:
    """The notification socket's end, recording each message with when it came."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)

    def next(self, timeout: float) -> tuple[float, dict[str, str]] | None:
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(4096).decode()
        except TimeoutError:
            return None
        return time.monotonic(), dict(x.split("=", 1) for x in data.split("\n") if x)

    def wait_for(self, key: str, value: str, timeout: float) -> list[tuple[float, dict]]:
        """Messages up to and including the first with key=value."""
        seen = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            got = self.next(left)
            if got is None:
                break
            seen.append(got)
            if got[1].get(key) == value:
                return seen
        raise AssertionError(f"no {key}={value} within {timeout} s; got {seen}")

    def during(self, seconds: float) -> list[tuple[float, dict]]:
        seen = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            got = self.next(left)
            if got is not None:
                seen.append(got)
        return seen


@pytest.fixture
def systemd() -> Iterator[tuple[str, Systemd]]:
    with tempfile.TemporaryDirectory(prefix="kw-") as folder:  # socket paths: <= 108 bytes
        path = str(Path(folder) / "notify")
        end = Systemd(path)
        yield path, end
        end.sock.close()


def offline_config(folder: Path) -> Path:
    """Nothing listens at the API's address: the kiosk must come up all the same."""
    path, data = folder / "kiosk.toml", folder / "data"
    path.write_text(f'[kiosk]\ndata_dir = "{data}"\n[api]\n'
                    'base_url = "http://127.0.0.1:9/v1"\nconnect_timeout = 1.0\n',
                    encoding="utf-8")
    return path


def pings(messages: list[tuple[float, dict]]) -> list[float]:
    return [when for when, m in messages if m.get("WATCHDOG") == "1"]


def test_the_ui_loop_feeds_the_watchdog_and_a_frozen_loop_starves_it(
        tmp_path: Path, systemd: tuple[str, Systemd]) -> None:
    path, end = systemd
    config = offline_config(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFY_", "WATCHDOG_"))}
    env.update(NOTIFY_SOCKET=path, WATCHDOG_USEC=str(int(INTERVAL * 2 * 1_000_000)))
    app = subprocess.Popen([sys.executable, "-c", APP, str(config)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        end.wait_for("READY", "1", timeout=60)

        alive = pings(end.during(3.5))
        assert len(alive) >= 3, f"only {len(alive)} pings in 3.5 s"
        gaps = [b - a for a, b in pairwise(alive)]
        assert max(gaps) < INTERVAL * 2, gaps  # each within systemd's timeout

        app.send_signal(signal.SIGUSR1)
        end.wait_for("STATUS", "test: frozen", timeout=5)
        starved = pings(end.during(INTERVAL * 2 * 1.5))
        assert not starved, "the watchdog was fed while the UI loop was frozen"

        thawed = end.wait_for("STATUS", "test: thawed", timeout=FREEZE)
        assert not pings(thawed)
        assert pings(end.during(INTERVAL * 1.5)), "pings did not resume after the freeze"

        app.send_signal(signal.SIGUSR2)
        end.wait_for("STOPPING", "1", timeout=10)
        assert app.wait(timeout=20) == 0
    finally:
        app.kill()
        _, err = app.communicate(timeout=10)
    assert "Traceback" not in err.decode(errors="replace"), err.decode(errors="replace")[-3000:]


def test_outside_systemd_the_kiosk_sends_nothing(tmp_path: Path) -> None:
    """No NOTIFY_SOCKET (a developer's `kiosk demo`): no socket, no pings, no errors."""
    config = offline_config(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFY_", "WATCHDOG_"))}
    env["WATCHDOG_USEC"] = "2000000"
    script = APP.replace("app.run()", "Clock.schedule_once(lambda _dt: app.stop(), 3)\n"
                         "app.run()\nprint('watchdog', app.watchdog.notifier.enabled, "
                         "app.watchdog.ready)")
    done = subprocess.run([sys.executable, "-c", script, str(config)], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "watchdog False False" in done.stdout
