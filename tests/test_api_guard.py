"""The reference API protects itself: the key before the body, a cap on every body however
it is sent, look-ups limited per key and per address, wrong PINs that lock out only whoever
sent them, and a 400 (never a 500) for odd input. Real servers over loopback HTTP."""

from __future__ import annotations

import http.client
import json
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from api_process import serve_api
from catalogue_samples import catalogue

from kiosk.catalogue.dossier import Dossier, Status
from kiosk.catalogue.model import Catalogue
from kiosk.server.app import (
    MAX_BODY,
    MAX_SUBMISSION_BODY,
    PIN_ATTEMPTS,
    PIN_CLIENT_ATTEMPTS,
    Limits,
)
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.run import RunningServer, start_in_thread
from kiosk.status.lookup import look_up
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiClient, ApiRateLimited, ClientSettings

KEY = {"X-Api-Key": DEMO_API_KEY}
STRANGER_KEY = "stranger-kiosk-key"
TODAY = date(2026, 3, 2)


def _server(tmp_path: Path, limits: Limits | None = None) -> RunningServer:
    db = ServerDB(tmp_path / "guard-api.sqlite")
    db.import_catalogue(Catalogue.from_dict(catalogue()), {})
    db.add_api_key(DEMO_API_KEY, "owner-kiosk")
    db.add_api_key(STRANGER_KEY, "stranger-kiosk")
    db.put_dossiers([(_dossier(i), f"{4821 + i:04d}") for i in range(8)])
    return start_in_thread(db, limits=limits)


def _dossier(seq: int) -> Dossier:
    return Dossier(f"000.00.20.H29-260301-{seq + 1:04d}", "1.001193", "Trần Thị Bình",
                   Status.PROCESSING, TODAY, TODAY + timedelta(days=5), agency="000.00.20.H29")


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[RunningServer]:
    server = _server(tmp_path)
    yield server
    server.stop()


def get_dossier(server: RunningServer, code: str, key: str = DEMO_API_KEY, pin: str | None = None
            ) -> requests.Response:
    return requests.get(f"{server.base_url}/dossiers/{code}", headers={"X-Api-Key": key},
                        params={"pin": pin} if pin else None, timeout=5)


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent chunked (no Content-Length), `total` bytes in all."""
    while total > 0:
        yield b"x" * min(size, total)
        total -= size


# --- the key before the body; a cap on every body ----------------------------------------

def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for process {pid}")


@pytest.fixture
def api_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`kiosk serve-api` in a process of its own, so its memory can be read."""
    with serve_api(tmp_path / "api.sqlite") as api:
        yield api.process, api.base_url


def test_a_body_without_a_key_is_never_read(api_process: tuple[subprocess.Popen[str], str]
                                            ) -> None:
    process, base = api_process
    for _ in range(3):  # warm up: the first requests load what the server needs
        requests.post(f"{base}/heartbeats", json={"version": "1", "uptime_s": 1}, timeout=5)
    peak_before = _rss_kb(process.pid, "VmHWM")
    answer = requests.post(f"{base}/submissions", data=chunks(50 * 1024 * 1024), timeout=60,
                           headers={"Content-Type": "application/json"})
    grown_mb = (_rss_kb(process.pid, "VmHWM") - peak_before) / 1024
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized"
    assert grown_mb < 5, f"the server's peak memory grew {grown_mb:.1f} MB for a refused body"
    assert requests.get(f"{base}/health", timeout=5).status_code == 200


def test_a_chunked_body_over_the_cap_gets_413_and_under_it_goes_through(
        guarded: RunningServer) -> None:
    url = f"{guarded.base_url}/heartbeats"
    over = requests.post(url, data=chunks(MAX_BODY + 1), timeout=10,
                         headers={**KEY, "Content-Type": "application/json"})
    assert over.status_code == 413 and over.json()["error"]["code"] == "too_large"
    beat = json.dumps({"version": "1", "uptime_s": 1}).encode()
    under = requests.post(url, data=iter([beat[:5], beat[5:]]), timeout=10,
                          headers={**KEY, "Content-Type": "application/json"})
    assert under.status_code == 204 and guarded.db.count("heartbeats") == 1
    huge = requests.post(f"{guarded.base_url}/submissions", timeout=30,
                         data=chunks(MAX_SUBMISSION_BODY + 1024 * 1024),
                         headers={**KEY, "Content-Type": "application/json",
                                  "Idempotency-Key": "chunked-0001"})
    assert huge.status_code == 413 and guarded.db.count("submissions") == 0
    declared = requests.post(url, data=b"x" * (MAX_BODY + 1), headers=KEY, timeout=10)
    assert declared.status_code == 413


