"""The kiosk's logging: real records through the real handler into a stream."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.system.logs import MAX_MESSAGE, setup_for_command, setup_logging, to_journal

JOURNAL = {"JOURNAL_STREAM": "8:123456"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def restore_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KIVY_LOG_MODE", "PYTHON")  # setup_logging sets it; put it back after
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def logged(level: str = "info", environ: dict[str, str] | None = None,
           clock: Clock | None = None) -> io.StringIO:
    out = io.StringIO()
    setup_logging(level, out, environ=environ or {}, clock=clock or Clock())
    return out


def lines(out: io.StringIO) -> list[str]:
    return out.getvalue().splitlines()


def test_a_line_has_time_level_logger_message_and_fields() -> None:
    out = logged()
    logging.getLogger("kiosk.test").info("synced %s", "catalogue",
                                         extra={"procedures": 12, "source": "a b"})
    (line,) = lines(out)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d INFO kiosk.test: "
                        r'synced catalogue procedures=12 source="a b"', line), line


def test_under_systemd_each_line_has_its_priority_and_no_time() -> None:
    out = logged("debug", JOURNAL)
    log = logging.getLogger("kiosk.test")
    log.debug("d")
    log.info("i")
    log.warning("w")
    log.error("e")
    log.critical("c")
    assert lines(out) == ["<7>DEBUG kiosk.test: d", "<6>INFO kiosk.test: i",
                          "<4>WARNING kiosk.test: w", "<3>ERROR kiosk.test: e",
                          "<2>CRITICAL kiosk.test: c"]


def test_a_traceback_keeps_the_priority_on_every_line() -> None:
    out = logged("info", JOURNAL)
    try:
        raise ValueError("bad value 0912345678")
    except ValueError:
        logging.getLogger("kiosk.test").exception("it failed")
    got = lines(out)
    assert got[0] == "<3>ERROR kiosk.test: it failed"
    assert len(got) > 2 and all(line.startswith("<3>  ") for line in got[1:])
    assert got[-1] == "<3>  ValueError: bad value [redacted]"


def test_journal_stream_is_compared_with_the_real_descriptor(tmp_path: Path) -> None:
    with open(tmp_path / "out.log", "w") as f:
        st = os.fstat(f.fileno())
        assert to_journal(f, {"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"})
        assert not to_journal(f, {"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino + 1}"})
        assert not to_journal(f, {})


def test_personal_data_is_redacted_from_message_args_and_fields() -> None:
    out = logged()
    log = logging.getLogger("kiosk.test")
    log.info("citizen 001203004567 phone 0912 345 678, mail nguyen.van.a@example.gov.vn")
    log.info("id %s phone %s mail %s", "079204001234", "+84 912 345 678", "x@y.vn",
             extra={"who": "call 0243.823.4567 or 84912345678"})
    log.info("dossier 000.00.20.H29-201117-0001 procedure 1.001193 took 1534 ms")
    first, second, third = lines(out)
    assert first.endswith("citizen [redacted] phone [redacted], mail [redacted]")
    assert second.endswith('id [redacted] phone [redacted] mail [redacted] '
                           'who="call [redacted] or [redacted]"')
    assert third.endswith("dossier 000.00.20.H29-201117-0001 procedure 1.001193 took 1534 ms")


def test_a_long_message_is_cut_and_a_multiline_one_flattened() -> None:
    out = logged()
    log = logging.getLogger("kiosk.test")
    log.warning("x" * 10_000)
    log.warning("payload %s", "ok\nERROR kiosk.fake: forged")
    long, flat = lines(out)
    assert len(long) < MAX_MESSAGE + 100 and "8000 more characters cut" in long
    assert flat.endswith("WARNING kiosk.test: payload ok\\nERROR kiosk.fake: forged")


def test_a_repeated_message_is_limited_then_summarised() -> None:
    clock = Clock()
    out = logged("info", JOURNAL, clock)
    log = logging.getLogger("kiosk.scanner")
    for _ in range(25):
        log.warning("camera: failed - no picture")
    log.warning("camera: running")  # another message is not held back
    assert lines(out).count("<4>WARNING kiosk.scanner: camera: failed - no picture") == 20
    assert lines(out)[-1] == "<4>WARNING kiosk.scanner: camera: running"
    clock.now += 61
    log.warning("camera: failed - no picture")
    assert lines(out)[-2:] == [
        "<4>WARNING kiosk.scanner: camera: failed - no picture ... repeated 5 more times",
        "<4>WARNING kiosk.scanner: camera: failed - no picture"]


def test_what_was_held_back_is_told_when_the_handler_closes() -> None:
    out = io.StringIO()
    handler = setup_logging("info", out, environ={}, clock=Clock())
    for _ in range(23):
        logging.getLogger("kiosk.test").error("same")
    handler.close()
    assert lines(out)[-1].endswith("ERROR kiosk.test: same ... repeated 3 more times")
    assert len(lines(out)) == 21


def test_kivy_records_go_through_the_same_handler_and_level() -> None:
    out = logged("warning")
    kivy = logging.getLogger("kivy")
    kivy.setLevel(logging.INFO)  # what Kivy does from its own config
    kivy.info("Window: Provider: sdl2")
    kivy.warning("GL: Minimum required OpenGL version (2.0) NOT found!")
    assert lines(out) == [lines(out)[0]]
    assert lines(out)[0].endswith("WARNING kivy: GL: Minimum required OpenGL version (2.0) "
                                  "NOT found!")


def test_kivy_itself_logs_through_it(tmp_path: Path) -> None:
    script = ("import sys\n"
              "from kiosk.system.logs import setup_logging\n"
              "setup_logging('info', sys.stdout)\n"
              "from kivy.logger import Logger\n"
              "Logger.info('Test: reached 0912345678')\n")
    env = {**os.environ, "KIVY_HOME": str(tmp_path), "KIVY_NO_ARGS": "1"}
    env.pop("KIVY_LOG_MODE", None)
    env.pop("JOURNAL_STREAM", None)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out.count(next(line for line in out if line.endswith("INFO kivy: Test: reached "
                                                                "[redacted]"))) == 1
    assert any(" INFO kivy: Kivy: v2.3" in line for line in out)  # Kivy's own start-up
    assert all(re.match(r"\S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: ", line)
               for line in out), out
    assert "[INFO" not in done.stderr  # not Kivy's own console format


def test_setup_twice_keeps_one_handler() -> None:
    first, second = io.StringIO(), io.StringIO()
    setup_logging("info", first, environ={})
    setup_logging("info", second, environ={})
    logging.getLogger("kiosk.test").info("once")
    assert first.getvalue() == "" and second.getvalue().count("once") == 1


def test_each_command_gets_its_level_and_stream() -> None:
    screen = setup_for_command("run", {})
    assert screen.stream is sys.stdout and screen.level == logging.INFO
    cli = setup_for_command("sync", {})
    assert cli.stream is sys.stderr and cli.level == logging.WARNING
    chosen = setup_for_command("sync", {"KIOSK_LOG_LEVEL": "debug"})
    assert chosen.level == logging.DEBUG
    assert setup_for_command("run", {"KIOSK_LOG_LEVEL": "nonsense"}).level == logging.INFO
