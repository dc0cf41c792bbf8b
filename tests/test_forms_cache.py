"""Form PDFs cached on the kiosk: fetched once, checked, bounded in size."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

from catalogue_samples import catalogue
from conftest import kiosk_config

from kiosk.catalogue.model import Catalogue
from kiosk.server.run import RunningServer
from kiosk.store.catalogue_store import CatalogueStore
from kiosk.store.sync import sync_from_config


def pdf(size: int, mark: bytes = b"") -> bytes:
    return b"%PDF-1.4\n" + mark + b"0" * size


def serve_forms(server: RunningServer, blank: bytes, sample: bytes | None) -> None:
    server.db.import_catalogue(Catalogue.from_dict(catalogue()), {"F-1": (blank, sample)})


def test_forms_and_samples_are_fetched_and_checked(small_api: RunningServer,
                                                  tmp_path: Path) -> None:
    serve_forms(small_api, pdf(1000, b"blank"), pdf(1000, b"sample"))
    config = kiosk_config(small_api.base_url, tmp_path)
    result = sync_from_config(config)
    assert (result.forms.downloaded, result.forms.failed) == (2, [])
    (form,) = CatalogueStore(config.catalogue_path).form_files()
    cached = config.forms_dir / f"{form.sample_sha256}.pdf"
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == form.sample_sha256
    serve_forms(small_api, pdf(1000, b"blank v2"), pdf(1000, b"sample"))
    result = sync_from_config(config)
    assert (result.forms.downloaded, result.forms.cached) == (1, 1)
    assert len(list(config.forms_dir.glob("*.pdf"))) == 2  # the old blank form is gone


def test_an_oversized_form_is_refused_and_the_rest_kept(small_api: RunningServer,
                                                        tmp_path: Path) -> None:
    serve_forms(small_api, pdf(3 * 1024 * 1024), pdf(1000))
    config = kiosk_config(small_api.base_url, tmp_path)
    config = replace(config, sync=replace(config.sync, max_form_mb=1.0))
    result = sync_from_config(config)
    assert result.forms.downloaded == 1
    assert len(result.forms.failed) == 1 and "too large" in result.forms.failed[0]
    assert CatalogueStore(config.catalogue_path).info().procedures == 1


def test_the_cache_stays_under_its_size(small_api: RunningServer, tmp_path: Path) -> None:
    serve_forms(small_api, pdf(600 * 1024, b"a"), pdf(600 * 1024, b"b"))
    config = kiosk_config(small_api.base_url, tmp_path)
    config = replace(config, sync=replace(config.sync, forms_cache_mb=1.0))
    stale = config.forms_dir / ("0" * 64 + ".pdf")
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF-old")
    os.utime(stale, (0, 0))
    sync_from_config(config)
    sizes = [p.stat().st_size for p in config.forms_dir.glob("*.pdf")]
    assert not stale.exists() and len(sizes) == 1 and sum(sizes) <= 1024 * 1024
