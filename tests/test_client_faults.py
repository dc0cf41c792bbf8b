"""The central API client, the sync and `kiosk sync` against a misbehaving server.

Connection refused, no answer, a body that drips, 5xx, invalid JSON, JSON of the wrong
shape, truncated bodies, a body of hundreds of MB, a captive portal, a reset, a sync cut off
half way: the client gives up within seconds and says why, `kiosk sync` exits non-zero with
one line on stderr, and the local catalogue is still there, unchanged and searchable.

The time bounds are give-up bounds for small timeouts (connect 1 s, read 1 s, total 3 s,
one retry), not performance targets. The misbehaving server is tests/faulty_server.py; the
good one is the real reference server on a small catalogue written here.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import catalogue_samples as samples
import conftest
import faulty_server as fs
import pytest
from faulty_server import Behaviour, FaultyServer

from kiosk.catalogue.model import Catalogue
from kiosk.server.db import ServerDB
from kiosk.server.run import RunningServer, start_in_thread
from kiosk.store.catalogue_store import CatalogueStore
from kiosk.store.central_api import CentralApi
from kiosk.store.client import (
    ApiAuthError,
    ApiBadAnswer,
    ApiClient,
    ApiError,
    ApiNotFound,
    ApiRateLimited,
    ApiServerError,
    ApiTimeout,
    ApiUnreachable,
    ClientSettings,
)
from kiosk.store.sync import sync_catalogue

KEY = "faults-test-key"
MB = 1024 * 1024
TIMEOUTS = {"connect_timeout": 1.0, "read_timeout": 1.0, "total_timeout": 3.0, "retries": 1}
GIVE_UP = 8.0  # seconds: "gives up within seconds", with the timeouts above
PAGE = 5  # procedures per page, so a dozen procedures take three pages
KIOSK = Path(sys.executable).with_name("kiosk")

# --- a small catalogue for the real reference server -------------------------------------

NAMES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", ["làm giấy khai sinh", "trẻ mới sinh"]),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", ["giấy đăng ký kết hôn"]),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch", ["báo tử"]),
    ("1.004227", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", []),
    ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", ["sao y"]),
    ("2.000908", "Chứng thực chữ ký", "Chứng thực", []),
    ("1.003583", "Đăng ký thường trú", "Cư trú", ["nhập hộ khẩu"]),
    ("1.003596", "Đăng ký tạm trú", "Cư trú", []),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh",
     ["mở cửa hàng"]),
    ("1.000775", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", ["xin phép xây nhà"]),
    ("1.004946", "Hỗ trợ chi phí mai táng", "Bảo trợ xã hội", []),
    ("1.001776", "Trợ cấp xã hội hằng tháng cho người cao tuổi", "Bảo trợ xã hội", []),
]
EXTRA = [(f"1.{900100 + i:06d}", f"Thủ tục bổ sung số {i}", "Văn hóa", []) for i in range(8)]
FORM_PDF = b"%PDF-1.4\n% kiosk test form\n%%EOF\n"


def catalogue(entries: list[tuple[str, str, str, list[str]]]) -> Catalogue:
    return Catalogue.from_dict(samples.catalogue(
        *(samples.procedure(code, name, field, keywords=keywords)
          for code, name, field, keywords in entries)))


def start_reference(folder: Path) -> RunningServer:
    db = ServerDB(folder / "api.sqlite")
    db.import_catalogue(catalogue(NAMES), {"F-1": (FORM_PDF, None)})
    db.add_api_key(KEY, "faults-kiosk")
    return start_in_thread(db)


# --- the kiosk side ----------------------------------------------------------------------

def settings(base_url: str, **changes: Any) -> ClientSettings:
    values: dict[str, Any] = {**TIMEOUTS, "max_bytes": MB, "backoff": 0.1, **changes}
    return ClientSettings(base_url, KEY, "faults-kiosk", **values)


def central(base_url: str, **changes: Any) -> CentralApi:
    return CentralApi(ApiClient(settings(base_url, **changes)))


def write_config(path: Path, base_url: str, data_dir: Path) -> Path:
    """Short timeouts, small pages and answers up to 1 MB."""
    return conftest.write_config(
        path, base_url, data_dir, key=KEY, max_response_mb=1.0,
        sections={"kiosk": {"id": "faults-kiosk"},
                  "sync": {"page_size": PAGE, "forms_cache_mb": 10.0, "max_form_mb": 1.0}},
        **TIMEOUTS)


def kiosk(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    command = [str(KIOSK)] if KIOSK.exists() else [sys.executable, "-m", "kiosk.cli.main"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)


@dataclass(frozen=True)
class Snapshot:
    """What the local catalogue looks like: its bytes, its file identity, its count."""

    digest: str
    inode: int
    procedures: int

    @classmethod
    def of(cls, store_path: Path) -> Snapshot:
        store = CatalogueStore(store_path)
        try:
            count = store.info().procedures
        finally:
            store.close()
        return cls(hashlib.sha256(store_path.read_bytes()).hexdigest(),
                   store_path.stat().st_ino, count)


def leftovers(data_dir: Path) -> list[str]:
    """Files a sync should not leave behind (a half-built store, a journal)."""
    expected = {"catalogue.sqlite", "sync.lock", "forms", "popularity.json"}
    return sorted(p.name for p in data_dir.iterdir() if p.name not in expected)


def assert_one_line_failure(run: subprocess.CompletedProcess[str], *, says: str) -> str:
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and run.stderr.endswith("\n"), run.stderr
    assert lines[0].startswith("kiosk sync: "), lines[0]
    assert says in lines[0], lines[0]
    return lines[0]


def assert_searchable(config: Path, query: str = "khai sinh", code: str = "1.001193") -> None:
    run = kiosk("search", "--config", str(config), "--json", query)
    assert run.returncode == 0, run.stderr
    hits = json.loads(run.stdout)
    assert code in [hit["code"] for hit in hits], hits


# --- fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The real reference server on the small catalogue; the tests here only read it."""
    server = start_reference(tmp_path_factory.mktemp("reference"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def synced(reference: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder after a first good `kiosk sync` from the reference server."""
    folder = tmp_path_factory.mktemp("synced")
    config = write_config(folder / "kiosk.toml", reference.base_url, folder / "data")
    run = kiosk("sync", "--config", str(config))
    assert run.returncode == 0, run.stderr
    assert Snapshot.of(folder / "data" / "catalogue.sqlite").procedures == len(NAMES)
    return folder / "data"


@pytest.fixture
def faulty() -> Iterator[FaultyServer]:
    server = FaultyServer()
    yield server
    server.stop()


@pytest.fixture
def data_dir(synced: Path, tmp_path: Path) -> Path:
    """A copy of the synced data folder for one test to point a faulty sync at."""
    target = tmp_path / "data"
    shutil.copytree(synced, target, ignore=shutil.ignore_patterns("sync.lock"))
    return target


# --- (a) each fault: the right error, a readable reason, within seconds, retried or not --

def item(**changes: Any) -> dict[str, Any]:
    """A procedure as GET /v1/procedures lists it."""
    return {**samples.procedure("1.001193", "Đăng ký khai sinh"),
            "modified_at": "2026-01-05T08:00:00.000000Z", **changes}


def page(*items: Any, next_cursor: str | None = None) -> dict[str, Any]:
    return {"items": list(items), "next_cursor": next_cursor, "total": len(items)}


def fortnight() -> dict[str, Any]:
    bad = item()
    bad["channels"] = copy.deepcopy(bad["channels"])
    bad["channels"][0]["time_unit"] = "fortnight"
    return bad


def nameless() -> dict[str, Any]:
    bad = item()
    del bad["name"]
    return bad


CALLS: dict[str, Callable[[CentralApi], object]] = {
    "version": lambda api: api.catalogue_version(),
    "pages": lambda api: list(api.procedure_pages(None, PAGE)),
    "agencies": lambda api: api.agencies(),
    "forms": lambda api: api.forms(),
    "pdf": lambda api: api.form_pdf("F-1", False, MB),
    "dossier": lambda api: api.dossier("000.00.20.H29-250701-0001"),
}
RETRIED = 1 + TIMEOUTS["retries"]


@dataclass(frozen=True)
class Fault:
    name: str
    behaviour: Callable[[], Behaviour]
    error: type[ApiError]
    says: str  # part of the reason
    tries: int  # requests the server sees: 1 + retries for retryable failures
    call: str = "version"


FAULTS = [
    # the network
    Fault("no-answer", fs.no_answer, ApiTimeout, "did not answer within 1 s", RETRIED),
    Fault("closed-without-answer", fs.close_without_answer, ApiUnreachable,
          "closed without an answer", RETRIED),
    Fault("connection-reset", fs.reset, ApiUnreachable, "connection reset", RETRIED),
    Fault("not-http", fs.garbage, ApiUnreachable, "cannot reach", RETRIED),
    # slow answers: cut off by the overall deadline, no time left to try again
    Fault("drip", fs.drip, ApiTimeout, "took longer than 3 s", 1),
    Fault("drip-chunked", lambda: fs.drip(chunked=True), ApiTimeout, "took longer than 3 s", 1),
    # server errors are tried again; refusals are not
    Fault("500", lambda: fs.error(500, "internal", "database is locked"), ApiServerError,
          "500: database is locked", RETRIED),
    Fault("503", lambda: fs.error(503, "maintenance", "back at 9:00"), ApiServerError,
          "503: back at 9:00", RETRIED),
    Fault("503-retry-after-an-hour", lambda: fs.error(503, headers={"Retry-After": "3600"}),
          ApiServerError, "503", RETRIED),
    Fault("503-empty", lambda: fs.answer(503, b"", "text/plain"), ApiServerError,
          "503: no reason given", RETRIED),
    Fault("502-proxy-page", lambda: fs.answer(502, fs.CAPTIVE_PORTAL, "text/html"),
          ApiServerError, "502: got a web page", RETRIED),
    Fault("500-deeply-nested-body", lambda: fs.answer(500, b"[" * 100_000), ApiServerError,
          "500", RETRIED),
    Fault("401", lambda: fs.error(401, "unauthorized", "unknown API key"), ApiAuthError,
          "unknown API key", 1),
    Fault("404", lambda: fs.error(404, "not_found", "no such path"), ApiNotFound,
          "no such path", 1),
    Fault("429", lambda: fs.error(429, "slow_down", "too many requests",
                                  {"Retry-After": "60"}), ApiRateLimited, "429", 1),
    # not JSON, or not the API at all
    Fault("invalid-json", lambda: fs.answer(200, b'{"version": "v1", "procedures": 12,,}'),
          ApiBadAnswer, "not valid JSON", 1),
    Fault("empty-json", lambda: fs.answer(200, b""), ApiBadAnswer, "not valid JSON", 1),
    Fault("binary-as-json", lambda: fs.answer(200, b"\xff\xfe\x00\x81garbage"), ApiBadAnswer,
          "not valid JSON", 1),
    Fault("deeply-nested-json", fs.deep_json, ApiBadAnswer, "nested too deeply", 1),
    Fault("captive-portal", fs.captive_portal, ApiBadAnswer, "captive portal", RETRIED),
    Fault("redirect-to-login", fs.redirect, ApiBadAnswer,
          "redirected to 'http://192.0.2.1/login?orig=kiosk'", RETRIED),
    Fault("plain-text", lambda: fs.answer(200, "OK", "text/plain"), ApiBadAnswer,
          "text/plain, not JSON", RETRIED),
    # cut off
    Fault("truncated", fs.truncated, ApiBadAnswer, "cut off", RETRIED),
    Fault("truncated-chunked", lambda: fs.truncated(chunked=True), ApiBadAnswer, "cut off",
          RETRIED),
    Fault("truncated-unframed", lambda: fs.unframed(b'{"version": "v1", "procedu'),
          ApiBadAnswer, "not valid JSON", 1),
    Fault("reset-mid-body", fs.reset_mid_body, ApiBadAnswer, "cut off", RETRIED),
    # too big (300 MB, made as it is sent)
    Fault("huge-declared", fs.huge, ApiBadAnswer, "too large (300.0 MB, limit 1.0 MB)",
          RETRIED),
    Fault("huge-chunked", lambda: fs.huge(mode="chunked"), ApiBadAnswer,
          "larger than 1.0 MB", RETRIED),
    Fault("huge-unframed", lambda: fs.huge(mode="unframed"), ApiBadAnswer,
          "larger than 1.0 MB", RETRIED),
    Fault("gzip-bomb", fs.gzip_bomb, ApiBadAnswer, "larger than 1.0 MB", RETRIED),
    Fault("pdf-huge", fs.huge, ApiBadAnswer, "too large", RETRIED, "pdf"),
    Fault("pdf-is-a-web-page", fs.captive_portal, ApiBadAnswer, "F-1 is not a PDF", 1,
          "pdf"),
    # JSON of the wrong shape
    Fault("version-is-a-list", lambda: fs.answer(200, ["v1", 12]), ApiBadAnswer,
          "catalogue version is not a JSON object", 1),
    Fault("version-without-count", lambda: fs.answer(200, {"version": "v1"}), ApiBadAnswer,
          "lacks version or count", 1),
    Fault("version-count-is-text", lambda: fs.answer(200, {"version": "v1",
                                                            "procedures": "12"}),
          ApiBadAnswer, "lacks version or count", 1),
    Fault("items-nope", lambda: fs.answer(200, {"items": "nope"}), ApiBadAnswer,
          "procedure list has no list of items", 1, "pages"),
    Fault("procedures-a-list", lambda: fs.answer(200, [item()]), ApiBadAnswer,
          "procedure list is not a JSON object", 1, "pages"),
    Fault("procedure-not-an-object", lambda: fs.answer(200, page("1.001193")), ApiBadAnswer,
          "procedure (items[0]) is not a JSON object", 1, "pages"),
    Fault("procedure-without-code", lambda: fs.answer(200, page({"name": "Khai sinh"})),
          ApiBadAnswer, "code or modified_at is missing", 1, "pages"),
    Fault("procedure-without-name", lambda: fs.answer(200, page(nameless())), ApiBadAnswer,
          "procedure 1.001193.name: is missing", 1, "pages"),
    Fault("time-unit-fortnight", lambda: fs.answer(200, page(fortnight())), ApiBadAnswer,
          "time_unit: must be one of", 1, "pages"),
    Fault("cursor-repeats", lambda: fs.answer(200, page(item(), next_cursor="again")),
          ApiBadAnswer, "paging does not move forward", 2, "pages"),
    Fault("cursor-not-text", lambda: fs.answer(200, {**page(item()), "next_cursor": 2}),
          ApiBadAnswer, "paging does not move forward", 1, "pages"),
    Fault("endless-empty-pages", lambda: fs.endless_pages([], 0), ApiBadAnswer,
          "paging does not move forward", 1, "pages"),
    Fault("endless-same-page", lambda: fs.endless_pages([item()], 1), ApiBadAnswer,
          "paging does not move forward", 5, "pages"),
    Fault("agency-without-name", lambda: fs.answer(200, {"items": [{"code": "H29"}]}),
          ApiBadAnswer, "agency (items[0]).name: is missing", 1, "agencies"),
    Fault("form-without-sha256", lambda: fs.answer(200, {"items": [
        {"code": "F-1", "title": "TỜ KHAI", "sections": [
            {"heading": "", "fields": [{"label": "Họ, chữ đệm, tên"}]}]}]}),
          ApiBadAnswer, "sha256 is missing", 1, "forms"),
    Fault("dossier-wrong-shape", lambda: fs.answer(200, {"code": 12}), ApiBadAnswer,
          "malformed dossier", 1, "dossier"),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_client_gives_up_and_says_why(fault: Fault, faulty: FaultyServer) -> None:
    faulty.set(fault.behaviour())
    api = central(faulty.base_url)
    started = time.monotonic()
    with pytest.raises(ApiError) as caught:
        CALLS[fault.call](api)
    elapsed = time.monotonic() - started
    api.client.close()
    err = caught.value
    assert type(err) is fault.error, f"{type(err).__name__}: {err.reason}"
    assert fault.says in err.reason
    assert err.reason == str(err) and "\n" not in err.reason and len(err.reason) < 200
    assert elapsed < GIVE_UP
    assert faulty.count() == fault.tries


def test_a_malformed_procedure_is_named_with_every_problem(faulty: FaultyServer) -> None:
    """What a sync's failure says (the operator screen, `kiosk sync`): all of it, one line."""
    bad = fortnight()
    del bad["name"]
    bad["updated_at"] = "hôm qua"
    faulty.set(fs.answer(200, page(bad)))
    api = central(faulty.base_url)
    with pytest.raises(ApiBadAnswer) as caught:
        CALLS["pages"](api)
    api.client.close()
    assert caught.value.reason == (
        "the central API sent a malformed procedure 1.001193.name: is missing; "
        "procedure 1.001193.channels[0].time_unit: must be one of working_day, day, hour, "
        "month; procedure 1.001193.updated_at: must be an ISO 8601 time with a UTC offset")


def test_connection_refused() -> None:
    api = central(f"http://{fs.LOOPBACK}:{fs.closed_port()}/v1")
    started = time.monotonic()
    with pytest.raises(ApiUnreachable, match="connection refused"):
        api.catalogue_version()
    assert time.monotonic() - started < GIVE_UP


def test_connect_timeout_when_nobody_accepts() -> None:
    full = fs.Backlogged()
    try:
        full.__enter__()
    except RuntimeError as err:  # not Linux's listen-queue behaviour: cannot set this up
        full.__exit__()
        pytest.skip(str(err))
    with full:
        api = central(full.base_url)
        started = time.monotonic()
        with pytest.raises(ApiTimeout, match=r"no connection .* within 1 s"):
            api.catalogue_version()
        assert time.monotonic() - started < GIVE_UP


@pytest.mark.parametrize("retries", [0, 3])
def test_retries_follow_the_setting_and_refusals_are_not_retried(
        retries: int, faulty: FaultyServer) -> None:
    faulty.set(fs.error(503), {"/v1/agencies": fs.error(404)})
    api = central(faulty.base_url, retries=retries, backoff=0.05)
    with pytest.raises(ApiServerError):
        api.catalogue_version()
    with pytest.raises(ApiNotFound):
        api.agencies()
    assert faulty.count("/v1/catalogue") == 1 + retries
    assert faulty.count("/v1/agencies") == 1


def test_total_timeout_bounds_the_request_with_its_retries(faulty: FaultyServer) -> None:
    """A silent try, then one that drips: the whole request still ends at total_timeout
    (give or take a drip interval), not total_timeout after the second try began."""
    faulty.set(fs.first(1, fs.no_answer(), fs.drip()))
    api = central(faulty.base_url, retries=5, backoff=0.2)
    started = time.monotonic()
    with pytest.raises(ApiTimeout, match="longer than 3 s"):
        api.catalogue_version()
    assert time.monotonic() - started < TIMEOUTS["total_timeout"] + 0.6
    assert faulty.count() == 2


def test_total_timeout_bounds_headers_that_drip(faulty: FaultyServer) -> None:
    """Each byte of the status line and headers within read_timeout: the deadline still
    cuts the request (the socket is shut by a timer while requests waits for headers)."""
    faulty.set(fs.drip(0.2, headers_too=True, declared=20))  # 4 s, then a complete answer
    api = central(faulty.base_url)
    started = time.monotonic()
    try:
        with pytest.raises(ApiTimeout, match="longer than 3 s"):
            api.client.get("catalogue")
    finally:
        assert time.monotonic() - started < GIVE_UP
    assert time.monotonic() - started < TIMEOUTS["total_timeout"] + 0.6


def test_retry_after_a_transient_failure_succeeds(reference: RunningServer) -> None:
    """The other side of retrying: one 503, then the real answer."""
    with FaultyServer(fs.first(1, fs.error(503), fs.forward()),
                      upstream=reference.base_url) as flaky:
        version = central(flaky.base_url).catalogue_version()
        assert version is not None and version.procedures == len(NAMES)
        assert flaky.count() == 2


# --- (b) `kiosk sync` against a faulty server: one line, exit 1, the catalogue kept ------

CHANGED = {"version": "changed-on-the-server", "procedures": 13, "forms": 1, "agencies": 2,
           "updated_max": "2026-01-05T08:00:00.000000Z"}


@dataclass(frozen=True)
class SyncFault:
    name: str
    says: str
    default: Callable[[], Behaviour]
    procedures: Callable[[], Behaviour] | None = None  # after a catalogue that has changed


SYNC_FAULTS = [
    SyncFault("no-answer", "did not answer within 1 s", fs.no_answer),
    SyncFault("drip", "took longer than 3 s", fs.drip),
    SyncFault("503", "503", lambda: fs.error(503, "maintenance", "back at 9:00")),
    SyncFault("invalid-json", "not valid JSON", lambda: fs.answer(200, b'{"version": ')),
    SyncFault("captive-portal", "captive portal", fs.captive_portal),
    SyncFault("redirect-to-login", "redirected", fs.redirect),
    SyncFault("connection-reset", "connection reset", fs.reset),
    SyncFault("huge", "too large", fs.huge),
    SyncFault("huge-chunked", "larger than 1.0 MB", lambda: fs.huge(mode="chunked")),
    SyncFault("truncated", "cut off", fs.truncated),
    SyncFault("procedure-without-name", "name: is missing",
              lambda: fs.answer(200, CHANGED, headers={"ETag": '"changed"'}),
              lambda: fs.answer(200, page(nameless()))),
    SyncFault("time-unit-fortnight", "time_unit", lambda: fs.answer(200, CHANGED),
              lambda: fs.answer(200, page(fortnight()))),
    SyncFault("items-nope", "no list of items", lambda: fs.answer(200, CHANGED),
              lambda: fs.answer(200, {"items": "nope"})),
]


@pytest.mark.parametrize("fault", SYNC_FAULTS, ids=[f.name for f in SYNC_FAULTS])
def test_kiosk_sync_fails_in_one_line_and_keeps_the_catalogue(
        fault: SyncFault, faulty: FaultyServer, data_dir: Path, tmp_path: Path) -> None:
    store = data_dir / "catalogue.sqlite"
    before = Snapshot.of(store)
    routes = {"/v1/procedures": fault.procedures()} if fault.procedures else None
    faulty.set(fault.default(), routes)
    config = write_config(tmp_path / "kiosk.toml", faulty.base_url, data_dir)
    started = time.monotonic()
    run = kiosk("sync", "--config", str(config))
    assert time.monotonic() - started < GIVE_UP + 2  # a process start on top
    assert_one_line_failure(run, says=fault.says)
    assert faulty.count() >= 1
    assert Snapshot.of(store) == before
    assert leftovers(data_dir) == []
    assert_searchable(config)


def test_kiosk_sync_with_nothing_listening(data_dir: Path, tmp_path: Path) -> None:
    store = data_dir / "catalogue.sqlite"
    before = Snapshot.of(store)
    config = write_config(tmp_path / "kiosk.toml",
                          f"http://{fs.LOOPBACK}:{fs.closed_port()}/v1", data_dir)
    assert_one_line_failure(kiosk("sync", "--config", str(config)), says="connection refused")
    assert Snapshot.of(store) == before
    assert_searchable(config)


# --- (c) a sync cut off half way ---------------------------------------------------------

@pytest.fixture
def changing(tmp_path: Path) -> Iterator[tuple[RunningServer, Path]]:
    """A reference server of its own, a data folder synced from it, and then a server
    catalogue that has grown (so the next sync has pages to fetch)."""
    server = start_reference(tmp_path)
    data = tmp_path / "data"
    config = write_config(tmp_path / "good.toml", server.base_url, data)
    assert kiosk("sync", "--config", str(config)).returncode == 0
    server.db.import_catalogue(catalogue(NAMES + EXTRA), {"F-1": (FORM_PDF, None)})
    yield server, data
    server.stop()


def cut_on_page_two(cut: Behaviour) -> dict[str, Behaviour]:
    """Forward to the real server, except what asks for a second page of procedures."""
    return {"/v1/procedures": fs.pick(lambda r: "cursor" in r.query, cut, fs.forward())}


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_kiosk_sync_cut_off_half_way(full: bool, changing: tuple[RunningServer, Path],
                                     tmp_path: Path) -> None:
    server, data = changing
    store = data / "catalogue.sqlite"
    before = Snapshot.of(store)
    with FaultyServer(fs.forward(), routes=cut_on_page_two(fs.forward(cut=0.5)),
                      upstream=server.base_url) as faulty:
        config = write_config(tmp_path / "faulty.toml", faulty.base_url, data)
        run = kiosk("sync", "--config", str(config), *(["--full"] if full else []))
        assert_one_line_failure(run, says="cut off")
        assert faulty.count("/v1/catalogue") == 1
        pages = [r for r in faulty.requests if r.path == "/v1/procedures"]
        assert len(pages) == 1 + RETRIED  # page 1 whole, page 2 cut off each time
        assert "cursor" not in pages[0].query and all("cursor" in r.query for r in pages[1:])
    assert Snapshot.of(store) == before and before.procedures == len(NAMES)
    assert leftovers(data) == []
    assert_searchable(config)
    # and the next good sync brings the whole new catalogue
    good = write_config(tmp_path / "good.toml", server.base_url, data)
    assert kiosk("sync", "--config", str(good)).returncode == 0
    assert Snapshot.of(store).procedures == len(NAMES) + len(EXTRA)


def test_sync_catalogue_cut_off_half_way_keeps_the_store_in_use(
        changing: tuple[RunningServer, Path]) -> None:
    server, data = changing
    store_path = data / "catalogue.sqlite"
    before = Snapshot.of(store_path)
    reader = CatalogueStore(store_path)
    names = {doc.code: doc.name for doc in reader.search_docs()}
    meta = reader.meta()
    with (FaultyServer(fs.forward(), routes=cut_on_page_two(fs.reset_mid_body()),
                       upstream=server.base_url) as faulty,
          pytest.raises(ApiBadAnswer, match="cut off")):
        sync_catalogue(central(faulty.base_url), store_path, page_size=PAGE)
    assert not reader.changed_on_disk()
    assert {doc.code: doc.name for doc in reader.search_docs()} == names
    assert reader.meta() == meta
    reader.close()
    assert Snapshot.of(store_path) == before
    assert leftovers(data) == []


def test_kiosk_sync_killed_half_way_leaves_the_store_and_the_next_sync_tidies(
        changing: tuple[RunningServer, Path], tmp_path: Path) -> None:
    """A sync killed while page 2 drips in: the half-built file stays behind (nothing can
    remove it), the catalogue in use is untouched, and the next sync removes the leftover."""
    server, data = changing
    store = data / "catalogue.sqlite"
    before = Snapshot.of(store)
    with FaultyServer(fs.forward(), routes=cut_on_page_two(fs.drip()),
                      upstream=server.base_url) as faulty:
        config = write_config(tmp_path / "faulty.toml", faulty.base_url, data)
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        command = [str(KIOSK)] if KIOSK.exists() else [sys.executable, "-m", "kiosk.cli.main"]
        process = subprocess.Popen([*command, "sync", "--config", str(config)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ends = time.monotonic() + 10
            while not any("cursor" in r.query for r in faulty.requests):
                assert time.monotonic() < ends and process.poll() is None
                time.sleep(0.02)
            time.sleep(0.2)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
    assert [name for name in leftovers(data) if name.endswith(".new")], leftovers(data)
    assert Snapshot.of(store) == before
    assert_searchable(config)
    good = write_config(tmp_path / "good.toml", server.base_url, data)
    assert kiosk("sync", "--config", str(good)).returncode == 0
    assert leftovers(data) == []
    assert Snapshot.of(store).procedures == len(NAMES) + len(EXTRA)
