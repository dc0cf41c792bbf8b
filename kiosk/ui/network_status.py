"""One answer to "what works without the network?", for the top bar, home and every screen.

The top bar's badge, home's tiles and the detail's button used to decide each for itself,
so home greyed out "Submit online" while the detail still offered it. They all read this
now. A kiosk that takes submissions keeps them in its outbox until the network is back,
so submitting works offline there; elsewhere it continues on the person's phone through
the central API, which needs the network. Looking a dossier up needs the central API,
except for a slip this kiosk printed (its outbox knows those).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.i18n import N_


@dataclass(frozen=True)
class NetworkStatus:
    online: bool | None  # None: the first check has not answered yet
    takes_submissions: bool  # this kiosk has an agency and an outbox key

    @property
    def up(self) -> bool:
        return self.online is True

    @property
    def can_submit(self) -> bool:
        return self.takes_submissions or self.up

    @property
    def can_look_up(self) -> bool:
        return self.up or self.takes_submissions

    @property
    def badge(self) -> str:
        """The top bar's words for the network (a message id; "" before the first check)."""
        if self.online is None:
            return ""
        return N_("Network OK") if self.online else N_("No network")

    @property
    def submit_note(self) -> str:
        """What home and the detail say about submitting now (a message id)."""
        if self.up:
            return N_("Procedures you can do online")
        if self.takes_submissions:
            return N_("No network now: this kiosk keeps your dossier and sends it later")
        return N_("Needs the network, which is down now")

    @property
    def look_up_note(self) -> str:
        if self.up:
            return N_("Scan the QR code on your receipt")
        if self.takes_submissions:
            return N_("No network now: only slips from this kiosk can be checked")
        return N_("Needs the network, which is down now")

    @property
    def queue_note(self) -> str:
        """A queue number comes only from the central API: never one made up offline."""
        if self.up:
            return N_("For the counter of your errand")
        return N_("Needs the network, which is down now")

    @property
    def portal_note(self) -> str:
        if self.up:
            return N_("With the portal's own pages, on this screen")
        return N_("Needs the network, which is down now")
