"""What people send from the kiosk waits here until the central API has it.

A durable queue in one SQLite file: an item is committed (synchronous=FULL) before the
screen says anything was sent, and leaves the file only once the API has answered for it.
Each item carries its idempotency key from the moment it is made, so sending it again after
any failure (a network error, a 5xx, a power cut between the request and the answer) can
never make a second dossier or rating at the server. Payloads are encrypted at rest with
the key from the secrets file (Fernet: AES-128-CBC with an HMAC); what `summaries` lists
(kind, reference, state, attempts, last error) holds no personal data: the last error is a
reason the kiosk words itself, never an answer's text.

An item is in one of three states: waiting (to be sent, now or after a pause), refused
(the API will never take it: kept for staff) or quarantined (it cannot be decrypted with
this key, or decrypts to nonsense: kept, still encrypted, until the right key is back or
staff discard it). A quarantined item is never handed to the sender, so it cannot hold up
the items behind it. The file also keeps the sender's last round (`SenderStatus`), so
`kiosk doctor`, another process, can tell whether anything is being sent.

Every SQLite failure (a full disk, a read-only folder) comes out as `OutboxError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.fernet import Fernet, InvalidToken

from kiosk.config import Config
from kiosk.submission.personal_data import redact
from kiosk.submission.reference import new_reference

log = logging.getLogger(__name__)

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
    payload BLOB NOT NULL,
    quarantined INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS recent_submissions (
    digest TEXT NOT NULL,
    item_key TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    sent_at REAL NOT NULL,
    dossier_code TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS recent_digest ON recent_submissions (digest, sent_at);
CREATE TABLE IF NOT EXISTS sender (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_run REAL,
    last_success REAL,
    last_delivery REAL,
    problem TEXT NOT NULL DEFAULT '');
"""
# columns added since the first release, for outbox files made before them
_ADDED_COLUMNS = {"quarantined": "INTEGER NOT NULL DEFAULT 0",
                  "api_code": "TEXT NOT NULL DEFAULT ''"}
_OLD_REFUSAL = "refused by the central API (the reason was not kept)"
MAX_ERROR = 300
# a submission by the same person (ID number), of the same procedure to the same agency
# within this many seconds is "sent before": the kiosk asks before sending it again
REPEAT_WINDOW_S = 24 * 3600
_API_CODE = re.compile(r"[a-z0-9_.-]{1,40}")

State = Literal["waiting", "refused", "quarantined"]


class OutboxError(Exception):
    """The outbox cannot be used (no key, unreadable file, full disk)."""


class UnreadableItem(OutboxError):
    """One item cannot be decrypted or decoded with this outbox's key."""


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
    quarantined: bool = False
    api_code: str = ""  # the API's error code of a refusal

    @property
    def state(self) -> State:
        return "quarantined" if self.quarantined else "refused" if self.refused else "waiting"


@dataclass(frozen=True)
class OutboxItem:
    summary: OutboxSummary
    payload: dict[str, Any]

    @property
    def key(self) -> str:
        return self.summary.key


@dataclass(frozen=True)
class SenderStatus:
    """The background sender's last round, as the operator screen and `kiosk doctor` show
    it. Times are Unix times; None: not yet."""

    last_run: float | None = None  # a round over the due items ended, well or not
    last_success: float | None = None  # a round ended with nothing left failing
    last_delivery: float | None = None  # an item last reached the API
    problem: str = ""  # why the last round did not succeed ("" when it did)


