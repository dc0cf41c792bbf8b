"""A satisfaction rating as the regulation describes it: three points, overall and for a
few criteria, optionally tied to the dossier just looked up (no other personal data).

The levels are the API's numbers: 3 very satisfied, 2 satisfied, 1 not satisfied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.catalogue.dossier import DOSSIER_CODE
from kiosk.i18n import N_

LEVELS = ((3, N_("Very satisfied")), (2, N_("Satisfied")), (1, N_("Not satisfied")))
CRITERIA = (("time", N_("Processing time, against the time the law allows")),
            ("trips", N_("How many times you had to come")),
            ("staff", N_("The staff's attitude")),
            ("posting", N_("How clearly the procedure is posted")))


@dataclass
class Rating:
    overall: int | None = None
    criteria: dict[str, int] = field(default_factory=dict)
    dossier_code: str | None = None

    def choose(self, criterion: str, level: int) -> None:
        """Set a level; the same level again takes the answer back (criteria are optional)."""
        if level not in dict(LEVELS):
            raise ValueError(f"no level {level}")
        if criterion == "overall":
            self.overall = level
        elif criterion in dict(CRITERIA):
            if self.criteria.get(criterion) == level:
                del self.criteria[criterion]
            else:
                self.criteria[criterion] = level
        else:
            raise ValueError(f"no criterion {criterion!r}")

    @property
    def ready(self) -> bool:
        return self.overall is not None

    def payload(self, agency: str) -> dict[str, Any]:
        if self.overall is None:
            raise ValueError("a rating needs its overall level")
        code = self.dossier_code if self.dossier_code and DOSSIER_CODE.match(
            self.dossier_code) else None
        return {"agency": agency, "overall": self.overall, "criteria": dict(self.criteria),
                "dossier_code": code}