def test_a_body_that_drips_in_is_cut_off(tmp_path: Path) -> None:
    """A client that sends its headers, then its body a few bytes at a time, holds the
    connection no longer than the body's deadline."""
    import socket

    server = _server(tmp_path, Limits(body_seconds=1.0))
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"POST /v1/heartbeats HTTP/1.1\r\nHost: x\r\nX-Api-Key: "
                         + DEMO_API_KEY.encode() + b"\r\nContent-Type: application/json"
                         b"\r\nContent-Length: 1000\r\n\r\n{\"version\"")
            answer = b""
            for _ in range(150):  # 30 s at most; the body would need 1,000 of these
                sock.sendall(b" ")  # a byte now and then, never the whole body
                if _wait_readable(sock, 0.2):
                    answer += sock.recv(4096)
                    if answer.rstrip().endswith(b"}"):
                        break
        assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
        assert b'"too_slow"' in answer
        assert server.db.count("heartbeats") == 0
    finally:
        server.stop()


def test_large_bodies_are_taken_in_a_few_at_a_time(tmp_path: Path) -> None:
    """While one submission's body arrives, the next waits its turn, then is told to come
    back later (503, Retry-After) rather than held in memory beside it."""
    import socket

    server = _server(tmp_path, Limits(body_seconds=5.0, large_bodies=1,
                                      large_body_wait_seconds=0.5))
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as first:
            first.sendall(b"POST /v1/submissions HTTP/1.1\r\nHost: x\r\nX-Api-Key: "
                          + DEMO_API_KEY.encode() + b"\r\nIdempotency-Key: slow-00001\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 5000000"
                          b"\r\n\r\n{")
            _wait_until_reading(server)
            second = requests.post(f"{server.base_url}/submissions", timeout=30,
                                   data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                   headers={**KEY, "Content-Type": "application/json",
                                            "Idempotency-Key": "next-000001"})
            assert second.status_code == 503 and second.json()["error"]["code"] == "busy"
            assert int(second.headers["Retry-After"]) > 0
        assert server.db.count("submissions") == 0
        # once the first is gone, the next is taken in
        third = requests.post(f"{server.base_url}/submissions", timeout=30,
                              data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                              headers={**KEY, "Content-Type": "application/json",
                                       "Idempotency-Key": "next-000002"})
        assert third.status_code == 400  # read, and found not to be a submission
    finally:
        server.stop()


def _wait_until_reading(server: RunningServer) -> None:
    """Until the server holds the first request's turn: a small submission sent meanwhile
    is read at once (400: not a submission) while the turn is free, and waits (503) once
    it is taken."""
    for _ in range(100):
        probe = requests.post(f"{server.base_url}/submissions", data=b"{}", timeout=10,
                              headers={**KEY, "Content-Type": "application/json",
                                       "Idempotency-Key": "probe-00001"})
        if probe.status_code == 503:
            return
    raise AssertionError("the first request never held its turn")


def _wait_readable(sock: object, seconds: float) -> bool:
    import select

    return bool(select.select([sock], [], [], seconds)[0])


def test_a_key_is_checked_before_anything_else(guarded: RunningServer) -> None:
    """No key: 401 even for a body too big or a path that does not exist; the public paths
    answer without one."""
    base = guarded.base_url
    assert requests.post(f"{base}/heartbeats", data=b"x" * (MAX_BODY + 1), timeout=10
                         ).status_code == 401
    assert requests.get(f"{base}/nowhere", timeout=5).status_code == 401
    assert requests.get(f"{base}/nowhere", headers=KEY, timeout=5).status_code == 404
    assert requests.get(f"{base}/health", timeout=5).status_code == 200
    assert requests.get(f"{base}/openapi.json", timeout=5).status_code == 200
    assert guarded.db.count("heartbeats") == 0


def test_an_undeclared_method_gets_405_with_allow(guarded: RunningServer) -> None:
    for method, path, allowed in (("DELETE", "dossiers/000.00.20.H29-260301-0001", "GET"),
                                  ("PUT", "heartbeats", "POST"), ("TRACE", "health", "GET")):
        answer = requests.request(method, f"{guarded.base_url}/{path}", headers=KEY, timeout=5)
        assert answer.status_code == 405 and answer.headers["Allow"] == allowed
        assert answer.json()["error"]["code"] == "method_not_allowed"


