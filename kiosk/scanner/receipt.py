"""Which QR and barcode payloads are dossier receipts, and the dossier code each carries.

Pure functions, no I/O: a payload is only ever read, never fetched or opened. A receipt
code holds either a bare dossier code (`38.98.H29-210519-0003`, also the Code 128 barcode
of a deployed receipt), an http(s) URL on one of the configured hosts that carries the code
in the configured query parameter or path segment, or the province portal's look-up URL
(`https://<host under gov.vn>/portaldvc/tra-cuu?SGT=<ID number>&MHS=<code>`), whose `SGT`
is the look-up's second factor. The portal's verification QR (`/apiqr/qr?id=...`) is
recognised and answered with its own reason. Everything else is refused with a short
reason the UI translates; a reason never repeats what the code held.

Being strict is the point: QR codes on a public kiosk are attacker-controlled input. So a
receipt is printable ASCII only (no IDN or look-alike letters, no control characters),
the host must equal an allowed host exactly, and a URL that names two different codes (or
hides one behind percent-encoding) is refused rather than guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from kiosk.config.settings import ScannerSection
from kiosk.i18n import N_
from kiosk.submission.reference import REFERENCE

# Refusal reasons, in English; the UI shows them through _().
EMPTY = N_("The QR code is empty.")
TOO_LONG = N_("The QR code holds too much data to be a receipt.")
NOT_TEXT = N_("The QR code does not hold readable text.")
NOT_RECEIPT = N_("This QR code is not a dossier receipt.")
FOREIGN_SITE = N_("This QR code links to a website that is not a receipt website.")
NO_CODE = N_("The link in this QR code does not carry a valid dossier code.")
MANY_CODES = N_("This QR code holds more than one dossier code.")
VERIFY_QR = N_("This QR code checks that the receipt is genuine. Please scan the other code "
               "on the receipt: the look-up QR code or the barcode.")
NOT_HTTPS = N_("The link in this QR code is not secure (http), so it is not read.")
MALFORMED = N_("The link in this QR code is malformed.")
REPEATED = N_("The link in this QR code repeats a parameter, so it is not read.")
BAD_ID = N_("The ID number in this QR code is not 12 digits.")

# Only surrounding ASCII whitespace is forgiven (a trailing newline from some generators).
_SURROUNDING_SPACE = " \t\r\n\x0b\x0c"
# Characters that are not readable text (controls, invisible formatting, unassigned);
# tabs and line breaks are, in a contact card or a note, which are refused later anyway.
_UNREADABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_LINE_BREAKS = "\t\r\n"
# scheme://authority rest, per RFC 3986; the authority ends at the first / ? or #.
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)"
                  r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?",
                  re.DOTALL)
_HOST_PORT = re.compile(r"(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(?P<port>[0-9]+))?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# where one part of a URL ends and the next begins, for finding codes anywhere in it
_DELIMITERS = re.compile(r"[/?#&=;]")


@dataclass(frozen=True)
class ReceiptRules:
    """What counts as a receipt QR, from the `[scanner]` config section."""

    hosts: frozenset[str]
    param: str
    path_segment: int
    code_pattern: re.Pattern[str]
    max_payload: int
    # the portal's look-up URL is read on these domains and the hosts under them
    portal_domains: frozenset[str] = frozenset({"gov.vn"})

    @classmethod
    def from_config(cls, scanner: ScannerSection) -> ReceiptRules:
        return cls(hosts=frozenset(h.strip().lower() for h in scanner.receipt_hosts if h.strip()),
                   param=scanner.receipt_param, path_segment=scanner.receipt_path_segment,
                   code_pattern=re.compile(scanner.code_pattern),
                   max_payload=scanner.max_payload,
                   portal_domains=frozenset(d.strip().strip(".").lower()
                                            for d in scanner.portal_domains if d.strip()))

    def is_code(self, text: str) -> bool:
        # fullmatch, not the pattern's own anchors: `$` would let a trailing newline through
        return text.isascii() and self.code_pattern.fullmatch(text) is not None


@dataclass(frozen=True)
class Receipt:
    """A dossier code read from a QR payload (or the reference of the kiosk's own slip,
    printed while a submission waits to be sent), or why the payload is not a receipt."""

    code: str | None = None
    refusal: str | None = None
    reference: str | None = None
    # the applicant's ID number from the portal URL (personal data: kept out of repr)
    citizen_id: str | None = field(default=None, repr=False)

    @property
    def accepted(self) -> bool:
        return self.code is not None or self.reference is not None


def read_receipt(payload: bytes | str, rules: ReceiptRules) -> Receipt:
    """The dossier code a receipt QR payload carries, or a refusal; never raises for
    any payload content."""
    if isinstance(payload, bytes | bytearray | memoryview):
        raw = bytes(payload)
        if len(raw) > rules.max_payload:
            return _refuse(TOO_LONG)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(NOT_TEXT)
    elif isinstance(payload, str):
        text = payload
    else:
        raise TypeError(f"a QR payload is bytes or str, not {type(payload).__name__}")
    if len(text) > rules.max_payload:  # before any parsing, so huge input costs nothing
        return _refuse(TOO_LONG)
    text = text.strip(_SURROUNDING_SPACE)
    if not text:
        return _refuse(EMPTY)
    if any(unicodedata.category(c) in _UNREADABLE and c not in _LINE_BREAKS for c in text):
        return _refuse(NOT_TEXT)
    if rules.is_code(text):
        return Receipt(code=text)
    if REFERENCE.fullmatch(text):
        return Receipt(reference=text)
    if text[:8].lower().startswith(("http://", "https://")):
        return _read_url(text, rules)
    return _refuse(NOT_RECEIPT)


def _refuse(reason: str) -> Receipt:
    return Receipt(refusal=reason)


def _read_url(text: str, rules: ReceiptRules) -> Receipt:
    """A receipt URL: an allowed host, and exactly one code where the config says; or the
    portal's look-up URL on a host under a portal domain."""
    url = _URL.fullmatch(text)
    if url is None:
        return _refuse(FOREIGN_SITE)
    scheme = url["scheme"].lower()
    exact = _host_allowed(scheme, url["authority"], rules)
    portal = _portal_host(scheme, url["authority"], rules)
    if not exact and not portal:
        return _refuse(FOREIGN_SITE)
    rest = text[url.end("authority"):]
    # URLs are ASCII; a space, a backslash (browsers read it as /) or a non-ASCII letter
    # means someone is playing with how the URL is read
    if not all("!" <= c <= "~" for c in rest) or "\\" in rest:
        return _refuse(NO_CODE)
    if url["path"].lower().rstrip("/").endswith("/apiqr/qr"):
        return _refuse(VERIFY_QR)
    names = {_name(pair) for pair in (url["query"] or "").split("&")}
    if names & _PORTAL_PARAMS:
        if scheme != "https":
            return _refuse(NOT_HTTPS)
        return _read_portal(url["query"] or "", rest, rules)
    if not exact:
        return _refuse(FOREIGN_SITE)
    found = _codes_in_place(url["path"], url["query"], rules)
    if not found:  # None or empty: nothing where the code belongs
        return _refuse(NO_CODE)
    if len(found) > 1 or _codes_anywhere(rest, rules) - found:
        return _refuse(MANY_CODES)
    return Receipt(code=found.pop())


