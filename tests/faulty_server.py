"""A misbehaving HTTP server on loopback, for the central API client's reliability tests.

Built on plain sockets and threads so it can do what a real web framework won't: accept and
never answer, drip a body a byte at a time, declare a length and send less, stream an
endless body, reset the connection, or behave like the real server (by forwarding to it)
until the one request it sabotages.

Each connection is handled by a *behaviour*: a function given an `Exchange` (the parsed
request and the socket). `FaultyServer.set()` chooses the default behaviour and, by path
prefix, others. Every loop is bounded in time (`MAX_SECONDS`) and in count, and stops as
soon as the client has gone or the server is stopped.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import select
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOOPBACK = "127.0.0.1"
MAX_SECONDS = 60.0  # no connection is kept busy longer than this
MAX_HEAD = 64 * 1024
MB = 1024 * 1024

CAPTIVE_PORTAL = (
    "<!DOCTYPE html><html><head><title>Wi-Fi login</title></head><body>"
    "<h1>Chào mừng đến với Wi-Fi miễn phí</h1><form action='/login' method='post'>"
    "<input name='phone'><button>Đăng nhập</button></form></body></html>"
).encode()


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # lower-case names
    index: int  # 1 for the first request the server received
    body: bytes = b""  # up to 1 MB of it

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


class Exchange:
    """One connection: the request it carried and bounded ways to answer it."""

    def __init__(self, server: FaultyServer, conn: socket.socket, request: Request) -> None:
        self.server = server
        self.conn = conn
        self.request = request
        self.deadline = time.monotonic() + MAX_SECONDS
        self.closed = False

    def alive(self) -> bool:
        return not self.server.stopping.is_set() and time.monotonic() < self.deadline

    def send(self, data: bytes) -> bool:
        """Send all of `data`; False when the client has gone or the server is stopping."""
        if not self.alive():
            return False
        try:
            self.conn.sendall(data)
        except OSError:
            return False
        return True

    def pause(self, seconds: float) -> bool:
        """Sleep, waking early when the server stops; False when the exchange should end."""
        self.server.stopping.wait(seconds)
        return self.alive() and not self.client_gone()

    def client_gone(self) -> bool:
        """True when the client has closed or reset its side."""
        try:
            readable, _, _ = select.select([self.conn], [], [], 0)
            if not readable:
                return False
            return self.conn.recv(4096, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def wait_until_gone(self) -> None:
        """Say nothing until the client gives up (or the bound runs out)."""
        while self.alive() and not self.client_gone():
            self.server.stopping.wait(0.05)

    def head(self, status: int, reason: str, headers: dict[str, str]) -> bool:
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items())]
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def answer(self, status: int, body: bytes, content_type: str = "application/json",
               headers: dict[str, str] | None = None, reason: str = "") -> None:
        """A complete, well-framed answer."""
        all_headers = {"Content-Type": content_type, "Content-Length": str(len(body)),
                       "Connection": "close", **(headers or {})}
        if self.head(status, reason or http.client.responses.get(status, "Whatever"),
                     all_headers):
            self.send(body)

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN."""
        with contextlib.suppress(OSError):
            self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError):
                self.conn.close()


Behaviour = Callable[[Exchange], None]


class FaultyServer:
    """Listens on 127.0.0.1 on a port the OS picks; each connection runs in a daemon thread.

    Every answer closes the connection, so each request the client makes is one connection
    and `requests` counts attempts, retries included.
    """

    def __init__(self, default: Behaviour | None = None, *,
                 routes: dict[str, Behaviour] | None = None,
                 upstream: str | None = None) -> None:
        self.default: Behaviour = default or no_answer()
        self.routes: dict[str, Behaviour] = dict(routes or {})
        self.upstream = urlsplit(upstream) if upstream else None  # e.g. http://127.0.0.1:8/
        self.stopping = threading.Event()
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True,
                                          name=f"faulty-server-{self.port}")
        self._acceptor.start()

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/v1"

    def set(self, default: Behaviour, routes: dict[str, Behaviour] | None = None) -> None:
        """Change what the server does from the next connection on."""
        with self._lock:
            self.default = default
            self.routes = dict(routes or {})

    def count(self, path: str | None = None) -> int:
        """How many requests arrived (for `path`, when given: e.g. "/v1/catalogue")."""
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path == path)

    def behaviour_for(self, request: Request) -> Behaviour:
        with self._lock:
            for prefix in sorted(self.routes, key=len, reverse=True):
                if request.path.startswith(prefix):
                    return self.routes[prefix]
            return self.default

    def stop(self) -> None:
        self.stopping.set()
        self._acceptor.join(timeout=5)
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        ends = time.monotonic() + 10
        for thread in threads:
            thread.join(timeout=max(0.0, ends - time.monotonic()))

    def __enter__(self) -> FaultyServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- inside ---------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True,
                                      name=f"faulty-conn-{self.port}")
            with self._lock:
                self._conns.add(conn)
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(2.0)
        exchange: Exchange | None = None
        try:
            request = self._read_request(conn)
            if request is None:
                return
            exchange = Exchange(self, conn, request)
            self.behaviour_for(request)(exchange)
        except OSError:
            pass  # the client went away: that is what these tests are about
        finally:
            with self._lock:
                self._conns.discard(conn)
            if exchange is not None:
                exchange.close()
            else:
                with contextlib.suppress(OSError):
                    conn.close()

    def _read_request(self, conn: socket.socket) -> Request | None:
        data = b""
        ends = time.monotonic() + 5
        while b"\r\n\r\n" not in data:
            if len(data) > MAX_HEAD or time.monotonic() > ends or self.stopping.is_set():
                return None
            try:
                chunk = conn.recv(4096)
            except TimeoutError:
                continue
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(rest) < min(length, MB) and time.monotonic() < ends:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        with self._lock:
            request = Request(parts[0], parts[1], headers, len(self.requests) + 1,
                              rest[:MB])
            self.requests.append(request)
        return request


