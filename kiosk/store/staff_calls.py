"""Calls for a staff member from a kiosk's help, recorded at the central API; staff (the
operator screen, `kiosk staff-calls`) list the open ones and close them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.store.client import ApiBadAnswer, ApiClient


@dataclass(frozen=True)
class StaffCall:
    id: int
    kiosk_id: str
    screen: str
    at: datetime  # local time
    open: bool
    closed_by: str = ""


def call_staff(client: ApiClient, screen: str, key: str = "") -> StaffCall:
    """Record a call from this kiosk's `screen`; sent again after a lost answer with the
    same key, it is still one call."""
    key = key or f"s-{secrets.token_hex(12)}"
    return _call(client.post("staff-calls", {"screen": screen}, {"Idempotency-Key": key},
                             idempotent=True).json())


def staff_calls(client: ApiClient, include_closed: bool = False) -> list[StaffCall]:
    body = client.get("staff-calls/list", {"all": "true"} if include_closed else None).json()
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ApiBadAnswer("the central API's staff calls are not a list")
    return [_call(item) for item in items]


def close_call(client: ApiClient, call_id: int, by: str = "") -> StaffCall:
    return _call(client.post(f"staff-calls/{call_id}/close", {"by": by}).json())


def _call(item: Any) -> StaffCall:
    try:
        at = datetime.fromisoformat(str(item["at"]).replace("Z", "+00:00")).astimezone() \
            .replace(tzinfo=None)
        return StaffCall(int(item["id"]), str(item["kiosk_id"]), str(item["screen"]), at,
                         bool(item["open"]), str(item.get("closed_by") or ""))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ApiBadAnswer("the central API's staff call is not what was expected") from None
