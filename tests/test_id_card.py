"""The ID card's QR text: read into the form's values, anything else is not a card."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.submission.id_card import read_id_card

TODAY = date(2026, 12, 3)
CARD = ("025190012345|123456789|Nguyễn Thị Hoa|05091990|Nữ|"
        "Xóm Đông, Xã Minh Khai, Tỉnh Phú Thọ|15062021")


def test_a_card_fills_the_forms_values() -> None:
    card = read_id_card(CARD.encode(), TODAY)
    assert card is not None and card.gender == "Nữ"
    assert card.form_values() == {
        "citizen_id": "025190012345", "full_name": "NGUYỄN THỊ HOA",
        "date_of_birth": "05/09/1990", "address": "Xóm Đông, Xã Minh Khai, Tỉnh Phú Thọ"}
    assert "025190012345" not in repr(card) and "Hoa" not in repr(card)
    assert read_id_card(CARD.replace("|123456789|", "||"), TODAY) is not None


@pytest.mark.parametrize("text", [
    "", "000.00.20.H29-201117-0001", CARD.replace("025190012345", "999190012345"),
    CARD.replace("025190012345", "02519001234"), CARD.replace("05091990", "31021990"),
    CARD.replace("15062021", "15062031"), CARD + "|extra", CARD.replace("|Nữ|", "|"),
    CARD.replace("Nguyễn Thị Hoa", "Nguyễn 7"), CARD.replace("123456789", "12ab"),
    "x" * 5000,
])
def test_anything_else_is_not_a_card(text: str) -> None:
    assert read_id_card(text, TODAY) is None
    assert read_id_card(b"\xff\xfe" + text.encode(), TODAY) is None
