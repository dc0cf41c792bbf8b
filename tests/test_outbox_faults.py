"""The outbox against a misbehaving network and a failing kiosk: a 5xx, an answer cut off
after the server has stored the dossier, a full disk, a read-only data folder, an item the
key cannot read, an error text that quotes the applicant. Each time the sender goes on,
the other items go, and, once things work again, each dossier exists exactly once."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import faulty_server as fs
import pytest
from conftest import REPO, TEST_OUTBOX_KEY, kiosk_config, wait_until, write_config
from faulty_server import FaultyServer
from outbox_child import RATING, SUBMISSION

from kiosk.config import load_config
from kiosk.server.run import RunningServer
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.delivery import Sender, deliver_due
from kiosk.store.outbox import Outbox, OutboxError
from kiosk.system.doctor import check_outbox


def send_through(faulty: FaultyServer, tmp_path: Path) -> tuple[Outbox, ApiClient]:
    outbox = Outbox(tmp_path / "outbox.sqlite", TEST_OUTBOX_KEY, retry_first=0.05,
                    retry_max=0.1)
    outbox.put("submission", SUBMISSION)
    client = ApiClient(ClientSettings.from_config(kiosk_config(faulty.base_url, tmp_path)))
    return outbox, client


@pytest.mark.parametrize("failure", [
    fs.error(503, "unavailable", "down for maintenance"),
    fs.error(500),
    fs.forward(cut=0.3),  # the server stored it; the kiosk got half an answer
    fs.reset(),
])
def test_after_a_failure_the_retry_makes_exactly_one_dossier(
        tmp_path: Path, own_api: RunningServer, failure: fs.Behaviour) -> None:
    with FaultyServer(fs.first(1, failure, fs.forward()), upstream=own_api.base_url) as faulty:
        outbox, client = send_through(faulty, tmp_path)
        [failed] = deliver_due(outbox, client)
        assert failed.outcome == "queued" and failed.error
        assert len(outbox.summaries()) == 1
        outbox.retry_now()
        [done] = deliver_due(outbox, client)
        assert done.outcome == "delivered" and done.answer["dossier_code"]
    assert outbox.summaries() == []
    assert own_api.db.count("submissions") == 1


# --- the sender lives through what goes wrong, and the rest still goes -------------------

OTHER_KEY = "Y" * 43 + "="  # a valid outbox key, not the one in the config
LATER = {**SUBMISSION, "applicant": {**SUBMISSION["applicant"], "full_name": "Trần Văn Nam"}}
# an error text that repeats what the person typed, as a careless server might
LEAKY = ("citizen 001190012345 (phone 0912 345 678, hoa@example.vn) already has a dossier "
         "for 0912345678")
PERSONAL = ("001190012345", "0912 345 678", "0912345678", "hoa@example.vn")


def until(condition: Callable[[], bool]) -> bool:
    """Wait for what the sender does in its own thread."""
    return wait_until(condition, timeout=30.0)


def sender_for(outbox: Outbox, base_url: str, tmp_path: Path) -> Sender:
    client = ApiClient(ClientSettings.from_config(kiosk_config(base_url, tmp_path)))
    return Sender(outbox, client, idle_wait=0.5)


def quick_outbox(path: Path, key: str = TEST_OUTBOX_KEY) -> Outbox:
    return Outbox(path, key, retry_first=0.05, retry_max=0.2)


def mount(*args: str) -> None:
    """Run mount(8); skip the test where this machine does not let us (not root, or no
    CAP_SYS_ADMIN in this container)."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or done.returncode}): the "
                    "test needs root with CAP_SYS_ADMIN")


def unmount(target: Path) -> None:
    # lazily: a connection the sender has open at this moment must not make it fail
    subprocess.run(["umount", "-l", str(target)], check=True)


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "1m") -> Iterator[Path]:
    """A real filesystem of `size` at `folder` (tmpfs), for a disk that fills up."""
    folder.mkdir(parents=True, exist_ok=True)
    mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        unmount(folder)


