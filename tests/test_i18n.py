"""Every message the code shows has a Vietnamese translation, with the same placeholders,
and the compiled catalogues match their sources."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk import i18n

PACKAGE = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


# a message is its text, or (singular, plural) for ngettext
Message = str | tuple[str, ...]


def messages_in_code() -> set[Message]:
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")],
                             keywords={"_": None, "N_": None, "ngettext": (1, 2)})
    return {message for _file, _line, message, _comments, _context in found}


def catalogue(language: str) -> dict[Message, Message]:
    path = PACKAGE / "locale" / language / "LC_MESSAGES" / "kiosk.po"
    with path.open(encoding="utf-8") as handle:
        return {m.id: m.string for m in read_po(handle, locale=language)
                if m.id and not m.fuzzy}


def forms(text: Message) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def test_the_code_has_messages() -> None:
    assert len(messages_in_code()) > 100


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated(language: str) -> None:
    translated = catalogue(language)
    missing = sorted((m for m in messages_in_code()
                      if not all(forms(translated.get(m) or ("",)))), key=str)
    assert not missing, f"no {language} translation (run scripts/dev i18n, then translate): " \
                        f"{missing}"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_placeholders_survive_translation(language: str) -> None:
    for message, text in catalogue(language).items():
        for form in forms(text):
            assert set(PLACEHOLDER.findall(forms(message)[0])) == set(
                PLACEHOLDER.findall(form)), message


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    with (PACKAGE / "locale" / language / "LC_MESSAGES" / "kiosk.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message, text in catalogue(language).items():
        if isinstance(message, tuple):  # one count for each form: 1, then many
            said = tuple(compiled.ngettext(*message, n) for n in (1, 2)[:len(text)])
            assert said == text, f"stale kiosk.mo: scripts/dev i18n ({message})"
        else:
            assert compiled.gettext(message) == text, \
                f"stale kiosk.mo: scripts/dev i18n ({message})"


def test_counts_take_the_language_s_plural() -> None:
    """English has "1 copy" and "2 copies"; Vietnamese says a count one way. The forms are
    found by the extraction (ngettext) and come from the catalogues."""
    from kiosk.ui.formatting import copies_count, pages_photographed

    assert ("{n} copy", "{n} copies") in messages_in_code()
    try:
        i18n.set_language("en")
        assert (copies_count(1), copies_count(2)) == ("1 copy", "2 copies")
        assert pages_photographed(3) == "3 pages photographed"
        assert i18n.ngettext("{n} day", "{n} days", 1.5) == "{n} days"  # a fraction: many
        i18n.set_language("vi")
        assert (copies_count(1), copies_count(2)) == ("1 bản sao", "2 bản sao")
        assert pages_photographed(3) == "Đã chụp 3 trang"
    finally:
        i18n.set_language("vi")


def test_switching_language_changes_what_is_shown() -> None:
    try:
        i18n.set_language("vi")
        assert i18n._("Home") == "Trang chủ"
        i18n.set_language("en")
        assert i18n._("Home") == "Home"
    finally:
        i18n.set_language("vi")
    with pytest.raises(ValueError):
        i18n.set_language("fr")
