"""Queue numbers as the kiosk takes them: the centre's service areas and a number in one,
from the central API (never made up here: without the API there is no number).

`QueueTicket` is what a printed ticket shows; the printer's code takes it as it is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.store.client import ApiBadAnswer, ApiClient


@dataclass(frozen=True)
class ServiceArea:
    """A group of the centre's counters and the fields they serve, with how many wait."""

    code: str
    name: str
    counters: tuple[str, ...]
    fields: tuple[str, ...]
    waiting: int


@dataclass(frozen=True)
class QueueTicket:
    number: int
    area_name: str
    counters: tuple[str, ...]
    waiting: int  # numbers before this one not yet called
    issued_at: datetime  # local time
    area: str = ""  # the service area's code


@dataclass(frozen=True)
class CalledNumber:
    area: str
    counter: str
    number: int | None  # None: nobody waits
    waiting: int


def service_areas(client: ApiClient) -> list[ServiceArea]:
    body = client.get("queue/areas").json()
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ApiBadAnswer("the central API's service areas are not a list")
    return [_area(item, i) for i, item in enumerate(items)]


def take_number(client: ApiClient, area: str, key: str = "") -> QueueTicket:
    """The next number of a service area. `key` (new by default) makes asking again after a
    lost answer give the same number, not a second one."""
    key = key or f"q-{secrets.token_hex(12)}"
    body = client.post("queue/tickets", {"area": area}, {"Idempotency-Key": key},
                       idempotent=True).json()
    try:
        return QueueTicket(_int(body["number"]), _text(body["area_name"]),
                           tuple(_text(c) for c in body["counters"]), _int(body["waiting"]),
                           _local(body["issued_at"]), _text(body["area"]))
    except (KeyError, TypeError, ValueError):
        raise ApiBadAnswer("the central API's queue ticket lacks its number, area, counters "
                           "or time") from None


def call_next(client: ApiClient, area: str, counter: str) -> CalledNumber:
    """A counter calls the next waiting number of its area."""
    body = client.post(f"queue/areas/{area}/next", {"counter": counter}).json()
    try:
        number = body["number"]
        return CalledNumber(_text(body["area"]), _text(body["counter"]),
                            None if number is None else _int(number), _int(body["waiting"]))
    except (KeyError, TypeError, ValueError):
        raise ApiBadAnswer("the central API's called number is not what was expected") from None


def _area(item: Any, i: int) -> ServiceArea:
    try:
        return ServiceArea(_text(item["code"]), _text(item["name"]),
                           tuple(_text(c) for c in item["counters"]),
                           tuple(_text(f) for f in item.get("fields", [])),
                           _int(item.get("waiting", 0)))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ApiBadAnswer(f"the central API sent a malformed service area (items[{i}])"
                           ) from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(value)
    return value


def _local(stamp: Any) -> datetime:
    """A UTC stamp of the API as this kiosk's local time (what a ticket shows)."""
    return datetime.fromisoformat(_text(stamp).replace("Z", "+00:00")).astimezone() \
        .replace(tzinfo=None)
