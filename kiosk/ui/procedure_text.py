"""A procedure as text, in the detail screen's order, for `kiosk show` and for what the
detail screen says of a form. No Kivy here.

A form of a component is in one of three states: its PDF is on this kiosk; the central
API has a PDF this kiosk has not fetched yet; or there is no PDF at all (the portal's
Word template could not be converted, or its file was missing): then the person is sent
to the counter for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.catalogue.model import Component, Procedure
from kiosk.i18n import N_, _
from kiosk.ui.formatting import copies_text, level_names, method_name, money, processing_time

FORM_ON_KIOSK, FORM_NOT_YET, FORM_AT_COUNTER = "on_kiosk", "not_yet", "at_counter"
FORM_NOTES = {FORM_NOT_YET: N_("Form not on this kiosk yet"),
              FORM_AT_COUNTER: N_("Ask at the counter for this form")}


# characters in one label at most: a Kivy label is one texture, and a texture taller than
# the GPU's limit (often 4096 or 8192 px) is drawn blank; 1,200 characters stay under
# 2,000 px at the narrowest layout in large text
PIECE_CHARS = 1200


def text_pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """A long text as pieces a label can draw: its lines, and a line longer than `limit`
    cut after a sentence (or else a word) near the limit. Nothing is dropped."""
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = max(line.rfind(". ", 0, limit), line.rfind("; ", 0, limit))
            if cut < limit // 2:
                cut = line.rfind(" ", 0, limit)
            if cut < limit // 2:
                cut = limit - 1  # one endless word: cut it anyway
            pieces.append(line[:cut + 1].strip())
            line = line[cut + 1:]
        if line.strip():
            pieces.append(line.strip())
    return pieces


@dataclass(frozen=True)
class FormState:
    code: str
    title: str
    state: str  # FORM_ON_KIOSK | FORM_NOT_YET | FORM_AT_COUNTER

    @property
    def available(self) -> bool:
        return self.state == FORM_ON_KIOSK


def component_forms(component: Component, state: Callable[[str], FormState]) -> list[FormState]:
    """The component's form template (its filled-in sample is a view of the same form)."""
    return [state(component.form)] if component.form else []


def need_text(component: Component) -> str:
    return _("Required") if component.required else _("If it applies to you")


def procedure_lines(p: Procedure, state: Callable[[str], FormState]) -> list[str]:
    """Every section of the detail screen, as lines (headings underlined), none left out:
    the legal basis is shown whole, as the screen shows it when opened."""
    lines = [p.name, _("Code {code} · {field} · {levels}").format(
        code=p.code, field=", ".join(p.fields), levels=level_names(p)), ""]

    def section(title: str, body: list[str]) -> None:
        lines.extend([title, "-" * len(title), *body, ""])

    section(_("What you receive"), [p.result or _("Not stated")])
    section(_("Who can apply"), list(p.applicants) or [_("Not stated")])
    bring: list[str] = []
    for case in p.cases:
        if case.name and len(p.cases) > 1:
            bring.append(f"[{case.name}]")
        for number, component in enumerate(case.components, 1):
            bring.append(f"{number}. {component.name} ({copies_text(component)} · "
                         f"{need_text(component)})")
            for form in component_forms(component, state):
                note = "" if form.available else f" — {_(FORM_NOTES[form.state])}"
                bring.append(f"   {form.title}{note}")
    section(_("What to bring"), bring)
    where = []
    if p.agency.receiving_address:
        where.append(_("Hand in at: {place}").format(place=p.agency.receiving_address))
    where.append(_("Handled by: {agency}").format(agency=p.agency.executing))
    for channel in p.channels:
        where.append(f"{method_name(channel.method)} — {processing_time(channel)}")
        if channel.time_note:
            where.extend(f"   {line}" for line in channel.time_note.splitlines())
        for fee in channel.fees:
            where.append(f"   {money(fee.amount)}"
                         f"{': ' + fee.description if fee.description else ''}")
        if not channel.fees:
            where.append(f"   {_('Free')}")
    section(_("Where and how"), where)
    section(_("Steps"), [f"{i}. {s}" for i, s in enumerate(p.steps, 1)])
    if p.conditions:
        section(_("Conditions"), list(p.conditions))
    if p.legal_basis:
        section(_("Legal basis"), [f"{d.number} — {d.title}" +
                                   (f" ({d.date:%d/%m/%Y})" if d.date else "") +
                                   (f", {d.issuer}" if d.issuer else "")
                                   for d in p.legal_basis])
    return lines


def procedure_json(p: Procedure, state: Callable[[str], FormState]) -> dict[str, Any]:
    return {
        "code": p.code, "name": p.name, "fields": list(p.fields), "levels": list(p.levels),
        "channels": [{"method": c.method, "time": c.time, "time_unit": c.time_unit,
                      "time_note": c.time_note,
                      "fees": [{"kind": f.kind, "amount": f.amount,
                                "description": f.description} for f in c.fees]}
                     for c in p.channels],
        "cases": [{"name": case.name, "components": [
            {"name": c.name, "originals": c.originals, "copies": c.copies,
             "required": c.required,
             "forms": [{"name": f.title, "code": f.code, "available": f.available}
                       for f in component_forms(c, state)]}
            for c in case.components]} for case in p.cases],
    }
