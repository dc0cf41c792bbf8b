"""The kiosk's local copy of the catalogue: one SQLite file, replaced whole on each sync.

A sync writes a new file beside the current one and moves it into place with an atomic
rename only once it is complete and checked, so a failed, partial or interrupted sync
leaves the previous catalogue in use. Readers reopen when the file has been replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from kiosk.catalogue.collation import vietnamese_key
from kiosk.catalogue.model import Agency, AgencyTree, Form, Procedure
from kiosk.catalogue.search import SearchDoc

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE procedures (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, field TEXT NOT NULL, levels TEXT NOT NULL,
    online_level TEXT NOT NULL, keywords TEXT NOT NULL, result TEXT NOT NULL,
    updated_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE forms (code TEXT PRIMARY KEY, has_sample INTEGER NOT NULL,
    sha256 TEXT NOT NULL, sample_sha256 TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE agencies (code TEXT PRIMARY KEY, body TEXT NOT NULL);
"""
# every field (lĩnh vực) of a procedure, the first one too: real procedures often have
# several, and browsing a field must list them all. Added after schema 1 went out, so a
# writer adds it to an older file it starts from, and a reader copes without it.
_FIELDS_TABLE = """
CREATE TABLE IF NOT EXISTS procedure_fields (
    code TEXT NOT NULL, field TEXT NOT NULL, PRIMARY KEY (code, field));
CREATE INDEX IF NOT EXISTS procedure_fields_by_field ON procedure_fields (field);
"""


class StoreError(Exception):
    """The local store is missing or unreadable."""


@dataclass(frozen=True)
class FormFile:
    """Where a form's PDF (and its filled-in sample) can be fetched, and its checksum."""

    form: Form
    sha256: str
    sample_sha256: str


@dataclass(frozen=True)
class StoreInfo:
    procedures: int
    forms: int
    agencies: int
    fields: int
    version: str
    synced_at: str
    source: str


class CatalogueStore:
    """Read access to the local catalogue file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._has_fields = False

    def exists(self) -> bool:
        return self.path.exists()

    def _connection(self) -> sqlite3.Connection:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise StoreError(f"no local catalogue at {self.path}: run `kiosk sync`") from None
        identity = (stat.st_ino, stat.st_mtime_ns)
        if self._conn is None or identity != self._identity:
            self.close()
            try:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                       check_same_thread=False)
                if _meta(conn).get("schema") != SCHEMA_VERSION:
                    conn.close()
                    raise StoreError(f"{self.path} is not a kiosk catalogue of this version")
            except sqlite3.DatabaseError as err:
                raise StoreError(f"{self.path} cannot be read ({err})") from None
            self._conn, self._identity = conn, identity
            self._has_fields = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'procedure_fields'").fetchone() \
                is not None
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def changed_on_disk(self) -> bool:
        """True when a sync has put a new file in place since this store last read."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return False
        return self._identity != (stat.st_ino, stat.st_mtime_ns)

    def meta(self) -> dict[str, str]:
        return _meta(self._connection())

    def info(self) -> StoreInfo:
        conn = self._connection()
        meta = _meta(conn)

        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        return StoreInfo(count("SELECT count(*) FROM procedures"),
                         count("SELECT count(*) FROM forms"),
                         count("SELECT count(*) FROM agencies"),
                         len(self.fields()),
                         meta.get("version", ""), meta.get("synced_at", ""),
                         meta.get("source", ""))

    def search_docs(self) -> list[SearchDoc]:
        conn = self._connection()
        more: dict[str, list[str]] = {}
        if self._has_fields:
            for code, field in conn.execute(
                    "SELECT f.code, f.field FROM procedure_fields f JOIN procedures p "
                    "ON p.code = f.code WHERE f.field != p.field ORDER BY f.rowid"):
                more.setdefault(code, []).append(field)
        rows = conn.execute(
            "SELECT code, name, field, keywords, result, levels FROM procedures ORDER BY code")
        return [SearchDoc(code, name, field, tuple(json.loads(keywords)), result,
                          tuple(json.loads(levels)), more_fields=tuple(more.get(code, ())))
                for code, name, field, keywords, result, levels in rows]

    def procedure(self, code: str) -> Procedure | None:
        row = self._connection().execute("SELECT body FROM procedures WHERE code = ?",
                                         (code,)).fetchone()
        return Procedure.from_dict(json.loads(row[0])) if row else None

    def procedures(self, field: str | None = None, level: str | None = None) -> list[Procedure]:
        conn = self._connection()
        sql, args = "SELECT body, levels FROM procedures", []
        if field and self._has_fields:
            sql += " WHERE code IN (SELECT code FROM procedure_fields WHERE field = ?)"
            args.append(field)
        elif field:
            sql += " WHERE field = ?"
            args.append(field)
        rows = conn.execute(sql, args)
        found = [Procedure.from_dict(json.loads(body)) for body, levels in rows
                 if level is None or level in json.loads(levels)]
        return sorted(found, key=lambda p: vietnamese_key(p.name))

    def fields(self) -> list[tuple[str, int]]:
        """Each field with how many procedures it holds (a procedure counts in each of its
        fields), in the Vietnamese alphabet's order."""
        conn = self._connection()
        table = "procedure_fields" if self._has_fields else "procedures"
        rows = conn.execute(f"SELECT field, count(*) FROM {table} GROUP BY field")
        return sorted(rows, key=lambda row: vietnamese_key(row[0]))

    def form_files(self) -> list[FormFile]:
        rows = self._connection().execute("SELECT body, sha256, sample_sha256 FROM forms")
        return [FormFile(Form.from_dict(json.loads(body)), sha, sample)
                for body, sha, sample in rows]

    def form_file(self, code: str) -> FormFile | None:
        row = self._connection().execute(
            "SELECT body, sha256, sample_sha256 FROM forms WHERE code = ?", (code,)).fetchone()
        return FormFile(Form.from_dict(json.loads(row[0])), row[1], row[2]) if row else None

    def agencies(self) -> AgencyTree:
        rows = self._connection().execute("SELECT body FROM agencies")
        return AgencyTree.build(Agency.from_dict(json.loads(body)) for (body,) in rows)


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta"))


