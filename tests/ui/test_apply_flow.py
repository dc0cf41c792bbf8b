"""Online submission at the kiosk: the real app, the real camera path on a video of a
document, the real outbox and the reference server over loopback."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from support.demo_day import DEMO_DAY
from support.document_photos import document_photo
from support.driver import Driver
from support.receipt_image import camera_frame, qr_image, write_video

from kiosk import i18n
from kiosk.catalogue.working_days import is_working_day
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.delivery import Sender
from kiosk.submission.draft import may_bring_original
from kiosk.ui.services import KioskServices

PROCEDURE = "1.001193"  # Đăng ký khai sinh: online, three cases
TODAY = DEMO_DAY


@pytest.fixture
def document_camera(driver: Driver, tmp_path: Path) -> Iterator[None]:
    """The kiosk's camera looks at a page on a cluttered table."""
    services = driver.app.services
    original = services.config
    video = write_video(tmp_path / "page.avi", [document_photo("cluttered", 3).image] * 40)
    services.config = dataclasses.replace(
        original, scanner=dataclasses.replace(original.scanner, camera=str(video)))
    yield
    driver.app.reset_session()
    services.config = original


def texts(driver: Driver) -> list[str]:
    return [str(getattr(w, "text", "")) for w in driver.widgets()]


def fill_details(driver: Driver, citizen_id: str = "025190012345") -> None:
    """Type the applicant's details. Each test's applicant has an ID number of its own:
    the kiosk asks before a second dossier of the same person and procedure in a day."""
    for name, value in (("full_name", "NGUYEN THI HOA"), ("citizen_id", citizen_id),
                        ("date_of_birth", "05091990"), ("phone", "0912345678"),
                        ("address", "xom Dong, xa Minh Khai")):
        driver.tap(f"field:{name}")
        driver.tap("key:clear")
        driver.type(value)
    screen = driver.app.screen
    assert not screen.draft.problems(TODAY), screen.draft.problems(TODAY)
    driver.tap("apply:next")
    # typed without Vietnamese marks: asked once, and answered "it is written so"
    assert driver.exists("apply:name-plain")
    driver.tap("apply:name-plain")
    assert screen.state.step != "details"


def answer_papers(driver: Driver) -> None:
    draft = driver.app.services.draft
    assert draft is not None
    for i in draft.missing_documents():
        if may_bring_original(draft.components[i]):
            driver.tap(f"paper:bring:{i}")
        else:
            photograph(driver, i)


def photograph(driver: Driver, index: int) -> None:
    screen = driver.app.screen
    driver.tap(f"paper:photo:{index}")
    assert driver.until(lambda: screen.worker is not None
                and screen.worker.latest_frame() is not None)
    driver.tap("camera:take")
    assert driver.until(lambda: screen.state.shot is not None)
    driver.tap("camera:keep")


def test_a_dossier_from_the_details_to_the_receipt(driver: Driver, document_camera: None
                                                   ) -> None:
    app = driver.app
    app.go("detail", code=PROCEDURE)
    driver.settle()
    # each channel says when a dossier handed in today would be ready: a working day
    expected = [t for t in texts(driver) if t.startswith(i18n._(
        "Handed in today: result expected on {day}").split("{")[0])]
    assert expected
    for line in expected:
        day = datetime.strptime(line[-10:], "%d/%m/%Y").date()
        assert is_working_day(day, app.services.config.working_calendar) and day >= TODAY
    driver.tap("detail:submit")
    assert app.screens.current == "apply" and app.screen.state.step == "details"
    driver.type("NGUYEN THI HOA")
    driver.tap("field:citizen_id")
    driver.type("9991")
    assert i18n._("A citizen ID number starts with a province code, such as 001 or 025. "
                  "Please check the first digits.") in texts(driver)
    fill_details(driver)
    assert app.screen.state.step == "case"
    driver.tap("case:0")
    photograph(driver, 0)
    draft = app.services.draft
    assert draft is not None and len(draft.documents[0].pages) == 1
    assert draft.documents[0].pages[0][:2] == b"\xff\xd8"  # a JPEG, straightened
    answer_papers(driver)
    driver.tap("apply:next")
    assert app.screen.state.step == "review"
    assert not driver.find("apply:send").enabled  # consent first
    driver.tap("apply:consent")
    driver.tap("apply:send")
    assert driver.until(lambda: app.screen.state.step == "receipt")
    delivery = app.screen.state.delivery
    assert delivery.outcome == "delivered"
    code = delivery.answer["dossier_code"]
    assert code in texts(driver)
    assert is_working_day(date.fromisoformat(delivery.answer["appointment"]))
    assert app.services.draft is None  # the person's data is in the outbox, then gone
    assert app.services.outbox.summaries() == []
    shown = app.services.api.dossier(code)
    assert shown.status == 1 and shown.procedure_code == PROCEDURE
    assert "**" in shown.applicant_name  # masked by the API, as on every public screen
    driver.tap("apply:done")
    assert app.screens.current == "home"


