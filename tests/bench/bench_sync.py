"""Sync of the synthetic 6,000-procedure catalogue from the reference server on loopback.

Prints a full sync, a sync with nothing changed and an incremental sync of 60 changes,
and as the baseline measured in the same run the time to merely download every page
(no checking, no storing). Targets: full <= 10 s, unchanged <= 0.2 s.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for support
from support.synthetic import realistic_portal_records, synthetic_procedures

from kiosk.catalogue.model import Catalogue
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.portal_catalogue import portal_form_pdfs, read_portal
from kiosk.server.run import start_in_thread
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
    realistic(folder)


WORD_FORMS = 60  # Word templates converted in the run: LibreOffice's rate is what counts


def realistic(folder: Path) -> None:
    """The realistic catalogue in the portal's format: import it (Word forms converted, and
    not), then a full kiosk sync of it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from portal_samples import make_docx
    from real_procedures import COMMON

    portal = folder / "portal"
    portal.mkdir()
    records = realistic_portal_records(6000, names=[name for _, name, _, _ in COMMON])
    for i, record in enumerate(records[:WORD_FORMS]):
        make_docx(portal / f"mau-{i}.docx", f"MẪU ĐƠN {i}", lines=30)
        record["executionCases"][0]["profileComponents"][0]["attachments"] = [
            {"fileName": f"mau-{i}.docx"}]
    for start in range(0, len(records), 100):
        (portal / f"part-{start // 100:03d}.json").write_text(
            json.dumps(records[start:start + 100], ensure_ascii=False), encoding="utf-8")
    size = sum(p.stat().st_size for p in portal.glob("*.json"))
    timings = {}
    for convert in (False, True):
        db = ServerDB(folder / f"portal-{convert}.sqlite")
        started = time.perf_counter()
        found = read_portal([portal], datetime.now(UTC))
        read = time.perf_counter() - started
        pdfs, failed = portal_form_pdfs(found, convert=convert)
        converted = time.perf_counter() - started - read
        db.import_catalogue(found.catalogue(), pdfs)
        timings[convert] = (time.perf_counter() - started, read, converted, len(pdfs), failed)
        again = time.perf_counter()
        result = db.import_catalogue(found.catalogue(), pdfs)
        assert result.unchanged == 6000
        timings[convert] += (time.perf_counter() - again,)
    db.add_api_key(DEMO_API_KEY, "bench")
    server = start_in_thread(db)
    try:
        api = CentralApi(ApiClient(ClientSettings(server.base_url, DEMO_API_KEY,
                                                  total_timeout=120)))
        result = sync_catalogue(api, folder / "portal-store" / "catalogue.sqlite")
        assert result.full and result.procedures == 6000
    finally:
        server.stop()
    plain, words = timings[False], timings[True]
    print(f"realistic catalogue: 6000 procedures in the portal's JSON, {size / 1e6:.0f} MB")
    print(f"import, no conversion : {plain[0]:.1f} s (reading and mapping {plain[1]:.1f} s); "
          f"the same again: {plain[5]:.1f} s, nothing changed")
    per_form = words[2] / WORD_FORMS
    print(f"import, {WORD_FORMS} Word forms converted: {words[0]:.1f} s (LibreOffice "
          f"{words[2]:.1f} s, {per_form:.2f} s a form, {words[3]} PDFs, {len(words[4])} failed;"
          f" a province's ~5,000 templates: ~{per_form * 5000 / 60:.0f} min)")
    print(f"full kiosk sync       : {result.seconds:.1f} s")


if __name__ == "__main__":
    main()
