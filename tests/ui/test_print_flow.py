"""Printing from the screens and the fee QR, in the real app: the checklist from the detail
screen, a printer gone (the person is sent to the on-screen QR), and the fee by VietQR on
the status screen (this centre's dossiers only; "paid" only from the central API)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from printer_sim import CUT, RASTER, pictures, qr_texts
from support.demo_day import DEMO_DAY
from support.driver import Driver

from kiosk import i18n
from kiosk.payment.vietqr import parse
from kiosk.server.catalogue_files import demo_dossiers
from kiosk.status.words import describe
from kiosk.ui.printouts import PrintPanel
from kiosk.ui.qr import QrImage

PROCEDURE = "1.001193"


@pytest.fixture
def printing(driver: Driver, tmp_path: Path) -> Iterator[Path]:
    """The app with a file as its printer; the example config's none afterwards."""
    services = driver.app.services
    before = services.config
    (tmp_path / "printer").mkdir()
    out = tmp_path / "printer" / "lp0"
    services.config = dataclasses.replace(before, printer=dataclasses.replace(
        before.printer, device=f"file:{out}"))
    services.__dict__.pop("printer", None)
    yield out
    services.config = before
    services.__dict__.pop("printer", None)


def panel(driver: Driver, action: str) -> PrintPanel:
    return next(w for w in driver.widgets() if getattr(w, "action_id", "") == action).parent


def test_without_a_printer_there_is_no_print_button(driver: Driver) -> None:
    driver.app.go("detail", code=PROCEDURE)
    driver.settle()
    assert not [w for w in driver.widgets() if getattr(w, "action_id", "") == "detail:print"]


def test_the_checklist_prints_and_a_printer_gone_points_to_the_qr(driver: Driver,
                                                                  printing: Path) -> None:
    app = driver.app
    app.go("detail", code=PROCEDURE)
    driver.settle()
    driver.tap("detail:print")
    printed = panel(driver, "detail:print")
    assert driver.until(lambda: printed.state is not None)
    assert printed.state.can_print and "Đã in" in printed.note.text
    data = printing.read_bytes()
    assert RASTER in data and CUT in data[-8:]
    procedure = app.services.catalogue.procedure(PROCEDURE)
    assert qr_texts(pictures(data)) == [app.services.procedure_url(procedure)]
    ticket = app.services.last_ticket
    assert ticket is not None and ticket.kind == "checklist"
    assert "Tờ khai đăng ký khai sinh" in ticket.text()

    printing.unlink()
    printing.parent.rename(printing.parent.with_name("gone"))  # the printer's path is gone
    app.go("detail", code=PROCEDURE)
    driver.settle()
    driver.tap("detail:print")
    failed = panel(driver, "detail:print")
    assert driver.until(lambda: failed.state is not None)
    assert failed.state.condition == "absent"
    assert "Máy in đang không hoạt động" in failed.note.text
    assert "mã QR trên màn hình" in failed.note.text
    # the QR it points to is there: the procedure on the person's phone
    assert any(isinstance(w, QrImage) for w in driver.widgets())


def fee_qrs(driver: Driver) -> list[str]:
    return [w.qr_text for w in driver.widgets()
            if isinstance(w, QrImage) and w.qr_text.startswith("000201")]


def test_the_fee_shows_as_vietqr_for_this_centre_s_dossiers_only(driver: Driver) -> None:
    app = driver.app
    agency = app.services.config.kiosk.agency
    today = DEMO_DAY
    dossiers = [d for d, _ in demo_dossiers(today)]
    ours = next(d for d in dossiers if d.fee and not d.fee_paid
                and d.code.startswith(f"{agency}-"))
    theirs = next(d for d in dossiers if d.fee and not d.fee_paid
                  and not d.code.startswith(f"{agency}-"))
    paid = next(d for d in dossiers if d.fee_paid)

    app.go("status", view=describe(ours, today, here_agency=agency))
    driver.settle()
    [text] = fee_qrs(driver)
    payment = parse(text)
    config = app.services.config.payment
    assert (payment.bank_bin, payment.account, payment.amount, payment.purpose) == (
        config.bank_bin, config.account, ours.fee, ours.code)

    app.go("status", view=describe(theirs, today, here_agency=agency))
    driver.settle()
    assert fee_qrs(driver) == []

    app.go("status", view=describe(paid, today, here_agency=agency))
    driver.settle()
    assert fee_qrs(driver) == []
    words = [getattr(w, "text", "") for w in driver.widgets()]
    assert any("đã nộp" in str(t) for t in words)
    assert i18n.language() == "vi"