def test_one_sender_however_many_threads_ask_for_it_at_once(
        driver: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI thread and the submission and rating threads may all be first to ask.
    (Python 3.11's cached_property had a lock of its own; 3.12's has none.)"""
    # real senders on the app's outbox, but none delivers behind the next test's back
    monkeypatch.setattr(Sender, "start", lambda self: None)
    services = KioskServices(driver.app.services.config)
    start = threading.Barrier(8)
    got = []

    def ask() -> None:
        start.wait()
        got.append(services.sender)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert len(got) == 8 and len({id(sender) for sender in got}) == 1
    finally:
        services.stop()


@contextlib.contextmanager
def network_down(services: KioskServices) -> Iterator[ApiClient]:
    """The outbox's sender cannot reach the central API until the block ends; yields the
    client that can."""
    sender = services.sender
    working = sender.client
    sender.client = ApiClient(dataclasses.replace(ClientSettings.from_config(services.config),
                                                  base_url="http://127.0.0.1:9/v1"))
    try:
        yield working
    finally:
        sender.client = working


def test_offline_the_dossier_is_queued_then_sent_once(driver: Driver) -> None:
    app = driver.app
    services = app.services
    sender = services.sender
    with network_down(services) as working:
        app.go("apply", code=PROCEDURE)
        driver.settle()
        fill_details(driver, citizen_id="025190054321")
        driver.tap("case:0")
        draft = app.services.draft
        brought = [draft.components[i].name for i in draft.missing_documents()
                   if may_bring_original(draft.components[i])]
        answer_papers(driver)
        driver.tap("apply:next")
        driver.tap("apply:consent")
        driver.tap("apply:send")
        assert driver.until(lambda: app.screen.state.step == "receipt", 30)
        delivery = app.screen.state.delivery
        assert delivery.outcome == "queued"
        assert delivery.reference in texts(driver)
        assert i18n._("Your dossier is saved and will be sent") in texts(driver)
        # the receipt matches the choices: originals to bring, so not "nothing more to do"
        assert brought and i18n._("Bring these originals to the counter:") in texts(driver)
        assert all(f"• {name}" in texts(driver) for name in brought)
        assert i18n._("Nothing else is needed from you.") not in texts(driver)
        [waiting] = services.outbox.summaries()
        assert waiting.reference == delivery.reference and waiting.attempts >= 1
        payload = services.outbox.get(waiting.key).payload  # type: ignore[union-attr]
    services.outbox.retry_now()
    sender.nudge()
    assert driver.until(lambda: services.outbox.summaries() == [], 30)
    # the same key again is answered from what the API stored: 200, not a new 201
    again = working.post("submissions", payload, headers={"Idempotency-Key": waiting.key})
    assert again.status == 200


def test_the_idle_time_out_forgets_the_applicant(driver: Driver) -> None:
    app = driver.app
    app.go("apply", code=PROCEDURE)
    driver.settle()
    driver.type("NGUYEN THI HOA")
    assert app.services.draft is not None
    tidied = app.tidied
    app.idle.last_touch -= app.idle.idle_seconds + app.idle.countdown_seconds + 1
    app.tick()
    assert app.screens.current == "home" and app.services.draft is None
    driver.until_tidied(tidied)
    assert driver.alive_with_text("NGUYEN THI HOA") == []


def test_who_goes_home_and_walks_away_is_forgotten_too(driver: Driver) -> None:
    """Home is not the end of a session (the person may still be reading): the quiet
    afterwards is, and the next person finds nothing of them."""
    app = driver.app
    driver.tap("nav:language")
    driver.tap("nav:large_text")
    app.go("apply", code=PROCEDURE)
    driver.settle()
    driver.type("NGUYEN THI HOA")
    driver.tap("nav:home")
    assert app.screens.current == "home" and app.services.draft is not None
    app.tick()  # a moment later: still theirs
    assert app.services.draft is not None
    tidied = app.tidied
    app.idle.last_touch -= app.idle.idle_seconds + app.idle.countdown_seconds + 1
    app.tick()
    assert app.services.draft is None and not app.attract.visible
    assert i18n.language() == "vi" and not app.large_text
    driver.until_tidied(tidied)
    assert driver.alive_with_text("NGUYEN THI HOA") == []
    app.go("apply", code=PROCEDURE)  # the next person starts with empty boxes
    driver.settle()
    assert driver.alive_with_text("NGUYEN THI HOA") == []


DETAILS = {"full_name": "Nguyễn Thị Hoa", "citizen_id": "001190067890",
           "date_of_birth": "05/09/1990", "phone": "0912345678",
           "address": "xóm Đông, xã Minh Khai"}


def send_a_dossier(driver: Driver, typed: bool = True) -> None:
    driver.app.go("apply", code=PROCEDURE)
    driver.settle()
    if typed:
        fill_details(driver, DETAILS["citizen_id"])
    else:  # typing is tested above; here the same person comes back, quicker
        screen = driver.app.screen
        screen.draft.values.update({f.name: DETAILS[f.name] for f in screen.draft.fields
                                    if f.name in DETAILS})
        assert not screen.draft.problems(TODAY)
        screen.go_step("case")
    driver.tap("case:0")
    answer_papers(driver)
    driver.tap("apply:next")
    driver.tap("apply:consent")
    driver.tap("apply:send")


def look_up_typed(driver: Driver, text: str) -> None:
    driver.app.go("home")
    driver.settle()
    driver.tap("home:dossier")
    driver.tap("scan:type")
    driver.type(text)
    driver.tap("scan:submit")
    assert driver.until(lambda: driver.app.screens.current == "status", 30)


def test_a_queued_dossier_is_found_by_its_slip_and_a_second_one_is_asked_about(
        driver: Driver, document_camera: None) -> None:
    app = driver.app
    services = app.services
    sender = services.sender
    with network_down(services):
        send_a_dossier(driver)
        assert driver.until(lambda: app.screen.state.step == "receipt", 30)
        reference = app.screen.state.delivery.reference
        driver.tap("apply:done")
        # the same person tries again (the kiosk seemed to hang, say): asked first
        send_a_dossier(driver, typed=False)
        assert app.screen.state.step == "repeat"
        assert reference in texts(driver)
        assert i18n._("You sent this dossier before") in texts(driver)
        driver.tap("apply:repeat:no")
        assert app.screens.current == "home" and services.draft is None
        assert len(services.outbox.summaries()) == 1
        # the slip's reference at "check my dossier": waiting, said plainly
        look_up_typed(driver, reference)
        assert app.screen.params["submission"].outcome == "waiting"
        assert i18n._("Waiting to be sent") in texts(driver)
    services.outbox.retry_now()
    sender.nudge()
    assert driver.until(lambda: services.outbox.summaries() == [], 30)
    # sent: the same reference now opens the dossier it became
    look_up_typed(driver, reference)
    view = app.screen.params["view"]
    assert app.screen.params["reference"] == reference and view.status == 1
    # asked again and sent anyway: a second dossier, flagged for staff by the API
    send_a_dossier(driver, typed=False)
    assert app.screen.state.step == "repeat" and view.code in texts(driver)
    driver.tap("apply:repeat:yes")
    assert driver.until(lambda: app.screen.state.step == "receipt", 30)
    answer = app.screen.state.delivery.answer
    assert answer["possible_duplicate_of"] == view.code
    assert answer["dossier_code"] != view.code


def test_the_id_card_fills_the_details_once_the_person_confirms(driver: Driver,
                                                                 tmp_path: Path) -> None:
    card = ("025190054321|123456789|Nguyễn Thị Hoa|05091990|Nữ|"
            "Xóm Đông, Xã Minh Khai, Tỉnh Phú Thọ|15062021")
    video = write_video(tmp_path / "card.avi",
                        [camera_frame(None)] * 5 + [camera_frame(qr_image(card))] * 200)
    services = driver.app.services
    original = services.config
    services.config = dataclasses.replace(
        original, scanner=dataclasses.replace(original.scanner, camera=str(video)))
    app = driver.app
    try:
        app.go("detail", code=PROCEDURE)
        driver.settle()
        driver.tap("detail:submit")
        driver.tap("apply:idcard")
        screen = app.screen
        assert screen.state.step == "idcard"
        assert driver.until(lambda: app.screen.state.card is not None)
        shown = " ".join(texts(driver))
        assert "025190054321" in shown and "05/09/1990" in shown  # on the person's screen
        assert app.services.draft.values.get("citizen_id", "") == ""  # not before "yes"
        driver.tap("apply:idcard-use")
        assert app.screen.state.step == "details" and app.screen.state.card is None
        values = app.services.draft.values
        assert values["citizen_id"] == "025190054321"
        assert values["full_name"] == "NGUYỄN THỊ HOA" and values["date_of_birth"] == "05/09/1990"
        assert app.screen.worker is None  # the camera is released
    finally:
        app.reset_session()
        services.config = original
    assert screen.state.card is None and app.services.draft is None  # nothing of it kept
