"""A one-stop system's dossiers for the reference API (`kiosk import-dossiers`): JSON
records in the kiosk's dossier shape, with what the national portal exchanges accepted
as well: status words ("processing", "waiting", ..., "done") for the numeric statuses and
dates as `yyyyMMddHHmmss`. The applicant's ID number (`citizen_id`), when given, is kept
only as a keyed digest, for the look-up with code and ID number.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.catalogue.dossier import Dossier, Status
from kiosk.catalogue.model import ValidationError

# the portal's status words and the numeric statuses they stand for
STATUS_WORDS: dict[str, Status] = {
    "new": Status.NEW, "received": Status.RECEIVED, "not_accepted": Status.NOT_ACCEPTED,
    "processing": Status.PROCESSING, "waiting": Status.SUPPLEMENT_REQUESTED,
    "paying": Status.PAYMENT_REQUESTED, "cancelled": Status.WITHDRAWN,
    "unresolved": Status.STOPPED, "releasing": Status.PROCESSED, "done": Status.RETURNED,
}
_PORTAL_TIME = re.compile(r"[0-9]{14}")
_DATES = ("received", "appointment", "completed")


class DossierFileError(ValueError):
    pass


@dataclass(frozen=True)
class ImportedDossier:
    dossier: Dossier
    pin: str | None
    citizen_id: str  # "" when not given (personal data: never printed)


def portal_day(value: Any, where: str) -> Any:
    """`yyyyMMddHHmmss` as an ISO date; anything else as it is (checked later)."""
    if isinstance(value, str) and _PORTAL_TIME.fullmatch(value.strip()):
        try:
            return datetime.strptime(value.strip(), "%Y%m%d%H%M%S").date().isoformat()
        except ValueError:
            raise DossierFileError(f"{where}: {value!r} is not a real date and time") from None
    return value


def portal_status(value: Any, where: str) -> Any:
    """A status word as its number; a number as it is."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word not in STATUS_WORDS:
            raise DossierFileError(f"{where}: unknown status {value!r} (one of "
                                   f"{', '.join(STATUS_WORDS)} or 1-10)")
        return int(STATUS_WORDS[word])
    return value


def normalise(record: Any, where: str) -> dict[str, Any]:
    """A record with the portal's words and times turned into the kiosk's shape."""
    if not isinstance(record, dict):
        raise DossierFileError(f"{where}: must be an object")
    out = dict(record)
    out["status"] = portal_status(record.get("status"), f"{where}.status")
    for key in _DATES:
        if key in out:
            out[key] = portal_day(out[key], f"{where}.{key}")
    history = record.get("history")
    if isinstance(history, list):
        out["history"] = [
            {**entry, "at": portal_day(entry.get("at"), f"{where}.history[{i}].at"),
             "status": portal_status(entry.get("status"), f"{where}.history[{i}].status"),
             **({"deadline": portal_day(entry["deadline"], f"{where}.history[{i}].deadline")}
                if "deadline" in entry else {})}
            if isinstance(entry, dict) else entry for i, entry in enumerate(history)]
    return out


def read_dossiers(data: Any) -> list[ImportedDossier]:
    """Every dossier of `{"dossiers": [...]}`; DossierFileError naming the first bad one."""
    if not isinstance(data, dict) or not isinstance(data.get("dossiers"), list):
        raise DossierFileError('the file must be {"dossiers": [...]}')
    out = []
    for i, record in enumerate(data["dossiers"]):
        where = f"dossiers[{i}]"
        fields = normalise(record, where)
        citizen_id = fields.pop("citizen_id", None) or ""
        pin = fields.pop("lookup_pin", None)
        if citizen_id and not (isinstance(citizen_id, str) and len(citizen_id) == 12
                               and citizen_id.isascii() and citizen_id.isdigit()):
            raise DossierFileError(f"{where}.citizen_id: must be 12 digits")
        if pin is not None and not (isinstance(pin, str) and pin.isdigit()
                                    and 4 <= len(pin) <= 8):
            raise DossierFileError(f"{where}.lookup_pin: must be 4 to 8 digits")
        try:
            dossier = Dossier.from_dict(fields, where)
        except (ValidationError, ValueError) as err:
            raise DossierFileError(str(err)) from None
        out.append(ImportedDossier(dossier, pin, citizen_id))
    return out


def read_dossier_file(path: Path) -> list[ImportedDossier]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DossierFileError(f"{path}: cannot be read ({err.strerror or err})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DossierFileError(f"{path}: not JSON text ({err})") from None
    try:
        return read_dossiers(data)
    except DossierFileError as err:
        raise DossierFileError(f"{path}: {err}") from None
