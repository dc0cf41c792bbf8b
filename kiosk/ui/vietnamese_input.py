"""Editing rules of the on-screen Vietnamese keyboard, for people who have never used Telex.

The user taps plain letters, then may tap a mark (ă, â/ê/ô, ơ/ư, đ) or a tone button; both
change the LAST word of the text, so the order of taps hardly matters. Tones follow the
traditional ("old style") placement, hòa, khỏe, thủy rather than hoà, khoẻ, thuỷ: a vowel
with a mark wins over plain ones (tiếng; được takes it on the second of ươ); otherwise a
closed syllable takes it on its last vowel (hoàn, huỳnh), an open one on the middle of
three vowels (ngoài, khuỷu) or the first of two (hòa, múa, tài). The u of "qu" and the
i of "gi" before a vowel belong to the consonant (quý, già). The tone is re-placed after
every change (`type_letter`, `backspace`, `add_mark`), so "to" + sắc + "an" gives "toán".
Search folds diacritics away, so the style only matters for what the user reads.

Every function takes and returns NFC text. No Kivy here, so the rules are tested without a
window.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

MARKS = ("breve", "circumflex", "horn", "stroke")
TONES = ("sac", "huyen", "hoi", "nga", "nang", "none")

_MARK_CHARS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_TONE_CHARS = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga",
               "\u0323": "nang"}
_MARK_COMBINING = {name: char for char, name in _MARK_CHARS.items()}
_TONE_COMBINING = {name: char for char, name in _TONE_CHARS.items()}
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True)
class _Letter:
    """One letter split into what the keyboard edits separately."""

    base: str  # lower case; a letter the rules do not know is kept whole here
    mark: str | None = None
    tone: str = "none"
    upper: bool = False

    @property
    def vowel(self) -> bool:
        return self.base in _VOWELS

    def render(self) -> str:
        if self.base == "d" and self.mark == "stroke":
            return "Đ" if self.upper else "đ"
        text = self.base.upper() if self.upper else self.base
        if self.mark in _MARK_COMBINING:
            text += _MARK_COMBINING[self.mark]
        if self.tone != "none":
            text += _TONE_COMBINING[self.tone]
        return unicodedata.normalize("NFC", text)


def _parse(char: str) -> _Letter:
    upper = char != char.lower()
    if char in "đĐ":
        return _Letter("d", "stroke", upper=upper)
    decomposed = unicodedata.normalize("NFD", char.lower())
    base, combining = decomposed[0], decomposed[1:]
    marks = [_MARK_CHARS.get(c) for c in combining]
    tones = [_TONE_CHARS.get(c) for c in combining]
    known = all(m or t for m, t in zip(marks, tones, strict=True))
    # Only Vietnamese vowels may carry marks and tones: "ñ" or "ü" stay one opaque letter.
    if base not in _VOWELS or not known or len(combining) > 2:
        return _Letter(char.lower(), upper=upper) if not combining else _Letter(char)
    mark = next((m for m in marks if m), None)
    tone = next((t for t in tones if t), "none")
    return _Letter(base, mark, tone, upper)


def _split(text: str) -> tuple[str, list[_Letter]]:
    """The text before the last word, and the last word's letters."""
    text = unicodedata.normalize("NFC", text)
    start = len(text)
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return text[:start], [_parse(c) for c in text[start:]]


def _join(head: str, letters: list[_Letter]) -> str:
    return unicodedata.normalize("NFC", head + "".join(x.render() for x in letters))


@dataclass(frozen=True)
class _Syllable:
    """Index ranges in the word: initial consonants [start, vowels), vowels, coda [end, ...)."""

    start: int
    vowels: int
    end: int
    closed: bool

    @property
    def has_vowel(self) -> bool:
        return self.end > self.vowels


def _syllable(letters: list[_Letter]) -> _Syllable:
    """The last syllable of a word: the last run of vowels and the consonants around it."""
    end = len(letters)
    while end > 0 and not letters[end - 1].vowel:
        end -= 1
    vowels = end
    while vowels > 0 and letters[vowels - 1].vowel:
        vowels -= 1
    start = vowels
    while start > 0 and not letters[start - 1].vowel:
        start -= 1
    if vowels == end:  # no vowel yet: the trailing consonants are the initial ("d" -> "đ")
        return _Syllable(start, len(letters), len(letters), False)
    initial = "".join(x.base for x in letters[start:vowels])
    first = letters[vowels]
    # In "qu" and in "gi" before another vowel the u/i is part of the consonant (quý, già).
    if end - vowels > 1 and ((initial == "q" and first.base == "u" and first.mark is None)
                             or (initial == "g" and first.base == "i")):
        vowels += 1
    return _Syllable(start, vowels, end, closed=end < len(letters))


def _tone_index(letters: list[_Letter], syl: _Syllable) -> int:
    marked = [i for i in range(syl.vowels, syl.end) if letters[i].mark]
    if marked:
        return marked[-1]
    if syl.closed:
        return syl.end - 1
    if syl.end - syl.vowels >= 3:
        return syl.vowels + 1
    return syl.vowels


def _set_tone(letters: list[_Letter], syl: _Syllable, tone: str) -> list[_Letter]:
    """The word with `tone` (and only it) on the syllable's tone-bearing vowel."""
    out = [replace(x, tone="none") if syl.start <= i < syl.end and x.vowel else x
           for i, x in enumerate(letters)]
    if tone != "none":
        at = _tone_index(out, syl)
        out[at] = replace(out[at], tone=tone)
    return out