class StoreWriter:
    """Builds the next catalogue file; `commit()` moves it into place atomically.

    Started from a copy of the current file for an incremental sync, or empty for a full
    one. Leaving the `with` block without `commit()` (an error, an interruption) deletes
    the new file and leaves the current one untouched.
    """

    def __init__(self, path: Path, *, start_from_current: bool) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()
        self.conn = sqlite3.connect(self.tmp)
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute("PRAGMA synchronous = OFF")  # durability comes from fsync + rename
        if start_from_current and self.path.exists():
            source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                source.backup(self.conn)
            finally:
                source.close()
            if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = "
                                 "'procedure_fields'").fetchone() is None:
                self.conn.executescript(_FIELDS_TABLE)
                self._index_fields(Procedure.from_dict(json.loads(body)) for (body,)
                                   in self.conn.execute("SELECT body FROM procedures"))
        else:
            self.conn.executescript(_SCHEMA + _FIELDS_TABLE)
            self.set_meta(schema=SCHEMA_VERSION)
        self.committed = False

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if not self.committed:
            self.conn.close()
            with contextlib.suppress(FileNotFoundError):
                self.tmp.unlink()

    def set_meta(self, **values: str) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def meta(self) -> dict[str, str]:
        return _meta(self.conn)

    def put_procedures(self, procedures: Iterable[Procedure]) -> None:
        procedures = list(procedures)
        self.conn.executemany(
            "INSERT OR REPLACE INTO procedures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((p.code, p.name, p.field, json.dumps(p.levels), p.online_level,
              json.dumps(p.keywords, ensure_ascii=False), p.result, p.updated_at.isoformat(),
              json.dumps(p.to_dict(), ensure_ascii=False)) for p in procedures))
        self._index_fields(procedures)

    def _index_fields(self, procedures: Iterable[Procedure]) -> None:
        rows = [(p.code, f) for p in procedures for f in dict.fromkeys(p.fields) if f]
        self.conn.executemany("DELETE FROM procedure_fields WHERE code = ?",
                              {(code,) for code, _ in rows})
        self.conn.executemany("INSERT INTO procedure_fields VALUES (?, ?)", rows)

    def delete_procedures(self, codes: Iterable[str]) -> None:
        rows = [(c,) for c in codes]
        self.conn.executemany("DELETE FROM procedures WHERE code = ?", rows)
        self.conn.executemany("DELETE FROM procedure_fields WHERE code = ?", rows)

    def replace_forms(self, forms: Iterable[FormFile]) -> None:
        self.conn.execute("DELETE FROM forms")
        self.conn.executemany(
            "INSERT INTO forms VALUES (?, ?, ?, ?, ?)",
            ((f.form.code, int(f.form.has_sample), f.sha256, f.sample_sha256,
              json.dumps(f.form.to_dict(), ensure_ascii=False)) for f in forms))

    def replace_agencies(self, agencies: Iterable[Agency]) -> None:
        self.conn.execute("DELETE FROM agencies")
        self.conn.executemany("INSERT INTO agencies VALUES (?, ?)",
                              ((a.code, json.dumps(a.to_dict(), ensure_ascii=False))
                               for a in agencies))

    def procedure_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM procedures").fetchone()[0])

    def commit(self) -> None:
        """Check the new file and move it into place; the old one stays until this returns."""
        self.conn.commit()
        problem = self.conn.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise StoreError(f"the new catalogue failed its check ({problem})")
        self.conn.close()
        with open(self.tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(self.tmp, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self.committed = True

