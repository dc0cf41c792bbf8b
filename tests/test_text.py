"""Vietnamese folding: accents, đ, i/y variants, one-typo distance."""

from __future__ import annotations

import pytest

from kiosk.catalogue.text import fold, within_one_edit, words

VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"


def test_every_vietnamese_letter_folds_to_ascii() -> None:
    folded = fold(VOWELS + VOWELS.upper() + "đĐ")
    assert folded.isascii() and folded.islower()
    assert set(folded) == set("aeiouyd")


@pytest.mark.parametrize(("typed", "indexed"), [
    ("dang ky khai sinh", "Đăng ký khai sinh"), ("đăng kí kết hôn", "Đăng ký kết hôn"),
    ("DANG KY", "đăng ký"), ("ly lich tu phap", "Lý lịch tư pháp"), ("quí", "quý"),
    ("kĩ thuật", "kỹ thuật"),
])
def test_typed_forms_fold_to_the_same_words(typed: str, indexed: str) -> None:
    assert words(typed) == words(indexed)


def test_y_after_a_vowel_is_not_a_spelling_variant() -> None:
    assert words("thủy") == ["thuy"] and words("huy") == ["huy"]
    assert words("hụi") != words("huy")


@pytest.mark.parametrize(("a", "b", "close"), [
    ("khai", "khai", True), ("khai", "kha", True), ("khai", "khaii", True),
    ("khai", "khao", True), ("khai", "kahi", True), ("khai", "kaih", False),
    ("sinh", "snih", True), ("sinh", "sin", True), ("sinh", "xinh", True),
    ("hon", "hong", True), ("abc", "bcd", False), ("ket", "hon", False),
])
def test_one_edit(a: str, b: str, close: bool) -> None:
    assert within_one_edit(a, b) is close
    assert within_one_edit(b, a) is close


def test_long_texts_are_cut_into_pieces_a_label_can_draw() -> None:
    from kiosk.ui.procedure_text import text_pieces

    sentence = "Cán bộ tiếp nhận kiểm tra tính đầy đủ của hồ sơ và ghi vào sổ theo dõi. "
    text = "Bước 1: Nộp hồ sơ\n" + sentence * 300 + "\n\n" + "x" * 3000
    pieces = text_pieces(text, limit=1200)
    assert all(0 < len(p) <= 1200 for p in pieces)
    assert pieces[0] == "Bước 1: Nộp hồ sơ"
    assert "".join(pieces).replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert all(p.endswith(".") for p in pieces[1:-3])  # cut after a sentence
