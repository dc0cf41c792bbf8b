"""Check my dossier: a receipt video through the real camera path into the real app."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from support.demo_day import DEMO_DAY
from support.driver import Driver
from support.receipt_image import (
    camera_frame,
    deployed_receipt,
    portal_url,
    receipt_video,
    write_video,
)

from kiosk import i18n
from kiosk.catalogue.dossier import Status
from kiosk.server.catalogue_files import demo_citizen_ids, demo_dossiers
from kiosk.status.lookup import OUTCOMES
from kiosk.ui.screens.scan import SESSION_ATTEMPTS

TODAY = DEMO_DAY


@pytest.fixture
def camera(driver: Driver, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Point the kiosk's camera at a video of a receipt with the given QR text."""
    services = driver.app.services
    original = services.config

    def use(payload: str, code: str) -> Path:
        video = receipt_video(tmp_path / "receipt.avi", payload, code, empty_frames=10,
                              receipt_frames=200)
        scanner = dataclasses.replace(original.scanner, camera=str(video))
        services.config = dataclasses.replace(original, scanner=scanner)
        return video

    yield use
    driver.app.reset_session()
    services.config = original


def a_dossier(status: Status) -> str:
    return next(d.code for d, pin in demo_dossiers(TODAY) if d.status == status and not pin)


def test_a_receipt_under_the_camera_opens_its_status(driver: Driver, camera) -> None:  # type: ignore[no-untyped-def]
    code = a_dossier(Status.PROCESSING)
    camera(f"https://dichvucong.gov.vn/p/tra-cuu?ma_ho_so={code}", code)
    driver.tap("home:dossier")
    scan = driver.app.screen
    assert scan.name == "scan"
    assert driver.until(lambda: driver.app.screens.current == "status")
    view = driver.app.screen.params["view"]
    assert view.code == code and view.status == 4 and "**" in view.applicant
    driver.tap("status:done")
    assert driver.app.screens.current == "home"
    assert scan.worker is None  # the camera is released
    assert "scan" not in driver.app.screens.screen_names  # and the screen, once left