@contextlib.contextmanager
def full(folder: Path) -> Iterator[None]:
    """Fill the filesystem of `folder` to the last page, until the block is left."""
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(handle, b"\0" * 4096)
    except OSError as err:
        assert err.errno == errno.ENOSPC
    finally:
        os.close(handle)
    try:
        yield
    finally:
        filler.unlink()


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` read-only for everyone, root too (a bind mount of itself, remounted ro):
    what an SD card the kernel gave up on looks like."""
    mount("--bind", str(folder), str(folder))
    done = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        unmount(folder)
        pytest.skip(f"cannot remount read-only here ({done.stderr.strip()})")
    try:
        yield
    finally:
        unmount(folder)


@pytest.mark.parametrize("trouble", ["full disk", "read-only folder"])
def test_the_sender_lives_through_a_broken_disk_and_then_sends_everything_once(
        tmp_path: Path, own_api: RunningServer, trouble: str) -> None:
    data = tmp_path / "data"
    with small_disk(data):
        outbox = quick_outbox(data / "outbox.sqlite")
        earlier = outbox.put("submission", SUBMISSION)  # waited for the network
        sender = sender_for(outbox, own_api.base_url, tmp_path)
        try:
            with full(data) if trouble == "full disk" else read_only(data):
                sender.start()
                assert sender.wait_rounds(3, timeout=60)  # each failed, and it went on
                assert sender.running and "outbox" in sender.status().problem
                with pytest.raises(OutboxError):  # the screen is told nothing was stored
                    outbox.put("rating", RATING)
            sender.nudge()
            assert until(lambda: outbox.summaries() == [])
            later = sender.send("submission", LATER, wait=10)
            assert later.outcome == "delivered" and later.answer["dossier_code"]
            assert sender.running and sender.status().problem == ""
            recorded = outbox.sender_status()
            assert recorded is not None and recorded.last_delivery is not None
        finally:
            sender.stop(wait=10)
    assert own_api.db.count("submissions") == 2  # the earlier one once, whatever happened
    assert earlier.key not in repr(later)


def test_a_2xx_answer_with_its_json_cut_off_is_sent_again_and_the_sender_goes_on(
        tmp_path: Path, own_api: RunningServer) -> None:
    # the server stores the dossier; a proxy cuts its answer short, well framed
    cut = fs.forward(cut=0.5, framed=True)
    with FaultyServer(fs.first(1, cut, fs.forward()), upstream=own_api.base_url) as faulty:
        outbox = quick_outbox(tmp_path / "outbox.sqlite")
        sender = sender_for(outbox, faulty.base_url, tmp_path)
        try:
            first = sender.send("submission", SUBMISSION, wait=10)
            assert first.outcome == "queued" and "not valid JSON" in first.error
            assert until(lambda: outbox.summaries() == [])  # asked again: the same dossier
            later = sender.send("rating", RATING, wait=10)
            assert later.outcome == "delivered" and sender.running
        finally:
            sender.stop(wait=10)
    assert own_api.db.count("submissions") == 1 and own_api.db.count("ratings") == 1


def flip_a_byte(path: Path, key: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        (sealed,) = db.execute("SELECT payload FROM items WHERE key = ?", (key,)).fetchone()
        damaged = bytearray(sealed)
        damaged[len(damaged) // 2] ^= 0x01
        db.execute("UPDATE items SET payload = ? WHERE key = ?", (bytes(damaged), key))


def kiosk_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.cli.main", *args],
                          capture_output=True, text=True, timeout=60, cwd=REPO, check=False)


def test_an_unreadable_item_is_set_aside_listed_failed_by_the_doctor_and_blocks_nothing(
        tmp_path: Path, own_api: RunningServer) -> None:
    config_file = write_config(tmp_path / "kiosk.toml", own_api.base_url, tmp_path / "data")
    config = load_config(str(config_file), environ={})
    outbox = quick_outbox(config.outbox_path)
    damaged = outbox.put("submission", SUBMISSION)
    flip_a_byte(config.outbox_path, damaged.key)
    foreign = quick_outbox(config.outbox_path, OTHER_KEY).put("rating", RATING)
    behind = outbox.put("rating", RATING)  # the oldest two stand in front of it
    # the kiosk was off when the key changed: the doctor sees it before the sender does
    before = check_outbox(config)
    assert before.status == "fail"
    assert damaged.reference in before.detail and foreign.reference in before.detail
    assert "kiosk outbox discard" in before.fix and "put back the key" in before.fix

    sender = sender_for(outbox, own_api.base_url, tmp_path)
    try:
        sender.start()
        assert until(lambda: outbox.find(behind.reference) is None)
    finally:
        sender.stop(wait=10)
    assert own_api.db.count("ratings") == 1 and own_api.db.count("submissions") == 0
    assert {s.reference: s.state for s in outbox.summaries()} == {
        damaged.reference: "quarantined", foreign.reference: "quarantined"}

    listed = kiosk_cli("outbox", "--config", str(config_file))
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "unreadable" in rows[damaged.reference] and "unreadable" in rows[foreign.reference]
    assert "2 cannot be read with the outbox key" in listed.stdout
    assert "kiosk outbox discard" in listed.stdout and "sender: last ran" in listed.stdout
    after = check_outbox(config)
    assert after.status == "fail" and "2 of 2 items cannot be read" in after.detail

    # the fix: the key the foreign item was written with goes back, and it is sent ...
    released = quick_outbox(config.outbox_path, OTHER_KEY)
    assert released.retry_now() == 1
    client = ApiClient(ClientSettings.from_config(config))
    assert [d.outcome for d in deliver_due(released, client)] == ["delivered"]
    assert own_api.db.count("ratings") == 2
    # ... and staff, having seen the person, discard the damaged one
    refused = kiosk_cli("outbox", "discard", damaged.reference, "--config", str(config_file))
    assert refused.returncode == 0 and "discarded" in refused.stdout
    assert check_outbox(config).status == "pass"


def test_no_id_number_or_phone_from_an_api_error_is_stored_or_printed(
        tmp_path: Path, own_api: RunningServer) -> None:
    leaky = fs.first(1, fs.error(500, "db_down", LEAKY), fs.error(400, "duplicate", LEAKY))
    with FaultyServer(routes={"/v1/submissions": leaky}, upstream=own_api.base_url) as faulty:
        config_file = write_config(tmp_path / "kiosk.toml", faulty.base_url, tmp_path / "data")
        config = load_config(str(config_file), environ={})
        item = quick_outbox(config.outbox_path).put("submission", SUBMISSION)
        retried = kiosk_cli("outbox", "flush", "--config", str(config_file))
        refused = kiosk_cli("outbox", "flush", "--config", str(config_file))
    listed = kiosk_cli("outbox", "--config", str(config_file))
    assert "the central API failed (HTTP 500)" in retried.stdout
    assert "refused it (HTTP 400, duplicate)" in refused.stdout
    assert item.reference in listed.stdout and "HTTP 400, duplicate" in listed.stdout
    printed = "".join(done.stdout + done.stderr for done in (retried, refused, listed))
    stored = b"".join(path.read_bytes() for path in config.outbox_path.parent.glob(
        "outbox.sqlite*"))
    for secret in PERSONAL:
        assert secret not in printed and secret.encode() not in stored
    # an outbox from an older version stored the answer's text: redacted when shown
    with contextlib.closing(sqlite3.connect(config.outbox_path)) as db, db:
        db.execute("UPDATE items SET last_error = ?", (LEAKY,))
    shown = kiosk_cli("outbox", "--config", str(config_file)).stdout
    assert "already has a dossier" in shown
    assert not any(secret in shown for secret in PERSONAL)
