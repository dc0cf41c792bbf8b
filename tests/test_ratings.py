"""Satisfaction ratings: the scale, exactly-once delivery through kills and network
failures, and the per-agency summary the reference server gives (`kiosk ratings`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import faulty_server as fs
import pytest
from conftest import REPO, TEST_OUTBOX_KEY, kiosk_config, write_config
from faulty_server import FaultyServer
from outbox_child import RATING

from kiosk.feedback.rating import Rating
from kiosk.server.run import RunningServer
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.delivery import deliver_due
from kiosk.store.outbox import Outbox

CHILD = Path(__file__).with_name("outbox_child.py")


def test_a_rating_is_one_touch_per_question_and_names_no_one() -> None:
    rating = Rating(dossier_code="000.00.20.H29-261125-0001")
    assert not rating.ready
    rating.choose("overall", 2)
    rating.choose("staff", 3)
    rating.choose("trips", 1)
    rating.choose("trips", 1)  # the same touch again takes it back
    assert rating.ready and rating.criteria == {"staff": 3}
    payload = rating.payload("000.00.20.H29")
    assert payload == {"agency": "000.00.20.H29", "overall": 2, "criteria": {"staff": 3},
                       "dossier_code": "000.00.20.H29-261125-0001"}
    assert Rating(overall=3, dossier_code="Nguyễn Văn An").payload("x")["dossier_code"] is None
    for key, level in (("overall", 4), ("mood", 3)):
        with pytest.raises(ValueError):
            rating.choose(key, level)


@pytest.mark.parametrize("crash_at", ["before_commit", "after_commit", "after_request"])
def test_killed_at_any_step_a_rating_arrives_once(tmp_path: Path, own_api: RunningServer,
                                                  crash_at: str) -> None:
    config = write_config(tmp_path / "kiosk.toml", own_api.base_url, tmp_path / "data")
    killed = subprocess.run([sys.executable, str(CHILD), str(config), crash_at, "rating"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert killed.returncode == -9, killed.stderr
    if crash_at == "before_commit":  # nothing was kept and nothing said: rated again
        again = subprocess.run([sys.executable, str(CHILD), str(config), "none", "rating"],
                               capture_output=True, text=True, timeout=60, cwd=REPO)
        assert json.loads(again.stdout)["outcome"] == "delivered"
    flushed = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "outbox", "flush",
                              "--config", str(config)], capture_output=True, text=True,
                             timeout=60, cwd=REPO)
    assert flushed.returncode == 0, flushed.stdout + flushed.stderr
    assert own_api.db.count("ratings") == 1


@pytest.mark.parametrize("failure", [fs.error(503), fs.forward(cut=0.3), fs.reset()])
def test_after_a_network_failure_a_rating_arrives_once(tmp_path: Path, own_api: RunningServer,
                                                       failure: fs.Behaviour) -> None:
    with FaultyServer(fs.first(1, failure, fs.forward()), upstream=own_api.base_url) as faulty:
        outbox = Outbox(tmp_path / "outbox.sqlite", TEST_OUTBOX_KEY, retry_first=0.05,
                        retry_max=0.1)
        outbox.put("rating", RATING)
        client = ApiClient(ClientSettings.from_config(kiosk_config(faulty.base_url,
                                                                   tmp_path)))
        assert [d.outcome for d in deliver_due(outbox, client)] == ["queued"]
        outbox.retry_now()
        assert [d.outcome for d in deliver_due(outbox, client)] == ["delivered"]
    assert own_api.db.count("ratings") == 1 and outbox.summaries() == []


def test_the_summary_per_agency(tmp_path: Path, own_api: RunningServer) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite", TEST_OUTBOX_KEY)
    for overall, staff in ((3, 3), (3, 2), (1, 1)):
        outbox.put("rating", {**RATING, "overall": overall, "criteria": {"staff": staff}})
    outbox.put("rating", {**RATING, "agency": "000.00.10.H29", "criteria": {}})
    client = ApiClient(ClientSettings.from_config(kiosk_config(own_api.base_url, tmp_path)))
    assert {d.outcome for d in deliver_due(outbox, client)} == {"delivered"}
    config = write_config(tmp_path / "kiosk.toml", own_api.base_url, tmp_path / "data")
    done = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "ratings", "--summary",
                           "--json", "--config", str(config)], capture_output=True,
                          text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    by_agency = {a["agency"]: a for a in json.loads(done.stdout)["agencies"]}
    commune = by_agency["000.00.20.H29"]
    assert commune["ratings"] == 3 and commune["overall"] == {"3": 2, "2": 0, "1": 1}
    assert commune["criteria"]["staff"] == {"3": 1, "2": 1, "1": 1}
    assert by_agency["000.00.10.H29"]["ratings"] == 1
    text = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "ratings", "--summary",
                           "--config", str(config)], capture_output=True, text=True,
                          timeout=60, cwd=REPO).stdout
    assert "000.00.20.H29: 3 ratings" in text and "overall" in text
