"""The outbox: durable, encrypted at rest, delivered exactly once through failures, kills
and restarts, against the real reference server over loopback."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, TEST_OUTBOX_KEY, kiosk_config, write_config
from cryptography.fernet import Fernet
from outbox_child import SUBMISSION

from kiosk.server.run import RunningServer, open_db
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.delivery import Sender, deliver_due
from kiosk.store.outbox import Outbox, OutboxError, UnreadableItem, content_key

CHILD = Path(__file__).with_name("outbox_child.py")
OTHER_KEY = "Y" * 43 + "="  # a valid outbox key, not the one the items were written with


def outbox_at(path: Path, key: str = TEST_OUTBOX_KEY) -> Outbox:
    return Outbox(path, key, retry_first=0.05, retry_max=0.2)


def client_for(base_url: str, data: Path) -> ApiClient:
    return ApiClient(ClientSettings.from_config(kiosk_config(base_url, data)))


def submissions(server: RunningServer) -> int:
    return server.db.count("submissions")


def test_items_are_encrypted_at_rest_and_listed_without_personal_data(tmp_path: Path) -> None:
    outbox = outbox_at(tmp_path / "outbox.sqlite")
    summary = outbox.put("submission", SUBMISSION)
    raw = (tmp_path / "outbox.sqlite").read_bytes() + b"".join(
        p.read_bytes() for p in tmp_path.glob("outbox.sqlite-*"))
    for secret in ("Nguyễn Thị Hoa", "001190012345", "0912345678"):
        assert secret.encode() not in raw
    listed = outbox.summaries()
    assert [s.reference for s in listed] == [summary.reference]
    assert "Hoa" not in repr(listed) and "001190012345" not in repr(listed)
    item = outbox.get(summary.key)
    assert item is not None and item.payload == SUBMISSION
    # another key cannot read it: set aside (quarantined), not handed to the sender
    other = outbox_at(tmp_path / "outbox.sqlite", key=OTHER_KEY)
    assert other.due() == []
    [kept] = other.summaries()
    assert kept.state == "quarantined" and "another key" in kept.last_error
    with pytest.raises(UnreadableItem, match="cannot be decrypted with this outbox key"):
        other.get(summary.key)
    assert [s.reference for s in other.unreadable()] == [summary.reference]
    # the right key back: "send now" gives it back to the sender
    assert outbox.retry_now() == 1 and outbox.find(summary.reference).state == "waiting"
    assert outbox.unreadable() == [] and [i.key for i in outbox.due()] == [summary.key]
    with pytest.raises(OutboxError, match="no outbox key"):
        Outbox(tmp_path / "o2.sqlite", "")
    with pytest.raises(OutboxError, match="32 bytes"):
        Outbox(tmp_path / "o2.sqlite", "short")


def test_an_outbox_from_the_first_version_is_taken_over_without_the_old_error_texts(
        tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    sealed = Fernet(TEST_OUTBOX_KEY.encode()).encrypt(json.dumps(SUBMISSION).encode())
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE items (key TEXT PRIMARY KEY, kind TEXT NOT NULL, reference "
                   "TEXT NOT NULL, created REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT "
                   "0, next_try REAL NOT NULL, last_error TEXT NOT NULL DEFAULT '', refused "
                   "INTEGER NOT NULL DEFAULT 0, payload BLOB NOT NULL)")
        leaky = "the central API refused the request (400: Nguyễn Thị Hoa 001190012345)"
        db.executemany("INSERT INTO items VALUES (?, 'submission', ?, 1, 1, 1, ?, ?, ?)",
                       [("k1", "AAA-AAAA", leaky, 1, sealed), ("k2", "BBB-BBBB", leaky, 0,
                                                               sealed)])
    outbox = outbox_at(path)
    refused, waiting = outbox.summaries()
    assert (refused.state, waiting.state) == ("refused", "waiting")
    assert "Hoa" not in refused.last_error and refused.last_error and not waiting.last_error
    assert [item.payload for item in outbox.due()] == [SUBMISSION]


def test_the_same_content_key_is_stored_once(tmp_path: Path) -> None:
    outbox = outbox_at(tmp_path / "outbox.sqlite")
    key = content_key("submission", SUBMISSION, "kiosk-1/2026-11-25")
    first = outbox.put("submission", SUBMISSION, key)
    again = outbox.put("submission", dict(SUBMISSION), key)
    assert first == again and len(outbox.summaries()) == 1
    assert content_key("submission", SUBMISSION, "kiosk-1/2026-11-26") != key


def test_delivered_once_through_a_dead_network_and_purged(tmp_path: Path,
                                                          own_api: RunningServer) -> None:
    outbox = outbox_at(tmp_path / "outbox.sqlite")
    outbox.put("submission", SUBMISSION)
    down = client_for("http://127.0.0.1:9/v1", tmp_path)  # nothing listens on port 9
    [failed] = deliver_due(outbox, down)
    assert failed.outcome == "queued" and failed.error
    [waiting] = outbox.summaries()
    assert waiting.attempts == 1 and waiting.next_try > waiting.created and not waiting.refused
    assert outbox.due(now=waiting.created) == []  # backing off
    outbox.retry_now()
    [done] = deliver_due(outbox, client_for(own_api.base_url, tmp_path))
    assert done.outcome == "delivered" and done.answer["dossier_code"]
    assert outbox.summaries() == [] and submissions(own_api) == 1


def test_an_item_the_api_refuses_is_kept_for_staff_and_not_retried(tmp_path: Path,
                                                                  own_api: RunningServer) -> None:
    outbox = outbox_at(tmp_path / "outbox.sqlite")
    outbox.put("submission", {**SUBMISSION, "procedure_code": "9.999999"})
    [refused] = deliver_due(outbox, client_for(own_api.base_url, tmp_path))
    # the reason is the kiosk's: the status and the API's code, not the answer's text
    assert refused.outcome == "refused" and "HTTP 400, unknown_procedure" in refused.error
    assert "9.999999" not in refused.error
    [kept] = outbox.summaries()
    assert kept.refused and outbox.due(now=kept.next_try + 3600) == []
    assert submissions(own_api) == 0


def test_the_sender_answers_while_the_person_waits_or_says_queued(tmp_path: Path,
                                                                 own_api: RunningServer) -> None:
    outbox = outbox_at(tmp_path / "outbox.sqlite")
    sender = Sender(outbox, client_for(own_api.base_url, tmp_path))
    try:
        delivered = sender.send("submission", SUBMISSION, wait=10)
        assert delivered.outcome == "delivered" and delivered.answer["dossier_code"]
    finally:
        sender.stop()
    offline = Sender(outbox, client_for("http://127.0.0.1:9/v1", tmp_path))
    try:
        queued = offline.send("rating", {"agency": "000.00.10.H29", "overall": 1}, wait=0.5)
        assert queued.outcome == "queued" and len(queued.reference) == 8
    finally:
        offline.stop()
    assert [s.kind for s in outbox.summaries()] == ["rating"]


def test_a_full_disk_is_an_outbox_error_and_nothing_is_half_stored(tmp_path: Path) -> None:
    outbox = outbox_at(tmp_path / "outbox.sqlite")
    with sqlite3.connect(tmp_path / "outbox.sqlite") as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    # SQLite's own limit on the file's size stands in for a full disk
    full = outbox_at(tmp_path / "outbox.sqlite")
    original = full._db

    def capped(*args):  # type: ignore[no-untyped-def]
        manager = original(*args)
        db = manager.__enter__()
        db.execute(f"PRAGMA max_page_count = {pages}")
        return _Entered(manager, db)
    full._db = capped  # type: ignore[method-assign]
    with pytest.raises(OutboxError, match="cannot store"):
        full.put("submission", {**SUBMISSION, "documents": ["x" * page_size * 4]})
    assert outbox.summaries() == []


class _Entered:
    def __init__(self, manager, db) -> None:  # type: ignore[no-untyped-def]
        self.manager, self.db = manager, db

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self.db

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        return self.manager.__exit__(*exc)


@pytest.mark.parametrize("crash_at", ["before_commit", "after_commit", "after_request"])
def test_killed_at_any_step_then_restarted_makes_exactly_one_dossier(
        tmp_path: Path, own_api: RunningServer, crash_at: str) -> None:
    # the outbox key is in the secrets file written beside the config
    config = write_config(tmp_path / "kiosk.toml", own_api.base_url, tmp_path / "data")
    killed = subprocess.run([sys.executable, str(CHILD), str(config), crash_at],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert killed.returncode == -9, killed.stderr
    expected_before = 1 if crash_at == "after_request" else 0
    assert submissions(own_api) == expected_before
    # the kiosk starts again: the outbox is flushed (`kiosk outbox flush`), and the person,
    # who was never shown a receipt, presses "Send" again with the same papers
    flushed = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "outbox", "flush",
                              "--config", str(config)], capture_output=True, text=True,
                             timeout=60, cwd=REPO)
    assert flushed.returncode == 0, flushed.stdout + flushed.stderr
    again = subprocess.run([sys.executable, str(CHILD), str(config), "none"],
                           capture_output=True, text=True, timeout=60, cwd=REPO)
    assert again.returncode == 0, again.stderr
    answer = json.loads(again.stdout)
    assert answer["outcome"] == "delivered"
    assert submissions(own_api) == 1
    assert own_api.db.count("dossiers") == _demo_dossiers(tmp_path) + 1
    listed = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "outbox", "--config",
                             str(config)], capture_output=True, text=True, timeout=60,
                            cwd=REPO)
    assert "the outbox is empty" in listed.stdout


def _demo_dossiers(tmp_path: Path) -> int:
    return open_db(tmp_path / "fresh.sqlite").count("dossiers")


def test_a_submission_carries_its_slip_reference_and_a_refusal_keeps_its_code(
        own_api: RunningServer, tmp_path: Path) -> None:
    outbox = outbox_at(tmp_path / "outbox.sqlite")
    sent = outbox.put("submission", SUBMISSION, content_key("submission", SUBMISSION, "t"))
    offline = next(code for (code,) in own_api.db.execute(
        "SELECT code FROM procedures WHERE deleted = 0")
        if json.loads(own_api.db.procedure(code))["online_level"] == "none")
    refused = outbox.put("submission", {**SUBMISSION, "procedure_code": offline})
    assert outbox.local_state(sent.reference).refused is False  # waiting
    done = deliver_due(outbox, client_for(own_api.base_url, tmp_path))
    assert [d.outcome for d in done] == ["delivered", "refused"]
    assert done[1].api_code == "not_online"
    # the central API knows both by the reference on the person's slip
    found = own_api.db.by_reference(sent.reference)
    assert found["state"] == "sent" and found["dossier_code"] == done[0].answer["dossier_code"]
    assert own_api.db.by_reference(refused.reference)["reason"] == "not_online"
    # the kiosk knows the refused one too, with the code the person's screen puts in words
    assert outbox.local_state(sent.reference) is None  # delivered: it left the outbox
    here = outbox.local_state(refused.reference)
    assert here.refused and here.api_code == "not_online"


def test_the_same_person_procedure_and_agency_within_a_day_is_found_before_sending(
        own_api: RunningServer, tmp_path: Path) -> None:
    clock = [1_000_000.0]
    outbox = Outbox(tmp_path / "outbox.sqlite", TEST_OUTBOX_KEY, retry_first=0.05,
                    retry_max=0.2, clock=lambda: clock[0])
    assert outbox.earlier_submission(SUBMISSION) is None
    first = outbox.put("submission", SUBMISSION)
    # re-photographed after a crash: other pages, another key, the same person
    again = {**SUBMISSION, "documents": [{"component": "to-khai", "pages": 2}]}
    earlier = outbox.earlier_submission(again)
    assert earlier is not None and earlier.reference == first.reference
    assert earlier.dossier_code == "" and earlier.sent_at == clock[0]
    [delivery] = deliver_due(outbox, client_for(own_api.base_url, tmp_path))
    assert outbox.earlier_submission(again).dossier_code == delivery.answer["dossier_code"]
    other_person = {**SUBMISSION, "applicant": {**SUBMISSION["applicant"],
                                                "citizen_id": "001190054321"}}
    other_procedure = {**SUBMISSION, "procedure_code": "1.000894"}
    no_number = {**SUBMISSION, "applicant": {"full_name": "Nguyễn Thị Hoa"}}
    for payload in (other_person, other_procedure, no_number):
        assert outbox.earlier_submission(payload) is None
    clock[0] += 24 * 3600 + 1  # a day later it is a new matter
    assert outbox.earlier_submission(again) is None
    # and the note itself is gone by the next start of the kiosk
    Outbox(tmp_path / "outbox.sqlite", TEST_OUTBOX_KEY, clock=lambda: clock[0])
    with contextlib.closing(sqlite3.connect(tmp_path / "outbox.sqlite")) as db:
        assert db.execute("SELECT count(*) FROM recent_submissions").fetchone()[0] == 0
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("outbox.sqlite*"))
    assert b"001190012345" not in raw  # the check keeps a keyed digest, not the number
