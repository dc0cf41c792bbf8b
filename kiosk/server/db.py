"""The reference central API's data: catalogue, dossiers, and what kiosks send.

SQLite for the demo and small sites, PostgreSQL for a province (`kiosk.server.sql`); every
method here behaves the same on both.

Each catalogue row carries `modified_at`, a server-side time that only grows, so a kiosk
can ask for what changed since its last sync; removed procedures stay as tombstones so an
incremental sync learns about removals too.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.catalogue.dossier import Dossier, dossier_code
from kiosk.catalogue.model import Catalogue
from kiosk.server.queue_db import QUEUE_SCHEMA, QueueData
from kiosk.server.sql import Backend, Connection, open_backend

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS procedures (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, field TEXT NOT NULL, body TEXT,
    deleted INTEGER NOT NULL DEFAULT 0, modified_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS procedures_modified ON procedures (modified_at, code);
CREATE TABLE IF NOT EXISTS forms (
    code TEXT PRIMARY KEY, body TEXT NOT NULL, pdf {blob}, sample_pdf {blob},
    sha256 TEXT NOT NULL, sample_sha256 TEXT NOT NULL, modified_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agencies (
    code TEXT PRIMARY KEY, body TEXT NOT NULL, modified_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dossiers (
    code TEXT PRIMARY KEY, body TEXT NOT NULL, lookup_pin TEXT, modified_at TEXT NOT NULL,
    created_by TEXT);
CREATE TABLE IF NOT EXISTS dossier_applicants (
    code TEXT PRIMARY KEY, applicant_key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dossier_sequences (
    agency TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL,
    PRIMARY KEY (agency, day));
CREATE TABLE IF NOT EXISTS pin_failures (
    code TEXT NOT NULL, client TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS pin_failures_client ON pin_failures (client, code, at);
CREATE TABLE IF NOT EXISTS pin_clients (client TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    kiosk_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, request_sha256 TEXT NOT NULL,
    reference TEXT NOT NULL, procedure_code TEXT NOT NULL, agency TEXT NOT NULL,
    applicant_key TEXT NOT NULL, dossier_code TEXT, duplicate_of TEXT, body TEXT NOT NULL,
    answer TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (kiosk_id, idempotency_key));
CREATE INDEX IF NOT EXISTS submissions_reference ON submissions (reference);
CREATE INDEX IF NOT EXISTS submissions_applicant
    ON submissions (applicant_key, procedure_code, agency, created_at);
CREATE TABLE IF NOT EXISTS refusals (
    kiosk_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, reference TEXT NOT NULL,
    procedure_code TEXT NOT NULL, reason TEXT NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, idempotency_key));
CREATE INDEX IF NOT EXISTS refusals_reference ON refusals (reference);
CREATE TABLE IF NOT EXISTS ratings (
    kiosk_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, agency TEXT NOT NULL,
    body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (kiosk_id, idempotency_key));
CREATE TABLE IF NOT EXISTS heartbeats (
    id {serial}, kiosk_id TEXT NOT NULL, body TEXT NOT NULL,
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
# the tables of version 1 that version 2 rebuilt: an idempotency key belongs to one kiosk
# (another kiosk's key must never fetch its answer), and a submission records what it made
SCHEMA_VERSION = "2"


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


class ServerDB(QueueData):
    """The reference API's data: a SQLite file (`target` a path) or PostgreSQL (`target` a
    `postgresql://` URL), with the same behaviour on both."""

    def __init__(self, target: Path | str) -> None:
        self._backend = open_backend(target)
        self.kind = self._backend.kind
        self.location = self._backend.location
        self.path = Path(target) if self.kind == "sqlite" else None
        self.url = str(target)  # with its password, if any: for this process's workers only
        self._stamp_lock = threading.Lock()
        self._last_stamp = ""
        if self.kind == "sqlite":
            self._migrate_sqlite()
        self._backend.create_schema(_statements(self._backend))
        self.execute("INSERT INTO meta VALUES ('schema', ?) ON CONFLICT (name) DO UPDATE "
                     "SET value = excluded.value", (SCHEMA_VERSION,))
        # the salt of the applicants' keyed digests: made once, kept with the data
        self.execute("INSERT INTO meta VALUES ('applicant_salt', ?) ON CONFLICT (name) "
                     "DO NOTHING", (secrets.token_hex(32),))
        (salt,) = self.execute("SELECT value FROM meta WHERE name = 'applicant_salt'")[0]
        self._applicant_salt = bytes.fromhex(salt)

    def applicant_key(self, citizen_id: str) -> str:
        """A keyed digest of an ID number, to find the same person's earlier submission
        without an index of ID numbers; "" for no number."""
        digits = citizen_id.strip()
        return hmac.new(self._applicant_salt, digits.encode(), hashlib.sha256).hexdigest() \
            if digits else ""

    def close(self) -> None:
        self._backend.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """A connection inside a transaction: all of it happens, or none of it."""
        with self._backend.connection() as conn, self._backend.transaction(conn):
            yield conn

    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        return self._backend.connection()

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """Run one statement on its own (tests and operators' repairs); its rows, if any."""
        with self._write() as conn:
            cursor = conn.execute(sql, args)
            return list(cursor) if _returns_rows(sql) else []

    def _migrate_sqlite(self) -> None:
        """Bring a file of the first version up to this one, in one transaction (there was
        no PostgreSQL before version 2)."""
        with self._write() as conn:
            if _columns(conn, "submissions") and "request_sha256" not in _columns(
                    conn, "submissions"):
                _migrate_sqlite_v1(conn)
            if _columns(conn, "pin_failures") and "client" not in _columns(conn, "pin_failures"):
                # wrong PINs are now counted per client (a stranger's lock out only the
                # stranger); the old ones mattered for 15 minutes only
                conn.execute("DROP TABLE pin_failures")

    def stamp(self, conn: Connection | None = None) -> str:
        """A UTC time, fixed width so text order is time order, never equal to the last one."""
        with self._stamp_lock:
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            if not self._last_stamp:
                with contextlib.ExitStack() as stack:
                    reader = conn or stack.enter_context(self._read())
                    self._last_stamp = reader.execute(
                        "SELECT max(modified_at) FROM procedures").fetchone()[0] or ""
            last = self._last_stamp
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
        added = changed = 0
        with self._write() as conn:
            current = dict(conn.execute("SELECT code, body FROM procedures WHERE deleted = 0"))
            for procedure in catalogue.procedures:
                body = json.dumps(procedure.to_dict(), ensure_ascii=False, sort_keys=True)
                old = current.pop(procedure.code, None)
                if old == body or (old is not None and _same_content(old, body)):
                    continue
                added += old is None
                changed += old is not None
                conn.execute("INSERT INTO procedures VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT "
                             "(code) DO UPDATE SET name = excluded.name, field = excluded.field,"
                             " body = excluded.body, deleted = 0, "
                             "modified_at = excluded.modified_at",
                             (procedure.code, procedure.name, procedure.field, body,
                              self.stamp(conn)))
            removed = len(current) if remove_missing else 0
            if remove_missing:
                for code in current:
                    conn.execute("UPDATE procedures SET deleted = 1, body = NULL, "
                                 "modified_at = ? WHERE code = ?", (self.stamp(conn), code))
            forms = {}
            for form in catalogue.forms.values():
                pdf, sample = pdfs.get(form.code, (None, None))
                forms[form.code] = (json.dumps(form.to_dict(), ensure_ascii=False), pdf, sample)
            self._replace_changed(
                conn, "forms", {code: (body, pdf, sample, sha256(pdf), sha256(sample))
                                for code, (body, pdf, sample) in forms.items()},
                remove_missing, compare=lambda row, new: row[0] == new[0] and row[3] == new[3]
                and row[4] == new[4])
            self._replace_changed(
                conn, "agencies", {a.code: (json.dumps(a.to_dict(), ensure_ascii=False),)
                                   for a in catalogue.agencies.agencies.values()},
                remove_missing, compare=lambda row, new: row[0] == new[0])
        unchanged = len(catalogue.procedures) - added - changed
        return ImportResult(added, changed, removed, unchanged, len(catalogue.forms))

    def _replace_changed(self, conn: Connection, table: str, rows: dict[str, tuple[Any, ...]],
                         remove_missing: bool, compare: Any) -> None:
        """Write the rows whose content differs (new time), drop the missing ones if asked."""
        columns = {"forms": ("body", "pdf", "sample_pdf", "sha256", "sample_sha256"),
                   "agencies": ("body",)}[table]
        current = {row[0]: tuple(row[1:]) for row in conn.execute(
            f"SELECT code, {', '.join(columns)} FROM {table}")}
        marks = ", ".join("?" * (len(columns) + 2))
        update = ", ".join(f"{c} = excluded.{c}" for c in (*columns, "modified_at"))
        for code, values in rows.items():
            if code in current and compare(current[code], values):
                continue
            conn.execute(f"INSERT INTO {table} VALUES ({marks}) ON CONFLICT (code) "
                         f"DO UPDATE SET {update}", (code, *values, self.stamp(conn)))
        if remove_missing:
            for code in current.keys() - rows.keys():
                conn.execute(f"DELETE FROM {table} WHERE code = ?", (code,))

    def catalogue_version(self) -> dict[str, Any]:
        with self._read() as conn:
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
        with self._read() as conn:
            total = conn.execute(f"SELECT count(*) FROM procedures WHERE {' AND '.join(where)}",
                                 args).fetchone()[0]
            if after:
                where.append("(modified_at, code) > (?, ?)")
                args.extend(after)
            rows = conn.execute(
                f"SELECT code, body, deleted, modified_at FROM procedures WHERE "
                f"{' AND '.join(where)} ORDER BY modified_at, code LIMIT ?",
                [*args, limit + 1]).fetchall()
        items = []
        for code, body, deleted, modified in rows[:limit]:
            if deleted:
                items.append(json.dumps({"code": code, "deleted": True, "modified_at": modified}))
            else:
                items.append(f'{body[:-1]}, "modified_at": "{modified}"}}')
        last = rows[limit - 1] if len(rows) > limit else None
        return items, ((last[3], last[0]) if last else None), total

    def procedure(self, code: str) -> str | None:
        with self._read() as conn:
            row = conn.execute("SELECT body FROM procedures WHERE code = ? AND deleted = 0",
                               (code,)).fetchone()
        return row[0] if row else None

    def agencies(self) -> list[str]:
        with self._read() as conn:
            return [body for (body,) in conn.execute("SELECT body FROM agencies ORDER BY code")]

    def forms(self) -> list[tuple[str, str, str]]:
        with self._read() as conn:
            return [tuple(row) for row in conn.execute(
                "SELECT body, sha256, sample_sha256 FROM forms ORDER BY code")]

    def form_pdf(self, code: str, sample: bool) -> tuple[bytes, str] | None:
        column = "sample_pdf, sample_sha256" if sample else "pdf, sha256"
        with self._read() as conn:
            row = conn.execute(f"SELECT {column} FROM forms WHERE code = ?", (code,)).fetchone()
        return (bytes(row[0]), row[1]) if row and row[0] else None

    # --- dossiers ----------------------------------------------------------------------

    def put_dossiers(self, dossiers: Iterable[tuple[Dossier, str | None]],
                     citizen_ids: Mapping[str, str] | None = None) -> int:
        """Store dossiers made at the counter (the one-stop system's own records), replacing
        an earlier state of the same dossier; `citizen_ids` (by dossier code): the
        applicant's ID number, kept only as a keyed digest, for the public look-up."""
        count = 0
        with self._write() as conn:
            for dossier, pin in dossiers:
                conn.execute("INSERT INTO dossiers VALUES (?, ?, ?, ?, NULL) ON CONFLICT (code) "
                             "DO UPDATE SET body = excluded.body, lookup_pin = "
                             "excluded.lookup_pin, modified_at = excluded.modified_at",
                             (dossier.code, json.dumps(dossier.to_dict(), ensure_ascii=False),
                              pin, self.stamp(conn)))
                key = self.applicant_key((citizen_ids or {}).get(dossier.code, ""))
                if key:
                    self._set_applicant(conn, dossier.code, key)
                count += 1
        return count

    @staticmethod
    def _set_applicant(conn: Connection, code: str, key: str) -> None:
        conn.execute("INSERT INTO dossier_applicants VALUES (?, ?) ON CONFLICT (code) "
                     "DO UPDATE SET applicant_key = excluded.applicant_key", (code, key))

    def applicant_matches(self, code: str, citizen_id: str) -> bool:
        """Whether `citizen_id` is the ID number of dossier `code`'s applicant (False when
        the dossier or its applicant's number is not known here)."""
        with self._read() as conn:
            row = conn.execute("SELECT applicant_key FROM dossier_applicants WHERE code = ?",
                               (code,)).fetchone()
        given = self.applicant_key(citizen_id)
        return bool(row and given) and hmac.compare_digest(row[0], given)

    def dossier(self, code: str) -> tuple[Dossier, str | None] | None:
        with self._read() as conn:
            row = conn.execute("SELECT body, lookup_pin FROM dossiers WHERE code = ?",
                               (code,)).fetchone()
        return (Dossier.from_dict(json.loads(row[0])), row[1]) if row else None

    def pin_failures_since(self, since: str, client: str, code: str | None = None
                           ) -> tuple[int, str | None]:
        """How many wrong PINs `client` sent after `since` (for dossier `code`, or for all),
        and when the oldest of them came. Kept in the database, so every worker process
        and a restart see the same count."""
        where, args = "client = ? AND at > ?", [client, since]
        if code is not None:
            where, args = where + " AND code = ?", [*args, code]
        with self._read() as conn:
            count, oldest = conn.execute(
                f"SELECT count(*), min(at) FROM pin_failures WHERE {where}", args).fetchone()
        return int(count), oldest

    def pin_attempt(self, code: str, client: str, since: str, most_for_code: int,
                    most_overall: int) -> tuple[str | None, str]:
        """Count a PIN attempt by `client` for dossier `code` as a failure, unless the client
        already has `most_for_code` failures for it, or `most_overall` over all dossiers,
        after `since`. Returns (the oldest counted failure when refused, else None; the
        attempt's time, for `forget_pin_attempt` when the PIN was right).

        Checked and counted in one transaction, one client at a time (its `pin_clients`
        row is locked until the end): simultaneous wrong PINs cannot all pass the count
        before any of them is recorded."""
        now = _now()
        with self._write() as conn:
            conn.execute("INSERT INTO pin_clients VALUES (?, ?) ON CONFLICT (client) DO "
                         "UPDATE SET at = excluded.at", (client, now))
            for where, args, most in (("code = ? AND ", [code], most_for_code),
                                      ("", [], most_overall)):
                count, oldest = conn.execute(
                    f"SELECT count(*), min(at) FROM pin_failures WHERE {where}client = ? "
                    "AND at > ?", [*args, client, since]).fetchone()
                if int(count) >= most and oldest:
                    return oldest, now
            conn.execute("INSERT INTO pin_failures VALUES (?, ?, ?)", (code, client, now))
        # what no longer counts goes, outside the client's lock (so that two clients'
        # transactions never wait for each other's rows)
        self.execute("DELETE FROM pin_failures WHERE at <= ?", (since,))
        self.execute("DELETE FROM pin_clients WHERE at <= ?", (since,))
        return None, now

    def forget_pin_attempt(self, code: str, client: str, at: str) -> None:
        """The attempt of `pin_attempt` at `at` had the right PIN: it is no failure."""
        with self._write() as conn:
            conn.execute("DELETE FROM pin_failures WHERE code = ? AND client = ? AND at = ?",
                         (code, client, at))

    # --- submissions -------------------------------------------------------------------

    def submit(self, request: SubmissionRequest,
               make: Callable[[str, DuplicateOf | None], tuple[Dossier, str]]) -> Submitted:
        """Store a kiosk's submission and create its dossier, in one transaction.

        `make(code, duplicate_of)` builds the dossier and the answer for the dossier code
        allocated here. The same kiosk and idempotency key get the first answer again (and
        `conflict` when the request differs); the code is the next number of the agency's
        day, taken under the transaction, never a count read beforehand; a dossier that
        already exists (made at the counter) is never replaced: the next number is taken.
        """
        with self._write() as conn:
            inserted = conn.execute(
                "INSERT INTO submissions (kiosk_id, idempotency_key, request_sha256, reference,"
                " procedure_code, agency, applicant_key, body, answer, created_at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, '', ?) ON CONFLICT (kiosk_id, idempotency_key) "
                "DO NOTHING RETURNING created_at",
                (request.kiosk_id, request.key, request.request_sha256, request.reference,
                 request.procedure_code, request.agency, request.applicant_key, request.body,
                 _now())).fetchone()
            if inserted is None:
                sha, answer = conn.execute(
                    "SELECT request_sha256, answer FROM submissions WHERE kiosk_id = ? AND "
                    "idempotency_key = ?", (request.kiosk_id, request.key)).fetchone()
                # "" : moved from the first version, which did not keep the request's digest
                return Submitted(answer, new=False,
                                 conflict=sha not in ("", request.request_sha256))
            duplicate = self._earlier_submission(conn, request, inserted[0])
            for _ in range(MAX_CODE_TRIES):
                (sequence,) = conn.execute(
                    "INSERT INTO dossier_sequences VALUES (?, ?, 1) ON CONFLICT (agency, day) "
                    "DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last",
                    (request.agency, request.day.isoformat())).fetchone()
                record, answer = make(dossier_code(request.agency, request.day, sequence),
                                      duplicate)
                made = conn.execute(
                    "INSERT INTO dossiers VALUES (?, ?, NULL, ?, ?) ON CONFLICT (code) "
                    "DO NOTHING RETURNING code",
                    (record.code, json.dumps(record.to_dict(), ensure_ascii=False),
                     _now(), request.kiosk_id)).fetchone()
                if made is not None:
                    break
            else:
                raise RuntimeError(f"no free dossier number for {request.agency} after "
                                   f"{MAX_CODE_TRIES} tries")
            if request.applicant_key:  # the person looks it up with their ID number
                self._set_applicant(conn, record.code, request.applicant_key)
            conn.execute("UPDATE submissions SET dossier_code = ?, duplicate_of = ?, answer = ? "
                         "WHERE kiosk_id = ? AND idempotency_key = ?",
                         (record.code, duplicate.dossier_code if duplicate else None, answer,
                          request.kiosk_id, request.key))
        return Submitted(answer, new=True, conflict=False)

    def submitted_before(self, kiosk_id: str, key: str) -> bool:
        """Whether this kiosk's idempotency key has made a dossier already."""
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM submissions WHERE kiosk_id = ? AND "
                                "idempotency_key = ?", (kiosk_id, key)).fetchone() is not None

    def record_refusal(self, kiosk_id: str, key: str, reference: str, procedure_code: str,
                       reason: str) -> None:
        """A submission this server refused (by its error code, never the request): staff
        and the person find it by the reference on the person's slip."""
        with self._write() as conn:
            conn.execute("INSERT INTO refusals VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                         "(kiosk_id, idempotency_key) DO UPDATE SET reason = excluded.reason",
                         (kiosk_id, key, reference, procedure_code[:64], reason, _now()))

    def by_reference(self, reference: str) -> dict[str, Any] | None:
        """What became of the submission with this slip reference, from any kiosk: sent (its
        dossier code), or refused (the reason's code). The first dossier made under it is
        the answer: whatever a kiosk sends later under the same reference cannot take its
        place."""
        with self._read() as conn:
            sent = conn.execute(
                "SELECT dossier_code, created_at FROM submissions WHERE reference = ? AND "
                "dossier_code IS NOT NULL ORDER BY created_at, dossier_code LIMIT 1",
                (reference,)).fetchone()
            refused = conn.execute(
                "SELECT reason, created_at, procedure_code FROM refusals WHERE reference = ? "
                "ORDER BY created_at DESC LIMIT 1", (reference,)).fetchone()
        if sent:
            return {"reference": reference, "state": "sent", "dossier_code": sent[0],
                    "at": sent[1]}
        if refused:
            return {"reference": reference, "state": "refused", "reason": refused[0],
                    "procedure_code": refused[2], "at": refused[1]}
        return None

    def flagged(self, since: str) -> list[dict[str, Any]]:
        """For staff: submissions since `since` (a time) that were refused, or that may
        repeat an earlier one; codes and times only."""
        with self._read() as conn:
            duplicates = conn.execute(
                "SELECT dossier_code, duplicate_of, kiosk_id, reference, created_at FROM "
                "submissions WHERE duplicate_of IS NOT NULL AND created_at >= ? "
                "ORDER BY created_at", (since,)).fetchall()
            refusals = conn.execute(
                "SELECT reference, reason, procedure_code, kiosk_id, created_at FROM refusals "
                "WHERE created_at >= ? ORDER BY created_at", (since,)).fetchall()
        return sorted(
            [{"kind": "possible_duplicate", "dossier_code": code, "duplicate_of": earlier,
              "kiosk_id": kiosk, "reference": ref, "at": at}
             for code, earlier, kiosk, ref, at in duplicates]
            + [{"kind": "refused", "reference": ref, "reason": reason,
                "procedure_code": procedure, "kiosk_id": kiosk, "at": at}
               for ref, reason, procedure, kiosk, at in refusals], key=lambda f: f["at"])

    @staticmethod
    def _earlier_submission(conn: Connection, request: SubmissionRequest, now: str
                            ) -> DuplicateOf | None:
        """The same person's submission of the same procedure to the same agency within
        DUPLICATE_WINDOW, from any kiosk (a second dossier is flagged, not refused)."""
        if not request.applicant_key:
            return None
        since = (datetime.strptime(now, "%Y-%m-%dT%H:%M:%S.%fZ") - DUPLICATE_WINDOW
                 ).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        row = conn.execute(
            "SELECT dossier_code, created_at FROM submissions WHERE applicant_key = ? AND "
            "procedure_code = ? AND agency = ? AND created_at >= ? AND dossier_code IS NOT "
            "NULL ORDER BY created_at DESC LIMIT 1",
            (request.applicant_key, request.procedure_code, request.agency, since)).fetchone()
        return None if row is None else DuplicateOf(row[0], row[1])

    # --- what kiosks send --------------------------------------------------------------

    def add_api_key(self, key: str, kiosk_id: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO api_keys VALUES (?, ?, ?) ON CONFLICT (key_sha256) "
                         "DO UPDATE SET kiosk_id = excluded.kiosk_id",
                         (key_digest(key), kiosk_id, _now()))

    def kiosk_for_key(self, key: str) -> str | None:
        with self._read() as conn:
            row = conn.execute("SELECT kiosk_id FROM api_keys WHERE key_sha256 = ?",
                               (key_digest(key),)).fetchone()
        return row[0] if row else None

    def add_rating(self, key: str, kiosk_id: str, agency: str, body: str) -> bool:
        """Store a rating once per kiosk and idempotency key; False when it came before."""
        with self._write() as conn:
            return conn.execute(
                "INSERT INTO ratings VALUES (?, ?, ?, ?, ?) ON CONFLICT (kiosk_id, "
                "idempotency_key) DO NOTHING RETURNING 1",
                (kiosk_id, key, agency, body, _now())).fetchone() is not None

    def add_handoff(self, token: str, kiosk_id: str, procedure_code: str, case_name: str,
                    expires_at: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO handoffs VALUES (?, ?, ?, ?, ?)",
                         (token, kiosk_id, procedure_code, case_name, expires_at))

    def handoff(self, token: str) -> tuple[str, str, str] | None:
        """(procedure code, case, expiry) of a hand-off link."""
        with self._read() as conn:
            row = conn.execute("SELECT procedure_code, case_name, expires_at FROM handoffs "
                               "WHERE token = ?", (token,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def add_heartbeat(self, kiosk_id: str, body: str) -> None:
        """Keep a kiosk's last heartbeat (the earlier ones say nothing more)."""
        with self._write() as conn:
            (new_id,) = conn.execute("INSERT INTO heartbeats (kiosk_id, body, received_at) "
                                     "VALUES (?, ?, ?) RETURNING id",
                                     (kiosk_id, body, _now())).fetchone()
            conn.execute("DELETE FROM heartbeats WHERE kiosk_id = ? AND id < ?",
                         (kiosk_id, new_id))

    def last_heartbeats(self) -> list[tuple[str, str | None, str | None]]:
        """(kiosk id, received at, body) for every kiosk with a key or a heartbeat; a kiosk
        never heard from has None for both."""
        with self._read() as conn:
            return [tuple(row) for row in conn.execute(
                "SELECT k.kiosk_id, h.received_at, h.body FROM (SELECT kiosk_id FROM api_keys "
                "UNION SELECT kiosk_id FROM heartbeats) AS k LEFT JOIN heartbeats AS h ON "
                "h.id = (SELECT max(id) FROM heartbeats WHERE kiosk_id = k.kiosk_id) "
                "ORDER BY k.kiosk_id")]

    def add_usage(self, kiosk_id: str, batch_id: str,
                  counts: Iterable[tuple[str, str, str, int]]) -> bool:
        """Add a kiosk's batch of (day, event, detail, count) once: False when this batch
        was counted before (the kiosk sent it again, not knowing it had arrived)."""
        with self._write() as conn:
            if conn.execute("INSERT INTO usage_batches VALUES (?, ?, ?) ON CONFLICT "
                            "(kiosk_id, batch_id) DO NOTHING RETURNING 1",
                            (kiosk_id, batch_id, _now())).fetchone() is None:
                return False
            conn.executemany("INSERT INTO usage VALUES (?, ?, ?, ?, ?) ON CONFLICT "
                             "(kiosk_id, day, event, detail) DO UPDATE SET "
                             "count = usage.count + excluded.count",
                             [(kiosk_id, *count) for count in counts])
        return True

    def usage_totals(self, since: str) -> list[tuple[str, str, int, str | None]]:
        """(event, detail, count, procedure name) over every kiosk from the day `since`
        (YYYY-MM-DD) on, largest first."""
        with self._read() as conn:
            return [(event, detail, int(count), name) for event, detail, count, name in
                    conn.execute(
                "SELECT u.event, u.detail, sum(u.count), p.name FROM usage AS u LEFT JOIN "
                "procedures AS p ON u.detail != '' AND p.code = u.detail WHERE u.day >= ? "
                "GROUP BY u.event, u.detail, p.name ORDER BY 3 DESC, 1, 2", (since,))]

    def ratings_since(self, since: str, until: str) -> list[tuple[str, str]]:
        """(agency, body JSON) of the ratings received from day `since` up to, not
        including, day `until` (YYYY-MM-DD)."""
        with self._read() as conn:
            return [tuple(row) for row in conn.execute(
                "SELECT agency, body FROM ratings WHERE created_at >= ? AND created_at < ? "
                "ORDER BY agency", (since, until))]

    def count(self, table: str) -> int:
        if table not in ("procedures", "forms", "agencies", "dossiers", "submissions",
                         "ratings", "heartbeats", "handoffs", "usage_batches"):
            raise ValueError(table)
        with self._read() as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


MAX_CODE_TRIES = 1000
# a second submission by the same person for the same procedure and agency within this
# time is flagged for staff as a possible duplicate
DUPLICATE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class SubmissionRequest:
    """What the data layer needs of a submission; `applicant_key` is a keyed digest of the
    applicant's ID number (the duplicate check compares it without keeping the number in
    an index), "" when there is none."""

    kiosk_id: str
    key: str
    request_sha256: str
    reference: str
    procedure_code: str
    agency: str
    applicant_key: str
    body: str
    day: date


@dataclass(frozen=True)
class DuplicateOf:
    dossier_code: str
    created_at: str


@dataclass(frozen=True)
class Submitted:
    answer: str
    new: bool
    conflict: bool  # the idempotency key came before with a different request


def _statements(backend: Backend) -> list[str]:
    text = (_SCHEMA + QUEUE_SCHEMA).format(blob=backend.column_type("blob"),
                          serial=backend.column_type("serial"))
    return [s.strip() for s in text.split(";") if s.strip()]


def _returns_rows(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH")) or " RETURNING " in sql.upper()


def _columns(conn: Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _migrate_sqlite_v1(conn: Connection) -> None:
    """Version 1 kept one idempotency key for all kiosks and no link from a submission to
    its dossier; its rows move to the new tables (the dossier code read from the answer)."""
    if _columns(conn, "dossiers") and "created_by" not in _columns(conn, "dossiers"):
        conn.execute("ALTER TABLE dossiers ADD COLUMN created_by TEXT")
    old = conn.execute("SELECT idempotency_key, kiosk_id, body, answer, created_at FROM "
                       "submissions").fetchall() if _columns(conn, "submissions") else []
    conn.execute("DROP TABLE IF EXISTS submissions")
    ratings = conn.execute("SELECT idempotency_key, kiosk_id, agency, body, created_at FROM "
                           "ratings").fetchall() if "kiosk_id" in _columns(conn, "ratings") \
        and "idempotency_key" in _columns(conn, "ratings") else []
    conn.execute("DROP TABLE IF EXISTS ratings")
    for statement in _SCHEMA.split(";"):
        if "TABLE IF NOT EXISTS submissions" in statement or \
                "TABLE IF NOT EXISTS ratings" in statement or "ON submissions" in statement:
            conn.execute(statement)
    for key, kiosk_id, body, answer, created_at in old:
        request = json.loads(body)
        code = json.loads(answer).get("dossier_code")
        conn.execute("INSERT INTO submissions VALUES (?, ?, '', '', ?, ?, '', ?, NULL, ?, ?, ?) "
                     "ON CONFLICT DO NOTHING",
                     (kiosk_id, key,
                      request.get("procedure_code", ""), request.get("agency", ""), code,
                      body, answer, created_at))
        conn.execute("UPDATE dossiers SET created_by = ? WHERE code = ?", (kiosk_id, code))
    conn.executemany("INSERT INTO ratings VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                     [(kiosk_id, key, agency, body, created_at)
                      for key, kiosk_id, agency, body, created_at in ratings])


def _same_content(old: str, new: str) -> bool:
    """The same procedure apart from `updated_at`: an import stamps its own time on records
    that carry none (the portal's), and re-importing them must change nothing."""
    before, after = json.loads(old), json.loads(new)
    before.pop("updated_at", None)
    after.pop("updated_at", None)
    return bool(before == after)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
