"""sd_notify over a real datagram socket, as systemd would receive it."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.system.notify import Notifier, monotonic_usec, notify_address, watchdog_interval


class Listener:
    """What systemd does: a bound AF_UNIX datagram socket that reads assignments."""

    def __init__(self, address: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.settimeout(5)

    def message(self) -> dict[str, str]:
        data = self.sock.recv(8192).decode()
        return dict(line.split("=", 1) for line in data.split("\n") if line)


@pytest.fixture
def path_socket() -> Iterator[tuple[str, Listener]]:
    # a short folder: socket paths are limited to 108 bytes, pytest's tmp_path can be longer
    with tempfile.TemporaryDirectory(prefix="kn-") as folder:
        path = str(Path(folder) / "notify")
        listener = Listener(path)
        yield path, listener
        listener.sock.close()


@pytest.fixture
def abstract_socket() -> Iterator[tuple[str, Listener]]:
    name = f"kiosk-test-{uuid.uuid4().hex}"
    listener = Listener("\0" + name)
    yield "@" + name, listener
    listener.sock.close()


def test_messages_arrive_at_a_socket_path(path_socket: tuple[str, Listener]) -> None:
    path, listener = path_socket
    notifier = Notifier({"NOTIFY_SOCKET": path})
    assert notifier.enabled
    assert notifier.ready("on screen")
    assert listener.message() == {"READY": "1", "STATUS": "on screen"}
    assert notifier.watchdog()
    assert listener.message() == {"WATCHDOG": "1"}
    assert notifier.status("syncing")
    assert listener.message() == {"STATUS": "syncing"}
    assert notifier.stopping()
    assert listener.message() == {"STOPPING": "1"}


def test_messages_arrive_at_an_abstract_socket(abstract_socket: tuple[str, Listener]) -> None:
    name, listener = abstract_socket
    notifier = Notifier({"NOTIFY_SOCKET": name})
    assert notifier.watchdog()
    assert listener.message() == {"WATCHDOG": "1"}


def test_reloading_carries_the_monotonic_time(path_socket: tuple[str, Listener]) -> None:
    path, listener = path_socket
    before = monotonic_usec()
    Notifier({"NOTIFY_SOCKET": path}).reloading()
    message = listener.message()
    assert message["RELOADING"] == "1"
    assert before <= int(message["MONOTONIC_USEC"]) <= monotonic_usec()
    # the same clock systemd reads: CLOCK_MONOTONIC, in microseconds
    assert abs(int(message["MONOTONIC_USEC"]) - time.monotonic_ns() // 1000) < 5_000_000


def test_status_text_cannot_add_assignments(path_socket: tuple[str, Listener]) -> None:
    path, listener = path_socket
    Notifier({"NOTIFY_SOCKET": path}).status("Đang đồng bộ\nREADY=1\nWATCHDOG=trigger")
    assert listener.message() == {"STATUS": "Đang đồng bộ READY=1 WATCHDOG=trigger"}


def test_the_environment_of_a_real_process_is_read(path_socket: tuple[str, Listener]) -> None:
    path, listener = path_socket
    env = {**os.environ, "NOTIFY_SOCKET": path}
    done = subprocess.run([sys.executable, "-c", "from kiosk.system.notify import Notifier; "
                           "assert Notifier().ready()"], env=env, timeout=60, check=False)
    assert done.returncode == 0
    assert listener.message() == {"READY": "1"}


def test_without_notify_socket_nothing_is_sent() -> None:
    notifier = Notifier({})
    assert not notifier.enabled
    assert not notifier.ready() and not notifier.watchdog() and not notifier.stopping()
    assert notifier._socket is None


def test_a_missing_socket_is_logged_once_and_never_raises(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone")})
    with caplog.at_level(logging.DEBUG, logger="kiosk.system.notify"):
        assert not notifier.watchdog()
        assert not notifier.watchdog()
        assert not notifier.stopping()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "gone" in warnings[0].getMessage()


def test_a_socket_that_goes_away_and_comes_back(path_socket: tuple[str, Listener]) -> None:
    path, listener = path_socket
    notifier = Notifier({"NOTIFY_SOCKET": path})
    assert notifier.watchdog()
    listener.message()
    listener.sock.close()
    os.unlink(path)
    assert not notifier.watchdog()  # systemd re-executing: the kiosk carries on
    again = Listener(path)
    try:
        assert notifier.watchdog()
        assert again.message() == {"WATCHDOG": "1"}
    finally:
        again.sock.close()


def test_addresses() -> None:
    assert notify_address("/run/systemd/notify") == "/run/systemd/notify"
    assert notify_address("@abstract") == "\0abstract"
    assert notify_address("") is None
    assert notify_address("@") is None
    assert notify_address("vsock:2:1234") is None
    assert not Notifier({"NOTIFY_SOCKET": "relative/path"}).enabled


@pytest.mark.parametrize(("env", "expected"), [
    ({"WATCHDOG_USEC": "30000000"}, 15.0),
    ({"WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "4242"}, 1.0),
    ({"WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "4343"}, None),  # another process's
    ({"WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "cage"}, None),
    ({"WATCHDOG_USEC": "0"}, None),
    ({"WATCHDOG_USEC": "soon"}, None),
    ({"WATCHDOG_PID": "4242"}, None),
    ({}, None),
])
def test_watchdog_interval(env: dict[str, str], expected: float | None) -> None:
    assert watchdog_interval(env, pid=4242) == expected


def test_watchdog_interval_defaults_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "4000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert watchdog_interval() == 2.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    assert watchdog_interval() is None
