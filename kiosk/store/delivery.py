"""Sending the outbox: each item to its API path, with its idempotency key, until it lands.

`deliver_due` sends what is due once (the CLI's `kiosk outbox flush`); `Sender` does it in
a background thread for the running kiosk, woken at once when something new is put, and
otherwise at the next item's retry time. A person's screen asks `Sender.send` and waits a
few seconds for the answer: if it comes, the person sees the dossier code; if not, the
item stays queued and the person gets its reference. Either way it reaches the API once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from kiosk.store.client import ApiAuthError, ApiClient, ApiError, ApiRejected
from kiosk.store.outbox import Outbox, OutboxError, OutboxItem, OutboxSummary

log = logging.getLogger(__name__)

# the API path each kind of item goes to
PATHS = {"submission": "submissions", "rating": "ratings"}

Outcome = Literal["delivered", "queued", "refused"]


@dataclass(frozen=True)
class Delivery:
    key: str
    reference: str
    outcome: Outcome
    answer: dict[str, Any] = field(default_factory=dict)  # the API's answer when delivered
    error: str = ""


def deliver(outbox: Outbox, client: ApiClient, item: OutboxItem) -> Delivery:
    """Send one item. Delivered: it leaves the outbox. Refused by the API (a request it will
    never take): kept, marked, for staff. Anything else: tried again later."""
    summary = item.summary
    try:
        answer = client.post(PATHS[summary.kind], item.payload,
                             headers={"Idempotency-Key": summary.key})
    except ApiError as err:
        # a wrong key or "too many requests" is the kiosk's or the moment's problem, not
        # the item's: those are tried again like a network failure
        refused = isinstance(err, ApiRejected) and not isinstance(err, ApiAuthError) \
            and err.status != 429
        outbox.failed(summary.key, err.reason, refused=refused)
        log.warning("outbox %s %s not delivered (%s)", summary.kind, summary.reference,
                    "refused" if refused else "will retry")
        return Delivery(summary.key, summary.reference, "refused" if refused else "queued",
                        error=err.reason)
    body = answer.json() if answer.body else {}
    outbox.delivered(summary.key)
    log.info("outbox %s %s delivered", summary.kind, summary.reference)
    return Delivery(summary.key, summary.reference, "delivered",
                    body if isinstance(body, dict) else {})


def deliver_due(outbox: Outbox, client: ApiClient) -> list[Delivery]:
    """Send every due item once, oldest first; stop at the first network failure (the rest
    would fail the same way)."""
    done: list[Delivery] = []
    for item in outbox.due():
        delivery = deliver(outbox, client, item)
        done.append(delivery)
        if delivery.outcome == "queued":
            break
    return done


class Sender:
    """The running kiosk's background delivery."""

    def __init__(self, outbox: Outbox, client: ApiClient, idle_wait: float = 300.0) -> None:
        self.outbox, self.client, self.idle_wait = outbox, client, idle_wait
        self._results: dict[str, Delivery] = {}
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def nudge(self) -> None:
        self._wake.set()

    def send(self, kind: str, payload: dict[str, Any], key: str | None = None,
             wait: float = 0.0) -> Delivery:
        """Put an item in the outbox (durably: raises OutboxError if it could not be stored)
        and wait up to `wait` seconds for the API's answer."""
        summary = self.outbox.put(kind, payload, key)
        self.start()
        self.nudge()
        return self.result(summary, wait)

    def result(self, summary: OutboxSummary, wait: float) -> Delivery:
        queued = Delivery(summary.key, summary.reference, "queued")
        with self._changed:
            self._changed.wait_for(lambda: summary.key in self._results, timeout=wait)
            return self._results.pop(summary.key, queued)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for delivery in deliver_due(self.outbox, self.client):
                    with self._changed:
                        self._results[delivery.key] = delivery
                        self._changed.notify_all()
                when = self.outbox.next_due()
            except (OutboxError, OSError) as err:
                log.error("outbox: %s", err)
                when = None
            pause = self.idle_wait if when is None else max(0.0, when - self.outbox.clock())
            self._wake.wait(min(pause, self.idle_wait))
            self._wake.clear()
            # answers nobody waited for (the screen moved on) must not pile up
            with self._changed:
                if len(self._results) > 100:
                    self._results.clear()
