"""HTTP client for the central API: bounded in time and size, with typed errors.

Every request has a connect timeout, a read timeout and an overall deadline (a server that
drips its answer a byte at a time is cut off), a cap on the answer's size, and a check
that the answer is JSON and not, say, a captive portal's login page. Read-only requests
are tried again a bounded number of times with growing pauses. Failures raise an
`ApiError` subclass whose `reason` is one line an operator can act on.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from kiosk import __version__
from kiosk.config import Config


class ApiError(Exception):
    """The central API could not give a usable answer."""

    retryable = False

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ApiUnreachable(ApiError):
    retryable = True


class ApiTimeout(ApiError):
    retryable = True


class ApiBadAnswer(ApiError):
    """The answer came but cannot be used: cut off, too big, not JSON, wrong shape."""

    retryable = True


class ApiServerError(ApiError):
    retryable = True

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


class ApiRejected(ApiError):
    """A 4xx answer: the request itself was refused."""

    def __init__(self, reason: str, status: int, code: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.code = code


class ApiAuthError(ApiRejected):
    pass


class ApiRateLimited(ApiRejected):
    """429: too many requests from this kiosk for now. `retry_after`: the seconds the API
    asked it to wait (`Retry-After`), None when it did not say. A read is tried again
    after that wait when it fits in the request's deadline."""

    def __init__(self, reason: str, status: int, code: str = "",
                 retry_after: float | None = None) -> None:
        super().__init__(reason, status, code)
        self.retry_after = retry_after


class ApiNotFound(ApiRejected):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiBadAnswer("the central API's answer is not valid JSON") from None
        except RecursionError:
            raise ApiBadAnswer("the central API's answer is nested too deeply to read") from None


@dataclass(frozen=True)
class ClientSettings:
    base_url: str
    key: str = ""
    kiosk_id: str = "kiosk"
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    retries: int = 2
    max_bytes: int = 64 * 1024 * 1024
    backoff: float = 0.3

    @classmethod
    def from_config(cls, config: Config) -> ClientSettings:
        api = config.api
        return cls(api.base_url.rstrip("/"), api.key, config.kiosk.id, api.connect_timeout,
                   api.read_timeout, api.total_timeout, api.retries,
                   int(api.max_response_mb * 1024 * 1024))


