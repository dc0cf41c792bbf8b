"""The short reference printed on a person's slip ("K7P-3F9A"): what they show at the
counter or type at a kiosk to learn what became of a submission."""

from __future__ import annotations

import re
import secrets

# letters a person reads to a clerk without confusing them (no 0/O, 1/I/L)
LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE = re.compile(r"^[A-HJKMNP-Z2-9]{3}-[A-HJKMNP-Z2-9]{4}$")


def new_reference() -> str:
    letters = [secrets.choice(LETTERS) for _ in range(7)]
    return "".join(letters[:3]) + "-" + "".join(letters[3:])


def normalise_reference(text: str) -> str | None:
    """What a person typed or a QR held, as a reference, or None: capitals, the dash where
    it belongs; the letters people confuse (O, I, L, 0, 1) are not guessed at."""
    compact = re.sub(r"[\s-]", "", text.strip().upper())
    shaped = f"{compact[:3]}-{compact[3:]}" if len(compact) == 7 else compact
    return shaped if REFERENCE.match(shaped) else None
