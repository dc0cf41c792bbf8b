"""Catalogue and dossier files on disk: the demo data under assets/, and a province's import.

The demo dossiers store dates as day offsets from the day they are loaded, so the demo
always shows dossiers on time, due today and overdue; codes are made from those dates.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.assets import DEMO
from kiosk.catalogue.dossier import Dossier, dossier_code
from kiosk.catalogue.model import Catalogue, ValidationError
from kiosk.catalogue.working_days import next_working_day, previous_working_day
from kiosk.server.db import ImportResult, ServerDB
from kiosk.server.queue_db import read_service_areas

DEMO_API_KEY = "demo-kiosk-key"
DEMO_KIOSK_ID = "demo-kiosk-01"


class CatalogueFileError(ValueError):
    """A catalogue file cannot be imported; the message names the file and the bad fields,
    and `problems` has every one on its own line."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]

    @classmethod
    def naming(cls, where: Path, err: ValidationError) -> CatalogueFileError:
        return cls(f"{where}: {err}", [f"{where}: {line}" for line in err.lines()])


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise CatalogueFileError(f"{path}: cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise CatalogueFileError(f"{path}: is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise CatalogueFileError(f"{path}: not valid JSON (line {err.lineno}: {err.msg})"
                                 ) from None


def read_catalogue_file(path: Path) -> Catalogue:
    data = _read_json(path)
    try:
        return Catalogue.from_dict(data)
    except ValidationError as err:
        raise CatalogueFileError.naming(path, err) from None


def merge_catalogue_files(procedures_dir: Path, agencies_file: Path | None = None
                          ) -> Catalogue:
    """One catalogue from a folder of per-field files (and an agency file), checked whole."""
    merged: dict[str, Any] = {"format": "kiosk-catalogue/1", "demo": True,
                              "agencies": [], "forms": [], "procedures": []}
    if agencies_file is not None:
        merged["agencies"] = _read_json(agencies_file).get("agencies", [])
    for part in sorted(procedures_dir.glob("*.json")):
        data = _read_json(part)
        if not isinstance(data, dict):
            raise CatalogueFileError(f"{part}: must be a JSON object")
        merged["forms"].extend(data.get("forms", []))
        merged["procedures"].extend(data.get("procedures", []))
    try:
        return Catalogue.from_dict(merged)
    except ValidationError as err:
        raise CatalogueFileError.naming(procedures_dir, err) from None


def demo_catalogue(demo_dir: Path = DEMO) -> Catalogue:
    """The demo catalogue merged from its per-field files and the agency tree."""
    return merge_catalogue_files(demo_dir / "procedures", demo_dir / "agencies.json")


def form_pdfs(catalogue: Catalogue, forms_dir: Path, samples_dir: Path
              ) -> dict[str, tuple[bytes, bytes | None]]:
    """The PDFs of the catalogue's forms found in the two folders, by form code."""
    pdfs: dict[str, tuple[bytes, bytes | None]] = {}
    for code, form in catalogue.forms.items():
        blank = forms_dir / f"{code}.pdf"
        if not blank.exists():
            continue
        sample = samples_dir / f"{code}.pdf"
        pdfs[code] = (blank.read_bytes(),
                      sample.read_bytes() if form.has_sample and sample.exists() else None)
    return pdfs


def demo_dossiers(today: date, demo_dir: Path = DEMO) -> list[tuple[Dossier, str | None]]:
    """The demo dossiers dated relative to `today`, each with its lookup PIN (or None)."""
    data = _read_json(demo_dir / "dossiers.json")
    out = []
    for i, entry in enumerate(data["dossiers"]):
        def day(offset: int | None) -> str | None:
            return None if offset is None else (today + timedelta(days=offset)).isoformat()

        received = today + timedelta(days=entry["received"])

        def appointment(offset: int | None, received: date = received) -> str | None:
            """On a working day, as a real agency's system sets it: a past one moved back
            (still past), a coming one moved on (still coming)."""
            if offset is None:
                return None
            moved = today + timedelta(days=offset)
            if offset < 0:
                moved = max(previous_working_day(moved), received)
            return next_working_day(moved).isoformat()

        record = {
            "code": dossier_code(entry["agency"], received, entry["seq"]),
            "procedure_code": entry["procedure_code"],
            "applicant_name": entry["applicant_name"], "status": entry["status"],
            "received": received.isoformat(), "appointment": appointment(entry.get("appointment")),
            "completed": day(entry.get("completed")), "channel": entry.get("channel", 1),
            "agency": entry["agency"], "counter": entry.get("counter", ""),
            "note": entry.get("note", ""),
            "history": [{"at": day(h["day"]), "status": h["status"], "note": h.get("note", ""),
                         "handler": h.get("handler", ""), "deadline": day(h.get("deadline"))}
                        for h in entry.get("history", [])],
            **{k: entry[k] for k in ("fee", "fee_paid") if k in entry},
        }
        try:
            out.append((Dossier.from_dict(record, f"dossiers[{i}]"), entry.get("lookup_pin")))
        except ValidationError as err:
            raise CatalogueFileError(f"{demo_dir / 'dossiers.json'}: {err}") from None
    return out


def demo_citizen_ids(today: date, demo_dir: Path = DEMO) -> dict[str, str]:
    """The demo applicants' made-up ID numbers by dossier code, for the look-up as the
    portal does it (code and ID number)."""
    entries = _read_json(demo_dir / "dossiers.json")["dossiers"]
    return {d.code: entry["citizen_id"] for (d, _), entry
            in zip(demo_dossiers(today, demo_dir), entries, strict=True)
            if entry.get("citizen_id")}


def seed_demo(db: ServerDB, today: date | None = None, demo_dir: Path = DEMO) -> ImportResult:
    """Fill a reference server database with the demo catalogue, dossiers and API key."""
    catalogue = demo_catalogue(demo_dir)
    result = db.import_catalogue(catalogue, form_pdfs(catalogue, demo_dir / "forms",
                                                      demo_dir / "samples"))
    names = {p.code: p.name for p in catalogue.procedures}
    dossiers = [(_with_name(d, names), pin) for d, pin in demo_dossiers(today or date.today(),
                                                                         demo_dir)]
    db.put_dossiers(dossiers, demo_citizen_ids(today or date.today(), demo_dir))
    db.add_api_key(DEMO_API_KEY, DEMO_KIOSK_ID)
    db.set_service_areas(read_service_areas(demo_dir / "service-areas.json"))
    return result


def _with_name(dossier: Dossier, names: dict[str, str]) -> Dossier:
    return replace(dossier, procedure_name=names.get(dossier.procedure_code, ""))
