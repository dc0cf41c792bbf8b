"""Step 2: the papers. Which case is yours (when the procedure has several), then each
paper of that case: photograph its pages, or bring the original to the counter."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.catalogue.model import Component
from kiosk.i18n import _, ngettext
from kiosk.submission.draft import Draft, may_bring_original
from kiosk.ui.formatting import copies_count, originals_count, pages_photographed
from kiosk.ui.screens.apply.state import Step
from kiosk.ui.screens.apply.step import StepView, enabled, left_aligned
from kiosk.ui.widgets import BigButton, Surface, Text, grow_row

MAX_PAGES = 20  # per dossier: what the API takes in one request (about 300 KB a page)


class CaseStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        page = flow.backdrop("vertical")
        self.title(page, draft)
        page.add_widget(flow.body(_("Which case is yours? The papers to bring depend on it.")))
        column = flow.scrolling_column(page, spacing=t.gap)
        for i, case in enumerate(draft.procedure.cases):
            column.add_widget(left_aligned(BigButton(
                case.name or _("Case {n}").format(n=i + 1), t, lambda i=i: self._pick(i),
                kind="primary" if i == draft.case_index else "secondary",
                action_id=f"case:{i}"), t.mm(6)))
        self.buttons(page, BigButton(_("Back"), t, lambda: flow.go_step(Step.DETAILS),
                                     kind="secondary", action_id="apply:back"))

    def _pick(self, index: int) -> None:
        draft = self.flow.draft
        if draft is not None and index != draft.case_index:
            for answer in draft.documents.values():
                answer.pages.clear()
            draft.documents.clear()
            draft.case_index = index
        self.flow.go_step(Step.PAPERS)


class PapersStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        page = flow.backdrop("vertical")
        # large text on a short screen: a one-line title, the height is the papers'
        self.title(page, draft, compact=t.cramped)
        column = flow.scrolling_column(page, spacing=t.gap)
        several = len(draft.procedure.cases) > 1
        if several and draft.case:
            row = BoxLayout(size_hint_y=None, height=t.button, spacing=t.gap)
            middle = AnchorLayout(anchor_y="center")
            middle.add_widget(flow.body(_("Your case: {case}").format(case=draft.case.name),
                                        shorten=True, shorten_from="right"))
            row.add_widget(middle)
            row.add_widget(BigButton(_("Change"), t, lambda: flow.go_step(Step.CASE),
                                     kind="secondary", action_id="apply:case",
                                     size_hint_x=None, width=t.mm(45)))
            column.add_widget(row)
        if self.state.note:
            column.add_widget(Text(self.state.note, size=t.text_body, color=t.palette.accent,
                                   bold=True))
        missing = set(draft.missing_documents())
        for i, component in enumerate(draft.components):
            column.add_widget(self._row(draft, i, component, i in missing))
        back = BigButton(_("Back"), t, lambda: flow.go_step(
            Step.CASE if several else Step.DETAILS), kind="secondary", action_id="apply:back")
        label = _("Back to the check") if self.state.return_to_review \
            else _("Next: check and send")
        self.buttons(page, back, enabled(
            BigButton(label, t, lambda: flow.go_step(Step.REVIEW), action_id="apply:next"),
            not missing, ngettext("{n} paper still to answer", "{n} papers still to answer",
                     len(missing)).format(n=len(missing))))

    def _row(self, draft: Draft, i: int, component: Component, missing: bool) -> Widget:
        t = self.theme
        answer = draft.documents.get(i)
        box = Surface(orientation="vertical", size_hint_y=None, padding=t.mm(3),
                      spacing=t.mm(1.5), background=t.palette.surface, radius=t.mm(2))
        box.bind(minimum_height=box.setter("height"))
        counts = []
        if component.originals:
            counts.append(originals_count(component.originals))
        if component.copies:
            counts.append(copies_count(component.copies))
        box.add_widget(Text(component.name, size=t.text_body, color=t.palette.text, bold=True))
        if counts or not component.required:
            extra = [] if component.required else [_("if it applies to you")]
            box.add_widget(Text(", ".join(counts + extra), size=t.text_small,
                                color=t.palette.muted))
        if answer and answer.pages:
            state = pages_photographed(len(answer.pages))
            colour = t.palette.online
        elif answer and answer.bring_original:
            state, colour = _("You will bring the original to the counter"), t.palette.online
        elif missing:  # neutral: nobody has done anything wrong yet
            state, colour = _("Photograph it, or bring the original"), t.palette.muted
            if not may_bring_original(component):
                state = _("Photograph it")
        else:
            state, colour = _("Not needed unless it applies to you"), t.palette.muted
        box.add_widget(Text(state, size=t.text_small, color=colour, bold=True))
        # one button per thing to do: photograph (again or instead), bring the original,
        # or take the photos away
        row = BoxLayout(size_hint_y=None, height=t.button, spacing=t.gap)
        photographed = bool(answer and answer.pages)
        bring = bool(answer and answer.bring_original)
        photo_label = (_("Add a page") if photographed else
                       _("Photograph it instead") if bring else _("Photograph it"))
        row.add_widget(BigButton(photo_label, t, lambda: self._photograph(i),
                                 kind="secondary" if bring else "primary",
                                 action_id=f"paper:photo:{i}"))
        if photographed:
            row.add_widget(BigButton(_("Remove the photos"), t, lambda: self._unphoto(i),
                                     kind="secondary", action_id=f"paper:clear:{i}"))
        elif may_bring_original(component) and not bring:
            row.add_widget(BigButton(_("I will bring the original"), t,
                                     lambda: self._bring(i), kind="secondary",
                                     action_id=f"paper:bring:{i}"))
        box.add_widget(grow_row(row, t))
        return box

    def _bring(self, index: int) -> None:
        if self.flow.draft is not None:
            self.flow.draft.answer(index).bring_original = True
        self.flow.refresh()

    def _unphoto(self, index: int) -> None:
        if self.flow.draft is not None:
            self.flow.draft.answer(index).pages.clear()
        self.flow.refresh()

    def _photograph(self, index: int) -> None:
        draft = self.flow.draft
        if draft is not None and draft.page_count() >= MAX_PAGES:
            self.state.note = _("That is the most pages one submission can take ({n}). "
                                "Bring the other papers to the counter.").format(n=MAX_PAGES)
            self.flow.refresh()
            return
        self.state.component, self.state.shot = index, None
        self.flow.go_step(Step.CAMERA)
