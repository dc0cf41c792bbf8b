"""Dossier status: plain words for 1–10, overdue, next steps; look-ups against the real
reference server; `kiosk status`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from conftest import kiosk_config, write_config
from support.demo_day import DEMO_DAY

from kiosk import i18n
from kiosk.catalogue.dossier import Dossier, Status
from kiosk.server.catalogue_files import demo_dossiers
from kiosk.server.run import RunningServer
from kiosk.status.lookup import look_up
from kiosk.status.words import STATUS_WORDS, day, describe
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiClient, ClientSettings

TODAY = DEMO_DAY


def api(server_url: str, tmp_path) -> CentralApi:  # type: ignore[no-untyped-def]
    return CentralApi(ApiClient(ClientSettings.from_config(kiosk_config(server_url, tmp_path))))


def test_every_status_has_plain_words_and_a_next_step_in_both_languages() -> None:
    assert set(STATUS_WORDS) == set(Status)
    for language in ("vi", "en"):
        i18n.set_language(language)
        for title, step in STATUS_WORDS.values():
            assert i18n._(title) and i18n._(step)
    i18n.set_language("vi")
    assert i18n._(STATUS_WORDS[Status.PROCESSING][0]) != STATUS_WORDS[Status.PROCESSING][0]


def dossier(**extra: object) -> Dossier:
    data = {"code": "000.00.20.H29-261120-0001", "procedure_code": "1.001193",
            "procedure_name": "Đăng ký khai sinh", "applicant_name": "Nguyễn V** A**",
            "status": 4, "received": (TODAY - timedelta(days=5)).isoformat(),
            "appointment": (TODAY + timedelta(days=2)).isoformat(),
            "history": [{"at": (TODAY - timedelta(days=5)).isoformat(), "status": 2}]}
    data.update(extra)
    return Dossier.from_dict(data)


def test_describe_says_when_and_what_next() -> None:
    i18n.set_language("vi")
    view = describe(dossier(), TODAY)
    due = (TODAY + timedelta(days=2)).strftime("%d/%m/%Y")
    assert view.headline == f"Đang xử lý – dự kiến trả kết quả ngày {due}"
    assert not view.overdue and view.applicant == "Nguyễn V** A**"
    behind = dossier(appointment=(TODAY - timedelta(days=3)).isoformat())
    late = describe(behind, TODAY)
    # days late are working days: three calendar days may hold a weekend
    assert late.overdue and f"trễ {behind.days_late(TODAY)} ngày" in late.headline
    more = describe(dossier(status=5, note="Bổ sung bản sao Giấy chứng sinh.",
                            counter="Quầy số 2"), TODAY)
    assert "Bổ sung bản sao Giấy chứng sinh." in more.next_step and "Quầy số 2" in more.next_step
    # a note that names the counter itself: the counter is said once, not twice
    said = describe(dossier(status=5, note="Bổ sung bản sao; mang đến Quầy số 2.",
                            counter="Quầy số 2"), TODAY)
    assert said.next_step.count("Quầy số 2") == 1
    done = describe(dossier(status=10, completed=TODAY.isoformat()), TODAY)
    assert not done.overdue and "dự kiến" not in done.headline


def test_look_ups_say_plainly_what_happened(demo_api: RunningServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    central = api(demo_api.base_url, tmp_path)
    dossiers = demo_dossiers(TODAY)
    open_one = next(d for d, pin in dossiers if not pin)
    found = look_up(central, open_one.code)
    assert found.outcome == "found" and found.dossier is not None
    assert found.dossier.applicant_name != open_one.applicant_name  # masked by the server
    assert found.dossier.applicant_name.split()[0] == open_one.applicant_name.split()[0]
    with_pin, pin = next((d, p) for d, p in dossiers if p)
    assert look_up(central, with_pin.code).outcome == "pin_required"
    assert look_up(central, with_pin.code, "000000" if pin != "000000" else "111111"
                   ).outcome == "pin_incorrect"
    assert look_up(central, with_pin.code, pin).outcome == "found"
    assert look_up(central, "000.00.20.H29-201117-9999").outcome == "not_found"
    offline = api("http://127.0.0.1:9/v1", tmp_path)
    assert look_up(offline, open_one.code).outcome == "offline"


@pytest.mark.parametrize("status", list(Status))
def test_demo_dossiers_cover_every_status_through_the_api(demo_api: RunningServer, tmp_path,  # type: ignore[no-untyped-def]
                                                          status: Status) -> None:
    d, pin = next((d, p) for d, p in demo_dossiers(TODAY) if d.status == status)
    result = look_up(api(demo_api.base_url, tmp_path), d.code, pin)
    assert result.dossier is not None and result.dossier.status == status


def test_kiosk_status_command(demo_api: RunningServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path / "k.toml", demo_api.base_url, tmp_path / "d")
    d = next(d for d, pin in demo_dossiers(TODAY) if not pin and d.status == Status.PROCESSING)
    done = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "status", d.code, "--json",
                           "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["status"] == 4 and shown["code"] == d.code and "**" in shown["applicant"]
    missing = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "status",
                              "000.00.20.H29-201117-9999", "--config", str(config),
                              "--language", "en"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "No dossier has this code" in missing.stderr
    assert missing.stderr.count("\n") == 1


def test_a_slip_reference_says_waiting_refused_or_the_dossier(own_api: RunningServer,
                                                               tmp_path) -> None:  # type: ignore[no-untyped-def]
    import requests

    from kiosk.server.catalogue_files import DEMO_API_KEY
    from kiosk.status.lookup import GO_TO_COUNTER, REFUSALS, look_up_reference
    from kiosk.store.outbox import LocalState

    central = api(own_api.base_url, tmp_path)
    headers = {"X-Api-Key": DEMO_API_KEY}
    body = {"procedure_code": "1.001193", "agency": "000.00.10.H29",
            "applicant": {"full_name": "Nguyễn Thị Hoa"}, "documents": []}
    sent = requests.post(f"{own_api.base_url}/submissions", timeout=10,
                         json={**body, "reference": "K7P-3F9A"},
                         headers={**headers, "Idempotency-Key": "status-ref-1"}).json()
    offline_code = next(code for (code,) in own_api.db.execute(
        "SELECT code FROM procedures WHERE deleted = 0")
        if json.loads(own_api.db.procedure(code))["online_level"] == "none")
    requests.post(f"{own_api.base_url}/submissions", timeout=10,
                  json={**body, "procedure_code": offline_code, "reference": "M2N-8QRS"},
                  headers={**headers, "Idempotency-Key": "status-ref-2"})

    found = look_up_reference(central, "K7P-3F9A")
    assert found.outcome == "found" and found.reference == "K7P-3F9A"
    assert found.dossier.code == sent["dossier_code"]
    refused = look_up_reference(central, "M2N-8QRS")
    assert (refused.outcome, refused.why) == ("refused", REFUSALS["not_online"])
    assert look_up_reference(central, "AAA-2222").outcome == "reference_not_found"
    # still in this kiosk's outbox: the kiosk knows before the central API does
    waiting = look_up_reference(central, "AAA-2222", lambda ref: LocalState(refused=False))
    assert waiting.outcome == "waiting"
    here = look_up_reference(central, "AAA-2222",
                             lambda ref: LocalState(refused=True, api_code="odd_code"))
    assert here.outcome == "refused" and i18n._(here.why) and i18n._(GO_TO_COUNTER)
    gone = api("http://127.0.0.1:9/v1", tmp_path)
    assert look_up_reference(gone, "K7P-3F9A").outcome == "offline"


def test_the_status_says_what_to_do_with_the_agencys_handler_and_deadlines() -> None:
    i18n.set_language("vi")
    past = (TODAY - timedelta(days=10)).isoformat()
    ready = describe(dossier(status=9, appointment=TODAY.isoformat(), counter="Quầy số 3",
                             completed=TODAY.isoformat()), TODAY)
    assert ready.next_step == ("Kết quả đã có: đến Quầy số 3, mang theo giấy hẹn và thẻ "
                               "căn cước.")
    soon = (TODAY + timedelta(days=4)).isoformat()
    more = describe(dossier(
        status=5, note="Bổ sung bản sao Giấy chứng sinh.", agency="000.00.20.H29",
        history=[{"at": past, "status": 2},
                 {"at": past, "status": 5, "handler": "UBND phường Ba Đình",
                  "deadline": soon}]), TODAY, here_agency="000.00.21.H29")
    assert "Bổ sung bản sao Giấy chứng sinh." in more.next_step
    assert f"trước ngày {day(date.fromisoformat(soon))}" in more.next_step
    assert "UBND phường Ba Đình" in more.next_step and "không phải quầy ở đây" in more.next_step
    here = describe(dossier(status=5, agency="000.00.20.H29", history=[
        {"at": past, "status": 5, "handler": "Phòng Tư pháp"}]), TODAY,
        here_agency="000.00.20.H29")
    assert "không phải quầy ở đây" not in here.next_step
    new_day = (TODAY + timedelta(days=6)).isoformat()
    late = describe(dossier(received=past, appointment=(TODAY - timedelta(days=7)).isoformat(),
                            history=[
        {"at": past, "status": 4, "handler": "Phòng Tài nguyên và Môi trường",
         "deadline": new_day}]), TODAY)
    assert late.overdue and "xin lỗi" in late.next_step
    assert day(date.fromisoformat(new_day)) in late.next_step
    assert "Phòng Tài nguyên và Môi trường" in late.next_step