def content_key(kind: str, payload: dict[str, Any], scope: str) -> str:
    """An idempotency key made from what is sent: a person who presses "Send" again after
    the kiosk restarted sends the same thing, and so the same dossier. `scope` (the kiosk's
    id and the day) keeps a later, deliberate repeat apart."""
    canonical = json.dumps([kind, scope, payload], ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return f"{kind[:3]}-{hashlib.sha256(canonical.encode()).hexdigest()[:40]}"


@dataclass(frozen=True)
class LocalState:
    """A submission still in this outbox, as its slip's reference finds it: waiting to be
    sent, or refused (by the central API, with its error code; "unreadable" when the kiosk
    cannot read it back)."""

    refused: bool
    api_code: str = ""


@dataclass(frozen=True)
class EarlierSubmission:
    """The same person's submission of the same procedure here within REPEAT_WINDOW_S."""

    sent_at: float
    reference: str
    dossier_code: str  # "" while it waits to be sent


def backoff(attempts: int, first: float, longest: float) -> float:
    """Seconds before try number `attempts + 1`: doubling, capped, with some jitter so a
    fleet of kiosks that lost the network together does not come back in step."""
    pause = min(longest, first * 2 ** max(0, attempts - 1))
    return pause * (0.8 + 0.4 * secrets.randbelow(1000) / 1000)


def safe_text(text: str) -> str:
    """What may be stored or shown about a failure: one line, bounded, with no ID number,
    phone number or e-mail address in it (see kiosk.submission.personal_data)."""
    return redact(" ".join(text.split()))[:MAX_ERROR]


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
        # the repeat check's digests are keyed by the outbox key, never stored beside it
        self._digest_key = hashlib.sha256(b"kiosk repeat check|" + key.encode()).digest()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutboxError(f"cannot open the outbox {path}: {err}") from None
        with self._db(f"open the outbox {path}") as db:
            db.executescript(_SCHEMA)
            have = {row[1] for row in db.execute("PRAGMA table_info(items)")}
            if "quarantined" not in have:
                # a file from before reasons were the kiosk's own: its last errors may
                # quote an answer's text, and with it what a person typed
                db.execute("UPDATE items SET last_error = CASE WHEN refused = 1 THEN ? "
                           "ELSE '' END WHERE last_error != ''", (_OLD_REFUSAL,))
            for column, declaration in _ADDED_COLUMNS.items():
                if column not in have:
                    db.execute(f"ALTER TABLE items ADD COLUMN {column} {declaration}")
            # the repeat check's notes go after a day, also when nobody sends anything more
            # (the kiosk restarts every night)
            db.execute("DELETE FROM recent_submissions WHERE sent_at < ?",
                       (self.clock() - REPEAT_WINDOW_S,))

    @classmethod
    def from_config(cls, config: Config) -> Outbox:
        return cls(config.outbox_path, config.outbox.key,
                   retry_first=config.outbox.retry_first_seconds,
                   retry_max=config.outbox.retry_max_seconds)

    @contextlib.contextmanager
    def _db(self, doing: str = "use the outbox") -> Iterator[sqlite3.Connection]:
        # a connection per call: the UI thread and the sender thread both use the outbox
        try:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except sqlite3.Error as err:
            raise OutboxError(f"cannot {doing}: {err}") from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # committed means on disk
            yield db
        except sqlite3.Error as err:  # a full disk or a read-only folder lands here
            raise OutboxError(f"cannot {doing}: {err}") from None
        finally:
            db.close()

    def put(self, kind: str, payload: dict[str, Any], key: str | None = None) -> OutboxSummary:
        """Store an item durably; returns once it is on disk. The same `key` twice keeps the
        first item (a person pressing "Send" again after a crash sends one dossier)."""
        key = key or secrets.token_urlsafe(24)
        now = self.clock()
        sealed = self._fernet.encrypt(json.dumps(payload, ensure_ascii=False).encode())
        digest = self._applicant_digest(payload) if kind == "submission" else ""
        # nothing is half stored: the item and its note for the repeat check are one
        # transaction, committed or not at all
        with self._db("store in the outbox") as db, db:
            db.execute("BEGIN IMMEDIATE")
            inserted = db.execute("INSERT OR IGNORE INTO items (key, kind, reference, created, "
                                  "next_try, payload) VALUES (?, ?, ?, ?, ?, ?)",
                                  (key, kind, new_reference(), now, now, sealed)).rowcount
            row = db.execute(f"SELECT {_COLUMNS} FROM items WHERE key = ?",
                             (key,)).fetchone()
            if digest and inserted:
                db.execute("DELETE FROM recent_submissions WHERE sent_at < ?",
                           (now - REPEAT_WINDOW_S,))
                db.execute("INSERT OR IGNORE INTO recent_submissions (digest, item_key, "
                           "reference, sent_at) VALUES (?, ?, ?, ?)",
                           (digest, key, row[2], now))
        return _summary(row)

    def earlier_submission(self, payload: dict[str, Any]) -> EarlierSubmission | None:
        """The latest submission this kiosk took from the same person (ID number) for the
        same procedure and agency within REPEAT_WINDOW_S; None if none, or no ID number."""
        digest = self._applicant_digest(payload)
        if not digest:
            return None
        with self._db("read the outbox") as db:
            row = db.execute("SELECT sent_at, reference, dossier_code FROM recent_submissions "
                             "WHERE digest = ? AND sent_at >= ? ORDER BY sent_at DESC LIMIT 1",
                             (digest, self.clock() - REPEAT_WINDOW_S)).fetchone()
        return None if row is None else EarlierSubmission(*row)

    def _applicant_digest(self, payload: dict[str, Any]) -> str:
        """A keyed digest of (ID number, procedure, agency): the repeat check finds the same
        person without this file holding an ID number outside the encrypted payloads."""
        applicant = payload.get("applicant")
        number = str(applicant.get("citizen_id", "")).strip() \
            if isinstance(applicant, dict) else ""
        if not number:
            return ""
        text = "|".join((number, str(payload.get("procedure_code", "")),
                         str(payload.get("agency", ""))))
        return hmac.new(self._digest_key, text.encode(), hashlib.sha256).hexdigest()

    def local_state(self, reference: str) -> LocalState | None:
        """A submission still here, by its slip's reference; None once it reached the API."""
        found = self.find(reference)
        if found is None or found.kind != "submission":
            return None
        if found.state == "quarantined":
            return LocalState(refused=True, api_code="unreadable")
        return LocalState(refused=found.refused, api_code=found.api_code)

    def summaries(self) -> list[OutboxSummary]:
        with self._db("read the outbox") as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM items ORDER BY created").fetchall()
        return [_summary(row) for row in rows]

    def find(self, reference: str) -> OutboxSummary | None:
        """The item with this reference (the code on the person's slip), in whatever state;
        None once it has reached the API (or never was here)."""
        with self._db("read the outbox") as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM items WHERE reference = ?",
                             (reference.strip().upper(),)).fetchone()
        return None if row is None else _summary(row)

    def get(self, key: str) -> OutboxItem | None:
        """The item with its payload; raises UnreadableItem when it cannot be decrypted."""
        with self._db("read the outbox") as db:
            row = db.execute(f"SELECT {_COLUMNS}, payload FROM items WHERE key = ?",
                             (key,)).fetchone()
        return None if row is None else self._item(row)

    def due(self, now: float | None = None) -> list[OutboxItem]:
        """Items whose next try has come, oldest first (refused ones wait for staff). One
        that cannot be read is quarantined on the way and left out: it must not hold up the
        others."""
        now = self.clock() if now is None else now
        with self._db("read the outbox") as db:
            rows = db.execute(f"SELECT {_COLUMNS}, payload FROM items WHERE refused = 0 AND "
                              "quarantined = 0 AND next_try <= ? ORDER BY created",
                              (now,)).fetchall()
        items = []
        for row in rows:
            try:
                items.append(self._item(row))
            except UnreadableItem as err:
                summary = _summary(row[:-1])
                log.error("outbox %s %s cannot be read: quarantined (%s)", summary.kind,
                          summary.reference, err)
                with contextlib.suppress(OutboxError):  # left out this time all the same
                    self._quarantine(summary.key, str(err))
        return items

    def next_due(self) -> float | None:
        with self._db("read the outbox") as db:
            (when,) = db.execute("SELECT MIN(next_try) FROM items WHERE refused = 0 AND "
                                 "quarantined = 0").fetchone()
        return when

    def delivered(self, key: str, dossier_code: str = "") -> None:
        """The API has it: the item, with the personal data in it, goes; a submission's
        dossier code is kept for the repeat check."""
        with self._db("record a delivery in the outbox") as db, db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM items WHERE key = ?", (key,))
            if dossier_code:
                db.execute("UPDATE recent_submissions SET dossier_code = ? WHERE item_key = ?",
                           (dossier_code[:64], key))

    def failed(self, key: str, error: str, *, refused: bool = False, api_code: str = ""
               ) -> None:
        """Try again later (after a growing pause), or never when the API refused it.
        `error` is the kiosk's own reason; it is stored redacted all the same. `api_code`:
        the API's error code of a refusal, which the person's look-up puts in words."""
        now = self.clock()
        code = api_code if _API_CODE.fullmatch(api_code) else ""
        with self._db("record a failure in the outbox") as db:
            (attempts,) = db.execute("SELECT attempts FROM items WHERE key = ?",
                                     (key,)).fetchone() or (0,)
            db.execute("UPDATE items SET attempts = ?, next_try = ?, last_error = ?, "
                       "refused = ?, api_code = ? WHERE key = ?",
                       (attempts + 1, now + backoff(attempts + 1, self.retry_first,
                                                    self.retry_max),
                        safe_text(error), int(refused), code, key))

    def retry_now(self) -> int:
        """Make every waiting item due (an operator's "send now"), after giving back the
        quarantined items this key can read again; returns how many are due."""
        self.release_readable()
        with self._db("update the outbox") as db:
            return db.execute("UPDATE items SET next_try = ? WHERE refused = 0 AND "
                              "quarantined = 0", (self.clock(),)).rowcount

    def unreadable(self) -> list[OutboxSummary]:
        """Items this key cannot read: the quarantined ones, and any the sender has not come
        to yet (`kiosk doctor` asks, and changes nothing)."""
        with self._db("read the outbox") as db:
            rows = db.execute(f"SELECT {_COLUMNS}, payload FROM items ORDER BY created"
                              ).fetchall()
        found = []
        for row in rows:
            try:
                self._item(row)
            except UnreadableItem:
                found.append(_summary(row[:-1]))
        return found

    def release_readable(self) -> int:
        """Quarantined items this key can read (the right key is back) wait to be sent
        again; returns how many."""
        with self._db("read the outbox") as db:
            rows = db.execute(f"SELECT {_COLUMNS}, payload FROM items WHERE quarantined = 1"
                              ).fetchall()
        readable = []
        for row in rows:
            with contextlib.suppress(UnreadableItem):
                readable.append(self._item(row).key)
        if readable:
            with self._db("update the outbox") as db:
                db.executemany("UPDATE items SET quarantined = 0, next_try = ?, "
                               "last_error = '' WHERE key = ?",
                               [(self.clock(), key) for key in readable])
            log.info("outbox: %d quarantined items can be read again", len(readable))
        return len(readable)

    def discard(self, reference: str) -> OutboxSummary:
        """Staff remove a refused or quarantined item (they have seen the person); an item
        still waiting to be sent cannot be discarded."""
        found = self.find(reference)
        if found is None:
            raise OutboxError(f"no item {reference} in the outbox")
        if found.state == "waiting":
            raise OutboxError(f"{found.reference} is still waiting to be sent: only refused "
                              "or unreadable items can be discarded")
        with self._db("update the outbox") as db:
            db.execute("DELETE FROM items WHERE key = ?", (found.key,))
        return found

    def record_sender(self, status: SenderStatus) -> None:
        with self._db("record the sender's round") as db:
            db.execute("INSERT OR REPLACE INTO sender (id, last_run, last_success, "
                       "last_delivery, problem) VALUES (1, ?, ?, ?, ?)",
                       (status.last_run, status.last_success, status.last_delivery,
                        safe_text(status.problem)))

    def sender_status(self) -> SenderStatus | None:
        """The sender's last recorded round; None when no sender has run on this file."""
        with self._db("read the outbox") as db:
            row = db.execute("SELECT last_run, last_success, last_delivery, problem FROM "
                             "sender WHERE id = 1").fetchone()
        return None if row is None else SenderStatus(*row)

    def _quarantine(self, key: str, reason: str) -> None:
        with self._db("quarantine an outbox item") as db:
            db.execute("UPDATE items SET quarantined = 1, last_error = ? WHERE key = ?",
                       (safe_text(reason), key))

    def _item(self, row: tuple[Any, ...]) -> OutboxItem:
        try:
            payload = json.loads(self._fernet.decrypt(row[-1]))
        except (InvalidToken, TypeError):
            raise UnreadableItem("it cannot be decrypted with this outbox key (written with "
                                 "another key, or damaged)") from None
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            raise UnreadableItem("it decrypts, but not to an item (damaged)") from None
        if not isinstance(payload, dict):
            raise UnreadableItem("it decrypts, but not to an item (damaged)")
        return OutboxItem(_summary(row[:-1]), payload)


_COLUMNS = ("key, kind, reference, created, attempts, next_try, last_error, refused, "
            "quarantined, api_code")


def _summary(row: tuple[Any, ...]) -> OutboxSummary:
    (key, kind, reference, created, attempts, next_try, last_error, refused, quarantined,
     api_code) = row
    return OutboxSummary(key, kind, reference, created, attempts, next_try, last_error,
                         bool(refused), bool(quarantined), api_code)
