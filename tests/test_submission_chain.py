"""The reference API's side of the submission chain, on SQLite and on PostgreSQL: a dossier
code is allocated and its dossier made in the same transaction as the submission, however
many kiosks and worker processes send at once and wherever the server stops."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from api_process import serve_api

from kiosk.catalogue.dossier import Dossier, Status, dossier_code
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.run import RunningServer, open_db, start_in_thread

TESTS = Path(__file__).parent
AGENCY = "000.00.10.H29"


def submission(name: str = "Nguyễn Thị Hoa", citizen_id: str = "001190012345",
               procedure: str = "1.001193") -> dict[str, Any]:
    return {"procedure_code": procedure, "agency": AGENCY,
            "applicant": {"full_name": name, "citizen_id": citizen_id},
            "documents": []}


def post(base_url: str, body: dict[str, Any], key: str, api_key: str = DEMO_API_KEY
         ) -> requests.Response:
    return requests.post(f"{base_url}/submissions", json=body, timeout=60,
                         headers={"X-Api-Key": api_key, "Idempotency-Key": key})


def kiosk_dossiers(db: ServerDB) -> list[tuple[str, str]]:
    return [tuple(row) for row in db.execute(
        "SELECT code, created_by FROM dossiers WHERE created_by IS NOT NULL ORDER BY code")]


@pytest.fixture
def target_api(server_db_target: Path | str) -> Iterator[RunningServer]:
    """The reference API in this process, on SQLite then on PostgreSQL, with the demo
    kiosk's key and a second kiosk's ("second-kiosk-key")."""
    db = open_db(server_db_target)
    db.add_api_key("second-kiosk-key", "second-kiosk")
    server = start_in_thread(db)
    yield server
    server.stop()
    db.close()


@pytest.fixture
def workers_api(server_db_target: Path | str) -> Iterator[tuple[str, Path | str]]:
    """`kiosk serve-api --workers 4` in its own process on the demo data."""
    open_db(server_db_target).close()  # seeded once, before the workers start
    with serve_api(server_db_target, workers=4) as api:
        yield api.base_url, server_db_target


@pytest.mark.slow
def test_simultaneous_submissions_through_four_workers_get_distinct_codes(
        workers_api: tuple[str, Path | str]) -> None:
    base_url, target = workers_api
    keys = [f"parallel-{i:03d}" for i in range(40)]
    sends = keys + keys[:10]  # ten kiosks send again at once, not knowing the first arrived
    answers: dict[int, requests.Response] = {}
    barrier = threading.Barrier(len(sends))

    def send(i: int) -> None:
        barrier.wait()
        answers[i] = post(base_url, submission(name=f"Người Thứ {i % 40}",
                                               citizen_id=f"0011900{i % 40:05d}"), sends[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.status_code in (200, 201) for r in answers.values()), \
        [r.text for r in answers.values() if r.status_code not in (200, 201)]
    codes = {sends[i]: set() for i in range(len(sends))}
    for i, answer in answers.items():
        codes[sends[i]].add(answer.json()["dossier_code"])
    assert all(len(found) == 1 for found in codes.values())  # one key, one code
    distinct = {next(iter(found)) for found in codes.values()}
    assert len(distinct) == 40
    assert sum(r.status_code == 201 for r in answers.values()) == 40
    db = ServerDB(target)
    try:
        assert {code for code, _ in kiosk_dossiers(db)} == distinct
        assert db.count("submissions") == 40
    finally:
        db.close()


def test_a_kiosk_never_replaces_a_dossier_made_at_the_counter(
        server_db_target: Path | str) -> None:
    db = open_db(server_db_target)
    today = date.today()
    counter = Dossier(dossier_code(AGENCY, today, 1), "1.001193", "Trần Văn Bình",
                      Status.RECEIVED, today, agency=AGENCY)
    taken = Dossier(dossier_code(AGENCY, today, 2), "1.001193", "Lê Thị Cúc",
                    Status.RECEIVED, today, agency=AGENCY)
    db.put_dossiers([(counter, "482913"), (taken, None)])
    server = start_in_thread(db)
    try:
        answer = post(server.base_url, submission(), "kiosk-after-counter")
        assert answer.status_code == 201
        assert answer.json()["dossier_code"] == dossier_code(AGENCY, today, 3)
        kept, pin = db.dossier(counter.code)
        assert kept.applicant_name == "Trần Văn Bình" and pin == "482913"
        assert db.dossier(taken.code)[0].applicant_name == "Lê Thị Cúc"
    finally:
        server.stop()
        db.close()


def test_an_idempotency_key_belongs_to_one_kiosk_and_one_request(
        target_api: RunningServer) -> None:
    server, db = target_api, target_api.db
    first = post(server.base_url, submission(), "shared-key-1")
    again = post(server.base_url, submission(), "shared-key-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    changed = post(server.base_url, submission(name="Phạm Văn Dũng",
                                               citizen_id="001190099999"), "shared-key-1")
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert "Dũng" not in changed.text and "001190099999" not in changed.text
    # the same key from another kiosk is that kiosk's own submission, not a way to
    # read the first kiosk's answer
    other = post(server.base_url, submission(name="Phạm Văn Dũng",
                                             citizen_id="001190099999"), "shared-key-1",
                 api_key="second-kiosk-key")
    assert other.status_code == 201
    assert other.json()["dossier_code"] != first.json()["dossier_code"]
    assert len(kiosk_dossiers(db)) == 2


def _crash_run(target: Path | str, crash_at: int) -> tuple[bool, dict[str, Any] | None]:
    """Send one submission to a server that dies at `crash_at`; (died, answer)."""
    child = subprocess.Popen([sys.executable, str(TESTS / "api_crash_child.py"), str(target),
                              str(crash_at)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(child.stdout.readline())
        try:
            answer = post(f"http://127.0.0.1:{port}/v1", submission(), "crash-key-0001")
        except requests.ConnectionError:
            answer = None
        died = child.wait(timeout=30) == -signal.SIGKILL if answer is None else False
        return died, None if answer is None else answer.json()
    finally:
        child.kill()
        child.wait()


def _check_crash_point(target: Path | str, point: int) -> bool:
    """Kill the server at `point` during a submission, check what it left, send again;
    whether it died."""
    died, answer = _crash_run(target, point)
    db = ServerDB(target)
    try:
        made = kiosk_dossiers(db)
        stored = db.execute("SELECT dossier_code, answer FROM submissions")
        # all or nothing: a stored submission has its dossier and its answer
        assert len(made) == len(stored) <= 1, point
        if stored:
            assert stored[0][0] == made[0][0]
            assert json.loads(stored[0][1])["dossier_code"] == made[0][0]
        server = start_in_thread(db)  # the kiosk sends again, to a server that came back
        try:
            retry = post(server.base_url, submission(), "crash-key-0001")
        finally:
            server.stop()
        assert retry.status_code in (200, 201), retry.text
        code = retry.json()["dossier_code"]
        assert [c for c, _ in kiosk_dossiers(db)] == [code], point
        assert db.dossier(code) is not None
        if answer is not None:
            assert answer["dossier_code"] == code
    finally:
        db.close()
    return died


@pytest.mark.slow
def test_a_server_stopped_at_any_statement_leaves_all_or_nothing(
        server_db_target: Path | str, tmp_path: Path, pg_cluster_or_none: Any) -> None:
    def fresh(n: int) -> Path | str:
        if isinstance(server_db_target, Path):
            target: Path | str = tmp_path / f"crash-{n}.sqlite"
        else:
            target = pg_cluster_or_none.new_database()
        open_db(target).close()
        return target

    points = 0
    for n in range(1, 40):
        died_before = _check_crash_point(fresh(2 * n), n)
        died_after = _check_crash_point(fresh(2 * n + 1), -n)
        if not died_before:
            break  # the request was over before statement n: every point has been tried
        points += 1
        assert died_after or n >= points
    else:
        pytest.fail("the submission never finished")
    assert points >= 7  # BEGIN, the writes and COMMIT were each a crash point


V1_TABLES = """
CREATE TABLE dossiers (code TEXT PRIMARY KEY, body TEXT NOT NULL, lookup_pin TEXT,
    modified_at TEXT NOT NULL);
