"""Queue numbers at the reference API: never the same number twice, whatever the number of
kiosks, server processes and database; counters call the next; a new day starts at 1."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from api_process import serve_api
from conftest import kiosk_config

from kiosk.server.app import Limits
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.queue_db import ServiceArea, read_service_areas
from kiosk.server.run import RunningServer, open_db, start_in_thread
from kiosk.store.client import ApiClient, ApiError, ApiNotFound, ClientSettings
from kiosk.store.queue_numbers import QueueTicket, call_next, service_areas, take_number

SECOND_KEY = "second-kiosk-key"


def take(base_url: str, area: str, key: str, api_key: str = DEMO_API_KEY
         ) -> requests.Response:
    return requests.post(f"{base_url}/queue/tickets", json={"area": area}, timeout=30,
                         headers={"X-Api-Key": api_key, "Idempotency-Key": key})


def call(base_url: str, area: str, counter: str) -> requests.Response:
    return requests.post(f"{base_url}/queue/areas/{area}/next", json={"counter": counter},
                         headers={"X-Api-Key": DEMO_API_KEY}, timeout=30)


@pytest.fixture
def workers_api(server_db_target: Path | str) -> Iterator[str]:
    """`kiosk serve-api --workers 2` in its own process, with two kiosks' keys."""
    db = open_db(server_db_target)
    db.add_api_key(SECOND_KEY, "second-kiosk")
    db.close()
    with serve_api(server_db_target, workers=2) as api:
        yield api.base_url


def test_two_kiosks_taking_numbers_at_once_never_get_the_same_one(workers_api: str) -> None:
    """Two kiosks (their own API keys), twelve people each pressing at once, some answers
    lost and asked for again, against two server processes; then two counters call at
    once."""
    requests_made = [(kiosk, f"ticket-{kiosk[:6]}-{i:02d}") for kiosk in (DEMO_API_KEY,
                                                                         SECOND_KEY)
                     for i in range(12)]
    requests_made += requests_made[:3] + requests_made[12:15]  # sent again, as after a loss
    answers: dict[int, requests.Response] = {}
    barrier = threading.Barrier(len(requests_made))

    def press(i: int) -> None:
        api_key, key = requests_made[i]
        barrier.wait()
        answers[i] = take(workers_api, "HT", key, api_key)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(requests_made))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.status_code in (200, 201) for r in answers.values()), \
        [r.text for r in answers.values()]
    by_request: dict[tuple[str, str], set[int]] = {}
    for i, answer in answers.items():
        by_request.setdefault(requests_made[i], set()).add(answer.json()["number"])
    assert all(len(numbers) == 1 for numbers in by_request.values())  # one key, one number
    numbers = sorted(next(iter(n)) for n in by_request.values())
    assert numbers == list(range(1, 25))  # 24 people, 24 numbers, none skipped
    assert sum(r.status_code == 201 for r in answers.values()) == 24

    called: list[int] = []
    lock = threading.Lock()
    counters = threading.Barrier(2)

    def counter(name: str) -> None:
        counters.wait()
        for _ in range(12):
            number = call(workers_api, "HT", name).json()["number"]
            with lock:
                called.append(number)

    pair = [threading.Thread(target=counter, args=(name,)) for name in ("1", "2")]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join()
    assert sorted(called) == list(range(1, 25))  # each number called once, by one counter
    last = call(workers_api, "HT", "1").json()
    assert last["number"] is None and last["waiting"] == 0


@pytest.fixture
def queue_api(tmp_path: Path) -> Iterator[tuple[RunningServer, ServerDB]]:
    db = open_db(tmp_path / "queue-api.sqlite")
    db.add_api_key(SECOND_KEY, "second-kiosk")
    server = start_in_thread(db, limits=Limits(queue_numbers_per_key=(5, 60.0)))
    yield server, db
    server.stop()


def test_counters_call_the_next_number_and_the_waiting_counts_follow(
        queue_api: tuple[RunningServer, ServerDB]) -> None:
    server, _ = queue_api
    base = server.base_url
    first = take(base, "DD", "dd-first-1").json()
    assert (first["number"], first["waiting"], first["area_name"], first["counters"]) == \
        (1, 0, "Đất đai – Xây dựng", ["3"])
    assert take(base, "DD", "dd-second-2").json()["waiting"] == 1
    assert take(base, "DD", "dd-third-3").json()["waiting"] == 2
    areas = {a["code"]: a for a in requests.get(
        f"{base}/queue/areas", headers={"X-Api-Key": DEMO_API_KEY}, timeout=10).json()["items"]}
    assert areas["DD"]["waiting"] == 3 and areas["HT"]["waiting"] == 0
    assert areas["DD"]["fields"] == ["Đất đai", "Xây dựng"]
    assert call(base, "DD", "3").json() == {"area": "DD", "counter": "3", "number": 1,
                                            "waiting": 2}
    # a number taken now waits behind the two not yet called
    assert take(base, "DD", "dd-fourth-4").json() | {"issued_at": ""} == {
        "area": "DD", "area_name": "Đất đai – Xây dựng", "counters": ["3"],
        "day": date.today().isoformat(), "number": 4, "waiting": 2, "issued_at": ""}
    wrong = call(base, "DD", "1")  # counter 1 serves Hộ tịch, not land
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "unknown_counter"
    unknown = call(base, "ZZ", "1")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_area"
    assert take(base, "ZZ", "zz-unknown-1").json()["error"]["code"] == "unknown_area"


