"""The outbox against a misbehaving network: a 5xx, or an answer cut off after the server
has stored the dossier. Either way, once things work again, exactly one dossier."""

from __future__ import annotations

from pathlib import Path

import faulty_server as fs
import pytest
from conftest import TEST_OUTBOX_KEY, kiosk_config
from faulty_server import FaultyServer
from outbox_child import SUBMISSION

from kiosk.server.run import RunningServer
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.delivery import deliver_due
from kiosk.store.outbox import Outbox


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
