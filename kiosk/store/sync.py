"""Catalogue sync: bring the local store up to the central API's catalogue.

One cheap version check first (304 when nothing changed); then only what changed since the
last sync, or everything on the first sync or when the local copy disagrees with the
server's count. The new catalogue is built beside the current one and swapped in whole
(see `StoreWriter`), so a sync that fails anywhere leaves the previous catalogue in use.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.config import Config
from kiosk.store.catalogue_store import CatalogueStore, StoreError, StoreWriter
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiBadAnswer, ApiClient, ApiError, ClientSettings
from kiosk.store.forms_cache import FetchReport, FormsCache

log = logging.getLogger(__name__)


class SyncBusy(Exception):
    """Another sync of the same store is running."""


@dataclass
class SyncResult:
    changed: bool
    full: bool = False
    procedures: int = 0
    updated: int = 0
    deleted: int = 0
    forms: FetchReport = field(default_factory=FetchReport)
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.changed:
            text = f"catalogue unchanged ({self.procedures} procedures)"
        else:
            kind = "full" if self.full else "incremental"
            text = (f"{kind} sync: {self.procedures} procedures "
                    f"({self.updated} new or changed, {self.deleted} removed)")
        text += f"; forms: {self.forms.downloaded} downloaded, {self.forms.cached} cached"
        if self.forms.failed:
            text += f", {len(self.forms.failed)} failed ({self.forms.failed[0]})"
        return f"{text}; {self.seconds:.2f} s"


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "sync.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy("another catalogue sync is running") from None
        yield


def sync_catalogue(api: CentralApi, store_path: Path, *, page_size: int = 500,
                   full: bool = False, forms: FormsCache | None = None) -> SyncResult:
    started = time.monotonic()
    store_path = Path(store_path)
    with _exclusive(store_path.parent):
        for stale in store_path.parent.glob(f".{store_path.name}.*.new*"):
            stale.unlink(missing_ok=True)  # left by a sync that was killed (and its journal)
        store = CatalogueStore(store_path)
        try:
            meta = store.meta() if store.exists() else {}
        except StoreError:
            meta = {}  # unreadable: rebuild it
        finally:
            store.close()
        incremental = bool(meta.get("cursor")) and not full
        version = api.catalogue_version(meta.get("etag", "") if incremental else "")
        if version is None:
            result = SyncResult(False, procedures=int(meta.get("procedures", 0)))
        else:
            result = _apply(api, store_path, version.etag, version.procedures,
                            meta.get("cursor") if incremental else None, page_size)
            if result.procedures != version.procedures and incremental:
                # the local copy drifted from the server's (e.g. a restored backup): start over
                result = _apply(api, store_path, version.etag, version.procedures, None,
                                page_size)
            if result.procedures != version.procedures:
                raise ApiBadAnswer(f"the sync got {result.procedures} procedures but the "
                                   f"central API lists {version.procedures}")
        save_popularity(api, popularity_path(store_path))
        if forms is not None:
            store = CatalogueStore(store_path)
            try:
                result.forms = forms.fetch(api, store.form_files())
            finally:
                store.close()
    result.seconds = time.monotonic() - started
    return result


def popularity_path(store_path: Path) -> Path:
    return Path(store_path).parent / "popularity.json"


def save_popularity(api: CentralApi, path: Path) -> bool:
    """Keep the province's procedure views for search; a central API that does not give
    them to a kiosk (a province key's view) leaves the last ones, and the sync goes on."""
    try:
        views = api.procedure_views()
    except ApiError as err:
        log.info("usage counts not available for search ranking: %s", err.reason)
        return False
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(json.dumps(views, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
    return True


def load_popularity(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) \
        else {}


def _apply(api: CentralApi, store_path: Path, etag: str, expected: int, cursor: str | None,
           page_size: int) -> SyncResult:
    """Build the next store file from the server's pages and swap it in if it adds up."""
    result = SyncResult(True, full=cursor is None)
    with StoreWriter(store_path, start_from_current=cursor is not None) as writer:
        latest = cursor or ""
        for page in api.procedure_pages(cursor, page_size):
            writer.put_procedures(page.procedures)
            writer.delete_procedures(page.deleted)
            result.updated += len(page.procedures)
            result.deleted += len(page.deleted)
            latest = max(latest, page.last_modified)
        writer.replace_agencies(api.agencies())
        writer.replace_forms(api.forms())
        result.procedures = writer.procedure_count()
        if result.procedures != expected:
            return result  # not committed: the writer throws the new file away
        writer.set_meta(etag=etag, cursor=latest, procedures=str(result.procedures),
                        synced_at=datetime.now(UTC).isoformat(timespec="seconds"),
                        source=api.client.settings.base_url)
        writer.commit()
    return result


def sync_from_config(config: Config, *, full: bool = False) -> SyncResult:
    client = ApiClient(ClientSettings.from_config(config))
    try:
        cache = FormsCache(config.forms_dir, int(config.sync.forms_cache_mb * 1024 * 1024),
                           int(config.sync.max_form_mb * 1024 * 1024))
        return sync_catalogue(CentralApi(client), config.catalogue_path,
                              page_size=config.sync.page_size, full=full, forms=cache)
    finally:
        client.close()
