"""Who is applying: the fields a procedure asks for, each checked as it is typed.

A check returns None when the value is fine, or a message a person can act on (an English
message id, translated by gettext). `complete=False` checks a value still being typed:
"0912" is not wrong yet, only unfinished, so nothing red is shown until it cannot become
right.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kiosk.catalogue.model import APPLICANT_FIELDS
from kiosk.i18n import N_

# the Ministry of Public Security's province codes in a CCCD number (first three digits)
CCCD_PROVINCES = frozenset(f"{n:03d}" for n in (
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35,
    36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70,
    72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96))
# Vietnamese mobile prefixes since 2018 (10 digits); landlines start 02
PHONE = re.compile(r"^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d|2\d{1,2})\d+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

Check = Callable[[str, bool, date], str | None]


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # message id
    short: str  # message id: the label on a small tab
    hint: str  # message id: an example of what to type
    keys: str  # which on-screen keyboard: "letters", "digits" or "date"
    max_length: int
    check: Check
    required: bool = True


def check_name(value: str, complete: bool, today: date) -> str | None:
    text = " ".join(value.split())
    if not text:
        return N_("Type your full name.") if complete else None
    if any(ch.isdigit() for ch in text):
        return N_("A name has no digits.")
    if complete and len(text.split()) < 2:
        return N_("Type your full name: family name and given name.")
    return None


def check_citizen_id(value: str, complete: bool, today: date) -> str | None:
    digits = value.strip()
    if not digits:
        return N_("Type the 12 digits of your citizen ID card (CCCD).") if complete else None
    if not digits.isdigit():
        return N_("A citizen ID number has digits only.")
    if len(digits) > 12:
        return N_("A citizen ID number has 12 digits.")
    if len(digits) >= 3 and digits[:3] not in CCCD_PROVINCES:
        return N_("A citizen ID number starts with a province code, such as 001 or 025. "
                  "Please check the first digits.")
    if complete and len(digits) != 12:
        return N_("A citizen ID number has 12 digits.")
    return None


def citizen_id_century_and_sex(digits: str) -> tuple[int, str] | None:
    """The 4th digit of a CCCD number: the birth century and sex (0/1: 1900s, 2/3: 2000s,
    4/5: 2100s…; even: male, odd: female)."""
    if len(digits) < 6 or not digits.isdigit():
        return None
    code = int(digits[3])
    return 1900 + 100 * (code // 2), "male" if code % 2 == 0 else "female"


def parse_date(value: str) -> date | None:
    """dd/mm/yyyy, as Vietnamese papers write dates."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def check_birth_date(value: str, complete: bool, today: date) -> str | None:
    text = value.strip()
    if not text:
        return N_("Type your date of birth, for example 05/09/1960.") if complete else None
    if not re.fullmatch(r"[\d/]*", text):
        return N_("Type the date as day/month/year, for example 05/09/1960.")
    if not complete and not re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        return None
    born = parse_date(text)
    if born is None:
        return N_("This date does not exist. Type it as day/month/year, for example "
                  "05/09/1960.")
    if born > today:
        return N_("A date of birth cannot be in the future.")
    if today.year - born.year > 120:
        return N_("Please check the year of birth.")
    return None


def check_phone(value: str, complete: bool, today: date) -> str | None:
    digits = value.replace(" ", "").replace(".", "")
    if not digits:
        return N_("Type a phone number so the office can call you.") if complete else None
    if not digits.isdigit():
        return N_("A phone number has digits only.")
    if not digits.startswith("0") or len(digits) > 11:
        return N_("A phone number has 10 digits and starts with 0, for example "
                  "0912 345 678.")
    if (complete or len(digits) >= 10) and (len(digits) not in (10, 11)
                                            or not PHONE.match(digits)):
        return N_("A phone number has 10 digits and starts with 0, for example "
                  "0912 345 678.")
    return None


def check_address(value: str, complete: bool, today: date) -> str | None:
    text = " ".join(value.split())
    if complete and len(text) < 6:
        return N_("Type your address: house number or hamlet, commune, province.")
    return None


def check_email(value: str, complete: bool, today: date) -> str | None:
    text = value.strip()
    if complete and text and not EMAIL.match(text):
        return N_("This e-mail address is not complete, for example ten@gmail.com.")
    return None


FIELDS: dict[str, Field] = {f.name: f for f in (
    Field("full_name", N_("Full name"), N_("Name"), N_("e.g. NGUYỄN VĂN AN"), "letters", 80,
          check_name),
    Field("citizen_id", N_("Citizen ID number (CCCD)"), N_("CCCD"), N_("12 digits"),
          "digits", 12, check_citizen_id),
    Field("date_of_birth", N_("Date of birth"), N_("Born"), N_("day/month/year"), "date",
          10, check_birth_date),
    Field("phone", N_("Phone number"), N_("Phone"), N_("e.g. 0912 345 678"), "digits", 13,
          check_phone),
    Field("address", N_("Address"), N_("Address"), N_("hamlet, commune, province"),
          "letters", 160, check_address),
    Field("email", N_("E-mail (if you have one)"), N_("E-mail"), N_("e.g. ten@gmail.com"),
          "letters", 80, check_email, required=False),
)}
DEFAULT_FIELDS = APPLICANT_FIELDS


def fields_for(names: tuple[str, ...]) -> list[Field]:
    """The fields a procedure asks for (its `applicant_fields`, else the usual ones), in
    the order a person fills them in."""
    wanted = names or DEFAULT_FIELDS
    return [FIELDS[name] for name in DEFAULT_FIELDS if name in wanted]


def problems(values: dict[str, str], fields: list[Field], today: date) -> dict[str, str]:
    """Every field's message, for the values as they are to be sent."""
    found: dict[str, str] = {}
    for f in fields:
        value = values.get(f.name, "")
        if not value.strip() and not f.required:
            continue
        message = f.check(value, True, today)
        if message:
            found[f.name] = message
    id_digits = values.get("citizen_id", "").strip()
    born = parse_date(values.get("date_of_birth", ""))
    century = citizen_id_century_and_sex(id_digits)
    # digits 5-6 of a CCCD are the last two digits of the year of birth
    if (born and century and "citizen_id" not in found and "date_of_birth" not in found
            and century[0] + int(id_digits[4:6]) != born.year):
        found["date_of_birth"] = N_("The year of birth does not match the citizen ID "
                                        "number. Please check both.")
    return found
