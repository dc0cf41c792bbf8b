"""Vietnamese text folded for search: no tone or vowel marks, đ as d, i/y spelling variants.

People type "dang ky khai sinh", "đăng kí kết hôn" or "Đăng Ký" for the same words, so
index and query go through the same folding.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")
_CONSONANTS = frozenset("bcdghklmnpqrstvx")
# đ and Đ have no decomposition in Unicode, so NFD alone would keep them.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def fold(text: str) -> str:
    """Lower case, without diacritics: "Đăng ký Kết hôn" -> "dang ky ket hon"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def spelling(word: str) -> str:
    """One spelling for words written with either i or y: "ky"/"ki", "ly"/"li", "quy"/"qui".

    Only a final y after a consonant (or after "qu") varies; "tuy", "huy" keep theirs.
    """
    if len(word) >= 2 and word[-1] == "y":
        before = word[-2]
        if before in _CONSONANTS or (before == "u" and word[-3:-2] == "q"):
            return word[:-1] + "i"
    return word


def words(text: str) -> list[str]:
    """The search words of a text, folded and spelled one way."""
    return [spelling(w) for w in _WORD.findall(fold(text))]


def within_one_edit(a: str, b: str) -> bool:
    """True when b is a with at most one letter added, dropped, changed or two swapped."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    if la > lb:
        a, b = b, a
    # b is one letter longer: find the first difference and skip it in b
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def deletions(word: str) -> set[str]:
    """The word with each one letter removed: the key of the one-typo lookup."""
    return {word[:i] + word[i + 1:] for i in range(len(word))}
