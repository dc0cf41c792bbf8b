"""The national public service portal's procedure JSON (`--format dvcqg`) read into the model.

A file holds one portal answer `{"data": {...}}` or a list of `data` objects; a folder is
every `*.json` in it. Each record is mapped onto the kiosk's procedure JSON and checked by
`Procedure.from_dict`, so a bad record is named by its code and every bad field and
skipped; the others import. Form templates (`attachments[].fileName`) are looked for in
the folder of the JSON file that names them.

The field names are the portal's as published (see docs/catalogue-format.md, "The national
portal's format"); the fee objects' shape is not documented, so any shape is accepted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.catalogue.html_text import paragraphs, plain
from kiosk.catalogue.model import PROCEDURE_CODE, Catalogue, Form, Procedure, ValidationError
from kiosk.catalogue.text import fold

METHODS = {"DIRECT": "in_person", "ONLINE": "online", "POSTAL": "postal"}
UNITS = {"WORKING_DAY": "working_day", "DAY": "day", "HOUR": "hour", "MONTH": "month"}
# the portal's level flags and the kiosk's level names
LEVEL_FLAGS = (("isMinistry", "ministry"), ("isOtherAgency", "other_agency"),
               ("isProvince", "province"), ("isDistrict", "district"), ("isWard", "commune"))
_FEE_AMOUNT_KEYS = ("amount", "price", "value", "fee", "cost", "money")
_FEE_TEXT_KEYS = ("description", "name", "note", "content", "text", "feeName")
_SLUG = re.compile(r"[^A-Z0-9]+")


class PortalRecordError(ValueError):
    """One portal record cannot be mapped; the message says which field and why."""


@dataclass
class PortalImport:
    """What a set of portal files holds: the procedures that check out, the rest named."""

    procedures: list[Procedure] = field(default_factory=list)
    forms: dict[str, Form] = field(default_factory=dict)
    form_files: dict[str, Path] = field(default_factory=dict)  # form code -> template file
    skipped: list[str] = field(default_factory=list)  # one line each: "CODE (file): reason"
    missing_files: list[str] = field(default_factory=list)  # attachments not found

    def catalogue(self) -> Catalogue:
        catalogue = Catalogue(tuple(self.procedures), dict(self.forms))
        catalogue.check_references()
        return catalogue


def portal_files(paths: Iterable[Path]) -> list[Path]:
    """The JSON files named, folders expanded to their *.json files in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.json") if p.is_file()))
        else:
            files.append(path)
    return files


def read_portal(paths: Sequence[Path], updated_at: datetime) -> PortalImport:
    """Read every record in the files (or folders); `updated_at` is stamped on each."""
    out = PortalImport()
    seen: set[str] = set()
    form_sources: dict[str, str] = {}  # form code -> digest of the file it came from
    for path in portal_files(paths):
        try:
            records = list(_records(path))
        except PortalRecordError as err:
            out.skipped.append(f"{path.name}: {err}")
            continue
        for number, data in records:
            code = data.get("code") if isinstance(data, dict) else None
            label = f"{code if isinstance(code, str) and code.strip() else f'#{number}'}"
            try:
                if not isinstance(data, dict):
                    raise PortalRecordError("the record is not a JSON object")
                attachments = _attachments(data, path.parent, out, form_sources)
                procedure = Procedure.from_dict(portal_record(data, updated_at, attachments),
                                                "")
                if procedure.code in seen:
                    raise PortalRecordError("the code appears twice; the first one is kept")
            except (PortalRecordError, ValidationError) as err:
                out.skipped.append(f"{label} ({path.name}): {err}")
                continue
            seen.add(procedure.code)
            out.procedures.append(procedure)
    # a form no imported procedure names is not imported either
    used = {c for p in out.procedures for c in p.form_codes()}
    out.forms = {c: f for c, f in out.forms.items() if c in used}
    out.form_files = {c: f for c, f in out.form_files.items() if c in used}
    return out


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as err:
        raise PortalRecordError(f"cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise PortalRecordError("is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise PortalRecordError(f"not valid JSON (line {err.lineno}: {err.msg})") from None
    if isinstance(data, dict) and "data" in data:
        data = data["data"]
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, 1):
        # a list may hold whole answers as well as bare data objects
        yield number, item["data"] if isinstance(item, dict) and isinstance(
            item.get("data"), dict) else item