# --- behaviours ------------------------------------------------------------------------

def no_answer() -> Behaviour:
    """Accept, read the request, and never say anything."""
    def run(ex: Exchange) -> None:
        ex.wait_until_gone()
    return run


def close_without_answer() -> Behaviour:
    """Read the request, then close the connection cleanly without a word."""
    def run(ex: Exchange) -> None:
        ex.close()
    return run


def reset() -> Behaviour:
    """Read the request, then reset the connection (SO_LINGER 0, close)."""
    def run(ex: Exchange) -> None:
        ex.reset()
    return run


def reset_mid_body(sent: int = 100) -> Behaviour:
    """Headers declaring 10,000 bytes of JSON, `sent` of them, then a reset."""
    def run(ex: Exchange) -> None:
        if ex.head(200, "OK", {"Content-Type": "application/json", "Content-Length": "10000"}):
            ex.send(b'{"items": [' + b" " * (sent - 11))
            ex.pause(0.1)
        ex.reset()
    return run


def answer(status: int, body: bytes | str | Any = b"", content_type: str = "application/json",
           headers: dict[str, str] | None = None) -> Behaviour:
    """A well-framed answer; `body` that is neither bytes nor str is sent as JSON."""
    if isinstance(body, str):
        data = body.encode()
    elif isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body, ensure_ascii=False).encode()

    def run(ex: Exchange) -> None:
        ex.answer(status, data, content_type, headers)
    return run


def error(status: int, code: str = "error", message: str = "something went wrong",
          headers: dict[str, str] | None = None) -> Behaviour:
    """An error in the API's own format: {"error": {"code", "message"}}."""
    return answer(status, {"error": {"code": code, "message": message}}, headers=headers)


def captive_portal() -> Behaviour:
    return answer(200, CAPTIVE_PORTAL, "text/html; charset=utf-8")


def redirect(location: str = "http://192.0.2.1/login?orig=kiosk") -> Behaviour:
    return answer(302, CAPTIVE_PORTAL, "text/html", {"Location": location})


