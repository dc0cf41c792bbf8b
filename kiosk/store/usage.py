"""Anonymous usage counts, kept on the kiosk until the central API has them.

A counter per (day, event, detail) in one SQLite file: how many procedures were viewed
(which ones), how many searches found nothing. Never what a person typed: a search is
counted without its words (they can be a name), and the only detail stored is a procedure
code, checked against its pattern, so personal data cannot get in by mistake.

`count()` is called from the UI thread: it is one small write, and it never raises: a full
disk or an unreadable file loses that count, with one warning in the log. Losing the last
few counts in a power cut is acceptable, so commits are not forced to disk.

The heartbeat takes the pending counts as a batch with an id stored beside them: a batch
sent again after a failure has the same id, and the server counts each batch once. Counts
made while a batch is in flight are new rows, and go in the next batch.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from kiosk.catalogue.model import PROCEDURE_CODE

log = logging.getLogger(__name__)
T = TypeVar("T")

# event -> whether its detail is a procedure code (the others have no detail at all)
EVENTS = {"procedure_viewed": True, "submission_started": True, "submission_sent": True,
          "search": False, "search_no_result": False, "dossier_lookup": False,
          "queue_number": False, "staff_call": False}
# rows in one batch: a kiosk offline for months sends its backlog over several heartbeats,
# each well under the API's 1 MB body limit
BATCH_ROWS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counts (
    day TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL,
    batch TEXT NOT NULL DEFAULT '',  -- '' while pending; a batch's id once taken
    count INTEGER NOT NULL,
    PRIMARY KEY (day, event, detail, batch));
"""


@dataclass(frozen=True)
class UsageCount:
    day: str  # the kiosk's local date, YYYY-MM-DD
    event: str
    detail: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "event": self.event, "detail": self.detail,
                "count": self.count}


@dataclass(frozen=True)
class UsageBatch:
    id: str
    counts: list[UsageCount]


def allowed(event: str, detail: str = "") -> bool:
    """Only known events, and a detail only where it is a procedure code."""
    if not isinstance(event, str) or not isinstance(detail, str) or event not in EVENTS:
        return False
    if not detail:
        return True
    return EVENTS[event] and len(detail) <= 64 and PROCEDURE_CODE.match(detail) is not None


class UsageLog:
    def __init__(self, path: Path, *, today: Callable[[], date] = date.today) -> None:
        # nothing is opened here: making the log must not fail (or cost) at start-up
        self.path = Path(path)
        self.today = today
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._failing = False

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None,
                                   check_same_thread=False)  # the lock serialises use
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
            except sqlite3.Error:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def count(self, event: str, detail: str = "") -> bool:
        """Add one to today's (event, detail); False when it was refused or not stored."""
        if not allowed(event, detail):
            # the detail itself is not logged: it might be what someone typed
            log.warning("usage: refused a count of %r: an unknown event, or a detail that "
                        "is not a procedure code (not stored)", str(event)[:40])
            return False
        day = self.today().isoformat()
        return self._with_db(lambda db: db.execute(
            "INSERT INTO counts (day, event, detail, batch, count) VALUES (?, ?, ?, '', 1) "
            "ON CONFLICT (day, event, detail, batch) DO UPDATE SET count = count + 1",
            (day, event, detail))) is not None

    def count_search(self, found: bool) -> None:
        """A query the person settled on (its words are not kept)."""
        self.count("search")
        if not found:
            self.count("search_no_result")

    def take_batch(self, limit: int = BATCH_ROWS) -> UsageBatch | None:
        """The batch to send: the one in flight (same id as before) if a send failed,
        else the pending counts under a new id; None when there is nothing to send."""
        def take(db: sqlite3.Connection) -> UsageBatch | None:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT batch FROM counts WHERE batch != '' LIMIT 1"
                                 ).fetchone()
                batch_id = row[0] if row else uuid.uuid4().hex
                if row is None:
                    db.execute("UPDATE counts SET batch = ? WHERE rowid IN (SELECT rowid "
                               "FROM counts WHERE batch = '' ORDER BY day LIMIT ?)",
                               (batch_id, limit))
                rows = db.execute("SELECT day, event, detail, count FROM counts WHERE "
                                  "batch = ? ORDER BY day, event, detail",
                                  (batch_id,)).fetchall()
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return UsageBatch(batch_id, [UsageCount(*r) for r in rows]) if rows else None

        return self._with_db(take)

    def acknowledge(self, batch_id: str) -> None:
        """The API has the batch: its counts go. If this fails the batch is sent again,
        and the server, which knows its id, does not count it twice."""
        self._with_db(lambda db: db.execute("DELETE FROM counts WHERE batch = ?",
                                            (batch_id,)))

    def pending(self) -> int:
        """Counts not yet acknowledged by the API (in flight included)."""
        total = self._with_db(lambda db: db.execute(
            "SELECT coalesce(sum(count), 0) FROM counts").fetchone()[0])
        return int(total or 0)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _with_db(self, work: Callable[[sqlite3.Connection], T]) -> T | None:
        """`work(connection)` under the lock; None (and one warning) when the file cannot
        be used: the caller, the UI among them, never sees an error."""
        with self._lock:
            try:
                result = work(self._db())
            except (sqlite3.Error, OSError) as err:
                self._close()  # opened afresh next time (a replaced or repaired file)
                # once until it works again: a full disk must not fill the log at each touch
                if not self._failing:
                    log.warning("usage counts cannot be stored in %s (%s); they are dropped",
                                self.path, err)
                self._failing = True
                return None
            self._failing = False
            return result

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
