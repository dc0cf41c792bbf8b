"""Deployed receipts: the province portal's look-up URL (with the ID number as second
factor), its verification QR, and look-alikes refused with a reason."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.config import parse_config
from kiosk.config.settings import ScannerSection
from kiosk.scanner import receipt
from kiosk.scanner.receipt import Receipt, ReceiptRules, read_receipt, read_receipts

CODE = "000.00.20.H56-240105-0012"
ID = "025190012345"
RULES = ReceiptRules.from_config(ScannerSection())
PORTAL = "https://dichvucong.hanoi.gov.vn/portaldvc/tra-cuu"


@pytest.mark.parametrize("url", [
    f"{PORTAL}?SGT={ID}&MHS={CODE}",
    f"{PORTAL}?MHS={CODE}&SGT={ID}",
    f"https://dvc.quangninh.gov.vn/portaldvc/tra-cuu?SGT={ID}&MHS={CODE}",
    f"https://DVC.QUANGNINH.GOV.VN:443/portaldvc/tra-cuu?sgt={ID}&mhs={CODE}",
    f"{PORTAL}?SGT={ID}&MHS={CODE}&",
])
def test_the_portal_lookup_url_gives_the_code_and_the_id_number(url: str) -> None:
    found = read_receipt(url, RULES)
    assert found == Receipt(code=CODE, citizen_id=ID)
    assert found.citizen_id == ID and ID not in repr(found)


def test_without_an_id_number_the_code_alone_is_read() -> None:
    assert read_receipt(f"{PORTAL}?MHS={CODE}", RULES) == Receipt(code=CODE)
    assert read_receipt(f"{PORTAL}?SGT=&MHS={CODE}", RULES).citizen_id is None


V, H, D = receipt.VERIFY_QR, receipt.NOT_HTTPS, receipt.MALFORMED
P, B, N = receipt.REPEATED, receipt.BAD_ID, receipt.NO_CODE
F, M = receipt.FOREIGN_SITE, receipt.MANY_CODES

REFUSED = [
    ("look-alike suffix",
     f"https://dichvucong.gov.vn.evil.com/portaldvc/tra-cuu?SGT={ID}&MHS={CODE}", F),
    ("gov.vn inside a name", f"https://evilgov.vn/portaldvc/tra-cuu?MHS={CODE}", F),
    ("gov.vn as userinfo", f"https://x.gov.vn@evil.com/portaldvc/tra-cuu?MHS={CODE}", F),
    ("gov.vn in the path", f"https://evil.com/x.gov.vn/portaldvc/tra-cuu?MHS={CODE}", F),
    ("bare domain", f"https://gov.vn/portaldvc/tra-cuu?MHS={CODE}", F),
    ("other port", f"https://dvc.hanoi.gov.vn:8443/portaldvc/tra-cuu?MHS={CODE}", F),
    ("idn look-alike", f"https://dvc.h\u0430noi.gov.vn/portaldvc/tra-cuu?MHS={CODE}", F),
    ("http", f"http://dichvucong.hanoi.gov.vn/portaldvc/tra-cuu?SGT={ID}&MHS={CODE}", H),
    ("repeated MHS", f"{PORTAL}?MHS={CODE}&MHS={CODE}", P),
    ("repeated MHS any case", f"{PORTAL}?MHS={CODE}&mhs={CODE}", P),
    ("encoded repeated name", f"{PORTAL}?MHS={CODE}&M%48S={CODE}", P),
    ("repeated SGT", f"{PORTAL}?SGT={ID}&SGT=079190012345&MHS={CODE}", P),
    ("repeated other", f"{PORTAL}?a=1&a=2&MHS={CODE}", P),
    ("no MHS", f"{PORTAL}?SGT={ID}", N),
    ("empty MHS", f"{PORTAL}?SGT={ID}&MHS=", N),
    ("bad MHS", f"{PORTAL}?MHS=HS-0012", N),
    ("encoded MHS", f"{PORTAL}?MHS=000.00.20.H56-240105%2D0012", N),
    ("MHS without =", f"{PORTAL}?SGT={ID}&MHS", D),
    ("empty name", f"{PORTAL}?=x&MHS={CODE}", D),
    ("short SGT", f"{PORTAL}?SGT=02519001234&MHS={CODE}", B),
    ("long SGT", f"{PORTAL}?SGT=0251900123456&MHS={CODE}", B),
    ("letters in SGT", f"{PORTAL}?SGT=02519001234A&MHS={CODE}", B),
    ("second code elsewhere", f"{PORTAL}?MHS={CODE}&x=000.00.20.H56-240105-0013", M),
    ("verification QR", "https://dichvucong.hanoi.gov.vn/apiqr/qr?id=8f14e45f-ceea-467f-a0e6-"
                        "2c3e1d0f9a7b", V),
    ("verification QR, slash", "https://dvc.hanoi.gov.vn/apiqr/qr/?id=8f14e45f", V),
    ("verification QR elsewhere", "https://evil.com/apiqr/qr?id=8f14e45f", F),
    ("gov.vn host without MHS", f"https://dvc.hanoi.gov.vn/tra-cuu?ma_ho_so={CODE}", F),
]


@pytest.mark.parametrize(("payload", "reason"), [(p, r) for _, p, r in REFUSED],
                         ids=[name for name, _, _ in REFUSED])
def test_look_alikes_and_malformed_portal_urls_are_refused_with_a_reason(
        payload: str, reason: str) -> None:
    found = read_receipt(payload, RULES)
    assert found == Receipt(refusal=reason) and found.citizen_id is None


def test_the_portal_domains_come_from_the_config() -> None:
    config = parse_config('[scanner]\nportal_domains = ["dvc.example.vn"]\n', environ={})
    rules = ReceiptRules.from_config(config.scanner)
    assert read_receipt(f"https://hn.dvc.example.vn/x?MHS={CODE}", rules).code == CODE
    assert read_receipt(f"{PORTAL}?MHS={CODE}", rules).refusal == F
    none = dataclasses.replace(RULES, portal_domains=frozenset())
    assert read_receipt(f"{PORTAL}?MHS={CODE}", none).refusal == F
    with pytest.raises(Exception, match="portal_domains"):
        parse_config('[scanner]\nportal_domains = ["vn"]\n', environ={})


def test_a_receipt_with_both_codes_gives_one_code_with_the_id_number() -> None:
    lookup, verify = f"{PORTAL}?SGT={ID}&MHS={CODE}", "https://dvc.hanoi.gov.vn/apiqr/qr?id=1"
    assert read_receipts([CODE, lookup, verify], RULES) == Receipt(code=CODE, citizen_id=ID)
    assert read_receipts([verify, CODE], RULES) == Receipt(code=CODE)
    assert read_receipts([verify], RULES) == Receipt(refusal=V)
    assert read_receipts([lookup, "000.00.20.H56-240105-0013"], RULES).refusal == M


def test_the_new_reasons_are_marked_for_translation() -> None:
    from babel.messages.extract import extract_from_file

    marked = {message for _line, message, _comments, _context
              in extract_from_file("python", receipt.__file__, keywords={"N_": None})}
    assert {V, H, D, P, B} <= marked
