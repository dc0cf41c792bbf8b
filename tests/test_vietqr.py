"""VietQR codes for fees: NAPAS's EMVCo fields, the CRC, and the picture read back."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from kiosk.payment.vietqr import (
    NAPAS_GUID,
    Payee,
    VietQrError,
    ascii_purpose,
    crc16_ccitt,
    fields,
    parse,
    payload,
)
from kiosk.printing.layout import Qr, Ticket
from kiosk.printing.raster import render

PAYEE = Payee("970415", "113366668888", "UBND XA MINH KHAI")


def test_crc_is_ccitt_false() -> None:
    # the catalogue check value of CRC-16/CCITT-FALSE
    assert crc16_ccitt(b"123456789") == 0x29B1
    assert crc16_ccitt(b"") == 0xFFFF


def test_every_field_is_where_napas_puts_it() -> None:
    text = payload(PAYEE, 50000, "000.00.20.H29-261203-0001")
    top = fields(text)
    assert list(top) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert top["00"] == "01"
    assert top["01"] == "12"  # one payment: the amount is fixed
    merchant = fields(top["38"])
    assert merchant == {"00": NAPAS_GUID, "01": "0006970415" + "0112113366668888",
                        "02": "QRIBFTTA"}
    assert fields(merchant["01"]) == {"00": "970415", "01": "113366668888"}
    assert top["53"] == "704"
    assert top["54"] == "50000"
    assert top["58"] == "VN"
    assert fields(top["62"]) == {"08": "000.00.20.H29-261203-0001"}
    assert top["63"] == f"{crc16_ccitt(text[:-4].encode()):04X}"
    assert text.endswith("6304" + top["63"])


def test_a_code_without_amount_is_static_and_reads_back() -> None:
    text = payload(PAYEE, None, "")
    top = fields(text)
    assert top["01"] == "11" and "54" not in top and "62" not in top
    paid = parse(text)
    assert (paid.bank_bin, paid.account, paid.amount, paid.purpose) == (
        "970415", "113366668888", None, "")


def test_the_purpose_is_plain_ascii_for_bank_apps() -> None:
    assert ascii_purpose("Lệ phí đăng ký khai sinh") == "Le phi dang ky khai sinh"
    assert ascii_purpose("Đ" * 40) == "D" * 25
    assert parse(payload(PAYEE, 8000, "Hộ tịch  ₫ 12")).purpose == "Ho tich 12"


def test_a_changed_character_fails_the_crc() -> None:
    text = payload(PAYEE, 50000, "000.00.20.H29-261203-0001")
    tampered = text.replace("50000", "90000")
    with pytest.raises(VietQrError, match="CRC"):
        parse(tampered)
    with pytest.raises(VietQrError):
        parse(text[:-1])


@pytest.mark.parametrize("payee, amount, why", [
    (Payee("97041", "1"), 1000, "BIN"),
    (Payee("970415", ""), 1000, "account"),
    (Payee("970415", "12345678901234567890"), 1000, "account"),
    (Payee("970415", "123"), 0, "amount"),
])
def test_bad_settings_are_refused_by_name(payee: Payee, amount: int, why: str) -> None:
    with pytest.raises(VietQrError, match=why):
        payload(payee, amount, "x")


def test_the_printed_and_shown_code_decodes_to_the_same_fields(tmp_path) -> None:
    """The picture (the same drawing as the screen's and the printer's) read by zxing."""
    code = "000.00.20.H29-261203-0007"
    text = payload(PAYEE, 1_250_000, code)
    picture = render(Ticket("fee", (Qr(text, 40),)), 80)
    picture.save(tmp_path / "fee.png")
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "fee.png").convert("L"))
    assert [r.text for r in found] == [text]
    paid = parse(found[0].text)
    assert (paid.bank_bin, paid.account, paid.service, paid.amount, paid.purpose,
            paid.initiation) == ("970415", "113366668888", "QRIBFTTA", 1_250_000, code, "12")
