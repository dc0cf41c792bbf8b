"""Numbers in Vietnamese words, as a person says them aloud.

The rules a listener expects: "mười" for ten but "mươi" in twenty and above, "mốt" for a
final one after twenty ("hai mươi mốt"), "lăm" for a final five after ten ("mười lăm"),
"tư" for a final four after twenty, "linh" (northern) or "lẻ" (southern) for a missing
tens digit ("một trăm linh năm"), "không trăm" for a group below a hundred that follows a
larger group ("một nghìn không trăm năm mươi"), and "nghìn" in the north, "ngàn" in the
south. Digits read one by one (codes, phone numbers) use the plain digit names.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _scale_words(dialect: str) -> tuple[str, ...]:
    thousand = "ngàn" if dialect == "southern" else "nghìn"
    return ("", thousand, "triệu", "tỷ")


def _below_thousand(n: int, full: bool, dialect: str) -> list[str]:
    """Words for 0 < n < 1000; `full` when a larger group precedes it (say the hundreds)."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ" if dialect == "southern" else "linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(DIGITS[units])
    return words


def number_words(n: int, dialect: str = "northern") -> str:
    """`number_words(1050) == "một nghìn không trăm năm mươi"`."""
    if n < 0:
        return "âm " + number_words(-n, dialect)
    if n == 0:
        return DIGITS[0]
    scales = _scale_words(dialect)
    billions, rest = divmod(n, 10**9)
    words: list[str] = []
    if billions:
        # beyond a billion Vietnamese goes on counting billions ("một nghìn tỷ")
        words += [number_words(billions, dialect), scales[3]]
    groups = [rest // 10**6, rest // 1000 % 1000, rest % 1000]
    for index, group in enumerate(groups):
        if group == 0:
            continue
        words += _below_thousand(group, full=bool(words), dialect=dialect)
        scale = scales[2 - index]
        if scale:
            words.append(scale)
    return " ".join(words)


def decimal_words(whole: int, fraction: str, dialect: str = "northern") -> str:
    """`decimal_words(2, "5") == "hai phẩy năm"` (a fraction keeps its leading zeros)."""
    spoken = number_words(int(fraction), dialect) if not fraction.startswith("0") \
        else digit_words(fraction)
    return f"{number_words(whole, dialect)} phẩy {spoken}"


def digit_words(digits: str) -> str:
    """Each digit by its name: a code or a phone number is not a quantity."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())