CREATE TABLE submissions (idempotency_key TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL,
    body TEXT NOT NULL, answer TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE ratings (idempotency_key TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL,
    agency TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);
"""


def test_a_first_version_database_is_brought_up_to_date(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "v1.sqlite"
    today = date.today()
    code = dossier_code(AGENCY, today, 1)
    record = Dossier(code, "1.001193", "Nguyễn Thị Hoa", Status.NEW, today, agency=AGENCY)
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_TABLES)
        conn.execute("INSERT INTO dossiers VALUES (?, ?, NULL, '2026-01-01')",
                     (code, json.dumps(record.to_dict())))
        conn.execute("INSERT INTO submissions VALUES ('old-key-0001', 'demo-kiosk-01', ?, ?, "
                     "'2026-01-01T00:00:00.000000Z')",
                     (json.dumps(submission()), json.dumps({"dossier_code": code})))
        conn.execute("INSERT INTO ratings VALUES ('rating-key-01', 'demo-kiosk-01', 'X', '{}', "
                     "'2026-01-01T00:00:00.000000Z')")
    conn.close()
    db = open_db(path)
    try:
        assert kiosk_dossiers(db) == [(code, "demo-kiosk-01")]
        assert db.execute("SELECT kiosk_id, idempotency_key, dossier_code FROM submissions"
                          ) == [("demo-kiosk-01", "old-key-0001", code)]
        assert db.count("ratings") == 1
        server = start_in_thread(db)
        try:  # the kiosk that sent it before still gets its answer, and new codes follow on
            again = post(server.base_url, submission(), "old-key-0001")
            assert again.status_code == 200 and again.json()["dossier_code"] == code
            new = post(server.base_url, submission(name="Lê Văn Em"), "new-key-0001")
            assert new.json()["dossier_code"] == dossier_code(AGENCY, today, 2)
        finally:
            server.stop()
    finally:
        db.close()


def test_the_slip_reference_finds_a_sent_or_refused_submission(
        target_api: RunningServer) -> None:
    server, db = target_api, target_api.db
    headers = {"X-Api-Key": DEMO_API_KEY}
    sent = post(server.base_url, {**submission(), "reference": "K7P-3F9A"}, "ref-key-0001")
    assert sent.status_code == 201
    # a procedure that cannot be submitted online (withdrawn from online submission
    # after the person left, say): refused, and the refusal kept by its reference
    offline = next(json.loads(db.procedure(code)) for (code,) in db.execute(
        "SELECT code FROM procedures WHERE deleted = 0 ORDER BY code")
        if json.loads(db.procedure(code))["online_level"] == "none")
    refused = post(server.base_url, {**submission(procedure=offline["code"]),
                                     "reference": "M2N-8QRS"}, "ref-key-0002")
    assert refused.status_code == 400
    found = requests.get(f"{server.base_url}/submissions/by-reference/K7P-3F9A",
                         headers=headers, timeout=10).json()
    assert found["state"] == "sent"
    assert found["dossier_code"] == sent.json()["dossier_code"]
    found = requests.get(f"{server.base_url}/submissions/by-reference/M2N-8QRS",
                         headers=headers, timeout=10).json()
    assert (found["state"], found["reason"]) == ("refused", "not_online")
    assert "Hoa" not in json.dumps(found)
    missing = requests.get(f"{server.base_url}/submissions/by-reference/AAA-2222",
                           headers=headers, timeout=10)
    assert missing.status_code == 404
    odd = requests.get(f"{server.base_url}/submissions/by-reference/K7P-3F9O",
                       headers=headers, timeout=10)
    assert odd.status_code == 400
    staff = requests.get(f"{server.base_url}/submissions/flagged", headers=headers,
                         timeout=10).json()["items"]
    assert [(f["kind"], f["reference"]) for f in staff] == [("refused", "M2N-8QRS")]


def test_the_same_person_sending_again_within_a_day_is_flagged_for_staff(
        target_api: RunningServer) -> None:
    server, db = target_api, target_api.db
    first = post(server.base_url, submission(), "dup-key-0001").json()
    assert first["possible_duplicate_of"] is None
    # the same person re-photographs the papers (another request, another key) at
    # another kiosk: a dossier is made, flagged with the first one's code
    again = post(server.base_url, {**submission(), "documents": [{"pages": ["eA=="]}]},
                 "dup-key-0002", api_key="second-kiosk-key").json()
    assert again["possible_duplicate_of"] == first["dossier_code"]
    other = post(server.base_url, submission(name="Lê Văn Em", citizen_id="001190054321"),
                 "dup-key-0003").json()
    assert other["possible_duplicate_of"] is None
    staff = requests.get(f"{server.base_url}/submissions/flagged", timeout=10,
                         headers={"X-Api-Key": DEMO_API_KEY}).json()["items"]
    assert [(f["kind"], f["dossier_code"], f["duplicate_of"]) for f in staff] == [
        ("possible_duplicate", again["dossier_code"], first["dossier_code"])]
    # the ID number is compared as a keyed digest, never stored in an index in clear
    assert "001190012345" not in json.dumps(db.execute(
        "SELECT applicant_key FROM submissions"))
