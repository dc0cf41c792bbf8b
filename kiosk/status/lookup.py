"""Look a dossier up at the central API and say plainly what happened, whatever it was."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.catalogue.dossier import Dossier
from kiosk.i18n import N_
from kiosk.store.central_api import CentralApi
from kiosk.store.client import (
    ApiBadAnswer,
    ApiError,
    ApiNotFound,
    ApiRejected,
    ApiServerError,
    ApiTimeout,
    ApiUnreachable,
)

# outcome -> what the person reads (a message id for gettext)
OUTCOMES = {
    "found": "",
    "not_found": N_("No dossier has this code. Check the code on your receipt, or ask at "
                    "the counter."),
    "pin_required": N_("This dossier needs the lookup PIN printed on your receipt."),
    "pin_incorrect": N_("The lookup PIN is not right. Check it on your receipt."),
    "too_many": N_("Too many wrong PINs for this dossier. Please ask at the counter."),
    "offline": N_("Dossier lookup needs the network, which is down now. Please ask at the "
                  "counter."),
    "error": N_("The dossier service is not answering properly now. Please try again later "
                "or ask at the counter."),
}


@dataclass(frozen=True)
class Lookup:
    outcome: str  # a key of OUTCOMES
    dossier: Dossier | None = None
    reason: str = ""  # for the operator and the log, never personal data

    @property
    def message(self) -> str:
        return OUTCOMES[self.outcome]


def look_up(api: CentralApi, code: str, pin: str | None = None) -> Lookup:
    try:
        return Lookup("found", api.dossier(code, pin or None))
    except ApiNotFound:
        return Lookup("not_found", reason="not found")
    except ApiRejected as err:
        if err.code in ("pin_required", "pin_incorrect"):
            return Lookup(err.code, reason=err.code)
        if err.code == "bad_pin":  # not 4 to 8 digits: as wrong as any other PIN
            return Lookup("pin_incorrect", reason=err.code)
        if err.code == "bad_code":
            return Lookup("not_found", reason="not a dossier code")
        if err.code == "too_many_attempts":
            return Lookup("too_many", reason=err.reason)
        return Lookup("error", reason=err.reason)
    except (ApiUnreachable, ApiTimeout) as err:
        return Lookup("offline", reason=err.reason)
    except (ApiServerError, ApiBadAnswer, ApiError) as err:
        return Lookup("error", reason=err.reason)
