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


def messages_in_code() -> set[str]:
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")],
                             keywords={"_": None, "N_": None})
    return {message for _file, _line, message, _comments, _context in found}


def catalogue(language: str) -> dict[str, str]:
    path = PACKAGE / "locale" / language / "LC_MESSAGES" / "kiosk.po"
    with path.open(encoding="utf-8") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy}


def test_the_code_has_messages() -> None:
    assert len(messages_in_code()) > 100


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated(language: str) -> None:
    translated = catalogue(language)
    missing = sorted(m for m in messages_in_code() if not translated.get(m))
    assert not missing, f"no {language} translation (run scripts/dev i18n, then translate): " \
                        f"{missing}"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_placeholders_survive_translation(language: str) -> None:
    for message, text in catalogue(language).items():
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(text)), message


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    with (PACKAGE / "locale" / language / "LC_MESSAGES" / "kiosk.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message, text in catalogue(language).items():
        assert compiled.gettext(message) == text, f"stale kiosk.mo: scripts/dev i18n ({message})"


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
