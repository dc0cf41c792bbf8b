"""Heartbeats and usage batches against the real reference server over loopback: a batch
counted once however often it is sent, kept through a dead network, and the province's view
of its kiosks (`GET /v1/kiosks`, `GET /v1/usage`, `kiosk fleet`)."""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import kiosk_config, write_config

from kiosk import __version__
from kiosk.config import Config
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.run import RunningServer
from kiosk.store.heartbeat import Heartbeat, build_heartbeat, camera_state
from kiosk.store.usage import UsageLog

KEY = {"X-Api-Key": DEMO_API_KEY}


def dead_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def config_for(base_url: str, data: Path, camera: str = "/nowhere/receipt.mp4") -> Config:
    config = kiosk_config(base_url, data)
    return dataclasses.replace(config, scanner=dataclasses.replace(config.scanner,
                                                                   camera=camera))


def get(server: RunningServer, path: str, **params: str) -> Any:
    answer = requests.get(f"{server.base_url}/{path}", headers=KEY, params=params, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def viewed(server: RunningServer) -> dict[str, int]:
    return {i["detail"]: i["count"] for i in get(server, "usage", since="2000-01-01")["items"]
            if i["event"] == "procedure_viewed"}


def test_the_heartbeat_says_what_the_province_needs(tmp_path: Path) -> None:
    config = config_for("http://127.0.0.1:1/v1", tmp_path)
    body = build_heartbeat(config, 12.34, None)
    assert body["version"] == __version__ and body["uptime_s"] == 12.3
    assert body["interval_s"] == 600 and body["camera"] == "file"
    assert body["last_sync"] is None  # never synced
    assert body["free_disk_mb"] > 0
    assert "usage" not in body and "batch_id" not in body
    assert camera_state("97") == "missing" and camera_state("/x/frame_%03d.png") == "file"


def test_a_batch_sent_again_after_a_lost_answer_is_counted_once(
        small_api: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usage = UsageLog(tmp_path / "usage.sqlite")
    for _ in range(2):
        usage.count("procedure_viewed", "1.001193")
    heartbeat = Heartbeat(config_for(small_api.base_url, tmp_path), usage)
    # the server stores the batch but the kiosk never learns it (the answer was lost)
    monkeypatch.setattr(usage, "acknowledge", lambda batch_id: None)
    assert heartbeat.beat()
    monkeypatch.undo()
    usage.count("procedure_viewed", "1.001193")  # after the batch was taken: the next one
    assert heartbeat.beat()  # the same batch again, acknowledged this time
    assert viewed(small_api) == {"1.001193": 2}
    assert heartbeat.beat()  # the count made meanwhile
    assert viewed(small_api) == {"1.001193": 3} and usage.pending() == 0
    assert small_api.db.count("usage_batches") == 2


def test_the_server_counts_a_batch_id_once_and_refuses_personal_data(
        small_api: RunningServer) -> None:
    url = f"{small_api.base_url}/heartbeats"
    beat = {"version": "0.1", "uptime_s": 1, "batch_id": "batch-0001",
            "usage": [{"day": "2026-01-31", "event": "search_no_result", "count": 4}]}
    answers = [requests.post(url, json=beat, headers={**KEY, "Prefer": "return=representation"},
                             timeout=5) for _ in range(2)]
    assert [a.json()["counted"] for a in answers] == [True, False]
    assert get(small_api, "usage", since="2026-01-01")["totals"] == {"search_no_result": 4}
    assert get(small_api, "usage", since="2026-02-01")["totals"] == {}
    for usage in ([{"day": "2026-01-31", "event": "search", "detail": "Nguyễn Văn An",
                    "count": 1}],
                  [{"day": "2026-01-31", "event": "search", "detail": "0912345678",
                    "count": 1}]):
        refused = requests.post(url, json={**beat, "batch_id": "batch-0002", "usage": usage},
                                headers=KEY, timeout=5)
        assert refused.status_code == 400
    no_id = requests.post(url, json={**beat, "batch_id": None}, headers=KEY, timeout=5)
    assert no_id.status_code == 400 and "batch_id" in no_id.json()["error"]["message"]
    assert "Nguyễn" not in json.dumps(get(small_api, "kiosks"), ensure_ascii=False)
    assert requests.get(f"{small_api.base_url}/usage", params={"since": "yesterday"},
                        headers=KEY, timeout=5).status_code == 400
    assert requests.get(f"{small_api.base_url}/kiosks", timeout=5).status_code == 401


def test_a_dead_server_keeps_the_batch_and_the_next_heartbeat_delivers_it(
        small_api: RunningServer, tmp_path: Path) -> None:
    usage = UsageLog(tmp_path / "usage.sqlite")
    usage.count("procedure_viewed", "1.001193")
    usage.count_search(found=False)
    down = Heartbeat(config_for(dead_url(), tmp_path), usage)
    assert not down.beat() and "cannot reach" in down.last_error
    assert not down.beat()
    assert usage.pending() == 3
    up = Heartbeat(config_for(small_api.base_url, tmp_path), usage)
    assert up.beat() and usage.pending() == 0
    totals = get(small_api, "usage")["totals"]
    assert totals == {"procedure_viewed": 1, "search": 1, "search_no_result": 1}
    assert small_api.db.count("usage_batches") == 1


def test_a_running_heartbeat_shows_the_kiosk_alive(small_api: RunningServer,
                                                   tmp_path: Path) -> None:
    small_api.db.add_api_key("another-key-0001", "kiosk-not-installed")
    usage = UsageLog(tmp_path / "usage.sqlite")
    usage.count("dossier_lookup")
    heartbeat = Heartbeat(config_for(small_api.base_url, tmp_path, camera="7"), usage,
                          interval=0.2, first_delay=0.05)
    heartbeat.start()
    try:
        deadline = time.monotonic() + 10
        while heartbeat.sent < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        heartbeat.stop(wait=5)
    assert heartbeat.sent >= 2 and not heartbeat._thread.is_alive()  # type: ignore[union-attr]
    kiosks = {k["kiosk_id"]: k for k in get(small_api, "kiosks")["items"]}
    seen = kiosks["test-kiosk"]
    assert seen["alive"] and seen["age_s"] < 10
    assert seen["heartbeat"]["version"] == __version__
    assert seen["heartbeat"]["camera"] == "missing"
    assert kiosks["kiosk-not-installed"] == {"kiosk_id": "kiosk-not-installed", "alive": False,
                                             "last_seen": None, "age_s": None,
                                             "heartbeat": None}
    assert small_api.db.count("heartbeats") == 1  # only the last one is kept
    assert get(small_api, "usage")["totals"] == {"dossier_lookup": 1}
    # silent for more than 3 of its intervals (600 s): no longer alive
    small_api.db.execute("UPDATE heartbeats SET received_at = '2020-01-01T00:00:00.000000Z'")
    assert not {k["kiosk_id"]: k for k in get(small_api, "kiosks")["items"]}[
        "test-kiosk"]["alive"]


def test_kiosk_fleet_prints_the_kiosks_and_the_top_procedures(small_api: RunningServer,
                                                              tmp_path: Path) -> None:
    usage = UsageLog(tmp_path / "usage.sqlite")
    for _ in range(3):
        usage.count("procedure_viewed", "1.001193")
    usage.count_search(found=False)
    assert Heartbeat(config_for(small_api.base_url, tmp_path), usage).beat()
    config = write_config(tmp_path / "kiosk.toml", small_api.base_url, tmp_path / "data")

    def fleet(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kiosk.cli.main", "fleet", "--config",
                               str(config), *args], capture_output=True, text=True,
                              timeout=60)

    done = fleet()
    assert done.returncode == 0, done.stderr
    assert "test-kiosk" in done.stdout and "alive" in done.stdout
    assert "1 searches (1 found nothing), 3 procedures viewed" in done.stdout
    assert "1.001193" in done.stdout and "Đăng ký khai sinh" in done.stdout
    as_json = json.loads(fleet("--json", "--since", date.today().isoformat()).stdout)
    assert as_json["kiosks"][0]["heartbeat"]["camera"] == "file"
    assert as_json["usage"]["totals"]["procedure_viewed"] == 3
    small_api.db.execute("UPDATE heartbeats SET received_at = '2020-01-01T00:00:00.000000Z'")
    silent = fleet()
    assert silent.returncode == 1 and "SILENT" in silent.stdout
