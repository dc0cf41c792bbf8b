"""A submission being put together at the kiosk, and what is sent for it.

The draft holds personal data (what the person typed, photos of their papers) only while
they are at the screen: `clear()` wipes it on completion, on cancel and at the idle
time-out. What goes to the outbox is `payload()`; the outbox key is made from its content
(see kiosk.store.outbox.content_key), so the same papers sent twice are one dossier.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.catalogue.model import Component, DossierCase, Procedure
from kiosk.submission.applicant import Field, fields_for, problems


@dataclass
class DocumentAnswer:
    """What the person gives for one paper: photographed pages, or the original at the
    counter."""

    pages: list[bytes] = field(default_factory=list)  # JPEG, straightened and compressed
    bring_original: bool = False

    @property
    def answered(self) -> bool:
        return bool(self.pages) or self.bring_original


def may_bring_original(component: Component) -> bool:
    """A paper whose original must be shown anyway may be brought to the counter instead of
    photographed (the catalogue's `originals` count)."""
    return component.originals > 0


@dataclass
class Draft:
    procedure: Procedure
    case_index: int = 0
    values: dict[str, str] = field(default_factory=dict)
    documents: dict[int, DocumentAnswer] = field(default_factory=dict)
    consent: bool = False

    @property
    def case(self) -> DossierCase | None:
        cases = self.procedure.cases
        return cases[self.case_index] if 0 <= self.case_index < len(cases) else None

    @property
    def components(self) -> tuple[Component, ...]:
        return self.case.components if self.case else ()

    @property
    def fields(self) -> list[Field]:
        return fields_for(self.procedure.applicant_fields)

    def answer(self, index: int) -> DocumentAnswer:
        return self.documents.setdefault(index, DocumentAnswer())

    def problems(self, today: date) -> dict[str, str]:
        return problems(self.values, self.fields, today)

    def missing_documents(self) -> list[int]:
        """Indexes of required papers with neither a photo nor "I will bring it"."""
        return [i for i, c in enumerate(self.components)
                if c.required and not self.documents.get(i, DocumentAnswer()).answered]

    def ready(self, today: date) -> bool:
        return not self.problems(today) and not self.missing_documents() and self.consent

    def payload(self, agency: str) -> dict[str, Any]:
        applicant = {f.name: " ".join(self.values.get(f.name, "").split())
                     for f in self.fields if self.values.get(f.name, "").strip()}
        documents = []
        for i, component in enumerate(self.components):
            answer = self.documents.get(i, DocumentAnswer())
            if not answer.answered:
                continue
            documents.append({
                "component": component.name,
                "bring_original": answer.bring_original,
                "pages": [base64.b64encode(p).decode("ascii") for p in answer.pages]})
        return {"procedure_code": self.procedure.code, "agency": agency,
                "case": self.case.name if self.case else "", "applicant": applicant,
                "documents": documents}

    def page_count(self) -> int:
        return sum(len(a.pages) for a in self.documents.values())

    def clear(self) -> None:
        """Forget everything the person gave (the lists are emptied in place, so no other
        holder keeps the photos)."""
        for answer in self.documents.values():
            answer.pages.clear()
        self.documents.clear()
        self.values.clear()
        self.consent = False
