"""Sync of the synthetic 6,000-procedure catalogue from the reference server on loopback.

Prints a full sync, a sync with nothing changed and an incremental sync of 60 changes,
and as the baseline measured in the same run the time to merely download every page
(no checking, no storing). Targets: full <= 10 s, unchanged <= 0.2 s.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import requests

from kiosk.catalogue.model import Catalogue
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.run import start_in_thread
from kiosk.server.synthetic import synthetic_procedures
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.sync import sync_catalogue


def download_only(base_url: str, limit: int) -> float:
    start = time.perf_counter()
    session = requests.Session()
    cursor = None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = session.get(f"{base_url}/procedures", params=params,
                           headers={"X-Api-Key": DEMO_API_KEY}, timeout=30).json()
        cursor = page["next_cursor"]
        if cursor is None:
            return time.perf_counter() - start


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    db = ServerDB(folder / "api.sqlite")
    procedures = synthetic_procedures(6000)
    db.import_catalogue(Catalogue.from_dict({"procedures": procedures}), {})
    db.add_api_key(DEMO_API_KEY, "bench")
    server = start_in_thread(db)
    api = CentralApi(ApiClient(ClientSettings(server.base_url, DEMO_API_KEY,
                                              total_timeout=60)))
    page = 500
    try:
        baseline = statistics.median(download_only(server.base_url, page) for _ in range(3))
        fulls, unchanged = [], []
        for run in range(3):
            store = folder / f"store-{run}" / "catalogue.sqlite"
            result = sync_catalogue(api, store, page_size=page)
            assert result.full and result.procedures == 6000
            fulls.append(result.seconds)
            for _ in range(5):
                result = sync_catalogue(api, store, page_size=page)
                assert not result.changed
                unchanged.append(result.seconds)
        for p in procedures[:60]:
            p["name"] += " (sửa đổi)"
        db.import_catalogue(Catalogue.from_dict({"procedures": procedures}), {})
        result = sync_catalogue(api, store, page_size=page)
        assert result.changed and not result.full and result.updated == 60
        incremental = result.seconds
    finally:
        server.stop()
    full = statistics.median(fulls)
    same = statistics.median(unchanged)
    print(f"download only (baseline): {baseline:.2f} s for 6000 procedures in pages of {page}")
    print(f"full sync      : {full:.2f} s (median of 3; {full / baseline:.2f}x the download; "
          f"target <= 10 s: {'met' if full <= 10 else 'MISSED'})")
    print(f"unchanged sync : {same * 1000:.1f} ms (median of 15; target <= 200 ms: "
          f"{'met' if same <= 0.2 else 'MISSED'})")
    print(f"incremental    : {incremental * 1000:.0f} ms for 60 changed procedures")


if __name__ == "__main__":
    main()
