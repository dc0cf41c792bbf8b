"""The QR code on a citizen ID card (thẻ căn cước / CCCD): the applicant's details, read
with the kiosk camera to fill the application form once the person confirms them.

The text is fields separated by `|`: ID number (số định danh cá nhân, 12 digits), old ID
number (may be empty), full name, date of birth (ddmmyyyy), gender, permanent address,
issue date (ddmmyyyy). Pure functions; what is read is personal data, so nothing here
logs it and `IdCard`'s repr shows none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk.submission.applicant import CCCD_PROVINCES

MAX_PAYLOAD = 1024


@dataclass(frozen=True)
class IdCard:
    citizen_id: str = field(repr=False)
    full_name: str = field(repr=False)
    date_of_birth: date = field(repr=False)
    gender: str = field(repr=False)  # as printed: "Nam" or "Nữ"
    address: str = field(repr=False)

    def form_values(self) -> dict[str, str]:
        """The values for the application form's fields, as a person would type them."""
        return {"citizen_id": self.citizen_id, "full_name": self.full_name.upper(),
                "date_of_birth": f"{self.date_of_birth:%d/%m/%Y}", "address": self.address}


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d%m%Y").date() if len(text) == 8 else None
    except ValueError:
        return None


def read_id_card(payload: bytes | str, today: date) -> IdCard | None:
    """The card's details, or None when the payload is not an ID card's QR text."""
    if isinstance(payload, bytes):
        if len(payload) > MAX_PAYLOAD:
            return None
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if len(payload) > MAX_PAYLOAD:
        return None
    parts = [p.strip() for p in payload.strip().split("|")]
    if len(parts) != 7:
        return None
    number, old, name, born, gender, address, issued = parts
    if not (len(number) == 12 and number.isascii() and number.isdigit()
            and number[:3] in CCCD_PROVINCES):
        return None
    if old and not (old.isascii() and old.isdigit() and len(old) in (9, 12)):
        return None
    birth, issue = _day(born), _day(issued)
    if birth is None or issue is None or not birth <= issue <= today:
        return None
    if not name or any(c.isdigit() for c in name) or not address:
        return None
    return IdCard(number, " ".join(name.split()), birth, gender, address)