def test_a_hostile_qr_is_refused_without_a_request(driver: Driver, camera,  # type: ignore[no-untyped-def]
                                                   monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(driver.app.services.api, "dossier",
                        lambda code, pin=None: asked.append(code))
    code = a_dossier(Status.PROCESSING)
    camera(f"https://evil.example/tra-cuu?ma_ho_so={code}", code)
    driver.tap("home:dossier")
    scan = driver.app.screen
    assert driver.until(lambda: "http" not in scan.note.text and bool(scan.note.text))
    assert driver.app.screens.current == "scan" and asked == []


def test_the_code_can_be_typed_and_unknown_codes_are_explained(driver: Driver, camera  # type: ignore[no-untyped-def]
                                                              ) -> None:
    camera("nothing", "nothing")
    driver.tap("home:dossier")
    driver.tap("scan:type")
    driver.type("000.00.20.H29-201117-9999")
    scan = driver.app.screen
    assert scan.typed == "000.00.20.H29-201117-9999"
    driver.tap("scan:submit")
    assert driver.until(lambda: not scan.busy)
    from kiosk import i18n

    assert scan.note.text == i18n._("No dossier has this code. Check the code on your "
                                    "receipt, or ask at the counter.")
    code = a_dossier(Status.SUPPLEMENT_REQUESTED)
    driver.tap("key:clear")
    driver.type(code)
    driver.tap("scan:submit")
    assert driver.until(lambda: driver.app.screens.current == "status")
    assert driver.app.screen.params["view"].status == 5


def test_a_missing_camera_says_so_and_the_kiosk_goes_on(driver: Driver, camera) -> None:  # type: ignore[no-untyped-def]
    camera("x", "x").unlink()
    driver.tap("home:dossier")
    scan = driver.app.screen
    assert driver.until(lambda: scan.broken, seconds=10)
    driver.frames(1)
    assert scan.camera_state.text == i18n._("The camera is not working right now. You can "
                                            "type the code instead.")
    # no steps for holding a receipt to it, and no square to hold it in
    assert scan.how_to.get_root_window() is None and scan.target.opacity == 0
    driver.tap("scan:type")
    assert scan.mode == "code"


def test_the_status_screen_leaves_at_idle_time_out(driver: Driver, camera) -> None:  # type: ignore[no-untyped-def]
    code = a_dossier(Status.PROCESSING)
    camera(code, code)
    driver.tap("home:dossier")
    assert driver.until(lambda: driver.app.screens.current == "status")
    app = driver.app
    app.idle.last_touch -= app.idle.idle_seconds + app.idle.countdown_seconds + 1
    app.tick()
    driver.settle()
    assert app.screens.current == "home"
    assert not app.screens.has_screen("status")  # with what it showed


def test_a_deployed_receipt_opens_its_status_with_the_id_number_it_carries(
        driver: Driver, tmp_path: Path) -> None:
    dossier, _pin = next((d, pin) for d, pin in demo_dossiers(TODAY) if pin)
    citizen_id = demo_citizen_ids(TODAY)[dossier.code]
    slip = deployed_receipt(dossier.code, lookup=portal_url(dossier.code, citizen_id),
                            verify="https://dichvucong.hanoi.gov.vn/apiqr/qr?id=1", width=900)
    video = write_video(tmp_path / "deployed.avi", [camera_frame(None)] * 10
                        + [camera_frame(slip)] * 200)
    services = driver.app.services
    original = services.config
    # the driver fixture puts the config back
    services.config = dataclasses.replace(
        original, scanner=dataclasses.replace(original.scanner, camera=str(video)))
    driver.tap("home:dossier")
    # the dossier has a PIN, but the ID number from the QR opens it: no pad
    assert driver.until(lambda: driver.app.screens.current == "status")
    assert driver.app.screen.params["view"].code == dossier.code


def open_the_pad(driver: Driver, code: str) -> Any:
    """From home, type a code whose dossier needs a second factor: the digit pad opens."""
    driver.tap("home:dossier")
    scan = driver.app.screen
    driver.tap("scan:type")
    driver.type(code)
    driver.tap("scan:submit")
    assert driver.until(lambda: scan.mode == "pin")
    return scan


def test_the_id_number_is_typed_on_a_digit_pad_shown_as_dots(driver: Driver, camera  # type: ignore[no-untyped-def]
                                                              ) -> None:
    camera("nothing", "nothing")
    dossier, _pin = next((d, pin) for d, pin in demo_dossiers(TODAY) if pin)
    citizen_id = demo_citizen_ids(TODAY)[dossier.code]
    scan = open_the_pad(driver, dossier.code)
    wrong = "0" * 12
    for attempt in range(SESSION_ATTEMPTS):
        for digit in wrong:
            driver.tap(f"digit:{digit}")
        assert "0" not in scan.shown.text.split("(")[0] and "12/12" in scan.shown.text
        driver.tap("scan:submit")
        if attempt < SESSION_ATTEMPTS - 1:
            assert driver.until(lambda: not scan.busy and scan.mode == "pin"
                                and i18n._(OUTCOMES["not_found_with_id"]) in scan.note.text)
    # five wrong numbers in one session: the pad is not offered again
    assert driver.until(lambda: not scan.busy and scan.mode == "camera")
    assert i18n._(OUTCOMES["too_many"]) in scan.note.text
    texts = " ".join(str(getattr(w, "text", "")) for w in driver.widgets())
    assert citizen_id not in texts and wrong not in texts
    driver.app.reset_session()  # the next person starts afresh
    scan = open_the_pad(driver, dossier.code)
    for digit in citizen_id:
        driver.tap(f"digit:{digit}")
    assert citizen_id not in scan.shown.text
    driver.tap("scan:submit")
    assert driver.until(lambda: driver.app.screens.current == "status")
    assert driver.app.screen.params["view"].code == dossier.code
