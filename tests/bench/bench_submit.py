"""Submissions per second through the reference API, on SQLite and on PostgreSQL, with 1, 2
and 4 worker processes.

Each run starts `kiosk serve-api --workers N` on a fresh database with the demo data and
sends `--count` submissions (each with one photographed page of `--page-kb` KB, as a kiosk
does) from `--clients` threads at once, every one with its own idempotency key; then it
checks that every answer named a different dossier code and that the database holds
exactly that many kiosk-made dossiers. Both engines commit to disk (SQLite's WAL synced at
each commit; PostgreSQL with fsync and synchronous commit on). The baseline, measured in
the same run, is SQLite with one worker: the other rows print their ratio to it.
PostgreSQL rows are left out, with the reason, where Debian's PostgreSQL cannot start.

    python tests/bench/bench_submit.py [--count 400] [--clients 16] [--page-kb 100]
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for pg_cluster

import pg_cluster
from api_process import serve_api

from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.run import open_db


def run(target: Path | str, workers: int, count: int, clients: int, page: str) -> float:
    open_db(target).close()
    with serve_api(target, workers) as api:
        base = api.base_url
        codes: list[str] = []
        failures: list[str] = []
        next_index = iter(range(count))
        lock = threading.Lock()

        def client() -> None:
            session = requests.Session()
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                body = {"procedure_code": "1.001193", "agency": "000.00.10.H29",
                        "applicant": {"full_name": f"Người Thử {i}",
                                      "citizen_id": f"001190{i:06d}"},
                        "documents": [{"component": "Tờ khai", "pages": [page]}]}
                answer = session.post(f"{base}/submissions", json=body, timeout=120,
                                      headers={"X-Api-Key": DEMO_API_KEY,
                                               "Idempotency-Key": f"bench-{i:06d}"})
                with lock:
                    if answer.status_code == 201:
                        codes.append(answer.json()["dossier_code"])
                    else:
                        failures.append(f"{answer.status_code} {answer.text[:200]}")

        threads = [threading.Thread(target=client) for _ in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - start
    if failures:
        raise SystemExit(f"{len(failures)} submissions failed, e.g. {failures[0]}")
    db = ServerDB(target)
    made = db.execute("SELECT count(*) FROM dossiers WHERE created_by IS NOT NULL")[0][0]
    db.close()
    if len(set(codes)) != count or made != count:
        raise SystemExit(f"{count} sent, {len(set(codes))} distinct codes, {made} dossiers")
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--page-kb", type=int, default=100)
    args = parser.parse_args()
    page = base64.b64encode(secrets.token_bytes(args.page_kb * 1024)).decode()
    folder = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    try:
        cluster = pg_cluster.start(durable=True)
    except pg_cluster.ClusterUnavailable as err:
        cluster = None
        print(f"PostgreSQL rows left out: {err}")
    print(f"{args.count} submissions from {args.clients} clients, one {args.page_kb} KB page "
          f"each; {os.cpu_count()} cores")
    baseline = None
    try:
        for engine in ("sqlite", "postgresql"):
            if engine == "postgresql" and cluster is None:
                continue
            for workers in (1, 2, 4):
                target: Path | str = folder / f"{workers}.sqlite" if engine == "sqlite" \
                    else cluster.new_database()  # type: ignore[union-attr]
                rate = run(target, workers, args.count, args.clients, page)
                baseline = baseline or rate
                print(f"{engine:<10} {workers} worker{'s' if workers > 1 else ' '}  "
                      f"{rate:7.1f} submissions/s  ({rate / baseline:.2f}x the baseline, "
                      "SQLite with 1 worker)", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
