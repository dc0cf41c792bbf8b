"""The operator PIN: stored as a salted hash, checked with a lockout after failures.

Hash format: ``pbkdf2_sha256$ITERATIONS$SALT_HEX$HASH_HEX`` (made by `kiosk hash-pin`).
A PIN has 6 to 12 digits: a hash cannot tell how long its PIN was, so `kiosk hash-pin`
refuses a shorter one and the PIN pad counts a shorter entry as a wrong PIN.

The lockout survives a restart: the count of wrong PINs and the end of a lockout are kept
in a small file in the data folder (no PIN, no hash in it), so pulling the plug does not
give someone five more tries.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config.settings import Config

ITERATIONS = 200_000
MIN_DIGITS, MAX_DIGITS = 6, 12
STATE_FILE = "operator-pin.json"  # in the data folder

log = logging.getLogger(__name__)


def acceptable_pin(pin: str) -> bool:
    return pin.isdigit() and pin.isascii() and MIN_DIGITS <= len(pin) <= MAX_DIGITS


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    if not acceptable_pin(pin):
        raise ValueError(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, expected = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt),
                                     int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


class PinLock:
    """Counts wrong PINs; after `max_attempts` in a row, refuses every try for a while.
    With `state_file`, the count and the lockout are kept there across restarts; the
    clock is then the wall clock (a monotonic one starts again at boot)."""

    def __init__(self, stored_hash: str, max_attempts: int, lockout_seconds: float,
                 clock: Callable[[], float] = time.time, state_file: Path | None = None
                 ) -> None:
        self.stored_hash = stored_hash
        self.max_attempts = max_attempts
        self.lockout_seconds = lockout_seconds
        self.clock = clock
        self.state_file = state_file
        self.failures = 0
        self.locked_until = 0.0
        self._load()

    @classmethod
    def from_config(cls, config: Config) -> PinLock:
        """The running kiosk's lock, kept in its data folder."""
        operator = config.operator
        return cls(operator.pin_hash, operator.max_attempts, operator.lockout_minutes * 60,
                   state_file=config.data_dir / STATE_FILE)

    def seconds_locked(self) -> float:
        # at most one lockout's length: a clock set back must not lock the kiosk for ever
        return min(self.lockout_seconds, max(0.0, self.locked_until - self.clock()))

    def check(self, pin: str) -> bool:
        """True when the PIN is right and the lock is open; a wrong PIN counts a failure."""
        if not self.stored_hash or self.seconds_locked() > 0:
            return False
        if acceptable_pin(pin) and verify_pin(pin, self.stored_hash):
            if self.failures or self.locked_until:
                self.failures, self.locked_until = 0, 0.0
                self._save()
            return True
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.failures = 0
            self.locked_until = self.clock() + self.lockout_seconds
        self._save()
        return False

    def _load(self) -> None:
        if self.state_file is None:
            return
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
            self.failures = max(0, int(state["failures"]))
            self.locked_until = float(state["locked_until"])
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError) as err:
            # unreadable: start locked rather than open, so breaking the file gains nothing
            log.warning("operator PIN state %s cannot be read (%s): locked for now",
                        self.state_file, type(err).__name__)
            self.locked_until = self.clock() + self.lockout_seconds

    def _save(self) -> None:
        if self.state_file is None:
            return
        state = json.dumps({"failures": self.failures, "locked_until": self.locked_until})
        name = ""
        try:
            handle, name = tempfile.mkstemp(dir=self.state_file.parent, prefix=".pin-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(state)
                out.flush()
                os.fsync(out.fileno())
            os.replace(name, self.state_file)
        except OSError as err:  # the lock still holds in this process
            log.warning("operator PIN state cannot be saved in %s (%s)", self.state_file,
                        err.strerror or type(err).__name__)
            if name:
                with contextlib.suppress(OSError):
                    os.unlink(name)
