"""A reviewer's attacks on the reference API, on SQLite and PostgreSQL alike: text that one
engine stores and the other cannot, JSON nested past what the server can write back, a
kiosk's retry after the catalogue changed, and wrong PINs sent all at once. Real servers
over loopback HTTP."""

from __future__ import annotations

import threading
from pathlib import Path

import requests

from kiosk.server.app import PIN_ATTEMPTS
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.run import open_db, start_in_thread

KEY = {"X-Api-Key": DEMO_API_KEY}
AGENCY = "000.00.10.H29"


def _submission(**extra: object) -> dict[str, object]:
    return {"procedure_code": "1.001193", "agency": AGENCY,
            "applicant": {"full_name": "Trần Văn Bình", "citizen_id": "079123456789"},
            "documents": [], **extra}


def test_a_nul_character_gets_400_on_both_engines_never_500(
        server_db_target: Path | str) -> None:
    # PostgreSQL cannot store or compare text holding U+0000 (SQLite can): every route
    # that puts a text straight into a column answers 400 on both, never 500 on one
    db = open_db(server_db_target)
    server = start_in_thread(db)
    base = server.base_url
    try:
        answers = {
            "procedures?field": requests.get(f"{base}/procedures", params={"field": "a\0b"},
                                             headers=KEY, timeout=10),
            "forms/{code}/pdf": requests.get(f"{base}/forms/a%00b/pdf", headers=KEY,
                                             timeout=10),
            "forms/{code}/sample": requests.get(f"{base}/forms/a%00b/sample", headers=KEY,
                                                timeout=10),
            "ratings agency": requests.post(
                f"{base}/ratings", json={"agency": "a\0b", "overall": 3}, timeout=10,
                headers={**KEY, "Idempotency-Key": "rating-nul-0001"}),
            "handoffs case": requests.post(
                f"{base}/handoffs", json={"procedure_code": "1.001193", "case": "x\0y"},
                headers=KEY, timeout=10),
        }
        assert {what: a.status_code for what, a in answers.items()} == {
            what: 400 for what in answers}, {what: a.text[:100] for what, a in answers.items()}
        page = requests.get(f"http://{server.host}:{server.port}/h/a%00b", timeout=10)
        assert page.status_code == 410  # a hand-off link that is not one: "expired"
        # the server is still whole: the same kinds of request without the NUL go through
        fine = requests.post(f"{base}/ratings", json={"agency": "ab", "overall": 3},
                             headers={**KEY, "Idempotency-Key": "rating-nul-0002"}, timeout=10)
        assert fine.status_code == 201
    finally:
        server.stop()
        db.close()


def test_json_nested_deeper_than_the_server_writes_back_gets_400(
        server_db_target: Path | str) -> None:
    # a few hundred levels parse, but could not be stored (pydantic stops writing JSON at
    # 255 levels): refused when it comes in, not a 500 after the route has run
    db = open_db(server_db_target)
    server = start_in_thread(db)
    try:
        for depth in (300, 900):
            nested = "[" * depth + "]" * depth
            body = ('{"procedure_code": "1.001193", "agency": "' + AGENCY + '", "applicant": '
                    '{"full_name": "A", "x": ' + nested + '}, "documents": []}')
            answer = requests.post(f"{server.base_url}/submissions", data=body.encode(),
                                   timeout=30, headers={**KEY, "Idempotency-Key":
                                                        f"deep-key-{depth:04d}",
                                                        "Content-Type": "application/json"})
            assert answer.status_code == 400, (depth, answer.text[:200])
        assert db.count("submissions") == 0
        ordinary = requests.post(f"{server.base_url}/submissions",
                                 json=_submission(documents=[{"pages": [{"a": [[1]]}]}]),
                                 headers={**KEY, "Idempotency-Key": "deep-key-ok01"},
                                 timeout=30)
        assert ordinary.status_code == 201
    finally:
        server.stop()
        db.close()


def test_a_retry_gets_the_first_answer_even_after_the_procedure_was_withdrawn(
        server_db_target: Path | str) -> None:
    # the kiosk's first request made the dossier but its answer was lost; the procedure is
    # then withdrawn from the catalogue. The retry (same kiosk, same Idempotency-Key) must
    # get the same dossier, not "refused": the person would be sent to the counter for a
    # dossier that exists, and staff would see it as refused by its reference
    db = open_db(server_db_target)
    server = start_in_thread(db)
    headers = {**KEY, "Idempotency-Key": "withdrawn-key-01"}
    body = _submission(reference="K7P-3F9A")
    try:
        first = requests.post(f"{server.base_url}/submissions", json=body, headers=headers,
                              timeout=10)
        assert first.status_code == 201
        db.execute("UPDATE procedures SET deleted = 1 WHERE code = ?", ("1.001193",))
        again = requests.post(f"{server.base_url}/submissions", json=body, headers=headers,
                              timeout=10)
        assert again.status_code == 200, again.text
        assert again.json() == first.json()
        state = requests.get(f"{server.base_url}/submissions/by-reference/K7P-3F9A",
                             headers=KEY, timeout=10).json()
        assert (state["state"], state["dossier_code"]) == ("sent",
                                                           first.json()["dossier_code"])
        # a new request (another key) for the withdrawn procedure is refused as before
        other = requests.post(f"{server.base_url}/submissions", json=body, timeout=10,
                              headers={**KEY, "Idempotency-Key": "withdrawn-key-02"})
        assert (other.status_code, other.json()["error"]["code"]) == (400,
                                                                      "unknown_procedure")
    finally:
        server.stop()
        db.close()


def test_wrong_pins_sent_all_at_once_are_still_only_a_few(
        server_db_target: Path | str) -> None:
    db = open_db(server_db_target)
    code, pin = db.execute("SELECT code, lookup_pin FROM dossiers WHERE lookup_pin IS NOT "
                           "NULL ORDER BY code LIMIT 1")[0]
    wrong = "0000" if pin != "0000" else "1111"
    server = start_in_thread(db)
    sends = 40
    barrier = threading.Barrier(sends)
    statuses: list[tuple[int, str]] = []

    def guess() -> None:
        barrier.wait()
        answer = requests.get(f"{server.base_url}/dossiers/{code}", params={"pin": wrong},
                              headers=KEY, timeout=30)
        statuses.append((answer.status_code, answer.json()["error"]["code"]))

    try:
        threads = [threading.Thread(target=guess) for _ in range(sends)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(statuses) == sends
        assert statuses.count((403, "pin_incorrect")) <= PIN_ATTEMPTS, statuses
    finally:
        server.stop()
        db.close()


def test_a_slip_reference_keeps_the_dossier_first_made_under_it(
        server_db_target: Path | str) -> None:
    from test_submission_chain import post, submission

    db = open_db(server_db_target)
    db.add_api_key("second-kiosk-key", "second-kiosk")
    server = start_in_thread(db)
    try:
        first = post(server.base_url, {**submission(), "reference": "K7P-3F9A"}, "ref-1-0001")
        # another kiosk sends under the same reference: a refusal, then a new dossier
        post(server.base_url, {**submission(procedure="9.999999"), "reference": "K7P-3F9A"},
             "ref-2-0001", api_key="second-kiosk-key")
        post(server.base_url, {**submission(name="Lê Văn Em", citizen_id="001190054321"),
                               "reference": "K7P-3F9A"}, "ref-2-0002",
             api_key="second-kiosk-key")
        found = db.by_reference("K7P-3F9A")
        assert found["state"] == "sent"
        assert found["dossier_code"] == first.json()["dossier_code"]
    finally:
        server.stop()
        db.close()
