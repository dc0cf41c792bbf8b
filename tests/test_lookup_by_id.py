"""Looking a dossier up as the portal does: the dossier code with the applicant's ID number
(số định danh cá nhân) as the second factor, on SQLite and PostgreSQL. A wrong number is
answered as an unknown code; a stranger's guesses lock out only the stranger."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

# at the top: once tests/ui/ is collected, `conftest` is the UI one
from conftest import write_config
from support.demo_day import DEMO_DAY

from kiosk.catalogue.dossier import Dossier, Status
from kiosk.server.app import PIN_ATTEMPTS
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.run import RunningServer, open_db, start_in_thread
from kiosk.status.lookup import look_up
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiClient, ClientSettings

STRANGER_KEY = "stranger-kiosk-key"
OWNER_ID, OTHER_ID = "025190012345", "025190012346"
TODAY = date(2026, 12, 3)


def dossier(seq: int) -> Dossier:
    return Dossier(f"000.00.20.H29-261201-{seq:04d}", "1.001193", "Trần Thị Bình",
                   Status.PROCESSING, TODAY, TODAY + timedelta(days=5), agency="000.00.20.H29")


@pytest.fixture
def api(server_db_target: Path | str) -> Iterator[RunningServer]:
    db = open_db(server_db_target)
    db.add_api_key(STRANGER_KEY, "stranger-kiosk")
    db.put_dossiers([(dossier(1), None), (dossier(2), "4821"), (dossier(3), None)],
                    {dossier(1).code: OWNER_ID, dossier(2).code: OWNER_ID})
    server = start_in_thread(db)
    yield server
    server.stop()
    db.close()


def get(server: RunningServer, code: str, citizen_id: str | None = None,
        key: str = DEMO_API_KEY) -> requests.Response:
    headers = {"X-Api-Key": key, **({"X-Citizen-Id": citizen_id} if citizen_id else {})}
    return requests.get(f"{server.base_url}/dossiers/{code}", headers=headers, timeout=5)


def test_the_id_number_opens_the_dossier_and_a_wrong_one_looks_unknown(
        api: RunningServer) -> None:
    code = dossier(1).code
    shown = get(api, code, OWNER_ID)
    assert shown.status_code == 200 and shown.json()["code"] == code
    assert OWNER_ID not in shown.text  # nothing of it comes back
    wrong = get(api, code, OTHER_ID)
    unknown = get(api, "000.00.20.H29-261201-0099", OTHER_ID)
    no_number_kept = get(api, dossier(3).code, OWNER_ID)  # a dossier without a number
    assert wrong.status_code == unknown.status_code == no_number_kept.status_code == 404
    shapes = [json.loads(r.text.replace(c, "CODE")) for r, c in (
        (wrong, code), (unknown, "000.00.20.H29-261201-0099"),
        (no_number_kept, dossier(3).code))]
    assert shapes[0] == shapes[1] == shapes[2]
    assert shapes[0]["error"]["code"] == "not_found"
    # a dossier with a PIN opens with the ID number too
    assert get(api, dossier(2).code, OWNER_ID).status_code == 200
    bad = get(api, code, "12345")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_citizen_id"


def test_a_kiosk_submission_is_found_with_the_applicants_number(api: RunningServer) -> None:
    made = requests.post(
        f"{api.base_url}/submissions", timeout=5,
        json={"procedure_code": "1.001193", "agency": "000.00.20.H29",
              "applicant": {"full_name": "Trần Thị Bình", "citizen_id": OWNER_ID}},
        headers={"X-Api-Key": DEMO_API_KEY, "Idempotency-Key": "sub-0001-abcdef"})
    assert made.status_code == 201, made.text
    code = made.json()["dossier_code"]
    assert get(api, code, OWNER_ID).json()["status"] == 1
    assert get(api, code, OTHER_ID).status_code == 404


def test_a_strangers_wrong_numbers_lock_out_only_the_stranger(api: RunningServer) -> None:
    code = dossier(1).code
    for _ in range(PIN_ATTEMPTS):
        assert get(api, code, OTHER_ID, STRANGER_KEY).status_code == 404
    locked = get(api, code, OWNER_ID, STRANGER_KEY)  # even the right number, now
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert get(api, code, OWNER_ID).status_code == 200  # the owner's kiosk


def test_the_kiosk_looks_up_with_the_number_and_says_what_happened(
        api: RunningServer) -> None:
    central = CentralApi(ApiClient(ClientSettings(api.base_url, DEMO_API_KEY, retries=1,
                                                  total_timeout=5.0)))
    found = look_up(central, dossier(1).code, citizen_id=OWNER_ID)
    assert found.outcome == "found" and found.dossier is not None
    wrong = look_up(central, dossier(1).code, citizen_id=OTHER_ID)
    assert wrong.outcome == "not_found_with_id" and OTHER_ID not in repr(wrong)
    assert look_up(central, dossier(2).code).outcome == "pin_required"
    for _ in range(PIN_ATTEMPTS):
        look_up(central, dossier(3).code, citizen_id=OTHER_ID)
    assert look_up(central, dossier(3).code, citizen_id=OWNER_ID).outcome == "too_many"


def test_kiosk_status_asks_for_the_number_without_echoing_it(demo_api: RunningServer,
                                                             tmp_path: Path) -> None:
    from kiosk.server.catalogue_files import demo_citizen_ids, demo_dossiers

    config = write_config(tmp_path / "kiosk.toml", demo_api.base_url, tmp_path / "data")
    code, _pin = next((d.code, pin) for d, pin in demo_dossiers(DEMO_DAY) if pin)
    number = demo_citizen_ids(DEMO_DAY)[code]

    def status(typed: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kiosk.cli.main", "status", code,
                               "--id-number", "--json", "--config", str(config)],
                              input=typed + "\n", capture_output=True, text=True, timeout=60)

    found = status(number)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["code"] == code
    assert number not in found.stdout + found.stderr
    wrong = status("0" * 12)
    assert "0" * 12 not in wrong.stdout + wrong.stderr and code in wrong.stdout + wrong.stderr
    short = status("123")
    assert short.returncode != 0 and "12 digits" in short.stderr