def _tone_of(letters: list[_Letter], syl: _Syllable) -> str:
    return next((x.tone for x in letters[syl.start:syl.end] if x.tone != "none"), "none")


def _retone(letters: list[_Letter]) -> list[_Letter]:
    """The word with its last syllable's tone moved to where it belongs now."""
    syl = _syllable(letters)
    if not syl.has_vowel:
        return letters
    return _set_tone(letters, syl, _tone_of(letters, syl))


def add_tone(text: str, tone: str) -> str:
    """Put `tone` on the last word ("none" takes it off); unchanged if it has no vowel."""
    if tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}; known: {', '.join(TONES)}")
    head, letters = _split(text)
    syl = _syllable(letters)
    if not syl.has_vowel:
        return unicodedata.normalize("NFC", text)
    return _join(head, _set_tone(letters, syl, tone))


def current_tone(text: str) -> str:
    """The tone on the last word ("none" when it has none or no vowel)."""
    _, letters = _split(text)
    return _tone_of(letters, _syllable(letters))


def which_tones(text: str) -> bool:
    """Whether the last word has a vowel that a tone could go on."""
    _, letters = _split(text)
    return _syllable(letters).has_vowel


def _with_mark(letters: list[_Letter], changes: dict[int, str | None]) -> list[_Letter]:
    out = list(letters)
    for i, mark in changes.items():
        out[i] = replace(out[i], mark=mark)
    return out


def _stroke(letters: list[_Letter], syl: _Syllable) -> dict[int, str | None]:
    if syl.start < len(letters) and letters[syl.start].base == "d":
        d = letters[syl.start]
        return {syl.start: None if d.mark == "stroke" else "stroke"}
    return {}


def _on_one(letters: list[_Letter], candidates: list[int], mark: str) -> dict[int, str | None]:
    """Toggle `mark` on the last candidate, or take it off the one that already has it."""
    if not candidates:
        return {}
    having = [i for i in candidates if letters[i].mark == mark]
    if having:
        return {having[-1]: None}
    return {candidates[-1]: mark}


def _circumflex(letters: list[_Letter], syl: _Syllable) -> dict[int, str | None]:
    vowels = range(syl.vowels, syl.end)
    changes = _on_one(letters, [i for i in vowels if letters[i].base in "aeo"], "circumflex")
    for i, mark in list(changes.items()):
        # "ươ" + circumflex means "uô": a horned u never comes before ô.
        if mark and letters[i].base == "o" and i - 1 in vowels and letters[i - 1].base == "u":
            changes[i - 1] = None
    return changes


def _breve(letters: list[_Letter], syl: _Syllable) -> dict[int, str | None]:
    return _on_one(letters, [i for i in range(syl.vowels, syl.end) if letters[i].base == "a"],
                   "breve")


def _horn(letters: list[_Letter], syl: _Syllable) -> dict[int, str | None]:
    vowels = range(syl.vowels, syl.end)
    pair = next((i for i in vowels if i + 1 in vowels and letters[i].base == "u"
                 and letters[i + 1].base == "o"), None)
    if pair is None:
        first = next((i for i in vowels if letters[i].base in "uo"), None)
        if first is None:
            return {}
        return {first: None if letters[first].mark == "horn" else "horn"}
    # "uo" takes two horns (tương, người) except at the end of an open syllable (thuở, quơ).
    closed = syl.closed or pair + 2 < syl.end
    wanted = {pair: "horn" if closed else None, pair + 1: "horn"}
    if all(letters[i].mark == mark for i, mark in wanted.items()):
        return {pair: None, pair + 1: None}
    return wanted


def add_mark(text: str, mark: str) -> str:
    """Give the last word's fitting letter `mark`, or take it off if it already has it.

    breve: a -> ă; circumflex: a/e/o -> â/ê/ô; horn: o/u -> ơ/ư (both in "uo"); stroke:
    the initial d -> đ. A tone already there stays on the syllable.
    """
    if mark not in MARKS:
        raise ValueError(f"unknown mark {mark!r}; known: {', '.join(MARKS)}")
    head, letters = _split(text)
    syl = _syllable(letters)
    rule = {"breve": _breve, "circumflex": _circumflex, "horn": _horn, "stroke": _stroke}
    changes = rule[mark](letters, syl)
    if not changes:
        return unicodedata.normalize("NFC", text)
    return _join(head, _retone(_with_mark(letters, changes)))


def which_marks(text: str) -> set[str]:
    """The marks that would change the last word (a mark already on it can be taken off)."""
    text = unicodedata.normalize("NFC", text)
    return {mark for mark in MARKS if add_mark(text, mark) != text}


def _fix_uo(letters: list[_Letter]) -> list[_Letter]:
    """Turn uơ into ươ once the syllable is closed ("thuơ" + "ng" reads "thương")."""
    syl = _syllable(letters)
    for i in range(syl.vowels, syl.end - 1):
        u, o = letters[i], letters[i + 1]
        if (u.base, u.mark, o.base, o.mark) == ("u", None, "o", "horn") and (
                syl.closed or i + 2 < syl.end):
            return _with_mark(letters, {i: "horn"})
    return letters


def type_letter(text: str, char: str) -> str:
    """`text` with `char` typed at the end; the last word's tone moves to its new place."""
    head, letters = _split(unicodedata.normalize("NFC", text) + char)
    if not letters:
        return head
    return _join(head, _retone(_fix_uo(letters)))


def backspace(text: str) -> str:
    """`text` without its last letter (a whole letter, tone and all)."""
    text = unicodedata.normalize("NFC", text)[:-1]
    head, letters = _split(text)
    return _join(head, _retone(letters))