class ApiClient:
    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"kiosk/{__version__} ({settings.kiosk_id})"
        self.session.headers["Accept"] = "application/json"
        if settings.key:
            self.session.headers["X-Api-Key"] = settings.key
        self.session.trust_env = False  # a proxy from the environment is not the operator's
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, _DeadlineAdapter())

    @property
    def host(self) -> str:
        return urlsplit(self.settings.base_url).netloc

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None, *, expect: str = "json",
            max_bytes: int | None = None) -> Answer:
        """GET with retries; 304 is returned as an Answer, other non-2xx raise."""
        return self._with_retries(lambda started: self._once(
            "GET", path, params, None, headers, expect, max_bytes, started))

    def post(self, path: str, body: Any, headers: Mapping[str, str] | None = None, *,
             idempotent: bool = False) -> Answer:
        """POST once, or with retries when the caller sends an idempotency key."""
        def attempt(started: float) -> Answer:
            return self._once("POST", path, None, body, headers, "json", None, started)
        return self._with_retries(attempt) if idempotent else attempt(time.monotonic())

    def _with_retries(self, attempt: Callable[[float], Answer]) -> Answer:
        """Tries `attempt(started)` again while the error is retryable; `started` is when the
        first try began, so total_timeout bounds the whole request, retries included."""
        started = time.monotonic()
        deadline = started + self.settings.total_timeout
        tries = 0
        while True:
            try:
                return attempt(started)
            except ApiError as err:
                tries += 1
                pause = self.settings.backoff * (2 ** (tries - 1))
                asked = err.retry_after if isinstance(err, ApiRateLimited) else None
                if asked is not None:  # 429: the API said how long to wait
                    pause = asked
                if (not (err.retryable or asked is not None) or tries > self.settings.retries
                        or time.monotonic() + pause >= deadline):
                    raise
                time.sleep(pause)

    def _once(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any,
              headers: Mapping[str, str] | None, expect: str, max_bytes: int | None,
              started: float) -> Answer:
        s = self.settings
        limit = max_bytes or s.max_bytes
        url = f"{s.base_url}/{path.lstrip('/')}"
        deadline = _Deadline(started + s.total_timeout)
        try:
            with deadline:  # headers that drip in, each byte within read_timeout, end too
                response = self.session.request(
                    method, url, params=params, json=body, headers=dict(headers or {}),
                    timeout=(s.connect_timeout, s.read_timeout), stream=True,
                    allow_redirects=False)
        except requests.exceptions.RequestException as err:
            raise (self._too_slow() if deadline.passed else self._not_answered(err)) from None
        if deadline.passed:  # cut mid-headers, what arrived can look like a whole answer
            response.close()
            raise self._too_slow()
        with response:
            body_bytes = self._read_body(response, limit, started)
        answer = Answer(response.status_code, response.headers, body_bytes)
        self._check_status(answer, expect)
        return answer

    def _too_slow(self) -> ApiTimeout:
        return ApiTimeout(f"the central API's answer took longer than "
                          f"{self.settings.total_timeout:g} s to arrive")

    def _not_answered(self, err: requests.exceptions.RequestException) -> ApiError:
        s = self.settings
        if isinstance(err, requests.exceptions.ConnectTimeout):
            return ApiTimeout(f"no connection to the central API at {self.host} within "
                              f"{s.connect_timeout:g} s")
        if isinstance(err, requests.exceptions.ReadTimeout):
            return ApiTimeout(f"the central API at {self.host} did not answer within "
                              f"{s.read_timeout:g} s")
        if isinstance(err, requests.exceptions.ConnectionError):
            return ApiUnreachable(f"cannot reach the central API at {self.host} "
                                  f"({_why_unreachable(err)})")
        return ApiUnreachable(f"request to the central API failed ({type(err).__name__})")

    def _read_body(self, response: requests.Response, limit: int, started: float) -> bytes:
        s = self.settings
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ApiBadAnswer(f"the central API's answer is too large ({_mb(int(declared))}, "
                               f"limit {_mb(limit)})")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in _arriving(response):
                size += len(chunk)
                if size > limit:
                    raise ApiBadAnswer(f"the central API's answer is larger than {_mb(limit)}")
                if time.monotonic() - started > s.total_timeout:
                    raise self._too_slow()
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError:
            raise ApiTimeout(f"the central API stopped sending its answer for "
                             f"{s.read_timeout:g} s") from None
        except urllib3.exceptions.ProtocolError:
            raise ApiBadAnswer("the central API's answer was cut off") from None
        except urllib3.exceptions.HTTPError as err:
            raise ApiBadAnswer(f"the central API's answer could not be read "
                               f"({type(err).__name__})") from None
        except requests.exceptions.ConnectionError as err:
            if "timed out" in str(err).lower():
                raise ApiTimeout(f"the central API stopped sending its answer for "
                                 f"{s.read_timeout:g} s") from None
            raise ApiBadAnswer("the central API's answer was cut off") from None
        except requests.exceptions.ChunkedEncodingError:
            raise ApiBadAnswer("the central API's answer was cut off") from None
        except requests.exceptions.RequestException as err:
            raise ApiBadAnswer(f"the central API's answer could not be read "
                               f"({type(err).__name__})") from None
        return b"".join(chunks)

    def _check_status(self, answer: Answer, expect: str) -> None:
        status = answer.status
        ctype = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if status == 304:
            return
        if 200 <= status < 300:
            if expect == "json" and ctype != "application/json":
                raise ApiBadAnswer(_not_json(ctype))
            return
        message, code = _error_message(answer, ctype)
        if status in (401, 403):
            raise ApiAuthError(f"the central API refused this kiosk's key ({status}: {message})"
                               , status, code)
        if status == 404:
            raise ApiNotFound(f"not found at the central API ({message})", status, code)
        if status == 429:
            wait = _retry_after(answer.headers.get("Retry-After", ""))
            raise ApiRateLimited(f"the central API asks this kiosk to slow down ({status}: "
                                 f"{message})", status, code, wait)
        if 400 <= status < 500:
            raise ApiRejected(f"the central API refused the request ({status}: {message})",
                              status, code)
        if 300 <= status < 400:
            raise ApiBadAnswer(f"the central API redirected to "
                               f"{answer.headers.get('Location', 'elsewhere')!r} "
                               "(a captive portal or proxy login?)")
        raise ApiServerError(f"the central API failed ({status}: {message})", status)