_PORTAL_PARAMS = {"mhs", "sgt"}
_ID_NUMBER = re.compile(r"[0-9]{12}")


def _name(pair: str) -> str:
    """A query parameter's name as a server reads it: decoded, any case."""
    return unquote(pair.partition("=")[0].replace("+", " ")).lower()


def _read_portal(query: str, rest: str, rules: ReceiptRules) -> Receipt:
    """`SGT=<ID number>&MHS=<code>`: each at most once, `MHS` a code, `SGT` 12 digits."""
    values: dict[str, list[str]] = {}
    for pair in query.split("&"):
        if not pair:
            continue  # "a=1&&b=2" or a trailing "&": nothing there
        name, equals, value = pair.partition("=")
        if not equals or not name:
            return _refuse(MALFORMED)
        values.setdefault(_name(pair), []).append(value)
    codes, ids = values.get("mhs", []), values.get("sgt", [])
    if len(codes) > 1 or len(ids) > 1 or any(len(v) > 1 for v in values.values()):
        return _refuse(REPEATED)
    if not codes or not rules.is_code(codes[0]):
        return _refuse(NO_CODE)
    citizen_id = ids[0] if ids else ""
    if citizen_id and not _ID_NUMBER.fullmatch(citizen_id):
        return _refuse(BAD_ID)
    if _codes_anywhere(rest, rules) - {codes[0]}:
        return _refuse(MANY_CODES)
    return Receipt(code=codes[0], citizen_id=citizen_id or None)


