"""Usage counts on the kiosk: kept across restarts, batched with a stable id, never personal
data, and never an error for the screen that counts."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from kiosk.store.usage import UsageLog


def counts(log: UsageLog) -> dict[tuple[str, str], int]:
    batch = log.take_batch()
    return {} if batch is None else {(c.event, c.detail): c.count for c in batch.counts}


def test_counts_persist_across_a_restart(tmp_path: Path) -> None:
    log = UsageLog(tmp_path / "usage.sqlite")
    for _ in range(3):
        assert log.count("procedure_viewed", "1.001193")
    log.count_search(found=False)
    log.count_search(found=True)
    log.close()
    again = UsageLog(tmp_path / "usage.sqlite")
    assert again.pending() == 6
    assert counts(again) == {("procedure_viewed", "1.001193"): 3, ("search", ""): 2,
                             ("search_no_result", ""): 1}


def test_a_batch_keeps_its_id_until_acknowledged_and_new_counts_wait_for_the_next(
        tmp_path: Path) -> None:
    days = iter([date(2026, 1, 30), date(2026, 1, 31), date(2026, 1, 31), date(2026, 1, 31)])
    log = UsageLog(tmp_path / "usage.sqlite", today=lambda: next(days))
    log.count("search")
    log.count("search")
    first = log.take_batch()
    assert first is not None and {(c.day, c.count) for c in first.counts} == {
        ("2026-01-30", 1), ("2026-01-31", 1)}
    log.count("search")  # while the batch is in flight (the send failed, say)
    log.close()
    reopened = UsageLog(tmp_path / "usage.sqlite", today=lambda: date(2026, 1, 31))
    resent = reopened.take_batch()
    assert resent == first  # the same id and counts: the server can tell it was sent before
    reopened.acknowledge(first.id)
    following = reopened.take_batch()
    assert following is not None and following.id != first.id
    assert [(c.day, c.event, c.count) for c in following.counts] == [
        ("2026-01-31", "search", 1)]
    reopened.acknowledge(following.id)
    assert reopened.take_batch() is None and reopened.pending() == 0


def test_a_big_backlog_goes_in_several_batches(tmp_path: Path) -> None:
    log = UsageLog(tmp_path / "usage.sqlite")
    for i in range(5):
        log.count("procedure_viewed", f"1.00000{i}")
    sizes = []
    while (batch := log.take_batch(limit=2)) is not None:
        sizes.append(len(batch.counts))
        log.acknowledge(batch.id)
    assert sizes == [2, 2, 1]


@pytest.mark.parametrize(("event", "detail"), [
    ("procedure_viewed", "Nguyễn Văn An"), ("procedure_viewed", "0912345678"),
    ("procedure_viewed", "001204012345"), ("search", "khai sinh"),  # no words of a search
    ("search_no_result", "1.001193"), ("dossier_lookup", "000.00.20.H29-201117-0001"),
    ("typed_text", ""), ("procedure_viewed", "1.001193 Nguyễn"),
])
def test_anything_but_a_procedure_code_is_refused_and_not_stored(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, event: str, detail: str) -> None:
    log = UsageLog(tmp_path / "usage.sqlite")
    assert log.count(event, detail) is False
    assert log.pending() == 0
    log.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert detail.encode() not in stored or not detail
    assert not detail or detail not in caplog.text  # not in the log either


def test_a_full_disk_drops_the_count_with_one_warning_and_never_raises(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = UsageLog(tmp_path / "usage.sqlite")
    log.count("search")
    db = log._db()
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    # SQLite's own limit on the file's size stands in for a full disk
    db.execute(f"PRAGMA max_page_count = {pages}")
    with caplog.at_level(logging.WARNING, logger="kiosk.store.usage"):
        results = [log.count("procedure_viewed", f"1.{100000 + i}") for i in range(300)]
    assert False in results
    assert caplog.text.count("cannot be stored") == 1
    assert log.count("search")  # room again (a fresh connection has no limit)
    assert counts(log)[("search", "")] == 2


def test_an_unusable_data_folder_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    log = UsageLog(tmp_path / "file" / "usage.sqlite")
    assert log.count("search") is False
    assert log.take_batch() is None and log.pending() == 0
    log.acknowledge("whatever")