# --- look-ups are limited -----------------------------------------------------------------

def test_look_ups_get_429_with_retry_after_per_key_and_per_address(tmp_path: Path) -> None:
    server = _server(tmp_path, Limits(lookups_per_key=(5, 3600.0),
                                      lookups_per_address=(8, 3600.0)))
    try:
        code = _dossier(0).code
        answers = [get_dossier(server, code).status_code for _ in range(6)]
        assert answers == [403] * 5 + [429]  # pin_required, then limited
        limited = get_dossier(server, code)
        assert limited.json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) >= 600  # one look-up per 12 minutes
        # another kiosk's key has its own allowance, until the address's is used up
        others = [get_dossier(server, code, STRANGER_KEY).status_code for _ in range(4)]
        assert others == [403, 403, 403, 429]
    finally:
        server.stop()


def test_the_kiosk_waits_as_asked_and_tries_again(tmp_path: Path) -> None:
    server = _server(tmp_path, Limits(lookups_per_key=(1, 1.0)))
    try:
        client = ApiClient(ClientSettings(server.base_url, DEMO_API_KEY, retries=2,
                                          total_timeout=10.0))
        code = _dossier(0).code
        pins = {"pin": "4821"}
        assert client.get(f"dossiers/{code}", pins).json()["code"] == code
        # the second within the second: 429 with Retry-After: 1, waited out, then answered
        assert client.get(f"dossiers/{code}", pins).json()["code"] == code
    finally:
        server.stop()


# --- wrong PINs lock out only whoever sent them ---------------------------------------------

