"""Where the reference API's tables live: one SQLite file (the demo) or PostgreSQL (a province).

The data layer (`kiosk.server.db`) writes its SQL once, with `?` placeholders and the
syntax both engines share (`ON CONFLICT`, `RETURNING`, row values, `FILTER`); a backend
opens connections, turns `?` into what its driver wants and runs transactions. PostgreSQL
connections come from a bounded pool, because several worker processes each run dozens of
handler threads and the server takes only so many connections.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

# connections one worker process keeps to PostgreSQL: handler threads wait for a free one
# rather than exhaust the server's max_connections (100 by default) with 4 workers
POOL_SIZE = 8
POOL_TIMEOUT_S = 30.0


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection:
    """One connection, with `?` placeholders whatever the engine."""

    def __init__(self, raw: Any, placeholder: str) -> None:
        self.raw, self._placeholder = raw, placeholder

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        return self.raw.execute(_translate(sql, self._placeholder), args)

    def executemany(self, sql: str, rows: Any) -> None:
        if self._placeholder == "?":
            self.raw.executemany(sql, rows)
        else:
            with self.raw.cursor() as cursor:
                cursor.executemany(_translate(sql, self._placeholder), list(rows))


@lru_cache(maxsize=512)
def _translate(sql: str, placeholder: str) -> str:
    # the data layer never writes a literal `?` or `%` in its SQL, so a plain replace is safe
    return sql if placeholder == "?" else sql.replace("%", "%%").replace("?", placeholder)


class Backend(Protocol):
    kind: str
    location: str

    def connection(self) -> contextlib.AbstractContextManager[Connection]: ...
    def transaction(self, conn: Connection) -> contextlib.AbstractContextManager[None]: ...
    def create_schema(self, statements: list[str]) -> None: ...
    def column_type(self, kind: str) -> str: ...
    def close(self) -> None: ...


class SqliteBackend:
    """A connection per thread (the web server runs handlers in threads); WAL so readers
    never wait for the writer; `BEGIN IMMEDIATE` so two writers queue instead of failing
    half-way through."""

    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self._local = threading.local()

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            raw = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                  check_same_thread=False)
            raw.execute("PRAGMA busy_timeout = 30000")
            raw.execute("PRAGMA foreign_keys = ON")
            conn = self._local.conn = Connection(raw, "?")
        yield conn

    def transaction(self, conn: Connection) -> contextlib.AbstractContextManager[None]:
        return _transaction(conn, "BEGIN IMMEDIATE")

    def create_schema(self, statements: list[str]) -> None:
        with self.connection() as conn:
            conn.raw.execute("PRAGMA journal_mode = WAL")
            with self.transaction(conn):
                for statement in statements:
                    conn.raw.execute(statement)

    def column_type(self, kind: str) -> str:
        return {"blob": "BLOB", "serial": "INTEGER PRIMARY KEY"}[kind]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.raw.close()
            self._local.conn = None


class PostgresBackend:
    """A pool of autocommit connections; a transaction is BEGIN … COMMIT on one of them."""

    kind = "postgresql"

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401  (only a province's server needs the driver)
            from psycopg_pool import ConnectionPool
        except ImportError as err:  # pragma: no cover - both are dependencies
            raise RuntimeError(f"PostgreSQL needs psycopg and psycopg_pool ({err})") from None
        self.location = _without_password(url)
        self._pool = ConnectionPool(url, min_size=1, max_size=POOL_SIZE,
                                    timeout=POOL_TIMEOUT_S, kwargs={"autocommit": True},
                                    open=True, name="kiosk-api")
        self._pool.wait(timeout=POOL_TIMEOUT_S)

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        with self._pool.connection() as raw:
            yield Connection(raw, "%s")

    def transaction(self, conn: Connection) -> contextlib.AbstractContextManager[None]:
        return _transaction(conn, "BEGIN")

    def create_schema(self, statements: list[str]) -> None:
        with self.connection() as conn, self.transaction(conn):
            # several workers may start at once: one creates the tables, the others wait
            conn.raw.execute("SELECT pg_advisory_xact_lock(7315001)")
            for statement in statements:
                conn.raw.execute(statement)

    def column_type(self, kind: str) -> str:
        return {"blob": "BYTEA", "serial": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
                }[kind]

    def close(self) -> None:
        self._pool.close()


@contextlib.contextmanager
def _transaction(conn: Connection, begin: str) -> Iterator[None]:
    """BEGIN … COMMIT as plain statements on an autocommit connection, the same way on both
    engines (so a test can stop the process between any two of them)."""
    conn.execute(begin)
    try:
        yield
    except BaseException:
        # a connection that broke mid-way cannot roll back either: the error that broke
        # it is the one to report (the engine drops the unfinished transaction anyway)
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def open_backend(target: Path | str) -> Backend:
    """`postgresql://…` (or `postgres://…`) opens PostgreSQL; anything else is a file path."""
    text = str(target)
    if re.match(r"^postgres(ql)?://", text):
        return PostgresBackend(text)
    return SqliteBackend(Path(target))


def _without_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
