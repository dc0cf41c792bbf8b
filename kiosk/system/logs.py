"""The kiosk's logs: one line per record on stdout (or stderr), for systemd's journal.

    <6>INFO kiosk.store.sync: catalogue unchanged procedures=412
    2025-11-25T10:02:03.120+07:00 WARNING kiosk.scanner.camera: camera: no_camera - ...

Under systemd (`JOURNAL_STREAM` names our output) each line starts with its syslog
priority, the sd-daemon(3) convention, so `journalctl -p warning` works, and has no time:
the journal adds its own. Elsewhere lines start with a local ISO time. Kivy logs through
Python's logging (KIVY_LOG_MODE=PYTHON), so its records come through the same handler.

What reaches the log is bounded and has no personal data:
* `Redact` replaces citizen ID numbers (CCCD, 12 digits), phone numbers and e-mail
  addresses with "[redacted]", in the message, its arguments and extra fields, and cuts each
  message to MAX_MESSAGE characters. A message is flattened to one line, so text from
  outside (a QR code's payload) cannot forge a log line of its own.
* `JournalHandler` lets the same message through at most `limit` times per `window`
  seconds; the rest are counted and summarised in one line ("... repeated N more times"),
  so a broken camera or a dead network cannot flood the journal.

Levels: KIOSK_LOG_LEVEL (debug, info, warning, error) if set; otherwise info for the screen
(`kiosk run`, `kiosk demo`) and warning for the other commands, whose logs go to stderr so
their own output on stdout (one-line summaries, --json) stays clean.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TextIO

from kiosk.submission.personal_data import redact

MAX_MESSAGE = 2000
MAX_TRACEBACK = 8000
MAX_FIELD = 200
REPEAT_LIMIT = 20
REPEAT_WINDOW = 60.0
MAX_TRACKED = 1000  # distinct messages remembered for the rate limit
SCREEN_COMMANDS = {"run", "demo"}

# sd-daemon(3): "<N>" at the start of a line sets its priority (syslog levels)
PRIORITIES = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
              logging.CRITICAL: 2}

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}


def bound(text: str, limit: int = MAX_MESSAGE) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters cut]"


def one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


class Redact(logging.Filter):
    """Renders each record's message once, redacted, bounded and on one line, and keeps
    it in place of the message and its arguments (so every handler after this one sees
    only the safe text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_kiosk_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: still log both
            message = f"{record.msg!r} {record.args!r}"
        record.msg = bound(one_line(redact(str(message))))
        record.args = None
        for key, value in fields(record).items():
            setattr(record, key, bound(one_line(redact(str(value))), MAX_FIELD))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            text = redact(record.exc_text)
            # the end of a traceback says what went wrong: keep that end
            record.exc_text = text if len(text) <= MAX_TRACEBACK else \
                f"[{len(text) - MAX_TRACEBACK} characters cut]...{text[-MAX_TRACEBACK:]}"
        if record.stack_info:
            record.stack_info = bound(redact(record.stack_info), MAX_TRACEBACK)
        record._kiosk_redacted = True
        return True


def fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's extra fields (`log.info("...", extra={"procedures": 12})`)."""
    return {k: v for k, v in vars(record).items()
            if k not in _STANDARD and not k.startswith("_")}


class LineFormatter(logging.Formatter):
    """`LEVEL logger: message key=value...`, with a priority prefix for the journal or an
    ISO time in front; a traceback follows on indented lines."""

    def __init__(self, journal: bool) -> None:
        super().__init__()
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.name}: {record.getMessage()}"
        for key, value in fields(record).items():
            text = str(value)
            if not text or any(c in text for c in ' "='):
                text = json.dumps(text, ensure_ascii=False)
            line += f" {key}={text}"
        lines = [line]
        extra = "\n".join(part for part in (record.exc_text, record.stack_info) if part)
        lines += [f"  {part}" for part in extra.splitlines()]
        if self.journal:
            priority = PRIORITIES.get(record.levelno, _nearest_priority(record.levelno))
            return "\n".join(f"<{priority}>{part}" for part in lines)
        when = datetime.fromtimestamp(record.created).astimezone()
        lines[0] = f"{when.isoformat(timespec='milliseconds')} {lines[0]}"
        return "\n".join(lines)


def _nearest_priority(levelno: int) -> int:
    for level in sorted(PRIORITIES, reverse=True):
        if levelno >= level:
            return PRIORITIES[level]
    return 7


