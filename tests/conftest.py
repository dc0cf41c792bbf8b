"""Shared fixtures: real reference servers on loopback, configs pointing at them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from catalogue_samples import catalogue
from support.demo_day import DEMO_DAY

from kiosk.catalogue.model import Catalogue
from kiosk.config import Config, parse_config, with_secrets
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.run import RunningServer, open_db, start_in_thread

REPO = Path(__file__).resolve().parents[1]


TEST_OUTBOX_KEY = "dGVzdC1vdXRib3gta2V5LXRoaXJ0eS10d28tYnl0ZXM="


def _toml(sections: dict[str, dict[str, Any]]) -> str:
    def value(v: Any) -> str:
        return f'"{v}"' if isinstance(v, str) else repr(v).lower() if isinstance(v, bool) \
            else repr(v)
    return "".join(f"[{name}]\n" + "".join(f"{k} = {value(v)}\n" for k, v in keys.items())
                   for name, keys in sections.items())


def config_text(base_url: str, data_dir: Path, secrets_file: Path | str = "",
                sections: dict[str, dict[str, Any]] | None = None, **api: Any) -> str:
    """A kiosk config for tests: short timeouts, a data folder of its own; `sections` adds
    or changes keys of other sections."""
    settings = {"base_url": base_url, "connect_timeout": 2.0, "read_timeout": 3.0,
                "total_timeout": 10.0, "retries": 1, **api}
    kiosk = {"data_dir": str(data_dir), "secrets_file": str(secrets_file or "none.toml")}
    extra = dict(sections or {})
    return _toml({"kiosk": {**kiosk, **extra.pop("kiosk", {})}, "api": settings, **extra})


def secrets_text(key: str = DEMO_API_KEY, outbox_key: str = TEST_OUTBOX_KEY) -> str:
    return _toml({"api": {"key": key}, "outbox": {"key": outbox_key}})


def kiosk_config(base_url: str, data_dir: Path, key: str = DEMO_API_KEY, **api: Any) -> Config:
    return with_secrets(parse_config(config_text(base_url, data_dir, **api), environ={}),
                        secrets_text(key))


def write_config(path: Path, base_url: str, data_dir: Path, key: str = DEMO_API_KEY,
                 **api: Any) -> Path:
    """The config file and, beside it, its secrets file."""
    secrets = path.with_name(path.stem + "-secrets.toml")
    secrets.write_text(secrets_text(key), encoding="utf-8")
    path.write_text(config_text(base_url, data_dir, secrets, **api), encoding="utf-8")
    return path


def wait_until(condition: Callable[[], Any], timeout: float = 5.0) -> bool:
    """Wait for what another thread does (a bound on the wait, not a measurement)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())


@pytest.fixture(scope="session")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The reference server on the demo data, shared by the tests that only read it."""
    db = open_db(tmp_path_factory.mktemp("demo-api") / "api.sqlite", today=DEMO_DAY)
    server = start_in_thread(db)
    yield server
    server.stop()


@pytest.fixture
def own_api(tmp_path: Path) -> Iterator[RunningServer]:
    """A reference server of its own on the demo data, so its dossiers and ratings can be
    counted."""
    server = start_in_thread(open_db(tmp_path / "own-api.sqlite", today=DEMO_DAY))
    yield server
    server.stop()


@pytest.fixture
def small_api(tmp_path: Path) -> Iterator[RunningServer]:
    """A reference server of its own with the small test catalogue, free to change."""
    db = ServerDB(tmp_path / "small-api.sqlite")
    db.import_catalogue(Catalogue.from_dict(catalogue()), {})
    db.add_api_key(DEMO_API_KEY, "test-kiosk")
    server = start_in_thread(db)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL server for the session (skipped, with the reason, where
    Debian's PostgreSQL cannot start)."""
    import pg_cluster as pg

    try:
        cluster = pg.start()
    except pg.ClusterUnavailable as err:
        pytest.skip(f"PostgreSQL cannot start here: {err}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a reference server keeps its data: a SQLite file, then a fresh PostgreSQL
    database; a test using it runs on both."""
    if request.param == "sqlite":
        return tmp_path / "api.sqlite"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture
def pg_cluster_or_none(server_db_target: Path | str, request: pytest.FixtureRequest) -> Any:
    """The PostgreSQL cluster when `server_db_target` is on it, else None."""
    return None if isinstance(server_db_target, Path) else \
        request.getfixturevalue("pg_cluster")