def test_the_same_key_gets_its_number_again_and_cannot_take_another_areas(
        queue_api: tuple[RunningServer, ServerDB]) -> None:
    server, _ = queue_api
    first = take(server.base_url, "HT", "same-key-01")
    again = take(server.base_url, "HT", "same-key-01")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    # another kiosk's same key is its own request
    other = take(server.base_url, "HT", "same-key-01", SECOND_KEY)
    assert other.status_code == 201 and other.json()["number"] == 2
    moved = take(server.base_url, "DD", "same-key-01")
    assert moved.status_code == 409
    assert moved.json()["error"]["code"] == "idempotency_key_reused"
    assert take(server.base_url, "DD", "fresh-key-01").json()["number"] == 1  # none lost


def test_numbers_start_again_at_one_each_day(tmp_path: Path) -> None:
    db = ServerDB(tmp_path / "days.sqlite")
    area = ServiceArea("HT", "Hộ tịch", ["1", "2"], ["Hộ tịch"])
    db.set_service_areas([area])
    yesterday, today = date.today() - timedelta(days=1), date.today()
    assert [db.take_number(area, yesterday, "k", f"y-{i}").number for i in range(3)] == \
        [1, 2, 3]
    assert db.call_next("HT", "1", yesterday).number == 1
    first_today = db.take_number(area, today, "k", "t-0")
    assert (first_today.number, first_today.waiting) == (1, 0)  # yesterday's two are gone
    assert db.service_areas(today) == [(area, 1)]
    assert db.service_areas(yesterday) == [(area, 2)]
    assert db.call_next("HT", "2", today).number == 1
    assert db.call_next("HT", "2", today).number is None
    db.close()


def test_a_kiosk_asking_too_often_is_told_to_wait(
        queue_api: tuple[RunningServer, ServerDB]) -> None:
    server, _ = queue_api
    answers = [take(server.base_url, "CT", f"flood-key-{i:02d}") for i in range(6)]
    assert [a.status_code for a in answers] == [201] * 5 + [429]
    assert answers[-1].json()["error"]["code"] == "rate_limited"
    assert int(answers[-1].headers["Retry-After"]) >= 1
    # the other kiosk has its own allowance
    assert take(server.base_url, "CT", "flood-key-00", SECOND_KEY).status_code == 201


def test_the_kiosk_takes_a_number_and_offline_it_gets_none(
        queue_api: tuple[RunningServer, ServerDB], tmp_path: Path) -> None:
    server, _ = queue_api
    client = ApiClient(ClientSettings.from_config(kiosk_config(server.base_url, tmp_path)))
    areas = service_areas(client)
    assert [a.code for a in areas] == ["HT", "DD", "CT", "XH"]
    assert areas[0].counters == ("1", "2") and areas[0].waiting == 0
    ticket = take_number(client, "HT")
    assert isinstance(ticket, QueueTicket)
    assert (ticket.number, ticket.area_name, ticket.counters, ticket.waiting) == \
        (1, "Hộ tịch – Chứng thực", ("1", "2"), 0)
    assert ticket.issued_at.date() == date.today()
    assert take_number(client, "HT", "kiosk-key-1").number == 2
    assert take_number(client, "HT", "kiosk-key-1").number == 2  # asked again: the same
    called = call_next(client, "HT", "2")
    assert (called.number, called.waiting) == (1, 1)
    with pytest.raises(ApiNotFound):
        take_number(client, "ZZ")
    server.stop()
    with pytest.raises(ApiError):
        take_number(client, "HT")  # no server: an error, never a number of the kiosk's own


def test_a_centre_sets_its_service_areas_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "areas.json"
    path.write_text('{"service_areas": [{"code": "TN", "name": "Tiếp nhận chung", '
                    '"counters": ["1", "2", "3"], "fields": []}]}', encoding="utf-8")
    target = tmp_path / "centre.sqlite"
    done = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "import-service-areas",
                           str(path), "--db", str(target)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "1 service areas: TN"
    db = ServerDB(target)
    assert db.service_areas(date.today()) == [
        (ServiceArea("TN", "Tiếp nhận chung", ["1", "2", "3"], []), 0)]
    db.close()
    path.write_text('{"service_areas": [{"code": "tn", "name": "x", "counters": []}]}',
                    encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "import-service-areas",
                          str(path), "--db", str(target)], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 1 and "service_areas[0]" in bad.stderr


def test_a_service_areas_file_with_a_bad_entry_is_refused_with_its_place(
        tmp_path: Path) -> None:
    path = tmp_path / "areas.json"
    path.write_text('{"service_areas": [{"code": "HT", "name": "Hộ tịch", "counters": ["1"]},'
                    ' {"code": "bad code", "name": "X", "counters": ["2"]}]}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"service_areas\[1\]"):
        read_service_areas(path)
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a service areas file"):
        read_service_areas(path)
