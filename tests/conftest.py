"""Shared fixtures: real reference servers on loopback, configs pointing at them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from catalogue_samples import catalogue

from kiosk.catalogue.model import Catalogue
from kiosk.config import Config, parse_config
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.run import RunningServer, open_db, start_in_thread

REPO = Path(__file__).resolve().parents[1]


def config_text(base_url: str, data_dir: Path, **api: Any) -> str:
    """A kiosk config for tests: short timeouts, the demo key, a data folder of its own."""
    settings = {"key": DEMO_API_KEY, "connect_timeout": 2.0, "read_timeout": 3.0,
                "total_timeout": 10.0, "retries": 1, **api}
    lines = "\n".join(f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v!r}"
                      for k, v in settings.items())
    return f'[kiosk]\ndata_dir = "{data_dir}"\n[api]\nbase_url = "{base_url}"\n{lines}\n'


def kiosk_config(base_url: str, data_dir: Path, **api: Any) -> Config:
    return parse_config(config_text(base_url, data_dir, **api), environ={})


def write_config(path: Path, base_url: str, data_dir: Path, **api: Any) -> Path:
    path.write_text(config_text(base_url, data_dir, **api), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The reference server on the demo data, shared by the tests that only read it."""
    db = open_db(tmp_path_factory.mktemp("demo-api") / "api.sqlite")
    server = start_in_thread(db)
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
