"""Catalogue sync against the real reference server: full, unchanged, incremental, atomic."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from catalogue_samples import catalogue, procedure
from conftest import kiosk_config

from kiosk.catalogue.model import Catalogue
from kiosk.server.run import RunningServer
from kiosk.store.catalogue_store import CatalogueStore, StoreWriter
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.local_catalogue import LocalCatalogue
from kiosk.store.sync import SyncBusy, sync_catalogue, sync_from_config


def api_for(server: RunningServer, tmp_path: Path) -> CentralApi:
    return CentralApi(ApiClient(ClientSettings.from_config(
        kiosk_config(server.base_url, tmp_path))))


def test_first_sync_is_full_then_unchanged_then_incremental(small_api: RunningServer,
                                                            tmp_path: Path) -> None:
    store_path = tmp_path / "catalogue.sqlite"
    api = api_for(small_api, tmp_path)
    first = sync_catalogue(api, store_path)
    assert first.changed and first.full and first.procedures == 1
    again = sync_catalogue(api, store_path)
    assert not again.changed and again.procedures == 1
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(
        procedure("1.001193", "Đăng ký khai sinh", keywords=["giấy khai sinh"]),
        procedure("1.000894", "Đăng ký kết hôn"))), {})
    third = sync_catalogue(api, store_path)
    assert third.changed and not third.full and (third.updated, third.procedures) == (2, 2)
    assert CatalogueStore(store_path).procedure("1.001193").keywords == ("giấy khai sinh",)
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(
        procedure("1.000894", "Đăng ký kết hôn"))), {})
    fourth = sync_catalogue(api, store_path)
    assert (fourth.deleted, fourth.procedures) == (1, 1)
    local = LocalCatalogue(store_path)
    assert [h.code for h in local.search("ket hon")] == ["1.000894"]
    assert local.search("khai sinh") == []


def test_a_running_kiosk_sees_a_new_catalogue_without_restart(small_api: RunningServer,
                                                              tmp_path: Path) -> None:
    store_path = tmp_path / "catalogue.sqlite"
    api = api_for(small_api, tmp_path)
    sync_catalogue(api, store_path)
    local = LocalCatalogue(store_path)
    assert [h.code for h in local.search("khai sinh")] == ["1.001193"]
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(
        procedure("1.001193", "Đăng ký khai sinh"), procedure("1.000656", "Đăng ký khai tử"))),
        {})
    sync_catalogue(api, store_path)
    assert local.search("khai tu")[0].code == "1.000656"


def test_a_failed_sync_keeps_the_previous_catalogue(small_api: RunningServer,
                                                    tmp_path: Path) -> None:
    store_path = tmp_path / "catalogue.sqlite"
    sync_catalogue(api_for(small_api, tmp_path), store_path)
    before = store_path.read_bytes()
    with pytest.raises(RuntimeError), StoreWriter(store_path, start_from_current=False) as w:
        w.put_procedures([])
        raise RuntimeError("power cut in the middle")
    assert store_path.read_bytes() == before
    assert not list(tmp_path.glob(".catalogue.sqlite.*"))


def test_only_one_sync_at_a_time(small_api: RunningServer, tmp_path: Path) -> None:
    import fcntl

    tmp_path.mkdir(exist_ok=True)
    with open(tmp_path / "sync.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(SyncBusy):
            sync_catalogue(api_for(small_api, tmp_path), tmp_path / "catalogue.sqlite")


def test_a_killed_sync_leaves_the_store_whole(demo_api: RunningServer, tmp_path: Path) -> None:
    """kill -9 in the middle of a full sync: the old store is intact and the next sync works."""
    config = kiosk_config(demo_api.base_url, tmp_path)
    sync_from_config(config)
    before = CatalogueStore(config.catalogue_path).info().procedures
    os.utime(config.catalogue_path, (0, 0))
    mtime = config.catalogue_path.stat().st_mtime
    script = ("import sys; from conftest import kiosk_config; from pathlib import Path;"
              "from kiosk.store.sync import sync_from_config;"
              "import kiosk.store.catalogue_store as cs, time, os;"
              "orig = cs.StoreWriter.put_procedures\n"
              "def slow(self, p):\n    orig(self, p); print('writing', flush=True); "
              "time.sleep(30)\n"
              "cs.StoreWriter.put_procedures = slow\n"
              f"sync_from_config(kiosk_config({demo_api.base_url!r}, Path({str(tmp_path)!r})),"
              " full=True)")
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             cwd=Path(__file__).parent, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    assert list(tmp_path.glob(".catalogue.sqlite.*.new"))
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert config.catalogue_path.stat().st_mtime == mtime
    assert CatalogueStore(config.catalogue_path).info().procedures == before
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the lock dies with the process
        try:
            result = sync_from_config(config, full=True)
            break
        except SyncBusy:
            time.sleep(0.1)
    assert result.procedures == before
    assert not list(tmp_path.glob(".catalogue.sqlite.*.new"))


def test_forms_are_cached_and_refetched_only_when_changed(demo_api: RunningServer,
                                                         tmp_path: Path) -> None:
    config = kiosk_config(demo_api.base_url, tmp_path)
    first = sync_from_config(config)
    assert first.forms.downloaded > 20 and not first.forms.failed
    again = sync_from_config(config, full=True)
    assert again.forms.downloaded == 0 and again.forms.cached == first.forms.downloaded
    store = CatalogueStore(config.catalogue_path)
    pdfs = list(config.forms_dir.glob("*.pdf"))
    assert len(pdfs) == first.forms.downloaded
    assert all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    with_sample = [f for f in store.form_files() if f.sample_sha256]
    assert len(with_sample) >= 10


def test_search_breaks_near_ties_by_the_provinces_usage(small_api: RunningServer,
                                                        tmp_path: Path) -> None:
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(
        procedure("1.000001", "Cấp giấy phép khai thác cát", "Khoáng sản"),
        procedure("1.000002", "Cấp giấy phép khai thác đá", "Khoáng sản"))), {})
    store_path = tmp_path / "catalogue.sqlite"
    api = api_for(small_api, tmp_path)
    sync_catalogue(api, store_path)
    local = LocalCatalogue(store_path)
    assert local.search("giay phep khai thac")[0].code == "1.000001"
    small_api.db.add_usage("other-kiosk", "b1", [(date.today().isoformat(),
                                                  "procedure_viewed", "1.000002", 40)])
    sync_catalogue(api, store_path)  # the catalogue is unchanged; the usage counts are new
    assert (store_path.parent / "popularity.json").exists()
    assert local.search("giay phep khai thac")[0].code == "1.000002"
    assert local.search("khai thac cat")[0].code == "1.000001"  # a nudge, not a rule


def test_a_procedure_is_browsed_and_found_under_each_of_its_fields(
        small_api: RunningServer, tmp_path: Path) -> None:
    store_path = tmp_path / "catalogue.sqlite"
    api = api_for(small_api, tmp_path)
    sync_catalogue(api, store_path)  # the first sync: one procedure in "Hộ tịch"
    # a store written before procedures had several fields: the table is not there yet
    with sqlite3.connect(store_path) as old:
        old.execute("DROP TABLE procedure_fields")
    older = CatalogueStore(store_path)
    assert older.fields() == [("Hộ tịch", 1)]  # still readable while offline
    older.close()
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(
        procedure("1.001193", "Đăng ký khai sinh"),
        procedure("2.000046", "Chứng thực bản sao từ bản chính", field="Chứng thực",
                  more_fields=["Hộ tịch", "Tư pháp"]))), {})
    result = sync_catalogue(api, store_path)
    assert not result.full  # incremental: the writer added the table to the old file
    store = CatalogueStore(store_path)
    assert store.fields() == [("Chứng thực", 1), ("Hộ tịch", 2), ("Tư pháp", 1)]
    assert store.info().fields == 3
    assert [p.code for p in store.procedures(field="Tư pháp")] == ["2.000046"]
    assert sorted(p.code for p in store.procedures(field="Hộ tịch")) == [
        "1.001193", "2.000046"]
    local = LocalCatalogue(store_path)
    assert [h.code for h in local.search("tu phap")] == ["2.000046"]
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(
        procedure("1.001193", "Đăng ký khai sinh"),
        procedure("2.000046", "Chứng thực bản sao từ bản chính", field="Chứng thực"))), {})
    sync_catalogue(api, store_path)
    assert store.fields() == [("Chứng thực", 1), ("Hộ tịch", 1)]  # a field taken away
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(
        procedure("1.001193", "Đăng ký khai sinh"))), {})
    sync_catalogue(api, store_path)
    assert store.fields() == [("Hộ tịch", 1)]  # a procedure taken away
