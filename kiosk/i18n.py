"""Translations: gettext catalogues for Vietnamese (the default) and English.

Message ids in the code are English; `kiosk/locale/{vi,en}/LC_MESSAGES/kiosk.po` hold the
translations (`scripts/dev i18n` extracts, updates and compiles them). The language can
change at any moment on the kiosk, so `_()` looks up the current language on each call;
screens rebuild their texts when it changes.
"""

from __future__ import annotations

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"
LANGUAGES = ("vi", "en")
BABEL_LOCALES = {"vi": "vi_VN", "en": "en_GB"}

_catalogues: dict[str, gettext.NullTranslations] = {}
_current = "vi"


def _catalogue(language: str) -> gettext.NullTranslations:
    if language not in _catalogues:
        _catalogues[language] = gettext.translation(DOMAIN, LOCALE_DIR, [language],
                                                    fallback=True)
    return _catalogues[language]


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    _current = language


def language() -> str:
    return _current


def babel_locale() -> str:
    return BABEL_LOCALES[_current]


def _(message: str) -> str:
    """The message in the current language."""
    return _catalogue(_current).gettext(message)


def ngettext(singular: str, plural: str, n: float) -> str:
    """The message for `n` things in the current language: "1 copy", "2 copies" (English
    has two forms, Vietnamese one). Write both forms out at the call, so the extraction
    finds them. A fraction reads as many ("1.5 days"): gettext's rules take whole numbers,
    and in both languages every count but 1 takes the other form."""
    whole = int(n) if n == int(n) else 2
    return _catalogue(_current).ngettext(singular, plural, whole)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it where it is shown."""
    return message
