"""Screen text turned into what a person would say: no I/O, no Kivy.

A synthesizer reads "8.000 ₫" as "tám chấm không không không" and "UBND" letter by letter;
a listener wants "tám nghìn đồng" and "Ủy ban nhân dân". `speakable()` rewrites money,
dates, clock times, legal references ("123/2015/NĐ-CP"), codes (read digit by digit),
abbreviations and symbols before the text reaches the voice.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kiosk.speech.numbers import decimal_words, digit_words, number_words

ABBREVIATIONS_VI = {
    "TTHC": "thủ tục hành chính",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "GPLX": "giấy phép lái xe",
    "GCN": "giấy chứng nhận",
    "QSDĐ": "quyền sử dụng đất",
    "MST": "mã số thuế",
    "CSDL": "cơ sở dữ liệu",
    "THPT": "trung học phổ thông",
    "THCS": "trung học cơ sở",
    "TP": "thành phố",
    "QR": "kiu a",
    "PIN": "pin",
    "PDF": "pê đê ép",
    "ID": "ai đi",
    "VNeID": "vê en e ai đi",
    "SĐT": "số điện thoại",
}
ABBREVIATIONS_EN = {
    "TTHC": "administrative procedure",
    "CCCD": "citizen ID card",
    "CMND": "identity card",
    "UBND": "People's Committee",
    "HĐND": "People's Council",
    "VNeID": "V N e I D",
    "QR": "Q R",
    "PDF": "P D F",
    "PIN": "pin",
}
# who issued a legal document, after the slash of "123/2015/NĐ-CP" (the kind, NĐ or TT, is
# said before the number already: "Nghị định 123/2015/NĐ-CP")
ISSUERS_VI = {
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "BTC": "Bộ Tài chính",
    "BCA": "Bộ Công an",
    "BTP": "Bộ Tư pháp",
    "BXD": "Bộ Xây dựng",
    "BYT": "Bộ Y tế",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BLĐTBXH": "Bộ Lao động, Thương binh và Xã hội",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BNV": "Bộ Nội vụ",
    "BCT": "Bộ Công Thương",
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
VOWELS = set("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")

_SPACES = re.compile(r"[\u00a0\u202f\u2009]")
_LEGAL = re.compile(r"\b(\d{1,4})/(\d{4})/(?:[A-ZĐ]+-)?([A-ZĐ][A-Za-zĐ]*?)(\d*)\b")
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_TIME = re.compile(r"\b([01]?\d|2[0-3])[:h]([0-5]\d)\b")
_RANGE = re.compile(r"(?<=\d) ?– ?(?=\d)")  # "7:30–11:30"; a hyphen belongs to a code
_MONEY_EN = re.compile(r"₫\s*(\d[\d,.]*)")
_TOKEN = re.compile(r"[0-9A-Za-zÀ-ỹĐđ]+(?:[.,\-][0-9A-Za-zÀ-ỹĐđ]+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_DECIMAL_VI = re.compile(r"(\d+),(\d+)")


def speakable(text: str, language: str = "vi", dialect: str = "northern") -> str:
    """What the voice should be given for `text` shown on the screen."""
    text = _SPACES.sub(" ", text)
    if language == "vi":
        return _vietnamese(text, dialect)
    return _english(text)


def _vietnamese(text: str, dialect: str) -> str:
    say = lambda n: number_words(int(n), dialect)  # noqa: E731 - a local shorthand
    text = text.replace("₫", " đồng").replace("%", " phần trăm").replace("&", " và ")
    text = _RANGE.sub(" đến ", text)
    text = _LEGAL.sub(lambda m: _legal_vi(m, say), text)
    text = _DATE.sub(lambda m: f"ngày {say(m[1])} tháng {_month_vi(int(m[2]), say)} "
                               f"năm {say(m[3])}", text)
    text = _TIME.sub(lambda m: f"{say(m[1])} giờ" + (f" {say(m[2])} phút"
                                                      if int(m[2]) else ""), text)
    text = text.replace(" / ", " hoặc ")  # "Cấp xã / phường"
    return _symbols(_TOKEN.sub(lambda m: _token_vi(m[0], dialect), text))


def _english(text: str) -> str:
    text = _MONEY_EN.sub(lambda m: f"{m[1]} dong", text).replace("₫", " dong")
    text = _DATE.sub(lambda m: f"{int(m[1])} {MONTHS_EN[int(m[2]) - 1]} {m[3]}"
                     if 1 <= int(m[2]) <= 12 else m[0], text)
    text = _RANGE.sub(" to ", text).replace(" / ", " or ")
    return _symbols(_TOKEN.sub(lambda m: _token_en(m[0]), text))


def _legal_vi(m: re.Match[str], say: Callable[[str], str]) -> str:
    issuer = ISSUERS_VI.get(m[3])
    if issuer is None:
        return m[0]
    term = f" khóa {say(m[4])}" if m[4] else ""
    return f"{say(m[1])} năm {say(m[2])} của {issuer}{term}"


def _month_vi(month: int, say: Callable[[str], str]) -> str:
    # the fourth month is "tháng tư", never "tháng bốn"
    return "tư" if month == 4 else say(str(month))


def _token_vi(token: str, dialect: str) -> str:
    if token in ABBREVIATIONS_VI:
        return ABBREVIATIONS_VI[token]
    if _THOUSANDS.fullmatch(token):
        return number_words(int(token.replace(".", "")), dialect)
    decimal = _DECIMAL_VI.fullmatch(token)
    if decimal:
        return decimal_words(int(decimal[1]), decimal[2], dialect)
    if token.isdigit():
        if _is_code_number(token):
            return digit_words(token)
        return number_words(int(token), dialect)
    return _word_or_code(token, lambda part: digit_words(part))


def _token_en(token: str) -> str:
    if token in ABBREVIATIONS_EN:
        return ABBREVIATIONS_EN[token]
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", token):
        # the voice reads English quantities well; only codes need help
        return " ".join(token) if token.isdigit() and _is_code_number(token) else token
    return _word_or_code(token, lambda part: " ".join(part))


def _is_code_number(digits: str) -> bool:
    """Phone numbers, ID numbers and codes: a leading zero, or too long for a quantity
    written without thousands separators."""
    return (digits.startswith("0") and len(digits) > 1) or len(digits) >= 5


def _word_or_code(token: str, digits: Callable[[str], str]) -> str:
    parts = re.split(r"[.,\-]", token)
    has_digit = any(c.isdigit() for c in token)
    if not has_digit and len(parts) == 1:
        if token.isupper() and not (set(token.lower()) & VOWELS):
            return " ".join(token)  # "CT": letters, not a syllable
        return token.lower() if token.isupper() and len(token) > 1 else token
    # a code such as "000.00.20.H29-261125-0001" or "CT01": each part by its characters
    spoken = []
    for part in parts:
        pieces = re.findall(r"\d+|\D+", part)
        spoken.append(" ".join(digits(p) if p.isdigit() else " ".join(p) for p in pieces))
    return ", ".join(spoken)


def _symbols(text: str) -> str:
    text = re.sub(r"[‹›«»→←•·⌫✓✔✘✗…]", " ", text).replace("—", ",")
    text = re.sub(r"[ \t]+", " ", text).replace(" ,", ",")
    return re.sub(r" *\n *", "\n", text).strip()
