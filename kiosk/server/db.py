"""The reference central API's SQLite database: catalogue, dossiers, and what kiosks send.

Each catalogue row carries `modified_at`, a server-side time that only grows, so a kiosk
can ask for what changed since its last sync; removed procedures stay as tombstones so an
incremental sync learns about removals too.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.catalogue.dossier import Dossier
from kiosk.catalogue.model import Catalogue

_SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS procedures (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, field TEXT NOT NULL, body TEXT,
    deleted INTEGER NOT NULL DEFAULT 0, modified_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS procedures_modified ON procedures (modified_at, code);
CREATE TABLE IF NOT EXISTS forms (
    code TEXT PRIMARY KEY, body TEXT NOT NULL, pdf BLOB, sample_pdf BLOB,
    sha256 TEXT NOT NULL, sample_sha256 TEXT NOT NULL, modified_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agencies (
    code TEXT PRIMARY KEY, body TEXT NOT NULL, modified_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dossiers (
    code TEXT PRIMARY KEY, body TEXT NOT NULL, lookup_pin TEXT, modified_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pin_failures (
    code TEXT NOT NULL, client TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    idempotency_key TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, body TEXT NOT NULL,
    answer TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ratings (
    idempotency_key TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, agency TEXT NOT NULL,
    body TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS heartbeats (
    id INTEGER PRIMARY KEY, kiosk_id TEXT NOT NULL, body TEXT NOT NULL,
    received_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS heartbeats_kiosk ON heartbeats (kiosk_id, id);
CREATE TABLE IF NOT EXISTS usage_batches (
    kiosk_id TEXT NOT NULL, batch_id TEXT NOT NULL, received_at TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, batch_id));
CREATE TABLE IF NOT EXISTS usage (
    kiosk_id TEXT NOT NULL, day TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY (kiosk_id, day, event, detail));
CREATE TABLE IF NOT EXISTS handoffs (
    token TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, procedure_code TEXT NOT NULL,
    case_name TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
    key_sha256 TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, created_at TEXT NOT NULL);
"""


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def sha256(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data else ""


@dataclass(frozen=True)
class ImportResult:
    added: int
    changed: int
    removed: int
    unchanged: int
    forms: int


class ServerDB:
    """One SQLite file; a connection per thread, as the web server runs handlers in threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._stamp_lock = threading.Lock()
        self._last_stamp = ""
        self.conn.executescript(_SCHEMA)
        self._pin_failures_by_client()

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 10000")
            self._local.conn = conn
        return conn

    def stamp(self) -> str:
        """A UTC time, fixed width so text order is time order, never equal to the last one."""
        with self._stamp_lock:
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            last = self._last_stamp or (self.conn.execute(
                "SELECT max(modified_at) FROM procedures").fetchone()[0] or "")
            if now <= last:
                moment = datetime.strptime(last, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
                now = datetime.fromtimestamp(moment.timestamp() + 1e-6, UTC).strftime(
                    "%Y-%m-%dT%H:%M:%S.%fZ")
                if now <= last:  # float rounding: step by a whole millisecond instead
                    now = datetime.fromtimestamp(moment.timestamp() + 1e-3, UTC).strftime(
                        "%Y-%m-%dT%H:%M:%S.%fZ")
            self._last_stamp = now
            return now

    # --- catalogue ---------------------------------------------------------------------

    def import_catalogue(self, catalogue: Catalogue, pdfs: dict[str, tuple[bytes, bytes | None]],
                         *, remove_missing: bool = True) -> ImportResult:
        """Store a province's catalogue; only procedures whose content changed get a new time.

        `pdfs` maps a form code to its PDF and filled-in sample PDF (or None).
        """
        conn = self.conn
        current = dict(conn.execute("SELECT code, body FROM procedures WHERE deleted = 0"))
        added = changed = 0
        with _transaction(conn):
            for procedure in catalogue.procedures:
                body = json.dumps(procedure.to_dict(), ensure_ascii=False, sort_keys=True)
                old = current.pop(procedure.code, None)
                if old == body:
                    continue
                added += old is None
                changed += old is not None
                conn.execute("INSERT OR REPLACE INTO procedures VALUES (?, ?, ?, ?, 0, ?)",
                             (procedure.code, procedure.name, procedure.field, body,
                              self.stamp()))
            removed = len(current) if remove_missing else 0
            if remove_missing:
                for code in current:
                    conn.execute("UPDATE procedures SET deleted = 1, body = NULL, "
                                 "modified_at = ? WHERE code = ?", (self.stamp(), code))
            forms = {}
            for form in catalogue.forms.values():
                pdf, sample = pdfs.get(form.code, (None, None))
                forms[form.code] = (json.dumps(form.to_dict(), ensure_ascii=False), pdf, sample)
            self._replace_changed(
                "forms", {code: (body, pdf, sample, sha256(pdf), sha256(sample))
                          for code, (body, pdf, sample) in forms.items()},
                remove_missing, compare=lambda row, new: row[0] == new[0] and row[3] == new[3]
                and row[4] == new[4])
            self._replace_changed(
                "agencies", {a.code: (json.dumps(a.to_dict(), ensure_ascii=False),)
                             for a in catalogue.agencies.agencies.values()},
                remove_missing, compare=lambda row, new: row[0] == new[0])
        unchanged = len(catalogue.procedures) - added - changed
        return ImportResult(added, changed, removed, unchanged, len(catalogue.forms))

    def _replace_changed(self, table: str, rows: dict[str, tuple[Any, ...]], remove_missing: bool,
                         compare: Any) -> None:
        """Write the rows whose content differs (new time), drop the missing ones if asked."""
        columns = {"forms": "body, pdf, sample_pdf, sha256, sample_sha256", "agencies": "body"}
        current = {row[0]: row[1:] for row in self.conn.execute(
            f"SELECT code, {columns[table]} FROM {table}")}
        marks = ", ".join("?" * (len(next(iter(rows.values()), ())) + 2))
        for code, values in rows.items():
            if code in current and compare(current[code], values):
                continue
            self.conn.execute(f"INSERT OR REPLACE INTO {table} VALUES ({marks})",
                              (code, *values, self.stamp()))
        if remove_missing:
            for code in current.keys() - rows.keys():
                self.conn.execute(f"DELETE FROM {table} WHERE code = ?", (code,))

    def catalogue_version(self) -> dict[str, Any]:
        conn = self.conn
        count, latest = conn.execute("SELECT count(*) FILTER (WHERE deleted = 0), "
                                     "max(modified_at) FROM procedures").fetchone()
        forms, forms_latest = conn.execute("SELECT count(*), max(modified_at) FROM forms"
                                           ).fetchone()
        agencies, agencies_latest = conn.execute(
            "SELECT count(*), max(modified_at) FROM agencies").fetchone()
        token = f"{count}|{latest}|{forms}|{forms_latest}|{agencies}|{agencies_latest}"
        return {"version": hashlib.sha256(token.encode()).hexdigest()[:32],
                "procedures": count, "forms": forms, "agencies": agencies,
                "updated_max": latest or ""}

    def procedure_page(self, *, updated_since: str | None, after: tuple[str, str] | None,
                       limit: int, field: str | None = None) -> tuple[list[str], tuple[str, str]
                                                                         | None, int]:
        """JSON texts of one page in (modified_at, code) order, the next key, and the total.

        With `updated_since`, removed procedures come as tombstones; without it (a full
        sync) only the live ones.
        """
        where, args = [], []
        if updated_since:
            where.append("modified_at > ?")
            args.append(updated_since)
        else:
            where.append("deleted = 0")
        if field:
            where.append("field = ?")
            args.append(field)
        total = self.conn.execute(f"SELECT count(*) FROM procedures WHERE {' AND '.join(where)}",
                                  args).fetchone()[0]
        if after:
            where.append("(modified_at, code) > (?, ?)")
            args.extend(after)
        rows = self.conn.execute(
            f"SELECT code, body, deleted, modified_at FROM procedures WHERE {' AND '.join(where)}"
            " ORDER BY modified_at, code LIMIT ?", [*args, limit + 1]).fetchall()
        items = []
        for code, body, deleted, modified in rows[:limit]:
            if deleted:
                items.append(json.dumps({"code": code, "deleted": True, "modified_at": modified}))
            else:
                items.append(f'{body[:-1]}, "modified_at": "{modified}"}}')
        last = rows[limit - 1] if len(rows) > limit else None
        return items, ((last[3], last[0]) if last else None), total

    def procedure(self, code: str) -> str | None:
        row = self.conn.execute("SELECT body FROM procedures WHERE code = ? AND deleted = 0",
                                (code,)).fetchone()
        return row[0] if row else None

    def agencies(self) -> list[str]:
        return [body for (body,) in self.conn.execute("SELECT body FROM agencies ORDER BY code")]

    def forms(self) -> list[tuple[str, str, str]]:
        return list(self.conn.execute("SELECT body, sha256, sample_sha256 FROM forms "
                                      "ORDER BY code"))

    def form_pdf(self, code: str, sample: bool) -> tuple[bytes, str] | None:
        column = "sample_pdf, sample_sha256" if sample else "pdf, sha256"
        row = self.conn.execute(f"SELECT {column} FROM forms WHERE code = ?", (code,)).fetchone()
        return (row[0], row[1]) if row and row[0] else None

    # --- dossiers ----------------------------------------------------------------------

    def put_dossiers(self, dossiers: Iterable[tuple[Dossier, str | None]]) -> int:
        count = 0
        with _transaction(self.conn):
            for dossier, pin in dossiers:
                self.conn.execute("INSERT OR REPLACE INTO dossiers VALUES (?, ?, ?, ?)",
                                  (dossier.code, json.dumps(dossier.to_dict(), ensure_ascii=False),
                                   pin, self.stamp()))
                count += 1
        return count

    def dossier(self, code: str) -> tuple[Dossier, str | None] | None:
        row = self.conn.execute("SELECT body, lookup_pin FROM dossiers WHERE code = ?",
                                (code,)).fetchone()
        return (Dossier.from_dict(json.loads(row[0])), row[1]) if row else None

    def _pin_failures_by_client(self) -> None:
        """Wrong PINs are counted per client (so a stranger's lock out only the stranger);
        a file from before that loses its failures, which matter for 15 minutes only."""
        columns = [row[1] for row in self.conn.execute("PRAGMA table_info(pin_failures)")]
        if "client" not in columns:
            self.conn.executescript(
                "DROP TABLE pin_failures; CREATE TABLE pin_failures ("
                "code TEXT NOT NULL, client TEXT NOT NULL, at TEXT NOT NULL);")
        self.conn.execute("CREATE INDEX IF NOT EXISTS pin_failures_client "
                          "ON pin_failures (client, code, at)")

    def pin_failures_since(self, since: str, client: str, code: str | None = None
                           ) -> tuple[int, str | None]:
        """How many wrong PINs `client` sent after `since` (for dossier `code`, or for all),
        and when the oldest of them came."""
        where, args = "client = ? AND at > ?", [client, since]
        if code is not None:
            where, args = where + " AND code = ?", [*args, code]
        count, oldest = self.conn.execute(
            f"SELECT count(*), min(at) FROM pin_failures WHERE {where}", args).fetchone()
        return count, oldest

    def record_pin_failure(self, code: str, client: str, forget_before: str) -> None:
        """Count a wrong PIN; failures from before `forget_before` no longer matter."""
        with _transaction(self.conn):
            self.conn.execute("DELETE FROM pin_failures WHERE at < ?", (forget_before,))
            self.conn.execute("INSERT INTO pin_failures VALUES (?, ?, ?)",
                              (code, client, _now()))

    # --- what kiosks send --------------------------------------------------------------

    def add_api_key(self, key: str, kiosk_id: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO api_keys VALUES (?, ?, ?)",
                          (key_digest(key), kiosk_id, _now()))

    def kiosk_for_key(self, key: str) -> str | None:
        row = self.conn.execute("SELECT kiosk_id FROM api_keys WHERE key_sha256 = ?",
                                (key_digest(key),)).fetchone()
        return row[0] if row else None

    def remember(self, table: str, key: str, kiosk_id: str, body: str, answer: str,
                 extra: str = "") -> tuple[str, bool]:
        """Store a kiosk's POST once per idempotency key; return the answer and if it is new."""
        if table not in ("submissions", "ratings"):
            raise ValueError(table)
        conn = self.conn
        with _transaction(conn):
            row = conn.execute(f"SELECT {'answer' if table == 'submissions' else 'body'} "
                               f"FROM {table} WHERE idempotency_key = ?", (key,)).fetchone()
            if row:
                return row[0], False
            if table == "submissions":
                conn.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?)",
                             (key, kiosk_id, body, answer, _now()))
            else:
                conn.execute("INSERT INTO ratings VALUES (?, ?, ?, ?, ?)",
                             (key, kiosk_id, extra, body, _now()))
        return answer, True

    def add_handoff(self, token: str, kiosk_id: str, procedure_code: str, case_name: str,
                    expires_at: str) -> None:
        self.conn.execute("INSERT INTO handoffs VALUES (?, ?, ?, ?, ?)",
                          (token, kiosk_id, procedure_code, case_name, expires_at))

    def handoff(self, token: str) -> tuple[str, str, str] | None:
        """(procedure code, case, expiry) of a hand-off link."""
        row = self.conn.execute("SELECT procedure_code, case_name, expires_at FROM handoffs "
                                "WHERE token = ?", (token,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def add_heartbeat(self, kiosk_id: str, body: str) -> None:
        """Keep a kiosk's last heartbeat (the earlier ones say nothing more)."""
        conn = self.conn
        with _transaction(conn):
            cursor = conn.execute("INSERT INTO heartbeats (kiosk_id, body, received_at) "
                                  "VALUES (?, ?, ?)", (kiosk_id, body, _now()))
            conn.execute("DELETE FROM heartbeats WHERE kiosk_id = ? AND id < ?",
                         (kiosk_id, cursor.lastrowid))

    def last_heartbeats(self) -> list[tuple[str, str | None, str | None]]:
        """(kiosk id, received at, body) for every kiosk with a key or a heartbeat; a kiosk
        never heard from has None for both."""
        return list(self.conn.execute(
            "SELECT k.kiosk_id, h.received_at, h.body FROM (SELECT kiosk_id FROM api_keys "
            "UNION SELECT kiosk_id FROM heartbeats) AS k LEFT JOIN heartbeats AS h ON h.id = "
            "(SELECT max(id) FROM heartbeats WHERE kiosk_id = k.kiosk_id) ORDER BY k.kiosk_id"))

    def add_usage(self, kiosk_id: str, batch_id: str,
                  counts: Iterable[tuple[str, str, str, int]]) -> bool:
        """Add a kiosk's batch of (day, event, detail, count) once: False when this batch
        was counted before (the kiosk sent it again, not knowing it had arrived)."""
        conn = self.conn
        with _transaction(conn):
            if conn.execute("SELECT 1 FROM usage_batches WHERE kiosk_id = ? AND batch_id = ?",
                            (kiosk_id, batch_id)).fetchone():
                return False
            conn.execute("INSERT INTO usage_batches VALUES (?, ?, ?)",
                         (kiosk_id, batch_id, _now()))
            conn.executemany("INSERT INTO usage VALUES (?, ?, ?, ?, ?) ON CONFLICT "
                             "(kiosk_id, day, event, detail) DO UPDATE SET "
                             "count = count + excluded.count",
                             [(kiosk_id, *count) for count in counts])
        return True

    def usage_totals(self, since: str) -> list[tuple[str, str, int, str | None]]:
        """(event, detail, count, procedure name) over every kiosk from the day `since`
        (YYYY-MM-DD) on, largest first."""
        return list(self.conn.execute(
            "SELECT u.event, u.detail, sum(u.count), p.name FROM usage AS u LEFT JOIN "
            "procedures AS p ON u.detail != '' AND p.code = u.detail WHERE u.day >= ? "
            "GROUP BY u.event, u.detail ORDER BY 3 DESC, 1, 2", (since,)))

    def ratings_since(self, since: str, until: str) -> list[tuple[str, str]]:
        """(agency, body JSON) of the ratings received from day `since` up to, not
        including, day `until` (YYYY-MM-DD)."""
        return list(self.conn.execute(
            "SELECT agency, body FROM ratings WHERE created_at >= ? AND created_at < ? "
            "ORDER BY agency", (since, until)))

    def count(self, table: str) -> int:
        if table not in ("procedures", "forms", "agencies", "dossiers", "submissions",
                         "ratings", "heartbeats", "handoffs", "usage_batches"):
            raise ValueError(table)
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


class _transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
