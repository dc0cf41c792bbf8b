"""The on-screen keyboard's Vietnamese rules: letters, then a mark or a tone on the last word."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.ui.vietnamese_input import (
    MARKS,
    TONES,
    add_mark,
    add_tone,
    backspace,
    current_tone,
    type_letter,
    which_marks,
    which_tones,
)

TONE_OF = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga",
           "\u0323": "nang"}
MARK_OF = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}


def press(*steps: str) -> str:
    """What the keyboard shows after these taps: "+horn", "+sac" are the mark and tone
    buttons (a tone is also a word: "hoi"), anything else is typed letter by letter."""
    text = ""
    for step in steps:
        if step[1:] in MARKS and step[0] == "+":
            text = add_mark(text, step[1:])
        elif step[1:] in TONES and step[0] == "+":
            text = add_tone(text, step[1:])
        else:
            for char in step:
                text = type_letter(text, char)
    return text


def taps(word: str) -> tuple[str, list[str], str]:
    """The plain letters, mark buttons and tone button a user reads off a written word."""
    plain, marks, tone = "", [], "+none"
    for char in word:
        if char in "đĐ":
            plain += "d" if char == "đ" else "D"
            marks.append("+stroke")
            continue
        base, *combining = unicodedata.normalize("NFD", char)
        plain += base
        for c in combining:
            if c in TONE_OF:
                tone = "+" + TONE_OF[c]
            elif "+" + MARK_OF[c] not in marks:  # ươ is one tap of the horn button
                marks.append("+" + MARK_OF[c])
    return plain, marks, tone


# Words seen on the forms and signs of a one-stop service centre, and common names.
PHRASES = (
    "đăng ký khai sinh kết hôn khai tử chứng thực bản sao hộ kinh doanh Nguyễn thường trú tạm",
    "trú tạm vắng giấy phép xây dựng người được quý khuyết tật thuở hòa khỏe già tướng việt",
    "căn cước công dân hộ chiếu lý lịch tư pháp bảo hiểm y tế xã hội quốc tịch Ủy ban nhân dân",
    "Phường Quận Huyện Tỉnh Thành phố Hồ Chí Minh Hà Nội Đà Nẵng Thủ Đức Thừa Thiên Huế",
    "giữ gìn hoặc huỳnh ngoài khuỷu rượu cứu mưa gửi chuyển nhượng quyền sử dụng đất thửa",
    "giấy chứng nhận tài sản gắn liền với nộp lệ phí thuế trước bạ hướng dẫn điền tờ khai mẫu",
    "số thủ tục hành chính một cửa tiếp nhận hồ sơ trả kết quả người cao tuổi trợ cấp xoáy",
    "quơ huơ khuya nghĩa vụ quân sự Trần Thị Thu Hương Lê Văn Hưởng Phạm Đức Thắng Võ Thị Yến",
    "Huỳnh Ngọc Quyên Đặng Quốc Tuấn Bùi Thùy Dương Hoàng Xuân Trường ĐĂNG KÝ THƯỜNG TRÚ",
    "ưu tiên uống ướt yếu oán ổn ủy thủy khoảng khuyến nghị giường giếng khuếch quẹo ngoẹo",
)
WORDS = sorted({word for phrase in PHRASES for word in phrase.split()})


@pytest.mark.parametrize("word", WORDS)
def test_letters_then_marks_then_tone_give_the_word(word: str) -> None:
    plain, marks, tone = taps(word)
    assert press(plain, *marks, tone) == word


@pytest.mark.parametrize("word", WORDS)
def test_the_tone_may_come_before_the_marks(word: str) -> None:
    plain, marks, tone = taps(word)
    assert press(plain, tone, *marks) == word


@pytest.mark.parametrize("word", [w for w in WORDS if len(w) > 2])
def test_the_tone_may_come_after_the_first_vowel(word: str) -> None:
    plain, marks, tone = taps(word)
    first_vowel = next(i for i, c in enumerate(plain) if c.lower() in "aeiouy")
    typed = press(plain[:first_vowel + 1], tone, plain[first_vowel + 1:], *marks)
    assert typed == word


@pytest.mark.parametrize(("steps", "expected"), [
    (("dang", "+stroke", "+breve", " ky", "+sac", " khai sinh"), "đăng ký khai sinh"),
    (("ket", "+circumflex", "+sac", " hon", "+circumflex"), "kết hôn"),
    (("chung", "+horn", "+sac", " thuc", "+horn", "+nang"), "chứng thực"),
    (("ho", "+circumflex", "+nang", " kinh doanh"), "hộ kinh doanh"),
    (("Nguyen", "+circumflex", "+nga"), "Nguyễn"),
    (("thuong", "+horn", "+huyen", " tru", "+sac"), "thường trú"),
    (("tam", "+nang", " tru", "+sac"), "tạm trú"),
    (("giay", "+circumflex", "+sac", " phep", "+sac", " xay", "+circumflex", " dung", "+horn",
      "+nang"), "giấy phép xây dựng"),
    (("nguoi", "+horn", "+huyen"), "người"),
    (("duoc", "+stroke", "+horn", "+nang"), "được"),
    (("quy", "+sac"), "quý"),
    (("khuyet", "+circumflex", "+sac", " tat", "+circumflex", "+nang"), "khuyết tật"),
    (("thuo", "+horn", "+hoi"), "thuở"),
    (("hoa", "+huyen"), "hòa"),
    (("khoe", "+hoi"), "khỏe"),
    (("gia", "+huyen"), "già"),
    (("tuong", "+horn", "+sac"), "tướng"),
    (("viet", "+circumflex", "+nang"), "việt"),
    (("ky", "+sac"), "ký"),
    # the tone or mark tapped early, then the rest of the word
    (("to", "+sac", "an"), "toán"),
    (("d", "+stroke", "uoc", "+horn", "+nang"), "được"),
    (("tu", "+horn", "ong", "+horn"), "tương"),
    (("thuo", "+horn", "ng"), "thương"),
    (("gi", "+huyen", "a"), "già"),
    (("gi", "+huyen", "n"), "gìn"),
    (("qu", "+sac", "y"), "quý"),
    (("ho", "+sac", "a"), "hóa"),
    (("DANG", "+stroke", "+breve", " KY", "+sac"), "ĐĂNG KÝ"),
])
def test_sequences(steps: tuple[str, ...], expected: str) -> None:
    assert press(*steps) == expected


@pytest.mark.parametrize(("text", "mark", "expected"), [
    ("dan", "stroke", "đan"), ("tuong", "horn", "tương"), ("ban", "breve", "băn"),
    ("bán", "circumflex", "bấn"), ("thuo", "horn", "thuơ"), ("quo", "horn", "quơ"),
    ("nguoi", "horn", "ngươi"), ("ruou", "horn", "rươu"), ("huu", "horn", "hưu"),
    ("mua", "horn", "mưa"), ("chieu", "circumflex", "chiêu"), ("muon", "circumflex", "muôn"),
    ("khau", "circumflex", "khâu"), ("hoac", "breve", "hoăc"), ("DAN", "stroke", "ĐAN"),
    ("Dan", "stroke", "Đan"), ("NGUYEN", "circumflex", "NGUYÊN"), ("d", "stroke", "đ"),
])
def test_add_mark(text: str, mark: str, expected: str) -> None:
    assert add_mark(text, mark) == expected


@pytest.mark.parametrize(("text", "mark"), [
    ("dan", "stroke"), ("ban", "breve"), ("ban", "circumflex"), ("tuong", "horn"),
    ("thuo", "horn"), ("bo", "horn"), ("nguoi", "horn"), ("bán", "circumflex"),
    ("tướng", "horn"), ("ĐĂNG", "breve"), ("viet", "circumflex"),
])
def test_the_same_mark_twice_takes_it_off(text: str, mark: str) -> None:
    once = add_mark(text, mark)
    assert once != text
    assert add_mark(once, mark) == text


@pytest.mark.parametrize(("text", "mark", "expected"), [
    ("băn", "circumflex", "bân"), ("bân", "breve", "băn"), ("tương", "circumflex", "tuông"),
    ("tuôn", "horn", "tươn"), ("ô", "horn", "ơ"), ("ơ", "circumflex", "ô"),
    ("tưong", "horn", "tương"), ("thươ", "horn", "thuơ"), ("thuởng", "horn", "thưởng"),
])
def test_a_mark_replaces_another(text: str, mark: str, expected: str) -> None:
    assert add_mark(text, mark) == expected


def test_a_mark_moves_the_tone_where_it_belongs() -> None:
    assert add_mark("thủo", "horn") == "thuở"
    assert add_mark("tướng", "horn") == "tuóng"


@pytest.mark.parametrize(("text", "tone", "expected"), [
    ("hoa", "huyen", "hòa"), ("khoe", "hoi", "khỏe"), ("quy", "sac", "quý"),
    ("gia", "huyen", "già"), ("tương", "sac", "tướng"), ("viêt", "nang", "việt"),
    ("ky", "sac", "ký"), ("nguyên", "nga", "nguyễn"), ("hoan", "huyen", "hoàn"),
    ("ngoai", "huyen", "ngoài"), ("khuyu", "hoi", "khuỷu"), ("thuy", "hoi", "thủy"),
    ("mua", "sac", "múa"), ("mia", "sac", "mía"), ("tai", "huyen", "tài"),
    ("huynh", "huyen", "huỳnh"), ("quoc", "sac", "quóc"), ("giu", "nga", "giũ"),
    ("y", "sac", "ý"), ("a", "hoi", "ả"), ("A", "nang", "Ạ"), ("HOA", "huyen", "HÒA"),
])
def test_add_tone(text: str, tone: str, expected: str) -> None:
    assert add_tone(text, tone) == expected


def test_a_tone_replaces_the_one_there() -> None:
    assert add_tone("bán", "huyen") == "bàn"
    assert add_tone("người", "nang") == "ngượi"
    assert add_tone("bán", "sac") == "bán"  # a second tap of the same tone keeps it
    assert add_tone("hòa", "none") == "hoa"
    assert add_tone("Nguyễn", "none") == "Nguyên"
    assert add_tone("ban", "none") == "ban"


def test_only_the_last_word_changes() -> None:
    assert add_tone("bán bán", "huyen") == "bán bàn"
    assert add_mark("dan dan", "stroke") == "dan đan"
    assert add_tone("ban 12", "sac") == "ban 12"
    assert add_mark("dan ", "stroke") == "dan "


@pytest.mark.parametrize("text", ["", " ", "nh", "123", "hoa ", "khai sinh,", "x"])
def test_a_tone_needs_a_vowel(text: str) -> None:
    assert not which_tones(text)
    for tone in TONES:
        assert add_tone(text, tone) == text


def test_empty_text() -> None:
    assert which_marks("") == set()
    assert not which_tones("")
    assert all(add_mark("", mark) == "" for mark in MARKS)
    assert backspace("") == ""
    assert current_tone("") == "none"


@pytest.mark.parametrize(("text", "marks"), [
    ("tuong", {"horn", "circumflex"}), ("dang", {"stroke", "breve", "circumflex"}),
    ("khi", set()), ("d", {"stroke"}), ("hoa ", set()), ("123", set()), ("gi", set()),
    ("quy", set()), ("thu", {"horn"}), ("đăng", {"stroke", "breve", "circumflex"}),
    ("viet", {"circumflex"}), ("bao", {"breve", "circumflex", "horn"}),
])
def test_which_marks_are_the_ones_that_change_something(text: str, marks: set[str]) -> None:
    assert which_marks(text) == marks
    for mark in MARKS:
        assert (add_mark(text, mark) != text) == (mark in marks)


def test_which_tones() -> None:
    assert which_tones("hoa") and which_tones("nguyễn") and which_tones("đăng ký")
    assert not which_tones("đ") and not which_tones("ký ")


def test_current_tone() -> None:
    assert current_tone("đăng ký") == "sac"
    assert current_tone("Nguyễn") == "nga"
    assert current_tone("ký khai") == "none"


def test_output_is_nfc_even_from_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyên")
    result = add_tone(decomposed, "nga")
    assert result == "Nguyễn" and unicodedata.is_normalized("NFC", result)
    assert add_mark(unicodedata.normalize("NFD", "bán"), "circumflex") == "bấn"
    assert unicodedata.is_normalized("NFC", type_letter(decomposed, "a"))


def test_typing_a_letter_moves_the_tone() -> None:
    assert type_letter("hó", "a") == "hóa"
    assert type_letter("hóa", "n") == "hoán"
    assert type_letter("mú", "a") == "múa"
    assert type_letter("bán", " ") == "bán "
    assert type_letter("", "a") == "a"


def test_backspace_takes_a_whole_letter_and_keeps_the_tone_in_place() -> None:
    assert backspace("Nguyễn") == "Nguyễ"
    assert backspace("kế") == "k"
    assert backspace("toán") == "tóa"
    assert backspace("đăng ký") == "đăng k"
    assert backspace("ký ") == "ký"
    assert backspace(unicodedata.normalize("NFD", "ế")) == ""


def test_letters_the_rules_do_not_know_stay_as_they_are() -> None:
    assert add_tone("Müller", "sac") == "Müllér"
    assert add_tone("Peña", "huyen") == "Peñà"
    assert add_mark("café", "circumflex") == "caf\u1ebf"


def test_unknown_names_are_refused() -> None:
    with pytest.raises(ValueError, match="tone"):
        add_tone("a", "acute")
    with pytest.raises(ValueError, match="mark"):
        add_mark("a", "hat")


@pytest.mark.parametrize("phrase", PHRASES)
def test_whole_phrases_word_by_word(phrase: str) -> None:
    steps: list[str] = []
    for word in phrase.split():
        plain, marks, tone = taps(word)
        steps += [plain, *marks, tone, " "]
    assert press(*steps) == phrase + " "
