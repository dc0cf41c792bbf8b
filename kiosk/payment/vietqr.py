"""VietQR: NAPAS's profile of the EMVCo merchant-presented QR code, for a bank transfer to
the centre's account with the amount and the dossier code filled in.

The payload is tag-length-value text: two digits of tag, two of length, the value. The
account sits under tag 38 (GUID A000000727, the beneficiary's bank BIN and account in a
nested template, service QRIBFTTA: transfer to an account), then currency 704 (VND), the
amount, country VN, the purpose under tag 62/08, and tag 63: a CRC-16/CCITT-FALSE over
everything before it including "6304". Bank apps read the purpose as plain ASCII, so it is
written without Vietnamese marks (a dossier code is ASCII anyway).

A code made here says where to pay; it never says that anything was paid. Whether a fee
was paid comes only from the central API's dossier status.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
STATIC, DYNAMIC = "11", "12"  # a code for any amount, a code for one payment
MAX_PURPOSE = 25  # NAPAS's limit on tag 62/08
_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")


class VietQrError(ValueError):
    """The account settings or a payload cannot make (or be read as) a VietQR code."""


@dataclass(frozen=True)
class Payee:
    """The centre's account, from the config's [payment] section."""

    bank_bin: str  # the bank's 6-digit NAPAS BIN, e.g. 970415
    account: str
    name: str = ""  # shown beside the code; bank apps show the account holder themselves

    def problems(self) -> list[str]:
        found = []
        if not _BIN.fullmatch(self.bank_bin):
            found.append("bank_bin must be the bank's 6-digit NAPAS BIN")
        if not _ACCOUNT.fullmatch(self.account):
            found.append("account must be 1 to 19 letters or digits")
        return found


@dataclass(frozen=True)
class Payment:
    """What a VietQR payload says, read back (tests and the operator check codes with it)."""

    bank_bin: str
    account: str
    service: str
    amount: int | None
    purpose: str
    initiation: str


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, start 0xFFFF, no reflection, no final XOR
    (EMVCo's checksum; "123456789" gives 0x29B1)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQrError(f"tag {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def ascii_purpose(text: str) -> str:
    """The purpose as bank apps read it: Vietnamese marks taken off (đ → d), other
    characters outside printable ASCII dropped, cut to NAPAS's 25 characters."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c for c in plain if " " <= c <= "~")
    return " ".join(kept.split())[:MAX_PURPOSE]


def payload(payee: Payee, amount: int | None, purpose: str) -> str:
    """The VietQR text for a transfer of `amount` VND (None: the payer types it) to the
    payee, with `purpose` as the transfer's message."""
    if payee.problems():
        raise VietQrError("; ".join(payee.problems()))
    if amount is not None and not 0 < amount <= 10**13:
        raise VietQrError("the amount must be more than 0 VND")
    account = tlv("00", payee.bank_bin) + tlv("01", payee.account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", account) + tlv("02", SERVICE_TO_ACCOUNT)
    text = (tlv("00", "01") + tlv("01", STATIC if amount is None else DYNAMIC)
            + tlv("38", merchant) + tlv("53", CURRENCY_VND)
            + (tlv("54", str(amount)) if amount is not None else "")
            + tlv("58", COUNTRY))
    note = ascii_purpose(purpose)
    if note:
        text += tlv("62", tlv("08", note))
    text += "6304"
    return text + f"{crc16_ccitt(text.encode('ascii')):04X}"


def fields(text: str) -> dict[str, str]:
    """One level of TLV read into {tag: value}; VietQrError when it does not parse."""
    found: dict[str, str] = {}
    at = 0
    while at < len(text):
        tag, size = text[at:at + 2], text[at + 2:at + 4]
        if len(tag) < 2 or not size.isdigit() or at + 4 + int(size) > len(text):
            raise VietQrError(f"not tag-length-value text at position {at}")
        found[tag] = text[at + 4:at + 4 + int(size)]
        at += 4 + int(size)
    return found


def parse(text: str) -> Payment:
    """Read a VietQR payload back, checking its CRC and NAPAS's fixed fields."""
    if len(text) < 8 or text[-8:-4] != "6304":
        raise VietQrError("no CRC (tag 63) at the end")
    if int(text[-4:], 16) != crc16_ccitt(text[:-4].encode("ascii")):
        raise VietQrError("the CRC does not match")
    top = fields(text)
    if top.get("00") != "01" or top.get("53") != CURRENCY_VND or top.get("58") != COUNTRY:
        raise VietQrError("not a VietQR payload (format, currency or country)")
    merchant = fields(top.get("38", ""))
    if merchant.get("00") != NAPAS_GUID:
        raise VietQrError("tag 38 is not NAPAS's")
    account = fields(merchant.get("01", ""))
    extra = fields(top.get("62", ""))
    amount = top.get("54")
    return Payment(account.get("00", ""), account.get("01", ""), merchant.get("02", ""),
                   int(amount) if amount else None, extra.get("08", ""), top.get("01", ""))
