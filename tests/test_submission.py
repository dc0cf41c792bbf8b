"""Applicant checks as a person types, and the draft that becomes a submission."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from catalogue_samples import catalogue

from kiosk.catalogue.model import Catalogue
from kiosk.submission.applicant import (
    FIELDS,
    check_birth_date,
    check_citizen_id,
    check_name,
    check_phone,
    citizen_id_century_and_sex,
    fields_for,
    problems,
)
from kiosk.submission.draft import Draft, may_bring_original

TODAY = date(2026, 11, 25)
GOOD = {"full_name": "Nguyễn Thị Hoa", "citizen_id": "025190012345",
        "date_of_birth": "05/09/1990", "phone": "0912345678",
        "address": "Xóm Đồng, xã Minh Khai, tỉnh Phú Thọ"}


@pytest.mark.parametrize("typed", ["", "0", "02", "025", "0251", "02519001", "025190012345"])
def test_a_citizen_id_being_typed_is_not_wrong_yet(typed: str) -> None:
    assert check_citizen_id(typed, False, TODAY) is None


@pytest.mark.parametrize(("value", "words"), [
    ("02519001234", "12 digits"), ("0251900123456", "12 digits"),
    ("025-19001234", "digits only"), ("999190012345", "province code"),
    ("", "12 digits of your citizen ID")])
def test_a_wrong_citizen_id_says_what_is_wrong(value: str, words: str) -> None:
    message = check_citizen_id(value, True, TODAY)
    assert message and words in message


def test_the_fourth_digit_gives_the_century_and_sex() -> None:
    assert citizen_id_century_and_sex("025190012345") == (1900, "female")
    assert citizen_id_century_and_sex("001200012345") == (2000, "male")


@pytest.mark.parametrize(("value", "complete", "words"), [
    ("05/09/19", False, None), ("05/09/1990", True, None), ("31/02/1990", True, "not exist"),
    ("05-09-1990", True, "day/month/year"), ("05/09/2030", True, "future"),
    ("05/09/1850", True, "year of birth"), ("", True, "date of birth")])
def test_dates_of_birth(value: str, complete: bool, words: str | None) -> None:
    message = check_birth_date(value, complete, TODAY)
    assert (message is None) if words is None else (message and words in message)


@pytest.mark.parametrize(("value", "ok"), [
    ("0912345678", True), ("0912 345 678", True), ("0321234567", True),
    ("02103846100", True), ("091234567", False), ("1912345678", False),
    ("0112345678", False), ("09123456789012", False)])
def test_phone_numbers(value: str, ok: bool) -> None:
    assert (check_phone(value, True, TODAY) is None) == ok


def test_names_have_letters_and_two_words() -> None:
    assert check_name("Nguyễn Văn An", True, TODAY) is None
    assert check_name("Nguyễn", False, TODAY) is None  # still typing
    assert "family name" in (check_name("Nguyễn", True, TODAY) or "")
    assert "digits" in (check_name("An 2", True, TODAY) or "")


def test_the_year_of_birth_must_match_the_citizen_id() -> None:
    fields = fields_for(())
    assert problems(GOOD, fields, TODAY) == {}
    wrong = problems({**GOOD, "date_of_birth": "05/09/1991"}, fields, TODAY)
    assert "does not match" in wrong["date_of_birth"]
    assert problems({**GOOD, "email": ""}, fields, TODAY) == {}  # optional
    assert "e-mail" in problems({**GOOD, "email": "ten@"}, fields, TODAY)["email"]


def test_a_procedure_can_ask_for_fewer_fields() -> None:
    assert [f.name for f in fields_for(("full_name", "phone"))] == ["full_name", "phone"]
    assert [f.name for f in fields_for(())] == list(FIELDS)


def test_the_draft_payload_and_clearing_it() -> None:
    procedure = Catalogue.from_dict(catalogue()).procedures[0]
    draft = Draft(procedure, values=dict(GOOD))
    assert draft.components and draft.missing_documents()
    for i, component in enumerate(draft.components):
        if may_bring_original(component):
            draft.answer(i).bring_original = True
        else:
            draft.answer(i).pages.append(b"\xff\xd8jpeg")
    assert draft.missing_documents() == [] and not draft.ready(TODAY)  # no consent yet
    draft.consent = True
    assert draft.ready(TODAY)
    payload = draft.payload("000.00.20.H29")
    assert payload["applicant"]["full_name"] == "Nguyễn Thị Hoa"
    assert payload["procedure_code"] == procedure.code and payload["agency"] == "000.00.20.H29"
    photographed = [d for d in payload["documents"] if d["pages"]]
    assert all(base64.b64decode(d["pages"][0]) == b"\xff\xd8jpeg" for d in photographed)
    pages = [a.pages for a in draft.documents.values()]
    draft.clear()
    assert draft.values == {} and draft.documents == {} and not draft.consent
    assert all(p == [] for p in pages)  # the photos themselves are gone, not only unlinked
