"""Calls for staff: recorded at the reference API with the kiosk and the screen, listed for
staff (API, `kiosk staff-calls`), closed once seen to; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import kiosk_config, write_config

from kiosk.server.app import Limits
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.run import RunningServer, open_db, start_in_thread
from kiosk.store.client import ApiClient, ApiError, ClientSettings
from kiosk.store.staff_calls import call_staff, close_call, staff_calls

SECOND_KEY = "second-kiosk-key"


@pytest.fixture
def calls_api(server_db_target: Path | str) -> Iterator[RunningServer]:
    db = open_db(server_db_target)
    db.add_api_key(SECOND_KEY, "second-kiosk")
    server = start_in_thread(db, limits=Limits(staff_calls_per_key=(3, 60.0)))
    yield server
    server.stop()
    db.close()


def client_for(server: RunningServer, tmp_path: Path, key: str = DEMO_API_KEY) -> ApiClient:
    return ApiClient(ClientSettings.from_config(kiosk_config(server.base_url, tmp_path, key)))


def test_calls_are_recorded_listed_and_closed(calls_api: RunningServer, tmp_path: Path
                                              ) -> None:
    kiosk = client_for(calls_api, tmp_path)
    other = client_for(calls_api, tmp_path, SECOND_KEY)
    first = call_staff(kiosk, "help", "call-key-001")
    assert (first.kiosk_id, first.screen, first.open) == ("demo-kiosk-01", "help", True)
    assert call_staff(kiosk, "help", "call-key-001").id == first.id  # sent again: one call
    second = call_staff(other, "queue")
    assert [(c.id, c.kiosk_id, c.screen) for c in staff_calls(kiosk)] == \
        [(first.id, "demo-kiosk-01", "help"), (second.id, "second-kiosk", "queue")]
    closed = close_call(other, first.id, "Quầy 2 – chị Lan")
    assert (closed.open, closed.closed_by) == (False, "Quầy 2 – chị Lan")
    assert close_call(kiosk, first.id).closed_by == "Quầy 2 – chị Lan"  # closed stays so
    assert [c.id for c in staff_calls(kiosk)] == [second.id]
    assert [(c.id, c.open) for c in staff_calls(kiosk, include_closed=True)] == \
        [(first.id, False), (second.id, True)]
    missing = requests.post(f"{calls_api.base_url}/staff-calls/999999/close", json={},
                            headers={"X-Api-Key": DEMO_API_KEY}, timeout=10)
    assert missing.status_code == 404


def test_a_kiosk_calling_over_and_over_is_told_to_wait(calls_api: RunningServer) -> None:
    answers = [requests.post(f"{calls_api.base_url}/staff-calls", json={"screen": "help"},
                             headers={"X-Api-Key": DEMO_API_KEY,
                                      "Idempotency-Key": f"many-calls-{i}"}, timeout=10)
               for i in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].json()["error"]["code"] == "rate_limited"


def test_a_call_without_the_api_is_an_error_not_a_call(tmp_path: Path) -> None:
    db = open_db(tmp_path / "gone.sqlite")
    server = start_in_thread(db)
    client = client_for(server, tmp_path)
    server.stop()
    with pytest.raises(ApiError):
        call_staff(client, "help")


def test_staff_list_and_close_calls_from_the_command_line(calls_api: RunningServer,
                                                          tmp_path: Path) -> None:
    config = write_config(tmp_path / "kiosk.toml", calls_api.base_url, tmp_path / "data")
    made = call_staff(client_for(calls_api, tmp_path, SECOND_KEY), "search")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kiosk.cli.main", *args, "--config",
                               str(config)], capture_output=True, text=True, timeout=60,
                              env=dict(os.environ))

    listed = cli("staff-calls")
    assert listed.returncode == 0, listed.stderr
    assert "second-kiosk" in listed.stdout and "search" in listed.stdout \
        and "OPEN" in listed.stdout
    closed = cli("staff-calls", "--close", str(made.id), "--by", "counter-3")
    assert closed.returncode == 0 and "closed (by counter-3)" in closed.stdout
    assert cli("staff-calls").stdout.strip() == "no open calls for staff"
    every = json.loads(cli("staff-calls", "--all", "--json").stdout)
    assert [(c["id"], c["open"], c["closed_by"]) for c in every] == \
        [(made.id, False, "counter-3")]
    queue = cli("queue")
    assert queue.returncode == 0 and "Hộ tịch – Chứng thực" in queue.stdout
    called = cli("queue", "--call", "HT", "--counter", "1")
    assert called.returncode == 0 and called.stdout.strip() == "nobody waits in HT"
    wrong = cli("queue", "--call", "HT", "--counter", "9")
    assert wrong.returncode == 1 and "service area HT has counters 1, 2" in wrong.stderr
