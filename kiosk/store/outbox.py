"""What people send from the kiosk waits here until the central API has it.

A durable queue in one SQLite file: an item is committed (synchronous=FULL) before the
screen says anything was sent, and leaves the file only once the API has answered for it.
Each item carries its idempotency key from the moment it is made, so sending it again after
any failure (a network error, a 5xx, a power cut between the request and the answer) can
never make a second dossier or rating at the server. Payloads are encrypted at rest with
the key from the secrets file (Fernet: AES-128-CBC with an HMAC); what `summaries` lists
(kind, reference, attempts, last error) holds no personal data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from kiosk.config import Config

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    refused INTEGER NOT NULL DEFAULT 0,
    payload BLOB NOT NULL);
"""
# letters a person reads to a clerk without confusing them (no 0/O, 1/I/L)
_REFERENCE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class OutboxError(Exception):
    """The outbox cannot be used (no key, unreadable file, full disk)."""


@dataclass(frozen=True)
class OutboxSummary:
    """An item as operators may see it: nothing a person typed."""

    key: str
    kind: str
    reference: str
    created: float
    attempts: int
    next_try: float
    last_error: str
    refused: bool


@dataclass(frozen=True)
class OutboxItem:
    summary: OutboxSummary
    payload: dict[str, Any]

    @property
    def key(self) -> str:
        return self.summary.key


def content_key(kind: str, payload: dict[str, Any], scope: str) -> str:
    """An idempotency key made from what is sent: a person who presses "Send" again after
    the kiosk restarted sends the same thing, and so the same dossier. `scope` (the kiosk's
    id and the day) keeps a later, deliberate repeat apart."""
    canonical = json.dumps([kind, scope, payload], ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return f"{kind[:3]}-{hashlib.sha256(canonical.encode()).hexdigest()[:40]}"


def new_reference() -> str:
    """A short code the person shows at the counter, e.g. "K7P-3F9A"."""
    letters = [secrets.choice(_REFERENCE_LETTERS) for _ in range(7)]
    return "".join(letters[:3]) + "-" + "".join(letters[3:])


def backoff(attempts: int, first: float, longest: float) -> float:
    """Seconds before try number `attempts + 1`: doubling, capped, with some jitter so a
    fleet of kiosks that lost the network together does not come back in step."""
    pause = min(longest, first * 2 ** max(0, attempts - 1))
    return pause * (0.8 + 0.4 * secrets.randbelow(1000) / 1000)


class Outbox:
    def __init__(self, path: Path, key: str, *, retry_first: float = 15.0,
                 retry_max: float = 900.0, clock: Callable[[], float] = time.time) -> None:
        if not key:
            raise OutboxError("no outbox key: put [outbox] key in the secrets file")
        try:
            self._fernet = Fernet(key.encode())
        except ValueError:
            raise OutboxError("the outbox key is not 32 bytes of URL-safe base64") from None
        self.path = path
        self.retry_first, self.retry_max, self.clock = retry_first, retry_max, clock
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise OutboxError(f"cannot open the outbox {path}: {err}") from None

    @classmethod
    def from_config(cls, config: Config) -> Outbox:
        return cls(config.outbox_path, config.outbox.key,
                   retry_first=config.outbox.retry_first_seconds,
                   retry_max=config.outbox.retry_max_seconds)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # a connection per call: the UI thread and the sender thread both use the outbox
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # committed means on disk
            yield db
        finally:
            db.close()

    def put(self, kind: str, payload: dict[str, Any], key: str | None = None) -> OutboxSummary:
        """Store an item durably; returns once it is on disk. The same `key` twice keeps the
        first item (a person pressing "Send" again after a crash sends one dossier)."""
        key = key or secrets.token_urlsafe(24)
        now = self.clock()
        sealed = self._fernet.encrypt(json.dumps(payload, ensure_ascii=False).encode())
        try:
            with self._db() as db:
                db.execute("INSERT OR IGNORE INTO items (key, kind, reference, created, "
                           "next_try, payload) VALUES (?, ?, ?, ?, ?, ?)",
                           (key, kind, new_reference(), now, now, sealed))
                row = db.execute(f"SELECT {_COLUMNS} FROM items WHERE key = ?",
                                 (key,)).fetchone()
        except sqlite3.Error as err:  # a full disk lands here: nothing was stored
            raise OutboxError(f"cannot store in the outbox: {err}") from None
        return _summary(row)

    def summaries(self) -> list[OutboxSummary]:
        with self._db() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM items ORDER BY created").fetchall()
        return [_summary(row) for row in rows]

    def get(self, key: str) -> OutboxItem | None:
        with self._db() as db:
            row = db.execute(f"SELECT {_COLUMNS}, payload FROM items WHERE key = ?",
                             (key,)).fetchone()
        return None if row is None else self._item(row)

    def due(self, now: float | None = None) -> list[OutboxItem]:
        """Items whose next try has come, oldest first (refused ones wait for staff)."""
        now = self.clock() if now is None else now
        with self._db() as db:
            rows = db.execute(f"SELECT {_COLUMNS}, payload FROM items WHERE refused = 0 AND "
                              "next_try <= ? ORDER BY created", (now,)).fetchall()
        return [self._item(row) for row in rows]

    def next_due(self) -> float | None:
        with self._db() as db:
            (when,) = db.execute("SELECT MIN(next_try) FROM items WHERE refused = 0"
                                 ).fetchone()
        return when

    def delivered(self, key: str) -> None:
        """The API has it: the item, with the personal data in it, goes."""
        with self._db() as db:
            db.execute("DELETE FROM items WHERE key = ?", (key,))

    def failed(self, key: str, error: str, *, refused: bool = False) -> None:
        """Try again later (after a growing pause), or never when the API refused it."""
        now = self.clock()
        with self._db() as db:
            (attempts,) = db.execute("SELECT attempts FROM items WHERE key = ?",
                                     (key,)).fetchone() or (0,)
            db.execute("UPDATE items SET attempts = ?, next_try = ?, last_error = ?, "
                       "refused = ? WHERE key = ?",
                       (attempts + 1, now + backoff(attempts + 1, self.retry_first,
                                                    self.retry_max),
                        error[:300], int(refused), key))

    def retry_now(self) -> int:
        """Make every waiting item due (an operator's "send now"); returns how many."""
        with self._db() as db:
            return db.execute("UPDATE items SET next_try = ? WHERE refused = 0",
                              (self.clock(),)).rowcount

    def _item(self, row: tuple[Any, ...]) -> OutboxItem:
        try:
            payload = json.loads(self._fernet.decrypt(row[-1]))
        except InvalidToken:
            raise OutboxError("an outbox item cannot be read with this key (was the key "
                              "changed?)") from None
        return OutboxItem(_summary(row[:-1]), payload)


_COLUMNS = "key, kind, reference, created, attempts, next_try, last_error, refused"


def _summary(row: tuple[Any, ...]) -> OutboxSummary:
    key, kind, reference, created, attempts, next_try, last_error, refused = row
    return OutboxSummary(key, kind, reference, created, attempts, next_try, last_error,
                         bool(refused))
