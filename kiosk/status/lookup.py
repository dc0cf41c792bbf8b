"""Look a dossier up at the central API and say plainly what happened, whatever it was.

A person holds a dossier code (on a receipt from the counter, or the kiosk's own receipt)
or the reference on a slip the kiosk printed while a submission waited to be sent; both
lead here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
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
from kiosk.store.outbox import LocalState

# outcome -> what the person reads (a message id for gettext)
OUTCOMES = {
    "found": "",
    "not_found": N_("No dossier has this code. Check the code on your receipt, or ask at "
                    "the counter."),
    "not_found_with_id": N_("No dossier has this code with this personal identification "
                            "number. Check both on your receipt, or ask at the counter."),
    "pin_required": N_("This dossier needs the lookup PIN printed on your receipt, or your "
                       "personal identification number."),
    "pin_incorrect": N_("The lookup PIN is not right. Check it on your receipt."),
    "too_many": N_("Too many wrong PINs or personal identification numbers for this "
                   "dossier. Please ask at the counter."),
    "offline": N_("Dossier lookup needs the network, which is down now. Please ask at the "
                  "counter."),
    "error": N_("The dossier service is not answering properly now. Please try again later "
                "or ask at the counter."),
    "waiting": N_("Your dossier is saved on this kiosk and waiting to be sent. The kiosk "
                  "sends it by itself as soon as the network allows. Nothing else is "
                  "needed from you now."),
    "refused": N_("Your dossier was not accepted online."),
    "reference_not_found": N_("No dossier sent from a kiosk has this reference. Check the "
                              "reference on your slip, or ask at the counter."),
}
# why a submission was refused (the central API's error code), in plain words; then
# GO_TO_COUNTER
REFUSALS = {
    "not_online": N_("This procedure can no longer be submitted online."),
    "unknown_procedure": N_("This procedure is no longer in the list of procedures."),
    "bad_request": N_("Some details of the dossier were missing or not right."),
}
REFUSED_OTHER = N_("The office could not take it online.")
GO_TO_COUNTER = N_("Please go to the counter with your papers and this reference; the "
                   "staff will help you.")


@dataclass(frozen=True)
class Lookup:
    outcome: str  # a key of OUTCOMES
    dossier: Dossier | None = None
    reason: str = ""  # for the operator and the log, never personal data
    reference: str = ""  # the slip's reference, when the look-up started from one
    why: str = ""  # a refused submission: a message id from REFUSALS

    @property
    def message(self) -> str:
        return OUTCOMES[self.outcome]


def refusal_words(api_code: str) -> str:
    return REFUSALS.get(api_code, REFUSED_OTHER)


def look_up_reference(api: CentralApi, reference: str,
                      local: Callable[[str], LocalState | None] | None = None) -> Lookup:
    """What became of the submission with this slip reference: still in this kiosk's
    outbox (waiting or refused), refused by the central API, or sent, and then its dossier
    as for a code."""
    here = local(reference) if local else None
    if here is not None:
        if here.refused:
            return Lookup("refused", reason=here.api_code or "refused", reference=reference,
                          why=refusal_words(here.api_code))
        return Lookup("waiting", reason="in the outbox", reference=reference)
    try:
        state = api.submission_by_reference(reference)
    except ApiNotFound:
        return Lookup("reference_not_found", reason="no such reference", reference=reference)
    except (ApiUnreachable, ApiTimeout) as err:
        return Lookup("offline", reason=err.reason, reference=reference)
    except ApiError as err:
        return Lookup("error", reason=err.reason, reference=reference)
    if state.state == "refused":
        return Lookup("refused", reason=state.reason, reference=reference,
                      why=refusal_words(state.reason))
    return dataclasses.replace(look_up(api, state.dossier_code), reference=reference)


def look_up(api: CentralApi, code: str, pin: str | None = None,
            citizen_id: str | None = None) -> Lookup:
    """The dossier, with the PIN or the applicant's ID number (số định danh cá nhân) as the
    second factor; the ID number never goes into `reason`."""
    try:
        return Lookup("found", api.dossier(code, pin or None, citizen_id or None))
    except ApiNotFound:
        # the central API answers a wrong ID number as it answers an unknown code
        return Lookup("not_found_with_id" if citizen_id else "not_found", reason="not found")
    except ApiRejected as err:
        if err.code in ("pin_required", "pin_incorrect"):
            return Lookup(err.code, reason=err.code)
        if err.code == "bad_pin":  # not 4 to 8 digits: as wrong as any other PIN
            return Lookup("pin_incorrect", reason=err.code)
        if err.code == "bad_citizen_id":
            return Lookup("not_found_with_id", reason=err.code)
        if err.code == "bad_code":
            return Lookup("not_found", reason="not a dossier code")
        if err.code == "too_many_attempts":
            return Lookup("too_many", reason=err.reason)
        return Lookup("error", reason=err.reason)
    except (ApiUnreachable, ApiTimeout) as err:
        return Lookup("offline", reason=err.reason)
    except (ApiServerError, ApiBadAnswer, ApiError) as err:
        return Lookup("error", reason=err.reason)