def _get_from(server: RunningServer, source: str, path: str, key: str = DEMO_API_KEY
              ) -> tuple[int, dict[str, str], dict[str, object]]:
    """A request from another loopback address (a client elsewhere with the same key)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=5,
                                      source_address=(source, 0))
    try:
        conn.request("GET", f"/v1/{path}", headers={"X-Api-Key": key})
        answer = conn.getresponse()
        return answer.status, dict(answer.headers), json.loads(answer.read())
    finally:
        conn.close()


def test_a_strangers_wrong_pins_do_not_lock_the_owner_out(guarded: RunningServer) -> None:
    code = _dossier(0).code
    for _ in range(PIN_ATTEMPTS):
        wrong = get_dossier(guarded, code, STRANGER_KEY, pin="0000")
        assert wrong.json()["error"]["code"] == "pin_incorrect"
    locked = get_dossier(guarded, code, STRANGER_KEY, pin="4821")  # even the right PIN, now
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    # the owner's kiosk, and the same key from another address, are not locked out
    assert get_dossier(guarded, code, pin="4821").json()["code"] == code
    assert get_dossier(guarded, code, pin="0000").json()["error"]["code"] == "pin_incorrect"
    status, _, shown = _get_from(guarded, "127.0.0.2", f"dossiers/{code}?pin=4821",
                                 STRANGER_KEY)
    assert status == 200 and shown["code"] == code


def test_one_client_guessing_over_many_dossiers_is_stopped(guarded: RunningServer) -> None:
    codes = [_dossier(i).code for i in range(8)]
    failures = 0
    for code in codes:
        for _ in range(PIN_ATTEMPTS - 1):  # never enough for one dossier's lock-out
            answer = get_dossier(guarded, code, STRANGER_KEY, pin="0000")
            if answer.status_code == 429:
                break
            failures += 1
        else:
            continue
        break
    assert failures == PIN_CLIENT_ATTEMPTS
    assert answer.json()["error"]["code"] == "too_many_attempts"
    assert get_dossier(guarded, codes[-1], pin="4828").status_code == 200  # the owner's kiosk


# --- odd input: 400, never 500 --------------------------------------------------------------

@pytest.mark.parametrize("pin", ["4821đ", "٤٨٢١", "４８２１", "48 21", "\u0000482", "12",
                                 "123456789", "😀😀😀😀"])
def test_an_odd_pin_gets_400(guarded: RunningServer, pin: str) -> None:
    answer = get_dossier(guarded, _dossier(0).code, pin=pin)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "bad_pin"


@pytest.mark.parametrize(("path", "headers"), [
    ("dossiers/000.00.20.H29-２６０３０１-0001", {}),  # full-width digits
    ("dossiers/000.00.20.H29-260301-0001%0A", {}),  # a trailing newline
    ("procedures/1.००११९३", {}),  # Devanagari digits
    ("catalogue", {"If-None-Match": "x" * 2000}),
    ("usage?since=0", {}), ("usage?since=2026-1-1", {}), ("ratings/summary?until=1e3", {}),
    ("procedures?updated_since=2026-13-45T00:00:00Z", {}),
    ("procedures?updated_since=0", {}),
])
def test_odd_parameters_and_headers_get_400(guarded: RunningServer, path: str,
                                            headers: dict[str, str]) -> None:
    answer = requests.get(f"{guarded.base_url}/{path}", headers={**KEY, **headers}, timeout=5)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["message"]


def test_odd_keys_and_bodies_get_4xx(guarded: RunningServer) -> None:
    base = guarded.base_url
    odd_tag = requests.get(f"{base}/catalogue", headers={**KEY, "If-None-Match": "\xe9t\xe9"},
                           timeout=5)
    assert odd_tag.status_code == 200  # a tag that matches nothing: the whole answer
    odd_key = requests.get(f"{base}/catalogue", headers={"X-Api-Key": "kh\xf3a-\xff"},
                           timeout=5)
    assert odd_key.status_code == 401
    for body, key in ((b"\xff\xfe{", "rating-0001"),
                      (json.dumps({"agency": "x", "overall": "3"}).encode(), "rating-0002"),
                      (json.dumps({"agency": "x", "overall": 2}).encode(), "kh\xf3a-0001")):
        answer = requests.post(f"{base}/ratings", data=body, timeout=5, headers={
            **KEY, "Content-Type": "application/json", "Idempotency-Key": key})
        assert answer.status_code == 400, answer.text
    assert guarded.db.count("ratings") == 0
    lone = '{"procedure_code": "1.001193", "agency": "000.00.20.H29", "applicant": %s}'
    for applicant in ('{"full_name": "A\\ud800"}', '{"full_name": "A", "x": [{"y": "\\udc00"}]}'):
        answer = requests.post(f"{base}/submissions", data=(lone % applicant).encode(),
                               timeout=5, headers={**KEY, "Content-Type": "application/json",
                                                   "Idempotency-Key": "lone-surrogate-1"})
        assert answer.status_code == 400 and "surrogate" in answer.json()["error"]["message"]
    assert guarded.db.count("submissions") == 0


def test_times_at_the_ends_of_the_calendar_are_no_error(guarded: RunningServer) -> None:
    for path in ("procedures?updated_since=0001-01-01T00:00:00%2B23:59",
                 "procedures?updated_since=9999-12-31T23:59:60-23:59",
                 "ratings/summary?until=0001-01-01", "ratings/summary?until=9999-12-31",
                 "usage?since=9999-12-31"):
        answer = requests.get(f"{guarded.base_url}/{path}", headers=KEY, timeout=5)
        assert answer.status_code == 200, (path, answer.text)


def test_rate_limited_reads_past_the_deadline_are_not_waited_for(tmp_path: Path) -> None:
    server = _server(tmp_path)
    try:
        client = ApiClient(ClientSettings(server.base_url, STRANGER_KEY, retries=2,
                                          total_timeout=10.0))
        code = _dossier(0).code
        for _ in range(PIN_ATTEMPTS):
            get_dossier(server, code, STRANGER_KEY, pin="0000")
        with pytest.raises(ApiRateLimited) as refused:
            client.get(f"dossiers/{code}", {"pin": "4821"})
        assert refused.value.code == "too_many_attempts"
        assert refused.value.retry_after is not None and refused.value.retry_after > 10
    finally:
        server.stop()


def test_the_kiosk_tells_a_lock_out_from_a_busy_service(tmp_path: Path) -> None:
    """What the person reads: a malformed PIN is a wrong PIN, a lock-out says so, and a
    rate limit that outlasts the request is the service being busy, not wrong PINs."""
    server = _server(tmp_path, Limits(lookups_per_key=(PIN_ATTEMPTS + 3, 3600.0)))
    try:
        central = CentralApi(ApiClient(ClientSettings(server.base_url, STRANGER_KEY,
                                                      retries=1, total_timeout=5.0)))
        code = _dossier(0).code
        assert look_up(central, code, "48a1").outcome == "pin_incorrect"
        for _ in range(PIN_ATTEMPTS):
            assert look_up(central, code, "0000").outcome == "pin_incorrect"
        assert look_up(central, code, "4821").outcome == "too_many"
        assert look_up(central, _dossier(1).code, "4822").outcome == "found"
        assert look_up(central, _dossier(1).code, "4822").outcome == "error"  # rate-limited
    finally:
        server.stop()
