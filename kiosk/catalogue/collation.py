"""Vietnamese alphabetical order, for every list the kiosk sorts for people.

Code-point order puts "Đất đai" after "Xây dựng" (Đ is U+0110) and "Ăn" after "Yên". The
Vietnamese alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; letters
are compared first, over the whole text, and only texts equal in letters are then ordered
by tone: none, huyền, hỏi, ngã, sắc, nặng (the dictionary order), and last by case.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # f j w z: in foreign names only
_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# combining marks that make a letter of its own (ă â ê ô ơ ư)
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# tone marks in dictionary order (no mark is 0)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTERS_FROM = 0x110000  # past every code point: digits, spaces and signs come first


@lru_cache(maxsize=16384)
def vietnamese_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A sort key: `sorted(names, key=vietnamese_key)` gives Vietnamese dictionary order."""
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
        elif char in _LETTER_MARKS and letters:
            base = letters[-1] - _LETTERS_FROM
            if 0 <= base < len(ALPHABET):
                letters[-1] = _letter(unicodedata.normalize("NFC", ALPHABET[base] + char))
        elif unicodedata.combining(char):
            continue  # a mark Vietnamese does not use: ignored, as in folding for search
        else:
            letters.append(_letter(char))
            tones.append(0)
    # lower case before upper case when all else is equal, so the order is total
    return tuple(letters), tuple(tones), text.swapcase()


def _letter(char: str) -> int:
    rank = _RANK.get(char)
    return ord(char) if rank is None else _LETTERS_FROM + rank


def vietnamese_sorted(texts: list[str]) -> list[str]:
    return sorted(texts, key=vietnamese_key)