class JournalHandler(logging.StreamHandler):
    """A stream handler that lets one message through at most `limit` times per `window`
    seconds and then summarises what it held back."""

    def __init__(self, stream: TextIO, *, journal: bool, limit: int = REPEAT_LIMIT,
                 window: float = REPEAT_WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(stream)
        self.setFormatter(LineFormatter(journal))
        self.addFilter(Redact())
        self.limit, self.window, self.clock = limit, window, clock
        # (logger, level, message) -> [window start, count, held back]
        self._seen: dict[tuple[str, int, str], list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            now = self.clock()
            lines = self._expired(now)
            key = (record.name, record.levelno, record.getMessage())
            seen = self._seen.get(key)
            if seen is None:
                self._seen[key] = [now, 1, 0]
                lines.append(self.format(record))
            elif seen[1] < self.limit:
                seen[1] += 1
                lines.append(self.format(record))
            else:
                seen[2] += 1
            if len(self._seen) > MAX_TRACKED:
                lines += self._forget(len(self._seen) - MAX_TRACKED)
            if lines:
                self.stream.write("".join(line + "\n" for line in lines))
                self.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def _expired(self, now: float) -> list[str]:
        done = [key for key, (start, _, _) in self._seen.items() if now - start >= self.window]
        return self._summaries(done)

    def _forget(self, count: int) -> list[str]:
        return self._summaries(list(self._seen)[:count])  # the oldest windows

    def _summaries(self, keys: list[tuple[str, int, str]]) -> list[str]:
        lines = []
        for key in keys:
            held = int(self._seen.pop(key)[2])
            if held:
                name, level, message = key
                record = logging.makeLogRecord({
                    "name": name, "levelno": level, "levelname": logging.getLevelName(level),
                    "msg": f"{bound(message, 300)} ... repeated {held} more times",
                    "_kiosk_redacted": True})
                lines.append(self.format(record))
        return lines

    def close(self) -> None:
        """Say what was held back before the process ends."""
        self.acquire()
        try:
            lines = self._summaries(list(self._seen))
            if lines and self.stream and not getattr(self.stream, "closed", False):
                self.stream.write("".join(line + "\n" for line in lines))
                self.flush()
        except (OSError, ValueError):
            pass  # the stream is gone at exit: nothing left to tell
        finally:
            self.release()
        super().close()


def to_journal(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether `stream` is connected to the journal: systemd puts the device and inode of
    that connection in JOURNAL_STREAM, and sd-daemon(3) asks to compare them, since a
    child whose output was redirected inherits the variable too. A stream without a file
    descriptor cannot be compared: the variable is trusted."""
    value = (os.environ if environ is None else environ).get("JOURNAL_STREAM", "")
    if not value:
        return False
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return True
    try:
        device, inode = (int(part) for part in value.split(":"))
        st = os.fstat(fd)
    except (OSError, ValueError):
        return False
    return (st.st_dev, st.st_ino) == (device, inode)


def level_number(level: str | int) -> int:
    if isinstance(level, int):
        return level
    name = level.strip().upper()
    name = {"WARN": "WARNING", "FATAL": "CRITICAL"}.get(name, name)
    number = logging.getLevelName(name)
    return number if isinstance(number, int) else logging.INFO


class RecentLines(logging.Handler):
    """The last `size` lines, redacted, for the operator screen's log tail."""

    def __init__(self, size: int = 200) -> None:
        super().__init__()
        self.setFormatter(LineFormatter(journal=False))
        self.addFilter(Redact())
        self.lines: deque[str] = deque(maxlen=size)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record).splitlines()[0])
        except Exception:  # logging must never break the kiosk
            self.handleError(record)


RECENT = RecentLines()


def setup_logging(level: str | int = "info", stream: TextIO | None = None, *,
                  environ: Mapping[str, str] | None = None,
                  clock: Callable[[], float] = time.monotonic) -> JournalHandler:
    """Send every record (the kiosk's and Kivy's) through one JournalHandler on `stream`
    (default stdout); calling it again replaces the handler."""
    stream = sys.stdout if stream is None else stream
    number = level_number(level)
    handler = JournalHandler(stream, journal=to_journal(stream, environ), clock=clock)
    handler.setLevel(number)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, JournalHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    if RECENT not in root.handlers:
        RECENT.setLevel(logging.INFO)
        root.addHandler(RECENT)
    root.setLevel(min(number, logging.INFO))
    # Kivy's own log mode would put its handlers on the root logger (every line twice)
    # and take over sys.stderr; in PYTHON mode it only logs to the "kivy" logger, which
    # propagates here. It must be set before Kivy is first imported.
    os.environ["KIVY_LOG_MODE"] = "PYTHON"
    kivy = logging.getLogger("kivy")
    kivy.propagate = True
    for own in list(kivy.handlers):
        kivy.removeHandler(own)
    return handler


def setup_for_command(command: str, environ: Mapping[str, str] | None = None) -> JournalHandler:
    """The logging for one `kiosk COMMAND`: see the module docstring."""
    env = os.environ if environ is None else environ
    screen = command in SCREEN_COMMANDS
    level = env.get("KIOSK_LOG_LEVEL") or ("info" if screen else "warning")
    return setup_logging(level, sys.stdout if screen else sys.stderr, environ=env)
