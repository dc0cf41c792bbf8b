"""The receipt printer: each ticket's bytes and picture, and the printer's faults."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import wait_until
from escpos.printer import Dummy
from PIL import Image
from printer_sim import (
    COVER_OPEN,
    CUT,
    PAPER_LOW,
    PAPER_OUT,
    RASTER,
    SILENT,
    NetworkPrinter,
    pictures,
    qr_texts,
)

from kiosk import i18n
from kiosk.printing.device import ReceiptPrinter, print_queue_ticket, send
from kiosk.printing.layout import Ticket
from kiosk.printing.spec import PRINTABLE_DOTS, PrinterSpec
from kiosk.printing.tickets import (
    Checklist,
    Paper,
    PaperGroup,
    QueueTicket,
    SubmissionReceipt,
    procedure_checklist,
    queue_ticket,
    submission_receipt,
)

CENTRE = "Bộ phận Một cửa UBND xã Minh Khai"
CODE = "000.00.20.H29-261203-0001"


@pytest.fixture(autouse=True)
def vietnamese() -> None:
    i18n.set_language("vi")


def receipt() -> Ticket:
    return submission_receipt(SubmissionReceipt(
        CODE, "Đăng ký khai sinh", datetime(2026, 12, 3, 9, 12), date(2026, 12, 8),
        (Paper("Giấy chứng sinh", "1 bản chính"),),
        ("Quầy số 2, Bộ phận Một cửa UBND xã Minh Khai",)), CENTRE)


def checklist() -> Ticket:
    return procedure_checklist(Checklist(
        "Đăng ký khai sinh", "1.001193",
        (PaperGroup("", (Paper("Tờ khai đăng ký khai sinh", "1 bản chính"),
                         Paper("Giấy chứng nhận kết hôn của cha mẹ", "1 bản sao",
                               required=False))),),
        fees=("Trực tiếp — Miễn phí",), times=("Trực tiếp — ngay trong ngày",),
        where=("Nộp tại: Quầy số 2",),
        url="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"
            "?ma_thu_tuc=1.001193"), datetime(2026, 12, 3, 9, 12), CENTRE)


def queue() -> QueueTicket:
    return QueueTicket("A-027", "Tư pháp – Hộ tịch", 4, datetime(2026, 12, 3, 9, 12),
                       ("Quầy 1", "Quầy 2"))


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_the_receipt_prints_as_a_picture_with_its_qr_and_a_cut(paper_mm: int) -> None:
    device = Dummy()
    shown = send(device, receipt(), paper_mm)
    data = device.output
    assert data.startswith(b"\x1b@")  # ESC @: a clean start
    assert CUT in data[-8:]
    printed = pictures(data)
    assert printed.width == PRINTABLE_DOTS[paper_mm] == shown.width
    assert printed.height == shown.height
    assert qr_texts(printed) == [CODE]  # the look-up code can be read off the paper
    # the text is drawn, not sent as characters in some code page
    assert CODE.encode() not in data


def test_the_receipt_says_what_the_person_needs_and_nothing_personal() -> None:
    text = receipt().text()
    for words in (CODE, "Đăng ký khai sinh", "09:12 03/12/2026", "Thứ Ba 08/12/2026",
                  "Giấy chứng sinh", "1 bản chính", "Quầy số 2"):
        assert words in text
    assert receipt().qr_data() == [CODE]


def test_the_checklist_lists_papers_fees_time_and_place() -> None:
    ticket = checklist()
    text = ticket.text()
    for words in ("Tờ khai đăng ký khai sinh", "1 bản sao", "Nếu có", "Miễn phí",
                  "ngay trong ngày", "Quầy số 2", "1.001193"):
        assert words in text
    device = Dummy()
    send(device, ticket, 80)
    assert qr_texts(pictures(device.output)) == ticket.qr_data()
    assert CUT in device.output[-8:]


def test_the_queue_ticket_prints_the_number_area_and_waiting() -> None:
    ticket = queue_ticket(queue(), CENTRE)
    text = ticket.text()
    for words in ("A-027", "Tư pháp – Hộ tịch", "Quầy 1, Quầy 2", "4", "09:12 03/12/2026"):
        assert words in text
    device = Dummy()
    picture = send(device, ticket, 58)
    assert pictures(device.output).tobytes() == picture.tobytes()


def test_english_tickets_are_english() -> None:
    i18n.set_language("en")
    assert "People waiting before you: 4" in queue_ticket(queue()).text()
    assert "Result expected: Tuesday 08/12/2026" in receipt().text()


def test_a_file_printer_collects_the_job(tmp_path: Path) -> None:
    out = tmp_path / "lp0"
    printer = ReceiptPrinter(PrinterSpec.parse(f"file:{out}"), paper_mm=58)
    state = print_queue_ticket(printer, queue(), CENTRE)
    assert state.can_print, state
    data = out.read_bytes()
    assert RASTER in data and CUT in data[-8:]
    assert pictures(data).width == PRINTABLE_DOTS[58]


def test_a_full_disk_is_a_failed_print_not_a_crash() -> None:
    state = ReceiptPrinter(PrinterSpec.parse("file:/dev/full")).print_ticket(receipt())
    assert state.condition == "failed" and "No space left" in state.detail


def test_a_removed_printer_path_is_absent(tmp_path: Path) -> None:
    printer = ReceiptPrinter(PrinterSpec.parse(f"file:{tmp_path}/gone/lp0"))
    assert printer.state().condition == "absent"
    assert printer.print_ticket(receipt()).condition == "absent"


def test_a_network_printer_on_a_closed_port_is_absent() -> None:
    sim = NetworkPrinter()
    port = sim.port
    sim.close()  # nothing listens there any more
    printer = ReceiptPrinter(PrinterSpec.parse(f"network:127.0.0.1:{port}"), timeout=2)
    state = printer.print_ticket(receipt())
    assert state.condition == "absent" and "refused" in state.detail


@pytest.mark.parametrize("answers, condition, prints", [
    (PAPER_OUT, "paper_out", False),
    (COVER_OPEN, "cover_open", False),
    (PAPER_LOW, "paper_low", True),
    (SILENT, "ready", True),
])
def test_the_printer_is_asked_before_printing(answers: dict[int, int], condition: str,
                                              prints: bool) -> None:
    sim = NetworkPrinter(dict(answers))
    try:
        printer = ReceiptPrinter(PrinterSpec.parse(f"network:127.0.0.1:{sim.port}"),
                                 timeout=0.5 if not answers else 3)
        assert printer.state().condition == condition
        assert wait_until(lambda: sim.hung_up == 1)
        sim.received.clear()
        state = printer.print_ticket(receipt())
        assert state.condition == condition
        assert wait_until(lambda: sim.hung_up == 2)
        assert (RASTER in sim.received) == prints
    finally:
        sim.close()


def test_a_ready_network_printer_gets_the_ticket() -> None:
    sim = NetworkPrinter()
    try:
        printer = ReceiptPrinter(PrinterSpec.parse(f"network:127.0.0.1:{sim.port}"))
        assert printer.print_ticket(checklist()).condition == "ready"
        assert wait_until(lambda: sim.hung_up == 1)
        assert qr_texts(pictures(bytes(sim.received))) == checklist().qr_data()
    finally:
        sim.close()


def test_no_printer_prints_nothing() -> None:
    printer = ReceiptPrinter(PrinterSpec.parse("none"))
    assert not printer.enabled
    assert printer.print_ticket(receipt()).condition == "off"


@pytest.mark.parametrize("text", ["usb:xyz", "network:", "serial:tty", "lp0", "file:rel",
                                  "network:host:99999"])
def test_a_bad_device_setting_names_the_forms(text: str) -> None:
    with pytest.raises(ValueError, match="network:HOST"):
        PrinterSpec.parse(text)


def test_tone_marks_on_capitals_are_not_cut_off() -> None:
    """Ấ and Ồ reach above the font's ascent: every dot of them is on the paper."""
    from PIL import ImageDraw

    from kiosk.printing.layout import Line
    from kiosk.printing.raster import SIZES, _font, render

    words = "GIẤY BIÊN NHẬN HỒ SƠ"
    printed = render(Ticket("t", (Line(words, "large", bold=True),)), 80)
    roomy = Image.new("1", (600, 120), 1)
    ImageDraw.Draw(roomy).text((0, 40), words, font=_font(SIZES["large"], True), fill=0)
    assert printed.histogram()[0] == roomy.histogram()[0]  # the same black dots
