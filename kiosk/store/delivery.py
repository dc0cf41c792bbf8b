"""Sending the outbox: each item to its API path, with its idempotency key, until it lands.

`deliver_due` sends what is due once (the CLI's `kiosk outbox flush`); `Sender` does it in
a background thread for the running kiosk, woken at once when something new is put, and
otherwise at the next item's retry time. A person's screen asks `Sender.send` and waits a
few seconds for the answer: if it comes, the person sees the dossier code; if not, the
item stays queued and the person gets its reference. Either way it reaches the API once.

The sender is supervised: whatever goes wrong in a round (a full disk, a read-only data
folder, an answer that cannot be read, a bug) is logged, the round is tried again after a
growing pause, and the thread goes on; a thread that died anyway is started again by the
next `send`. What is stored or shown about a failure is the kiosk's own wording (the
HTTP status, the API's error code), never the text of an answer, which may repeat what a
person typed.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from kiosk.store.client import (
    ApiAuthError,
    ApiClient,
    ApiError,
    ApiRejected,
    ApiServerError,
)
from kiosk.store.outbox import (
    Outbox,
    OutboxError,
    OutboxItem,
    OutboxSummary,
    SenderStatus,
    backoff,
    safe_text,
)

log = logging.getLogger(__name__)

# the API path each kind of item goes to
PATHS = {"submission": "submissions", "rating": "ratings"}

# the API's error codes (docs/api.md) in the kiosk's words, for staff
REFUSALS = {
    "unknown_procedure": "the central API does not know the procedure",
    "not_online": "the procedure cannot be submitted online",
    "bad_request": "the central API found something missing or malformed",
    "too_large": "the item is larger than the central API takes",
    "bad_idempotency_key": "the central API did not accept the item's key",
    "unauthorized": "the central API refused this kiosk's key",
    "too_many_attempts": "the central API asked the kiosk to slow down",
}
_CODE = re.compile(r"[a-z0-9_.-]{1,40}")

Outcome = Literal["delivered", "queued", "refused"]


@dataclass(frozen=True)
class Delivery:
    key: str
    reference: str
    outcome: Outcome
    answer: dict[str, Any] = field(default_factory=dict)  # the API's answer when delivered
    error: str = ""  # why not delivered, in the kiosk's words (no personal data)
    api_code: str = ""  # a refusal's error code, which the person's screen puts in words


def failure_reason(err: ApiError) -> str:
    """Why the API did not take an item, fit to store and show: for an answer, its HTTP
    status and error code with a fixed sentence, never its message (which may quote the
    applicant's ID number or phone); otherwise the client's own one line."""
    if isinstance(err, ApiRejected):
        code = err.code if _CODE.fullmatch(err.code) else ""
        words = REFUSALS.get(code, "the central API refused it")
        if isinstance(err, ApiAuthError):
            words = REFUSALS["unauthorized"]
        return safe_text(f"{words} (HTTP {err.status}{', ' + code if code else ''})")
    if isinstance(err, ApiServerError):
        return f"the central API failed (HTTP {err.status})"
    return safe_text(err.reason)


def deliver(outbox: Outbox, client: ApiClient, item: OutboxItem) -> Delivery:
    """Send one item. Delivered: it leaves the outbox. Refused by the API (a request it will
    never take): kept, marked, for staff. Anything else: tried again later. Raises
    OutboxError when the outbox cannot record the outcome (the item is then sent again
    later, with the same key: the API answers as before)."""
    summary = item.summary
    try:
        payload = item.payload
        if summary.kind == "submission":  # staff and the person find it by the slip
            payload = {**payload, "reference": summary.reference}
        answer = client.post(PATHS[summary.kind], payload,
                             headers={"Idempotency-Key": summary.key})
        # a 2xx whose body is cut off or not JSON: the API may have the item, but the
        # kiosk has no dossier code to give; asked again, the API answers the same key
        # with the same dossier
        body = answer.json() if answer.body else {}
    except ApiError as err:
        # a wrong key or "too many requests" is the kiosk's or the moment's problem, not
        # the item's: those are tried again like a network failure
        refused = isinstance(err, ApiRejected) and not isinstance(err, ApiAuthError) \
            and err.status != 429
        reason = failure_reason(err)
        api_code = err.code if isinstance(err, ApiRejected) else ""
        outbox.failed(summary.key, reason, refused=refused, api_code=api_code)
        log.warning("outbox %s %s not delivered (%s): %s", summary.kind, summary.reference,
                    "refused" if refused else "will retry", reason)
        return Delivery(summary.key, summary.reference, "refused" if refused else "queued",
                        error=reason, api_code=api_code if refused else "")
    body = body if isinstance(body, dict) else {}
    code = body.get("dossier_code")
    outbox.delivered(summary.key, code if isinstance(code, str) else "")
    log.info("outbox %s %s delivered", summary.kind, summary.reference)
    return Delivery(summary.key, summary.reference, "delivered", body)


def deliver_due(outbox: Outbox, client: ApiClient,
                on_each: Callable[[Delivery], None] | None = None) -> list[Delivery]:
    """Send every due item once, oldest first; stop at the first item that must wait (the
    rest would most likely fail the same way; its pause lets them go first next time).
    `on_each` hears each outcome as it comes. An item that fails in an unexpected way is
    put back with a pause and the others go on; OutboxError (the outbox cannot be read or
    written) ends the round."""
    done: list[Delivery] = []
    for item in outbox.due():
        summary = item.summary
        try:
            delivery = deliver(outbox, client, item)
        except OutboxError:
            raise
        except Exception as err:  # this item's own trouble must not stop the others
            reason = f"the kiosk failed to send it ({type(err).__name__})"
            log.exception("outbox %s %s: %s", summary.kind, summary.reference, reason)
            outbox.failed(summary.key, reason)
            delivery = Delivery(summary.key, summary.reference, "queued", error=reason)
            done.append(delivery)
            if on_each is not None:
                on_each(delivery)
            continue
        done.append(delivery)
        if on_each is not None:
            on_each(delivery)
        if delivery.outcome == "queued":
            break
    return done


class Sender:
    """The running kiosk's background delivery, supervised: see the module's docstring."""

    def __init__(self, outbox: Outbox, client: ApiClient, idle_wait: float = 300.0) -> None:
        self.outbox, self.client, self.idle_wait = outbox, client, idle_wait
        self._results: dict[str, Delivery] = {}
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()
        self._status = SenderStatus()
        self._troubles = 0  # rounds in a row that ended in an error of the kiosk's own
        self.rounds = 0  # rounds done since the start (tests and the operator screen wait)

    def start(self) -> None:
        """Start the thread, or start it again if it died (it should not: see _run)."""
        with self._starting:
            if self._stop.is_set() or (self._thread is not None and self._thread.is_alive()):
                return
            if self._thread is not None:
                log.error("outbox sender had stopped: started again")
            self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
            self._thread.start()

    def stop(self, wait: float = 0.0) -> None:
        """Stop after the round under way; `wait`: seconds to wait for it to end."""
        self._stop.set()
        self._wake.set()
        if wait and self._thread is not None:
            self._thread.join(wait)

    def nudge(self) -> None:
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def status(self) -> SenderStatus:
        """The last round as this process saw it (also when it could not be written down)."""
        with self._changed:
            return self._status

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

    def wait_rounds(self, count: int, timeout: float) -> bool:
        """Wait until `count` rounds have been done since the start; False on time-out."""
        with self._changed:
            return self._changed.wait_for(lambda: self.rounds >= count, timeout=timeout)

    def _run(self) -> None:
        try:
            self.outbox.release_readable()  # the right key may be back since last time
        except Exception as err:
            log.error("outbox: %s", safe_text(str(err)))
        while not self._stop.is_set():
            try:
                pause = self._round()
            except Exception:  # the round's own bookkeeping failed: never end the thread
                log.exception("outbox sender: unexpected failure")
                pause = self.outbox.retry_max
            self._wake.wait(max(0.0, min(pause, self.idle_wait)))
            self._wake.clear()

    def _round(self) -> float:
        """Send what is due; record how it went; return the seconds until the next round."""
        problem, delivered = "", False
        clock = self.outbox.clock
        try:
            for delivery in deliver_due(self.outbox, self.client, self._publish):
                delivered = delivered or delivery.outcome == "delivered"
                if delivery.outcome == "queued" and not problem:
                    problem = delivery.error or "not delivered"
            when = self.outbox.next_due()
            self._troubles = 0
        except Exception as err:  # a full disk, a read-only folder, a bug: tried again
            self._troubles += 1
            problem = safe_text(str(err) if isinstance(err, OutboxError)
                                else f"the kiosk failed to send ({type(err).__name__})")
            if isinstance(err, OutboxError):
                log.error("outbox sender: %s; trying again", problem)
            else:
                log.exception("outbox sender: %s; trying again", problem)
            when = clock() + backoff(self._troubles, self.outbox.retry_first,
                                     self.outbox.retry_max)
        now = clock()
        with self._changed:
            self._status = replace(
                self._status, last_run=now, problem=problem,
                last_success=self._status.last_success if problem else now,
                last_delivery=now if delivered else self._status.last_delivery)
            status = self._status
        try:
            self.outbox.record_sender(status)
        except OutboxError as err:  # the round's error says why, if there was one
            if not problem:
                log.warning("outbox sender: %s", err)
        with self._changed:
            self.rounds += 1
            # answers nobody waited for (the screen moved on) must not pile up
            if len(self._results) > 100:
                self._results.clear()
            self._changed.notify_all()
        return self.idle_wait if when is None else when - clock()

    def _publish(self, delivery: Delivery) -> None:
        with self._changed:
            self._results[delivery.key] = delivery
            self._changed.notify_all()
