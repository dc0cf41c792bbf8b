"""The night sleep window and the nightly restart, on chosen clocks."""

from __future__ import annotations

import time as clock
from datetime import datetime, time
from pathlib import Path

import pytest

from kiosk.config.clock import parse_clock
from kiosk.system.schedule import in_window, restart_due, run_quietly


def test_times_of_day_are_read_or_refused() -> None:
    assert parse_clock("22:00") == time(22, 0) and parse_clock("6:30") == time(6, 30)
    assert parse_clock("") is None and parse_clock("  ") is None
    for bad in ("22", "22h00", "25:00", "10:7", "ten:00"):
        with pytest.raises(ValueError):
            parse_clock(bad)


@pytest.mark.parametrize(("now", "inside"), [
    ("21:59", False), ("22:00", True), ("23:59", True), ("00:00", True), ("06:29", True),
    ("06:30", False), ("12:00", False)])
def test_a_window_over_midnight(now: str, inside: bool) -> None:
    assert in_window(parse_clock(now), time(22), time(6, 30)) == inside  # type: ignore[arg-type]


def test_a_window_within_a_day_and_an_empty_one() -> None:
    assert in_window(time(13), time(12), time(14))
    assert not in_window(time(14), time(12), time(14))
    assert not in_window(time(13), None, None) and not in_window(time(13), time(1), time(1))


def test_the_restart_comes_once_a_day_after_its_time() -> None:
    at = time(3, 30)
    started = datetime(2026, 11, 25, 14, 0)
    assert not restart_due(datetime(2026, 11, 25, 23, 0), started, at)
    assert restart_due(datetime(2026, 11, 26, 3, 30), started, at)
    assert restart_due(datetime(2026, 11, 26, 9, 0), started, at)  # was busy at 03:30
    restarted = datetime(2026, 11, 26, 3, 31)
    assert not restart_due(datetime(2026, 11, 26, 9, 0), restarted, at)
    assert not restart_due(datetime(2026, 11, 26, 9, 0), started, None)


def test_a_display_command_runs_without_a_shell_and_a_missing_one_is_only_logged(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    marker = tmp_path / "off; rm -rf x"
    run_quietly(f"touch '{marker}'")
    deadline = clock.monotonic() + 5
    while not marker.exists() and clock.monotonic() < deadline:
        clock.sleep(0.05)
    assert marker.exists()  # one argument: the ; was not a shell's
    run_quietly("no-such-program-here --off")
    assert "failed" in caplog.text
    run_quietly("")  # nothing to do, no error
