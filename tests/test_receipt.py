"""Which QR payloads are receipts: national-format codes and allow-listed URLs are read,
everything else (hostile or merely foreign) is refused with a reason, never an error."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.config import parse_config
from kiosk.config.settings import ScannerSection
from kiosk.scanner import receipt
from kiosk.scanner.receipt import Receipt, ReceiptRules, read_receipt, read_receipts

CODE = "38.98.H29-210519-0003"
CODE2 = "000.00.20.H29-201117-0001"
HOST = "https://dichvucong.gov.vn"
RULES = ReceiptRules.from_config(ScannerSection())


def code_of(payload: bytes | str, rules: ReceiptRules = RULES) -> str | None:
    result = read_receipt(payload, rules)
    assert (result.code is None) != (result.refusal is None), result
    return result.code


@pytest.mark.parametrize("code", [CODE, CODE2, "000.00.00.H49-240101-000123",
                                  "A.B-991231-0000"])
def test_bare_national_codes_are_read(code: str) -> None:
    assert read_receipt(code, RULES) == Receipt(code=code)
    assert code_of(code.encode()) == code


@pytest.mark.parametrize("payload", [f"{CODE}\n", f"  {CODE}\r\n", f"\t{CODE} "])
def test_surrounding_whitespace_is_forgiven(payload: str) -> None:
    assert code_of(payload) == CODE


@pytest.mark.parametrize("url", [
    f"{HOST}/tra-cuu?ma_ho_so={CODE}",
    f"{HOST}/p/home/dvc-tra-cuu-ho-so.html?ma_ho_so={CODE}",
    f"{HOST}/p/home/dvc-tra-cuu-ho-so.html?lang=vi&ma_ho_so={CODE}&src=qr",
    f"http://dichvucong.gov.vn/tra-cuu?ma_ho_so={CODE}",
    f"HTTPS://DICHVUCONG.GOV.VN/tra-cuu?ma_ho_so={CODE}",
    f"https://dichvucong.gov.vn:443/tra-cuu?ma_ho_so={CODE}",
    f"http://dichvucong.gov.vn:80/tra-cuu?ma_ho_so={CODE}",
    f"{HOST}/tra-cuu/{CODE}",
    f"{HOST}/tra-cuu/{CODE}/",
    f"{HOST}/{CODE}",
    f"{HOST}/tra-cuu/{CODE}?ma_ho_so={CODE}",  # the same code twice is one code
    f"{HOST}/tra-cuu?ma_ho_so={CODE}#ket-qua",
    f"{HOST}/tra-cuu?ma_ho_so={CODE}\n",
])
def test_receipt_urls_are_read(url: str) -> None:
    assert code_of(url) == CODE


def test_the_hosts_parameter_and_segment_come_from_the_config() -> None:
    config = parse_config('[scanner]\nreceipt_hosts = ["motcua.hanoi.gov.vn", "DVC.Example.VN"]\n'
                          'receipt_param = "code"\nreceipt_path_segment = 2\n', environ={})
    rules = ReceiptRules.from_config(config.scanner)
    assert rules.hosts == frozenset({"motcua.hanoi.gov.vn", "dvc.example.vn"})
    assert code_of(f"https://motcua.hanoi.gov.vn/x?code={CODE}", rules) == CODE
    assert code_of(f"https://dvc.example.vn/hs/{CODE}/chi-tiet", rules) == CODE
    assert code_of(f"https://dvc.example.vn/hs/chi-tiet/{CODE}", rules) is None  # segment 3
    assert code_of(f"{HOST}/x?code={CODE}", rules) is None  # no longer an allowed host
    assert code_of(f"https://motcua.hanoi.gov.vn/x?ma_ho_so={CODE}", rules) is None


def test_a_path_segment_of_zero_means_never_in_the_path() -> None:
    rules = dataclasses.replace(RULES, path_segment=0)
    assert code_of(f"{HOST}/tra-cuu/{CODE}", rules) is None
    assert code_of(f"{HOST}/tra-cuu?ma_ho_so={CODE}", rules) == CODE


def test_the_code_pattern_comes_from_the_config() -> None:
    rules = ReceiptRules.from_config(ScannerSection(code_pattern=r"HS-[0-9]{8}"))
    assert code_of("HS-12345678", rules) == "HS-12345678"
    assert code_of(CODE, rules) is None
    assert code_of("HS-12345678\nX", rules) is None


F, N, M = receipt.FOREIGN_SITE, receipt.NO_CODE, receipt.MANY_CODES
R, T, L = receipt.NOT_RECEIPT, receipt.NOT_TEXT, receipt.TOO_LONG

HOSTILE: list[tuple[str, bytes | str, str]] = [
    # foreign and look-alike hosts
    ("foreign host", f"https://evil.com/tra-cuu?ma_ho_so={CODE}", F),
    ("host as a path", f"https://evil.com/dichvucong.gov.vn?ma_ho_so={CODE}", F),
    ("host as a subdomain", f"https://dichvucong.gov.vn.evil.com/?ma_ho_so={CODE}", F),
    ("subdomain of the host", f"https://www.dichvucong.gov.vn/?ma_ho_so={CODE}", F),
    ("suffix match", f"https://evildichvucong.gov.vn/?ma_ho_so={CODE}", F),
    ("userinfo", f"https://dichvucong.gov.vn@evil.com/?ma_ho_so={CODE}", F),
    ("userinfo with our host", f"https://user:pw@dichvucong.gov.vn/?ma_ho_so={CODE}", F),
    ("port and userinfo", f"https://dichvucong.gov.vn:443@evil.com/?ma_ho_so={CODE}", F),
    ("other port", f"https://dichvucong.gov.vn:8443/?ma_ho_so={CODE}", F),
    ("http port on https", f"https://dichvucong.gov.vn:80/?ma_ho_so={CODE}", F),
    ("empty port", f"https://dichvucong.gov.vn:/?ma_ho_so={CODE}", F),
    ("trailing dot", f"https://dichvucong.gov.vn./?ma_ho_so={CODE}", F),
    ("backslash host", f"https://dichvucong.gov.vn\\@evil.com/?ma_ho_so={CODE}", F),
    ("encoded dot", f"https://dichvucong%2Egov.vn/?ma_ho_so={CODE}", F),
    ("cyrillic o", f"https://dichvuc\u043eng.gov.vn/?ma_ho_so={CODE}", F),
    ("fullwidth letters", f"https://\uff44ichvucong.gov.vn/?ma_ho_so={CODE}", F),
    ("ideographic full stop", f"https://dichvucong\u3002gov.vn/?ma_ho_so={CODE}", F),
    ("kelvin sign lower-cases to k", f"https://\u212aiosk.gov.vn/?ma_ho_so={CODE}", F),
    ("vietnamese IDN", f"https://dịchvụcông.gov.vn/?ma_ho_so={CODE}", F),
    ("punycode", f"https://xn--dchvcng-xya8e5g.gov.vn/?ma_ho_so={CODE}", F),
    ("IP address", f"https://203.0.113.5/?ma_ho_so={CODE}", F),
    ("IPv6 literal", f"https://[::1]/?ma_ho_so={CODE}", F),
    ("empty host", f"https:///?ma_ho_so={CODE}", F),
    ("scheme-relative", f"//dichvucong.gov.vn/?ma_ho_so={CODE}", R),
    ("one slash", f"https:/dichvucong.gov.vn/?ma_ho_so={CODE}", R),
    ("no slashes", f"https:dichvucong.gov.vn/?ma_ho_so={CODE}", R),
    # other schemes and QR kinds
    ("javascript", f"javascript:alert('{CODE}')", R),
    ("javascript upper", "JAVASCRIPT:fetch('//evil.com')", R),
    ("data url", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", R),
    ("file url", f"file:///etc/passwd?ma_ho_so={CODE}", R),
    ("ftp on our host", f"ftp://dichvucong.gov.vn/{CODE}", R),
    ("intent", f"intent://dichvucong.gov.vn/{CODE}#Intent;scheme=https;end", R),
    ("wifi", "WIFI:T:WPA;S:MotCua-Guest;P:12345678;;", R),
    ("wifi with a code", f"WIFI:T:WPA;S:{CODE};P:x;;", R),
    ("vcard", f"BEGIN:VCARD\nVERSION:3.0\nFN:Nguyễn Văn An\nNOTE:{CODE}\nEND:VCARD", R),
    ("mecard", f"MECARD:N:Nguyen,An;TEL:0912345678;NOTE:{CODE};;", R),
    ("sms", f"SMSTO:8079:{CODE}", R),
    ("sms uri", f"sms:+84912345678?body={CODE}", R),
    ("tel", "tel:+84912345678", R),
    ("mailto", f"mailto:a@dichvucong.gov.vn?subject={CODE}", R),
    ("geo", "geo:21.0285,105.8542", R),
    ("plain text", "Cảm ơn quý khách", R),
    # codes with something extra
    ("vietnamese text and code", f"Hồ sơ {CODE2}", R),
    ("code and a label", f"Ma ho so: {CODE}", R),
    ("two codes", f"{CODE} {CODE2}", R),
    ("two codes on two lines", f"{CODE}\n{CODE2}", R),
    ("lower case", CODE.lower(), R),
    ("code plus char", CODE + "X", R),
    ("code plus digit", CODE + "0000000", R),
    ("code with a semicolon", CODE + ";", R),
    ("code with a quote", CODE + "'", R),
    ("fullwidth digits", "\uff13\uff18.98.H29-210519-0003", R),
    ("arabic-indic digits", "٣٨.98.H29-210519-0003", R),
    ("percent-encoded bare code", "38%2E98.H29-210519-0003", R),
    ("nul inside", CODE[:5] + "\x00" + CODE[5:], T),
    ("nul after", CODE + "\x00", T),
    ("nul bytes", CODE.encode() + b"\x00", T),
    ("escape sequence", "\x1b[2J" + CODE, T),
    ("zero-width space", CODE[:2] + "\u200b" + CODE[2:], T),
    ("right-to-left override", "\u202e" + CODE, T),
    ("byte order mark", "\ufeff" + CODE, T),
    ("line separator", CODE + "\u2028" + CODE2, T),
    ("delete char", CODE + "\x7f", T),
    ("lone surrogate", CODE + "\udc80", T),
    ("private use", CODE + "\ue000", T),
    # URLs on our host without one good code
    ("no code", f"{HOST}/tra-cuu", N),
    ("bare host", HOST, N),
    ("empty parameter", f"{HOST}/tra-cuu?ma_ho_so=", N),
    ("parameter without value", f"{HOST}/tra-cuu?ma_ho_so", N),
    ("parameter twice", f"{HOST}/tra-cuu?ma_ho_so={CODE}&ma_ho_so={CODE}", N),
    ("two values", f"{HOST}/tra-cuu?ma_ho_so={CODE}&ma_ho_so={CODE2}", N),
    ("encoded name twice", f"{HOST}/tra-cuu?ma_ho_so={CODE}&ma%5Fho%5Fso={CODE2}", N),
    ("code with extra", f"{HOST}/tra-cuu?ma_ho_so={CODE}X", N),
    ("code with a comma", f"{HOST}/tra-cuu?ma_ho_so={CODE},{CODE2}", N),
    ("encoded second param", f"{HOST}/tra-cuu?ma_ho_so={CODE}%26ma_ho_so%3D{CODE2}", N),
    ("percent-encoded code", f"{HOST}/tra-cuu?ma_ho_so=38%2E98%2EH29-210519-0003", N),
    ("plus in code", f"{HOST}/tra-cuu?ma_ho_so=+{CODE}", N),
    ("lower-case code", f"{HOST}/tra-cuu?ma_ho_so={CODE.lower()}", N),
    ("code in another parameter", f"{HOST}/tra-cuu?id={CODE}", N),
    ("code in the fragment", f"{HOST}/tra-cuu#{CODE}", N),
    ("code in a middle segment", f"{HOST}/{CODE}/tra-cuu", N),
    ("space in the url", f"{HOST}/tra cuu?ma_ho_so={CODE}", N),
    ("backslash after the host", f"{HOST}\\tra-cuu?ma_ho_so={CODE}", F),
    ("backslash in the path", f"{HOST}/a\\b?ma_ho_so={CODE}", N),
    ("non-ASCII path", f"{HOST}/tra-cứu?ma_ho_so={CODE}", N),
    # URLs with two different codes
    ("path and param differ", f"{HOST}/tra-cuu/{CODE2}?ma_ho_so={CODE}", M),
    ("another parameter", f"{HOST}/tra-cuu?ma_ho_so={CODE}&id={CODE2}", M),
    ("semicolon pair", f"{HOST}/tra-cuu?x=1;ma_ho_so={CODE2}&ma_ho_so={CODE}", M),
    ("fragment", f"{HOST}/tra-cuu?ma_ho_so={CODE}#{CODE2}", M),
    ("middle segment", f"{HOST}/{CODE2}/tra-cuu?ma_ho_so={CODE}", M),
    ("percent-encoded second code", f"{HOST}/tra-cuu?ma_ho_so={CODE}&x=%30%30%30.00.20.H29"
                                    "-201117-0001", M),
    ("double-encoded second code", f"{HOST}/tra-cuu?ma_ho_so={CODE}&x=%2530%2530%2530.00.20"
                                   ".H29-201117-0001", M),
    ("encoded delimiter", f"{HOST}/tra-cuu?ma_ho_so={CODE}&x=a%2F{CODE2}", M),
    # not text, or too much of it
    ("windows-1258 text", "Đăng ".encode("cp1258") + CODE.encode(), T),
    ("latin-1 bytes", b"\xe9" + CODE.encode(), T),
    ("truncated UTF-8", CODE.encode() + b"\xe1\xbb", T),
    ("overlong UTF-8 slash", b"https://dichvucong.gov.vn\xc0\xaf" + CODE.encode(), T),
    ("UTF-16", CODE.encode("utf-16"), T),
    ("random binary", bytes(range(256)), T),
    ("empty", "", receipt.EMPTY),
    ("empty bytes", b"", receipt.EMPTY),
    ("only whitespace", " \r\n\t", receipt.EMPTY),
    ("oversized", f"{HOST}/tra-cuu?ma_ho_so={CODE}&pad=" + "A" * 600, L),
    ("oversized bytes", b"A" * 513, L),
    ("oversized padding", " " * 600 + CODE, L),
    ("huge", "9" * 10_000_000, L),
]


@pytest.mark.parametrize(("payload", "reason"), [(p, r) for _, p, r in HOSTILE],
                         ids=[name for name, _, _ in HOSTILE])
def test_hostile_payloads_are_refused_with_a_reason(payload: bytes | str, reason: str) -> None:
    assert read_receipt(payload, RULES) == Receipt(refusal=reason)


def test_the_hostile_table_is_long() -> None:
    assert len(HOSTILE) >= 100


def test_every_reason_is_marked_for_translation() -> None:
    from babel.messages.extract import extract_from_file

    marked = {message for _line, message, _comments, _context
              in extract_from_file("python", receipt.__file__, keywords={"N_": None})}
    assert {receipt.EMPTY, T, L, R, F, N, M} <= marked


def test_payload_limit_counts_characters_and_bytes() -> None:
    padded = f"{HOST}/tra-cuu?ma_ho_so={CODE}&p="
    exact = padded + "x" * (RULES.max_payload - len(padded))
    assert code_of(exact) == CODE
    assert code_of(exact + "x") is None


def test_several_qr_codes_seen_at_once() -> None:
    leaflet = "https://evil.com/khuyen-mai"
    assert read_receipts([leaflet.encode(), CODE.encode()], RULES) == Receipt(code=CODE)
    assert read_receipts([CODE, f"{HOST}/x?ma_ho_so={CODE}"], RULES) == Receipt(code=CODE)
    assert read_receipts([CODE, CODE2], RULES) == Receipt(refusal=M)
    assert read_receipts([leaflet], RULES) == Receipt(refusal=F)
    with pytest.raises(ValueError):
        read_receipts([], RULES)


def test_only_bytes_or_text_are_payloads() -> None:
    with pytest.raises(TypeError):
        read_receipt(None, RULES)  # type: ignore[arg-type]
    assert code_of(bytearray(CODE.encode())) == CODE  # type: ignore[arg-type]


def test_mutated_payloads_never_raise_and_only_yield_codes_they_contain() -> None:
    import random

    rng = random.Random(4)
    seeds = [CODE, f"{HOST}/tra-cuu?ma_ho_so={CODE}", f"{HOST}/tra-cuu/{CODE2}"]
    alphabet = "/?#&=;%:@.\\-+ \n\x00ồ\u200b" + CODE2
    for _ in range(5000):
        text = list(rng.choice(seeds))
        for _edit in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            text[at:at + rng.randint(0, 2)] = rng.choice(alphabet) * rng.randint(0, 2)
        payload = "".join(text)
        raw = payload.encode("utf-8", "surrogatepass") if rng.random() < 0.5 else payload
        result = read_receipt(raw, RULES)
        if result.code is not None:
            assert RULES.code_pattern.fullmatch(result.code) and result.code in payload
    for _ in range(2000):
        assert read_receipt(rng.randbytes(rng.randint(0, 600)), RULES).code is None


def test_the_kiosks_own_slip_reference_is_read_exactly() -> None:
    assert read_receipt("K7P-3F9A", RULES) == Receipt(reference="K7P-3F9A")
    assert read_receipt(b"K7P-3F9A\n", RULES) == Receipt(reference="K7P-3F9A")
    # letters the slip never uses (O, I, L, 0, 1), lower case, no dash: not a slip
    for near in ("K7P-3F9O", "k7p-3f9a", "K7P3F9A", "K7P-3F9AA", "K7P-3F9Ạ"):
        assert read_receipt(near, RULES).reference is None
        assert read_receipt(near, RULES).refusal
    assert read_receipts(["https://evil.com/x", "K7P-3F9A"], RULES) == \
        Receipt(reference="K7P-3F9A")
    assert read_receipts(["K7P-3F9A", "M2N-8QRS"], RULES).refusal == M
    assert read_receipts([CODE, "K7P-3F9A"], RULES) == Receipt(code=CODE)


def test_a_typed_reference_is_forgiven_its_case_spaces_and_dash() -> None:
    from kiosk.submission.reference import normalise_reference

    assert normalise_reference(" k7p 3f9a ") == "K7P-3F9A"
    assert normalise_reference("K7P3F9A") == "K7P-3F9A"
    assert normalise_reference("K7P-3F9O") is None
    assert normalise_reference(CODE) is None
