"""The reference API's queue numbers and staff calls, as a part of its data layer.

A service area is a group of the centre's counters serving some fields (Hộ tịch and Chứng
thực at counters 1 and 2, say). Each area has one queue a day: a kiosk takes the next
number, any of the area's counters calls the next one waiting. Both are one transaction
on the area's row of `queue_counts` (an upsert that adds one and returns the new value),
so two kiosks asking at once never get the same number, on SQLite (one writer at a time)
as on PostgreSQL (the row is locked until commit). A new day starts a new row: numbers
begin again at 1 every day.

A staff call is a person at a kiosk asking for help: recorded with the kiosk and the
screen, open until staff close it.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kiosk.server.sql import Connection

AREA_CODE = re.compile(r"^[A-Z0-9]{1,8}$")
QUEUE_SCHEMA = """
CREATE TABLE IF NOT EXISTS service_areas (
    code TEXT PRIMARY KEY, body TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS queue_counts (
    area TEXT NOT NULL, day TEXT NOT NULL, issued INTEGER NOT NULL, called INTEGER NOT NULL,
    PRIMARY KEY (area, day));
CREATE TABLE IF NOT EXISTS queue_tickets (
    area TEXT NOT NULL, day TEXT NOT NULL, number INTEGER NOT NULL, kiosk_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL, issued_at TEXT NOT NULL, called_at TEXT, counter TEXT,
    PRIMARY KEY (area, day, number));
CREATE UNIQUE INDEX IF NOT EXISTS queue_tickets_key ON queue_tickets (kiosk_id, idempotency_key);
CREATE TABLE IF NOT EXISTS staff_calls (
    id {serial}, kiosk_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, screen TEXT NOT NULL,
    created_at TEXT NOT NULL, closed_at TEXT, closed_by TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS staff_calls_key ON staff_calls (kiosk_id, idempotency_key);
CREATE INDEX IF NOT EXISTS staff_calls_open ON staff_calls (closed_at, id);
"""


@dataclass(frozen=True)
class ServiceArea:
    """A group of counters and the fields they serve."""

    code: str
    name: str
    counters: list[str]
    fields: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "counters": self.counters,
                "fields": self.fields}

    @classmethod
    def from_dict(cls, item: dict[str, Any]) -> ServiceArea:
        return cls(str(item["code"]), str(item["name"]), [str(c) for c in item["counters"]],
                   [str(f) for f in item.get("fields", [])])


@dataclass(frozen=True)
class IssuedTicket:
    area: ServiceArea
    day: date
    number: int
    waiting: int  # numbers of this area's day waiting before this one
    issued_at: str
    new: bool  # False: this idempotency key's earlier ticket


@dataclass(frozen=True)
class CalledNumber:
    area: str
    counter: str
    number: int | None  # None: nobody is waiting
    waiting: int  # still waiting after this one


class KeyReused(Exception):
    """An idempotency key that took a ticket for another area."""


class QueueData:
    """Mixed into ServerDB: queue numbers and staff calls (its `_write` and `_read`)."""

    # ServerDB's own: a connection in a transaction, and one to read with
    def _write(self) -> contextlib.AbstractContextManager[Connection]:
        raise NotImplementedError("QueueData is a part of ServerDB")

    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        raise NotImplementedError("QueueData is a part of ServerDB")

    # --- service areas -------------------------------------------------------------------

    def set_service_areas(self, areas: list[ServiceArea]) -> None:
        """Replace the centre's service areas (the queues of a removed area are kept)."""
        with self._write() as conn:
            conn.execute("DELETE FROM service_areas")
            conn.executemany("INSERT INTO service_areas VALUES (?, ?, ?)",
                             [(a.code, json.dumps(a.to_dict(), ensure_ascii=False), i)
                              for i, a in enumerate(areas)])

    def service_areas(self, day: date) -> list[tuple[ServiceArea, int]]:
        """Each area with how many of its numbers wait on `day`, in the centre's order."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT a.body, coalesce(q.issued - q.called, 0) FROM service_areas AS a "
                "LEFT JOIN queue_counts AS q ON q.area = a.code AND q.day = ? "
                "ORDER BY a.position", (day.isoformat(),)).fetchall()
        return [(ServiceArea.from_dict(json.loads(body)), int(waiting))
                for body, waiting in rows]

    def service_area(self, code: str) -> ServiceArea | None:
        with self._read() as conn:
            row = conn.execute("SELECT body FROM service_areas WHERE code = ?",
                               (code,)).fetchone()
        return None if row is None else ServiceArea.from_dict(json.loads(row[0]))

    # --- numbers -------------------------------------------------------------------------

    def take_number(self, area: ServiceArea, day: date, kiosk_id: str, key: str
                    ) -> IssuedTicket:
        """The next number of the area's day, once per kiosk and idempotency key (the same
        key gets its earlier ticket back; raises KeyReused for a key used for another
        area)."""
        with contextlib.suppress(_AlreadyTaken), self._write() as conn:
            issued, called = conn.execute(
                "INSERT INTO queue_counts VALUES (?, ?, 1, 0) ON CONFLICT (area, day) DO "
                "UPDATE SET issued = queue_counts.issued + 1 RETURNING issued, called",
                (area.code, day.isoformat())).fetchone()
            now = _now()
            if conn.execute(
                    "INSERT INTO queue_tickets (area, day, number, kiosk_id, "
                    "idempotency_key, issued_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                    "(kiosk_id, idempotency_key) DO NOTHING RETURNING number",
                    (area.code, day.isoformat(), issued, kiosk_id, key, now)
            ).fetchone() is None:
                raise _AlreadyTaken  # rolls the count back: no number goes unused
            return IssuedTicket(area, day, int(issued), int(issued) - 1 - int(called),
                                now, new=True)
        return self._earlier_ticket(area, kiosk_id, key)

    def _earlier_ticket(self, area: ServiceArea, kiosk_id: str, key: str) -> IssuedTicket:
        with self._read() as conn:
            row = conn.execute(
                "SELECT t.area, t.day, t.number, t.issued_at, q.called FROM queue_tickets AS t "
                "JOIN queue_counts AS q ON q.area = t.area AND q.day = t.day "
                "WHERE t.kiosk_id = ? AND t.idempotency_key = ?", (kiosk_id, key)).fetchone()
        code, day, number, issued_at, called = row
        if code != area.code:
            raise KeyReused(key)
        return IssuedTicket(area, date.fromisoformat(day), int(number),
                            max(0, int(number) - 1 - int(called)), issued_at, new=False)

    def call_next(self, area: str, counter: str, day: date) -> CalledNumber:
        """The next waiting number of the area's day, called to `counter`."""
        with self._write() as conn:
            row = conn.execute(
                "UPDATE queue_counts SET called = called + 1 WHERE area = ? AND day = ? AND "
                "called < issued RETURNING called, issued", (area, day.isoformat())).fetchone()
            if row is None:
                return CalledNumber(area, counter, None, 0)
            called, issued = int(row[0]), int(row[1])
            conn.execute("UPDATE queue_tickets SET called_at = ?, counter = ? WHERE area = ? "
                         "AND day = ? AND number = ?",
                         (_now(), counter, area, day.isoformat(), called))
        return CalledNumber(area, counter, called, issued - called)

    # --- staff calls ---------------------------------------------------------------------

    def add_staff_call(self, kiosk_id: str, key: str, screen: str) -> tuple[dict[str, Any], bool]:
        """Record a person's call for help at a kiosk (once per idempotency key); the call,
        and whether it is new."""
        with self._write() as conn:
            made = conn.execute(
                "INSERT INTO staff_calls (kiosk_id, idempotency_key, screen, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (kiosk_id, idempotency_key) DO NOTHING "
                "RETURNING id", (kiosk_id, key, screen, _now())).fetchone()
            row = conn.execute(f"SELECT {_CALL} FROM staff_calls WHERE kiosk_id = ? AND "
                               "idempotency_key = ?", (kiosk_id, key)).fetchone()
        return _call(row), made is not None

    def staff_calls(self, open_only: bool = True, limit: int = 200) -> list[dict[str, Any]]:
        """Calls, oldest first: the open ones, or the latest `limit` of all."""
        with self._read() as conn:
            if open_only:
                rows = conn.execute(f"SELECT {_CALL} FROM staff_calls WHERE closed_at IS NULL "
                                    "ORDER BY id LIMIT ?", (limit,)).fetchall()
            else:
                rows = conn.execute(f"SELECT {_CALL} FROM staff_calls ORDER BY id DESC "
                                    "LIMIT ?", (limit,)).fetchall()[::-1]
        return [_call(row) for row in rows]

    def close_staff_call(self, call_id: int, closed_by: str) -> dict[str, Any] | None:
        """Close a call (a closed one stays as it was closed); None: no such call."""
        with self._write() as conn:
            conn.execute("UPDATE staff_calls SET closed_at = ?, closed_by = ? WHERE id = ? "
                         "AND closed_at IS NULL", (_now(), closed_by, call_id))
            row = conn.execute(f"SELECT {_CALL} FROM staff_calls WHERE id = ?",
                               (call_id,)).fetchone()
        return None if row is None else _call(row)


class _AlreadyTaken(Exception):
    pass


_CALL = "id, kiosk_id, screen, created_at, closed_at, closed_by"


def _call(row: Any) -> dict[str, Any]:
    call_id, kiosk_id, screen, created_at, closed_at, closed_by = row
    return {"id": int(call_id), "kiosk_id": kiosk_id, "screen": screen, "at": created_at,
            "open": closed_at is None, "closed_at": closed_at, "closed_by": closed_by}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_service_areas(path: Path) -> list[ServiceArea]:
    """The service areas in a JSON file, `{"service_areas": [{code, name, counters,
    fields}]}`; ValueError naming the file and the bad entry."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))["service_areas"]
        areas = [ServiceArea.from_dict(item) for item in items]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{path}: not a service areas file ({err})") from None
    for i, area in enumerate(areas):
        if not AREA_CODE.match(area.code) or not area.name.strip() or not area.counters:
            raise ValueError(f"{path}: service_areas[{i}] needs a code of 1 to 8 capital "
                             "letters or digits, a name and at least one counter")
    return areas