# --- the overall deadline while the headers arrive -----------------------------------------
# requests gives each read of the socket its read timeout, not the request a deadline: a
# server that sends its status line and headers a byte at a time would hold the request
# open for ever. While a request waits for its headers, a timer shuts its socket at the
# deadline; the blocked read then fails, and `_Deadline.passed` tells why.

_waiting = threading.local()  # the _Deadline of the request this thread is making


class _Deadline:
    def __init__(self, at: float) -> None:
        self.at = at
        self.passed = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __enter__(self) -> _Deadline:
        self._timer = threading.Timer(max(0.0, self.at - time.monotonic()), self._cut)
        self._timer.daemon = True
        self._timer.start()
        _waiting.deadline = self  # once the timer runs: a failed start leaves nothing set
        return self

    def __exit__(self, *_: object) -> None:
        _waiting.deadline = None
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._sock = None

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.passed:
                _shut(sock)

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            _shut(self._sock)


def _shut(sock: socket.socket | None) -> None:
    if sock is not None:
        # socket.socket's own shutdown: an SSL socket's would drop its SSL state first
        with contextlib.suppress(OSError, TypeError):  # already closed; not a socket
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched(connection: type[Any]) -> type[Any]:
    class Watched(connection):
        def getresponse(self, *args: Any, **kwargs: Any) -> Any:
            deadline = getattr(_waiting, "deadline", None)
            if deadline is not None:
                deadline.watch(self.sock)
            return super().getresponse(*args, **kwargs)
    return Watched


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _watched(urllib3.connection.HTTPConnection)


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _watched(urllib3.connection.HTTPSConnection)


class _DeadlineAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def _arriving(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives: `read1` returns what one read of the socket got, so a server
    that drips its answer cannot keep a read going past the overall deadline (iter_content
    waits for a whole 64 KB chunk, however slowly it comes)."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:  # urllib3 older than 2.3
        yield from response.iter_content(chunk_size=65536)
        return
    while chunk := read1(65536, decode_content=True):
        yield chunk


def _error_message(answer: Answer, ctype: str) -> tuple[str, str]:
    if ctype == "application/json":
        try:
            error = json.loads(answer.body).get("error", {})
            return str(error.get("message", "no reason given"))[:200], str(error.get("code", ""))
        except (ValueError, AttributeError, UnicodeDecodeError, RecursionError):
            pass
    return ("no reason given" if not answer.body else _not_json(ctype)), ""


def _retry_after(value: str) -> float | None:
    """`Retry-After` in seconds (the HTTP-date form is not used by the central API)."""
    value = value.strip()
    return float(value) if value.isdigit() and len(value) <= 9 else None


def _not_json(ctype: str) -> str:
    if ctype in ("text/html", "application/xhtml+xml"):
        return ("got a web page instead of the central API's answer "
                "(a captive portal or proxy login?)")
    return f"the central API's answer is {ctype or 'untyped'}, not JSON"


def _why_unreachable(err: Exception) -> str:
    text = str(err).lower()
    for needle, why in (("refused", "connection refused"), ("reset", "connection reset"),
                        ("name or service", "unknown host name"),
                        ("temporary failure in name", "no name resolution"),
                        ("no route", "no route to host"),
                        ("network is unreachable", "network unreachable"),
                        ("remotedisconnected", "connection closed without an answer"),
                        ("aborted", "connection closed without an answer")):
        if needle in text:
            return why
    return "network error"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