def _attachments(data: dict[str, Any], folder: Path, out: PortalImport,
                 form_sources: dict[str, str]) -> dict[str, str]:
    """Form codes for the record's attachment file names; found files are registered."""
    codes: dict[str, str] = {}
    for case in _list(data, "executionCases"):
        for component in _list(case, "profileComponents"):
            for attachment in _list(component, "attachments"):
                name = attachment.get("fileName") if isinstance(attachment, dict) else None
                if not isinstance(name, str) or not name.strip() or name in codes:
                    continue
                name = name.strip()
                file = folder / Path(name).name  # never a path outside the folder
                digest = _digest(file) if file.is_file() else ""
                code = form_code(name)
                if code in form_sources and form_sources[code] != digest:
                    code = f"{code}-{(digest or 'MISSING')[:8].upper()}"
                codes[name] = code
                if code in out.forms:
                    continue
                title = plain(str(component.get("name") or "")).split("\n")[0] or Path(name).stem
                out.forms[code] = Form(code=code, title=title[:300],
                                       issued_by=Path(name).name)
                form_sources[code] = digest
                if digest:
                    out.form_files[code] = file
                else:
                    out.missing_files.append(f"{name} ({data.get('code', '?')})")
    return codes


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def form_code(file_name: str) -> str:
    """A form code from a template's file name: "Mẫu tờ khai_01.docx" -> "MAU-TO-KHAI-01"."""
    stem = Path(file_name).stem
    return _SLUG.sub("-", fold(stem).upper()).strip("-")[:80] or "FORM"


def portal_record(data: dict[str, Any], updated_at: datetime,
                  form_codes: dict[str, str] | None = None) -> dict[str, Any]:
    """One portal `data` object as the kiosk's procedure JSON (checked by the model)."""
    form_codes = form_codes or {}
    code = _text(data.get("code"))
    if not PROCEDURE_CODE.match(code):  # the published malformed ones, e.g. 1.0133611
        raise PortalRecordError(f"code: {code!r} is not a procedure code like 1.001193")
    fields = _names(data, "categoriesDetails")
    if not fields:
        raise PortalRecordError("categoriesDetails: no field (lĩnh vực)")
    levels = [level for flag, level in LEVEL_FLAGS if data.get(flag) is True]
    if not levels:
        raise PortalRecordError("no level flag (isWard, isProvince, isMinistry, "
                                "isOtherAgency) is true")
    executing = "; ".join(_names(data, "departmentsExecuting"))
    competent = "; ".join(_names(data, "departmentsAuthority"))
    channels = [_channel(m, f"executionMethods[{i}]")
                for i, m in enumerate(_list(data, "executionMethods"))]
    results = [{"name": plain(str(r.get("name") or "")), "code": _text(r.get("code"))}
               for r in _list(data, "resultsDetails") if plain(str(r.get("name") or ""))]
    keywords = data.get("keywords")
    record = {
        "code": code,
        "name": _SPACES.sub(" ", _text(data.get("name"))),
        "levels": levels,
        "kind": _text(data.get("formalityType")),
        "field": fields[0],
        "more_fields": fields[1:],
        "agency": {"executing": executing or competent, "competent": competent,
                   "receiving_address": _address(data.get("dossierReceivingAddresses")),
                   "authorised": "; ".join(_names(data, "departmentsAuthorized")),
                   "coordinating": "; ".join(_names(data, "departmentsCoordinating"))},
        "steps": [s for i, step in enumerate(_list(data, "executionSteps"))
                  if (s := _step(step))],
        "channels": channels,
        "cases": [c for i, case in enumerate(_list(data, "executionCases"))
                  if (c := _case(case, form_codes))],
        "result": "; ".join(r["name"] for r in results),
        "results": results,
        "applicants": _names(data, "subjectTypesDetails"),
        "conditions": paragraphs(_text(data.get("requirementsAndConditions"))),
        "legal_basis": [_legal(doc) for doc in _list(data, "legalBasisesDetails")
                        if _legal(doc)],
        "online_level": _online_level(channels),
        "keywords": [k.strip() for k in keywords.split(",") if k.strip()]
        if isinstance(keywords, str) else [],
        "description": plain(_text(data.get("description"))),
        "related": [{"name": plain(str(r.get("name") or "")), "code": _text(r.get("code"))}
                    for r in _list(data, "procedureRelatedGroup")
                    if plain(str(r.get("name") or ""))],
        "decision": _text((data.get("procedureProposal") or {}).get("proposalNumber")
                          if isinstance(data.get("procedureProposal"), dict) else None),
        "updated_at": updated_at.isoformat(),
    }
    return record


_SPACES = re.compile(r"\s+")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise PortalRecordError(f"expected text, found {type(value).__name__}")


def _list(data: Any, key: str) -> list[dict[str, Any]]:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        raise PortalRecordError(f"{key}: must be a list")
    return [item for item in value if isinstance(item, dict)]


def _names(data: dict[str, Any], key: str) -> list[str]:
    names = []
    for item in _list(data, key):
        name = plain(_text(item.get("name")))
        if name and name not in names:
            names.append(name)
    return names


