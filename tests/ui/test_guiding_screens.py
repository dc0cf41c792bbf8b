"""Screens that guide (issue 16): the scan screen's picture, arrow, live advice and code
pad; the detail screen's summary and its "go to the counter" for what cannot be sent from
here; the apply flow's whole form, its question about a name without marks, papers that
start neutral, the reasons on disabled buttons and "Sửa" on each line of the review."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from support.driver import Driver
from support.receipt_image import camera_frame, write_video

from kiosk import i18n
from kiosk.scanner.framing import Hint
from kiosk.ui.camera_arrow import Arrow
from kiosk.ui.code_pad import CodePad
from kiosk.ui.screens.scan import HINTS

PROCEDURE = "1.001193"  # Đăng ký khai sinh: online, three cases
NOT_ONLINE = "2.000884"  # Chứng thực chữ ký: in person only


def texts(driver: Driver) -> list[str]:
    return [str(getattr(w, "text", "")) for w in driver.widgets()]


@contextmanager
def scanner(driver: Driver, **changes: str) -> Iterator[None]:
    services = driver.app.services
    original = services.config
    services.config = dataclasses.replace(
        original, scanner=dataclasses.replace(original.scanner, **changes))
    try:
        yield
    finally:
        driver.app.reset_session()  # stops the camera before its video goes
        services.config = original


def test_the_scan_screen_says_what_the_camera_sees(driver: Driver, tmp_path: Path) -> None:
    dark = (camera_frame(None) * 0.1).astype(np.uint8)
    for frames, hint in (([dark] * 60, Hint.DARK), ([camera_frame(None)] * 60, Hint.NOTHING)):
        video = write_video(tmp_path / f"{hint}.avi", frames)
        with scanner(driver, camera=str(video)):
            driver.app.go("scan")
            screen = driver.app.screen
            assert driver.until(lambda: screen.hint == hint)  # noqa: B023
            driver.settle()
            assert screen.camera_state.text == i18n._(HINTS[hint])


def test_an_arrow_points_to_where_the_camera_is_and_none_when_not_said(
        driver: Driver, tmp_path: Path) -> None:
    video = write_video(tmp_path / "table.avi", [camera_frame(None)] * 60)
    for position, direction in (("bottom", "down"), ("left", "left"), ("top", "up"),
                                ("", None)):
        with scanner(driver, camera_position=position, camera=str(video)):
            driver.app.go("scan")
            driver.settle()
            arrows = [w for w in driver.widgets() if isinstance(w, Arrow)]
            assert [a.direction for a in arrows] == ([direction] if direction else [])
            assert (i18n._("The camera is here") in texts(driver)) == bool(direction)
            # the picture of a receipt, with the QR code and the barcode marked
            assert any(str(getattr(w, "source", "")).endswith("scan/receipt.png")
                       for w in driver.widgets())


def test_the_code_pad_is_one_tap_away_and_holds_the_code_alphabet(driver: Driver) -> None:
    driver.tap("home:dossier")
    driver.tap("scan:type")
    [pad] = [w for w in driver.widgets() if isinstance(w, CodePad)]
    keys = {w.action_id for w in pad.children}
    assert {"key:h", "key:0", "key:.", "key:-", "key:backspace", "key:clear"} <= keys
    assert not any(k.startswith(("tone:", "mark:")) for k in keys)  # no Vietnamese marks
    driver.type("000.00.20.h29-201117-0001")
    assert driver.app.screen.typed == "000.00.20.H29-201117-0001"
    driver.tap("key:backspace")
    assert driver.app.screen.shown.text == "000.00.20.H29-201117-000"


def test_the_detail_says_time_fee_and_place_first_and_where_to_go_when_not_online(
        driver: Driver) -> None:
    app = driver.app
    app.go("detail", code=NOT_ONLINE)
    driver.settle()
    shown = texts(driver)
    summary = next(w for w in driver.widgets()
                   if str(getattr(w, "text", "")).startswith("[b]" + i18n._("Time")))
    bring = next(w for w in driver.widgets() if getattr(w, "text", "") == i18n._(
        "What to bring"))
    assert summary.to_window(*summary.pos)[1] > bring.to_window(*bring.pos)[1]  # above
    assert not driver.exists("detail:submit")  # no grey button that does nothing
    assert i18n._("Not offered online: hand it in at the counter.") in shown
    hours = app.services.config.help.opening_hours
    assert hours and i18n._("When: {hours}").format(hours=hours) in shown


def test_the_form_is_whole_and_the_reasons_are_on_the_buttons(driver: Driver) -> None:
    app = driver.app
    app.go("apply", code=PROCEDURE)
    driver.settle()
    draft = app.services.draft
    boxes = [f"field:{f.name}" for f in draft.fields]
    assert all(driver.exists(box) for box in boxes)  # every box at once
    optional = [f for f in draft.fields if not f.required]
    assert optional and all(any(i18n._(f.label) + " · " + i18n._("optional") == text
                                for text in texts(driver)) for f in optional)
    next_button = driver.find("apply:next")
    assert not next_button.enabled
    required = sum(f.required for f in draft.fields)
    assert i18n.ngettext("{n} box still to fill in", "{n} boxes still to fill in",
                         required).format(n=required) in next_button.text
    for name, value in (("full_name", "TRAN VAN BINH"), ("citizen_id", "025190077001"),
                        ("date_of_birth", "05091990"), ("phone", "0912345678"),
                        ("address", "xom Dong, xa Minh Khai")):
        driver.tap(f"field:{name}")
        driver.type(value)
    driver.settle()  # the last key's check of the form runs on the next frame
    assert driver.find("apply:next").enabled
    driver.tap("apply:next")
    # no Vietnamese marks: asked, and "add the marks" goes back to the name
    assert app.screen.state.step == "details" and driver.exists("apply:name-fix")
    driver.tap("apply:name-fix")
    assert app.screen.state.field == "full_name" and driver.exists("apply:next")
    driver.tap("apply:next")
    driver.tap("apply:name-plain")
    assert app.screen.state.step == "case"
    driver.tap("case:0")
    # papers start neutral: nothing red, and "Next" says how many are left
    assert i18n._("Still needed") not in texts(driver)
    missing = len(draft.missing_documents())
    assert missing and not driver.find("apply:next").enabled
    reason = i18n.ngettext("{n} paper still to answer", "{n} papers still to answer",
                           missing).format(n=missing)
    assert reason in driver.find("apply:next").text
    for i in draft.missing_documents():
        driver.tap(f"paper:bring:{i}")
        # one button per action: bringing it leaves "photograph it instead", no toggle
        assert not driver.exists(f"paper:bring:{i}") and driver.exists(f"paper:photo:{i}")
    driver.tap("apply:next")
    assert app.screen.state.step == "review"
    shown = texts(driver)
    assert any(text.startswith(i18n._("Fee: {fee}").split("{")[0]) for text in shown)
    assert not driver.find("apply:send").enabled
    assert i18n._("Tick the box above first") in driver.find("apply:send").text
    # "Sửa" beside each line: the phone number changed, straight back to the review
    driver.tap("review:edit:phone")
    assert app.screen.state.step == "details" and app.screen.state.field == "phone"
    assert i18n._("Back to the check") in driver.find("apply:next").text
    driver.tap("key:backspace")
    driver.type("9")
    driver.tap("apply:next")
    assert app.screen.state.step == "review" and draft.values["phone"] == "0912345679"
