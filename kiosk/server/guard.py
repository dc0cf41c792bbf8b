"""The API's front door, before any route runs: the key is checked before a byte of the body
is read, and the body is read only up to its cap, however it is sent.

A pure ASGI middleware rather than a route dependency: FastAPI reads (and parses) a body
before it resolves a route's dependencies, so a key checked there comes after the server
has already taken in whatever a stranger chose to send. Here an unknown key is answered
401 at once, and a body is counted as its chunks arrive, so a chunked upload without a
Content-Length is cut off at the cap (413) as surely as one that declares its size, and a
body that takes longer than `body_seconds` to arrive is answered 408.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]

# the state key under which a request carries the kiosk its key belongs to
KIOSK_ID = "kiosk_id"


class Guard:
    def __init__(self, app: Any, *, kiosk_for_key: Callable[[str], str | None],
                 is_public: Callable[[str], bool], body_cap: Callable[[str], int],
                 body_seconds: float = 120.0, large_bodies: int = 8,
                 large_body: int = 1024 * 1024, large_body_wait: float = 30.0,
                 max_key_length: int = 256) -> None:
        self.app = app
        self.body_seconds = body_seconds
        # bodies allowed over `large_body` (photographed papers) are read a few at a time:
        # each is held in memory whole, so many at once could exhaust the server's; the
        # others wait their turn, up to `large_body_wait` seconds (then 503, Retry-After)
        self.large_body, self.large_body_wait = large_body, large_body_wait
        self._large_bodies = anyio.Semaphore(large_bodies)
        self.kiosk_for_key = kiosk_for_key
        self.is_public = is_public
        self.body_cap = body_cap
        self.max_key_length = max_key_length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        headers = _headers(scope)
        if not self.is_public(path):
            key = headers.get(b"x-api-key", b"").decode("latin-1")
            if not key:
                await _refuse(send, 401, "unauthorized", "send this kiosk's API key in X-Api-Key")
                return
            kiosk = None
            if len(key) <= self.max_key_length:
                # the database is blocking: off the event loop, like the routes themselves
                kiosk = await anyio.to_thread.run_sync(self.kiosk_for_key, key)
            if kiosk is None:
                await _refuse(send, 401, "unauthorized", "unknown API key")
                return
            scope.setdefault("state", {})[KIOSK_ID] = kiosk
        cap = self.body_cap(path)
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await _refuse(send, 413, "too_large", f"request bodies are limited to {cap} bytes")
            return
        if declared in (None, b"0") and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body to read
            return
        if cap > self.large_body:
            with anyio.move_on_after(self.large_body_wait) as waiting:
                await self._large_bodies.acquire()
            if waiting.cancelled_caught:
                await _refuse(send, 503, "busy", "the server is taking in other large "
                              "requests; send again later", retry_after=30)
                return
            try:
                await self._read_and_pass(scope, receive, send, cap)
            finally:
                self._large_bodies.release()
            return
        await self._read_and_pass(scope, receive, send, cap)

    async def _read_and_pass(self, scope: Scope, receive: Receive, send: Send, cap: int
                             ) -> None:
        """Read the whole body, within its cap and its time, then hand the request on."""
        body = bytearray()
        with anyio.move_on_after(self.body_seconds) as reading:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the client went away: nobody to answer
                body += message.get("body", b"")
                if len(body) > cap:
                    await _refuse(send, 413, "too_large",
                                  f"request bodies are limited to {cap} bytes")
                    return
                if not message.get("more_body", False):
                    break
        if reading.cancelled_caught:
            await _refuse(send, 408, "too_slow",
                          f"the request's body did not arrive within {self.body_seconds:g} s")
            return
        await self.app(scope, _replay(bytes(body), receive), send)


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """The request's headers by lower-case name (the first of repeated ones)."""
    found: dict[bytes, bytes] = {}
    for name, value in scope.get("headers", []):
        found.setdefault(name.lower(), value)
    return found


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read, then whatever comes next
    (a disconnect) from the connection."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replayed


async def _refuse(send: Send, status: int, code: str, message: str,
                  retry_after: int | None = None) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