def garbage() -> Behaviour:
    """Not HTTP at all (something else listens on the port)."""
    def run(ex: Exchange) -> None:
        ex.send(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x00\x01\x02\xff")
        ex.close()
    return run


def drip(interval: float = 0.2, *, chunked: bool = False, declared: int = 4096,
         headers_too: bool = False) -> Behaviour:
    """Headers, then one byte of body every `interval` seconds until the client gives up,
    the server stops, `declared` bytes are sent, or MAX_SECONDS. With `headers_too` the
    headers themselves drip (a header line grows by one byte at a time), and once
    `declared` bytes are sent they end and a small JSON body follows."""
    def run(ex: Exchange) -> None:
        if headers_too:
            if not ex.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: "):
                return
        else:
            framing = {"Transfer-Encoding": "chunked"} if chunked else {
                "Content-Length": str(declared)}
            if not ex.head(200, "OK", {"Content-Type": "application/json", **framing}):
                return
        sent = 0
        while sent < declared and ex.pause(interval):
            byte = b"x" if headers_too else b" "
            if not ex.send(b"1\r\n" + byte + b"\r\n" if chunked else byte):
                return
            sent += 1
        if headers_too and sent == declared:  # the client waited this long: finish politely
            ex.send(b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    return run


def truncated(declared: int = 10000, sent: int = 100, *, chunked: bool = False) -> Behaviour:
    """Declare `declared` bytes (or a chunk of that size), send `sent` of them, close."""
    def run(ex: Exchange) -> None:
        framing = {"Transfer-Encoding": "chunked"} if chunked else {
            "Content-Length": str(declared)}
        if not ex.head(200, "OK", {"Content-Type": "application/json", **framing}):
            return
        body = b'{"items": [' + b" " * (sent - 11)
        ex.send((f"{declared:x}\r\n".encode() + body) if chunked else body)
        ex.close()
    return run


def unframed(body: bytes) -> Behaviour:
    """No Content-Length, no chunking: the body ends when the connection closes."""
    def run(ex: Exchange) -> None:
        if ex.head(200, "OK", {"Content-Type": "application/json", "Connection": "close"}):
            ex.send(body)
        ex.close()
    return run


def _endless_json(total: int) -> Iterator[bytes]:
    """`total` bytes of a JSON list, 64 KB at a time; only one block is ever in memory."""
    block = b'{"code": "1.000001", "name": "x"}, ' * 1872  # 65,520 bytes
    yield b'{"items": ['
    sent = 11
    while sent < total:
        yield block
        sent += len(block)


def huge(total: int = 300 * MB, *, mode: str = "declared") -> Behaviour:
    """A body of `total` bytes, generated lazily. `mode`: "declared" (Content-Length),
    "chunked", or "unframed" (ends when the connection does)."""
    def run(ex: Exchange) -> None:
        framing = {"declared": {"Content-Length": str(total)},
                   "chunked": {"Transfer-Encoding": "chunked"},
                   "unframed": {"Connection": "close"}}[mode]
        if not ex.head(200, "OK", {"Content-Type": "application/json", **framing}):
            return
        for count, block in enumerate(_endless_json(total)):
            data = f"{len(block):x}\r\n".encode() + block + b"\r\n" if mode == "chunked" \
                else block
            if count > total // 1024 or not ex.send(data):
                return
    return run


def gzip_bomb(total: int = 300 * MB) -> Behaviour:
    """A small gzip body that inflates to `total` bytes of JSON, compressed as it is sent."""
    def run(ex: Exchange) -> None:
        if not ex.head(200, "OK", {"Content-Type": "application/json",
                                   "Content-Encoding": "gzip", "Connection": "close"}):
            return
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
        for count, block in enumerate(_endless_json(total)):
            if count > total // 1024 or not ex.send(packer.compress(block)):
                return
        ex.send(packer.flush())
    return run


def deep_json(depth: int = 200_000) -> Behaviour:
    """Valid-looking JSON nested deeper than any parser's recursion allows."""
    return answer(200, b"[" * depth + b"]" * depth)


def endless_pages(items: list[Any], total: int, *, limit: int = 500) -> Behaviour:
    """Procedure pages that never end: the same `items` each time under a fresh cursor
    (a server that ignores the cursor). Stops, with a last page, after `limit` requests."""
    def run(ex: Exchange) -> None:
        n = ex.request.index
        ex.answer(200, json.dumps({"items": items, "total": total,
                                   "next_cursor": f"page-{n}" if n < limit else None}).encode())
    return run


def forward(cut: float | None = None, *, framed: bool = False) -> Behaviour:
    """Pass the request to the server's upstream (the real reference server) and return its
    answer; with `cut` (0..1), send only that fraction of the body and close the connection,
    while the headers still declare the whole length, or, `framed`, the length sent (a
    well-framed answer whose JSON is cut off: a proxy that truncated it)."""
    def run(ex: Exchange) -> None:
        upstream = ex.server.upstream
        assert upstream is not None and upstream.hostname in (LOOPBACK, "localhost")
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=10)
        try:
            skip = {"host", "connection", "accept-encoding", "content-length"}
            conn.request(ex.request.method, ex.request.target, body=ex.request.body or None,
                         headers={k: v for k, v in ex.request.headers.items() if k not in skip})
            response = conn.getresponse()
            body = response.read()
            headers = {k: v for k, v in response.getheaders()
                       if k.lower() in ("content-type", "etag", "cache-control", "location")}
            status, reason = response.status, response.reason
        finally:
            conn.close()
        if cut is not None and framed:
            body = body[:int(len(body) * cut)]
        headers.update({"Content-Length": str(len(body)), "Connection": "close"})
        if not ex.head(status, reason, headers):
            return
        if cut is None or framed:
            ex.send(body)
        else:
            ex.send(body[:int(len(body) * cut)])
            ex.close()
    return run


def pick(test: Callable[[Request], bool], then: Behaviour, otherwise: Behaviour) -> Behaviour:
    """`then` for the requests `test` accepts, `otherwise` for the rest."""
    def run(ex: Exchange) -> None:
        (then if test(ex.request) else otherwise)(ex)
    return run


def first(n: int, good: Behaviour, bad: Behaviour) -> Behaviour:
    """`good` for the first `n` requests that reach this behaviour, `bad` after that."""
    seen = 0
    lock = threading.Lock()

    def run(ex: Exchange) -> None:
        nonlocal seen
        with lock:
            seen += 1
            mine = seen
        (good if mine <= n else bad)(ex)
    return run


@dataclass
class Backlogged:
    """A port whose listen queue is full and never drained: a connection attempt gets no
    SYN-ACK, so the client's *connect* times out (loopback only, no firewall needed)."""

    port: int = 0
    fillers: list[socket.socket] = field(default_factory=list)
    listener: socket.socket | None = None

    def __enter__(self) -> Backlogged:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        for _ in range(16):  # Linux queues backlog + 1 connections; fill them
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.settimeout(0.3)
            try:
                filler.connect((LOOPBACK, self.port))
            except OSError:
                filler.close()
                return self  # this one got no answer: the queue is full
            self.fillers.append(filler)
        raise RuntimeError("could not fill the listen queue")

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/v1"

    def __exit__(self, *_: object) -> None:
        for sock in [*self.fillers, self.listener]:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()


def closed_port() -> int:
    """A loopback port nothing listens on (the OS just gave it out and took it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])

