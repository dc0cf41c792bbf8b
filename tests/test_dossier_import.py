"""`kiosk import-dossiers`: a one-stop system's dossiers with the national portal's status
words and `yyyyMMddHHmmss` times, the applicant's ID number kept for the look-up only."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests

from kiosk.catalogue.dossier import Status
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.dossier_files import (
    STATUS_WORDS,
    DossierFileError,
    read_dossiers,
)
from kiosk.server.run import start_in_thread

ID = "025190012345"


def record(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "000.00.20.H56-261201-0012", "procedure_code": "1.001193",
        "applicant_name": "Lê Văn Cường", "status": "processing",
        "received": "20261201091500", "appointment": "20261208170000",
        "citizen_id": ID,
        "history": [
            {"at": "20261201091500", "status": "received", "note": "Tiếp nhận",
             "handler": "Bộ phận Một cửa", "deadline": "20261201170000"},
            {"at": "20261202080000", "status": "processing", "note": "Chuyển phòng Tư pháp",
             "handler": "Phòng Tư pháp", "deadline": "20261207170000"}]}
    data.update(extra)
    return data


def test_the_portals_words_and_times_are_read() -> None:
    [one] = read_dossiers({"dossiers": [record()]})
    d = one.dossier
    assert d.status == Status.PROCESSING and d.received == date(2026, 12, 1)
    assert d.appointment == date(2026, 12, 8) and one.citizen_id == ID
    assert d.history[1].handler == "Phòng Tư pháp"
    assert d.history[1].deadline == date(2026, 12, 7)
    assert ID not in json.dumps(d.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize(("word", "status"), [
    ("processing", 4), ("waiting", 5), ("paying", 6), ("cancelled", 7), ("unresolved", 8),
    ("releasing", 9), ("done", 10), ("DONE", 10), (4, 4)])
def test_each_status_word_maps_onto_its_number(word: object, status: int) -> None:
    extra = {"completed": "20261205100000"} if status in (7, 8, 9, 10) else {}
    [one] = read_dossiers({"dossiers": [record(status=word, history=[], **extra)]})
    assert one.dossier.status == status
    assert {"processing", "waiting", "paying", "cancelled", "unresolved", "releasing",
            "done"} <= set(STATUS_WORDS)


@pytest.mark.parametrize(("extra", "words"), [
    ({"status": "finished"}, "unknown status 'finished'"),
    ({"received": "20261301091500"}, "not a real date"),
    ({"citizen_id": "12345"}, "citizen_id: must be 12 digits"),
    ({"lookup_pin": "12"}, "lookup_pin"),
    ({"code": "HS-1"}, "not a dossier code"),
])
def test_a_bad_record_is_named(extra: dict[str, object], words: str) -> None:
    with pytest.raises(DossierFileError, match="dossiers\\[0\\]") as bad:
        read_dossiers({"dossiers": [record(**extra)]})
    assert words in str(bad.value) and ID not in str(bad.value)


def test_the_command_imports_and_the_number_opens_the_dossier(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.json"
    path.write_text(json.dumps({"dossiers": [record()]}, ensure_ascii=False),
                    encoding="utf-8")
    db_path = tmp_path / "api.sqlite"
    done = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "import-dossiers",
                           str(path), "--db", str(db_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "imported 1 dossiers" in done.stdout and ID not in done.stdout
    db = ServerDB(db_path)
    db.add_api_key(DEMO_API_KEY, "test-kiosk")
    server = start_in_thread(db)
    try:
        shown = requests.get(f"{server.base_url}/dossiers/000.00.20.H56-261201-0012",
                             headers={"X-Api-Key": DEMO_API_KEY, "X-Citizen-Id": ID},
                             timeout=5).json()
    finally:
        server.stop()
    assert shown["status"] == 4 and shown["history"][1]["handler"] == "Phòng Tư pháp"
    bad = tmp_path / "bad.json"
    bad.write_text('{"dossiers": [{"code": 1}]}', encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "import-dossiers",
                              str(bad), "--db", str(db_path)],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "dossiers[0]" in refused.stderr