def _address(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(plain(_text(v.get("name") if isinstance(v, dict) else v))
                         for v in value if v)
    return plain(_text(value)).replace("\n", "; ")


def _step(step: dict[str, Any]) -> str:
    name = plain(_text(step.get("name")))
    body = paragraphs(_text(step.get("description")))
    return "\n".join([name, *body] if name else body)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def _channel(method: dict[str, Any], where: str) -> dict[str, Any]:
    kind = method.get("submissionMethod")
    if kind not in METHODS:
        raise PortalRecordError(f"{where}.submissionMethod: unknown value {kind!r}")
    note = plain(_text(method.get("description")))
    time = _number(method.get("processingTime"))
    unit = UNITS.get(_text(method.get("processingTimeUnit")))
    channel: dict[str, Any] = {"method": METHODS[kind], "time_note": note,
                               "fees": [_fee(f) for f in method.get("fees") or []
                                        if _fee(f) is not None]}
    if time is not None and time >= 0 and unit:
        channel.update(time=time, time_unit=unit)
    else:
        if time is not None:  # a unit the kiosk has no words for: said in the note
            said = f"{time:g} {_text(method.get('processingTimeUnit'))}".strip()
            channel["time_note"] = f"{said}\n{note}".strip()
        if not channel["time_note"]:
            raise PortalRecordError(f"{where}: no processing time and no description")
        channel.update(time=None, time_unit="working_day")
    return channel


def _online_level(channels: list[dict[str, Any]]) -> str:
    """The portal's JSON has no flag for "toàn trình" (fully online); the online channel's
    own description says it when it is ("dịch vụ công trực tuyến toàn trình"). Without
    those words an online channel is only partly online: the office will still want the
    papers in person, and the kiosk must not promise less."""
    online = [fold(c["time_note"]) for c in channels if c["method"] == "online"]
    if not online:
        return "none"
    return "full" if any("toan trinh" in note for note in online) else "partial"


def _fee(fee: Any) -> dict[str, Any] | None:
    """A fee in whatever shape the portal gives: a number, a text, or an object."""
    if isinstance(fee, bool) or fee is None:
        return None
    if isinstance(fee, int | float):
        return {"kind": "le_phi", "amount": int(fee) if fee >= 0 else None}
    if isinstance(fee, str):
        return {"kind": "le_phi", "amount": None, "description": plain(fee)} if fee.strip() \
            else None
    if not isinstance(fee, dict):
        return None
    amount = next((int(n) for k in _FEE_AMOUNT_KEYS if (n := _number(fee.get(k))) is not None
                   and 0 <= n <= 10**12), None)
    text = next((plain(v) for k in _FEE_TEXT_KEYS if isinstance(v := fee.get(k), str)
                 and v.strip()), "")
    if amount is None and not text:
        return None
    folded = fold(text)
    # "Phí ..." is a charge for a service; "Lệ phí ..." (or no word) the procedure's own
    kind = "phi" if folded.startswith("phi") or (" phi " in f" {folded} "
                                                 and "le phi" not in folded) else "le_phi"
    return {"kind": kind, "amount": amount, "description": text}


def _case(case: dict[str, Any], form_codes: dict[str, str]) -> dict[str, Any] | None:
    components = []
    for item in _list(case, "profileComponents"):
        name = plain(_text(item.get("name"))).replace("\n", " ")
        if not name:
            continue
        form = next((form_codes[a["fileName"].strip()] for a in _list(item, "attachments")
                     if isinstance(a.get("fileName"), str)
                     and a["fileName"].strip() in form_codes), None)
        components.append({"name": name, "originals": _quantity(item.get("originalQty")),
                           "copies": _quantity(item.get("copyQty")),
                           "required": item.get("required") is not False, "form": form})
    if not components:
        return None  # a case without papers tells a citizen nothing to bring
    return {"name": plain(_text(case.get("name"))).replace("\n", " "),
            "components": components}


def _quantity(value: Any) -> int:
    number = _number(value)
    if number is None:
        return 0
    if number < 0 or number > 100 or number != int(number):
        raise PortalRecordError(f"a quantity of papers must be 0-100, found {value!r}")
    return int(number)


def _legal(doc: dict[str, Any]) -> dict[str, Any] | None:
    title = plain(_text(doc.get("name"))).replace("\n", " ")
    number = _text(doc.get("code")) or title
    return {"number": number, "title": title} if number else None


def portal_form_pdfs(found: PortalImport, *, convert: bool = True
                     ) -> tuple[dict[str, tuple[bytes, bytes | None]], list[str]]:
    """The forms' PDFs (PDF templates as they are, Word ones converted), and one line for
    each form that has none."""
    from kiosk.server.word_pdf import WORD_SUFFIXES, convert_to_pdf

    pdfs: dict[str, tuple[bytes, bytes | None]] = {}
    failed: list[str] = []
    words: dict[Path, list[str]] = {}
    for code, file in sorted(found.form_files.items()):
        suffix = file.suffix.lower()
        if suffix == ".pdf":
            data = file.read_bytes()
            if data.startswith(b"%PDF-"):
                pdfs[code] = (data, None)
            else:
                failed.append(f"{file.name}: not a PDF file")
        elif suffix in WORD_SUFFIXES and convert:
            words.setdefault(file, []).append(code)
        elif suffix in WORD_SUFFIXES:
            failed.append(f"{file.name}: not converted (--no-convert)")
        else:
            failed.append(f"{file.name}: a {suffix or 'nameless'} file is not a form the "
                          "kiosk can show")
    if words:
        result = convert_to_pdf(list(words))
        for file, codes in words.items():
            for code in codes:
                if file in result.pdfs:
                    pdfs[code] = (result.pdfs[file], None)
            if file in result.failed:
                failed.append(f"{file.name}: {result.failed[file]}")
    return pdfs, failed