def _portal_host(scheme: str, authority: str, rules: ReceiptRules) -> bool:
    """A host under a portal domain (`x.gov.vn`, never `gov.vn.evil.com` or `evilgov.vn`),
    on the scheme's own port, ASCII only."""
    if scheme not in _DEFAULT_PORTS or not authority.isascii():
        return False
    parts = _HOST_PORT.fullmatch(authority.lower())
    if parts is None or (parts["port"] is not None
                         and parts["port"] != _DEFAULT_PORTS[scheme]):
        return False
    host = parts["host"]
    return any(host.endswith("." + domain) for domain in rules.portal_domains)


def _host_allowed(scheme: str, authority: str, rules: ReceiptRules) -> bool:
    """Exactly an allowed host: no userinfo (`host@evil`), no other port, no IDN."""
    if scheme not in _DEFAULT_PORTS or not authority.isascii():
        return False
    # lower() only after the ASCII check: some non-ASCII letters lower-case into ASCII
    parts = _HOST_PORT.fullmatch(authority.lower())
    if parts is None:  # userinfo, IPv6 literals, percent-encoding, a bare ':' ...
        return False
    if parts["port"] is not None and parts["port"] != _DEFAULT_PORTS[scheme]:
        return False
    return parts["host"] in rules.hosts


def _codes_in_place(path: str, query: str | None, rules: ReceiptRules) -> set[str] | None:
    """The codes in the configured query parameter and path segment; None when the
    parameter is there but is not exactly one valid code."""
    found: set[str] = set()
    values = _param_values(query or "", rules.param)
    if values:
        if len(values) != 1 or not rules.is_code(values[0]):
            return None
        found.add(values[0])
    segment = _path_segment(path, rules.path_segment)
    # the segment may be anything (e.g. "tra-cuu.html"): it counts only when it is a code
    if segment is not None and rules.is_code(segment):
        found.add(segment)
    return found


def _param_values(query: str, param: str) -> list[str]:
    """Raw values of `param`; a percent-encoded name counts too, as a server would read it.

    Values are not decoded: a code needs no encoding, so an encoded one is refused.
    """
    values = []
    for pair in query.split("&"):
        name, _eq, value = pair.partition("=")
        if unquote(name.replace("+", " ")) == param:
            values.append(value)
    return values


def _path_segment(path: str, index: int) -> str | None:
    if index == 0 or not path:
        return None
    segments = path.removeprefix("/").removesuffix("/").split("/")
    position = index - 1 if index > 0 else index
    if -len(segments) <= position < len(segments):
        return segments[position]
    return None


def _codes_anywhere(rest: str, rules: ReceiptRules, depth: int = 3) -> set[str]:
    """Every code in any part of the URL after the host, also behind percent-encoding
    (up to `depth` layers), so a second code cannot hide in another parameter."""
    codes: set[str] = set()
    for part in _DELIMITERS.split(rest):
        if rules.is_code(part):
            codes.add(part)
        decoded = unquote(part.replace("+", " "))
        if depth > 0 and decoded != part:
            codes |= _codes_anywhere(decoded, rules, depth - 1)
    return codes


def read_receipts(payloads: Sequence[bytes | str], rules: ReceiptRules) -> Receipt:
    """One answer for every QR code seen at once (a receipt beside a leaflet's QR): the
    code when the receipts among them agree on one, else the first refusal."""
    if not payloads:
        raise ValueError("no QR payloads to read")
    receipts = [read_receipt(p, rules) for p in payloads]
    codes = list(dict.fromkeys(r.code for r in receipts if r.code is not None))
    references = list(dict.fromkeys(r.reference for r in receipts if r.reference))
    if len(codes) > 1 or len(references) > 1:
        return _refuse(MANY_CODES)
    if codes:  # the look-up QR and the barcode of one receipt: one code
        return Receipt(code=codes[0], citizen_id=next(
            (r.citizen_id for r in receipts if r.citizen_id), None))
    if references:
        return Receipt(reference=references[0])
    return receipts[0]
