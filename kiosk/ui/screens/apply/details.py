"""Step 1: who applies. The applicant's fields, typed on the on-screen keyboard and
checked as typed; the ID card's QR can fill them."""

from __future__ import annotations

from datetime import date

from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.i18n import _
from kiosk.submission.applicant import Field
from kiosk.submission.draft import Draft
from kiosk.ui.keyboard import SYMBOL_FONT, VietnameseKeyboard
from kiosk.ui.screens.apply.state import NUMBERED, Step
from kiosk.ui.screens.apply.step import StepView
from kiosk.ui.widgets import BigButton, Surface, Text


class DetailsStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        screen = flow.backdrop("vertical")
        # the keyboard keeps its place at the bottom; what is above it scrolls when large
        # text on a short screen makes it taller than the rest of the screen
        page = flow.scrolling_column(screen)
        # the keyboard needs the height: on a short screen the step is told in the box
        roomy = t.height >= t.mm(230)
        if roomy:
            self.title(page, draft, compact=True)
        today = date.today()
        problems = draft.problems(today)
        # one row when the words fit on one line each, else rows of three
        narrow = t.portrait or (t.large_text and t.width < 1500)
        if any(f.name == "citizen_id" for f in draft.fields):
            page.add_widget(BigButton(_("Scan your ID card (thẻ căn cước)"), t,
                                      self._scan_card, kind="secondary",
                                      height=t.touch, action_id="apply:idcard"))
        tabs = GridLayout(cols=3 if narrow else len(draft.fields), spacing=t.mm(1.5),
                          size_hint_y=None)
        tabs.bind(minimum_height=tabs.setter("height"))
        for f in draft.fields:
            tabs.add_widget(self._tab(f, draft, problems))
        page.add_widget(tabs)
        current = next((f for f in draft.fields if f.name == self.state.field),
                       draft.fields[0])
        self.state.field = current.name
        page.add_widget(self._field_panel(current, draft, today, with_step=not roomy))
        later = [f.name for f in draft.fields][draft.fields.index(current) + 1:]
        self.next_button = BigButton(
            _("Next: your papers") if not problems or not later else _("Next box ›"), t,
            self._done, action_id="apply:next")
        self.buttons(page, BigButton(_("Cancel"), t, flow.cancel, kind="secondary",
                                     action_id="apply:cancel"),
                     BigButton(_("Continue on my phone"), t, flow.to_phone, kind="secondary",
                               action_id="apply:phone"),
                     self.next_button)
        page.parent.scroll_y = 0  # if it must scroll: the box and the buttons stay in view
        self.keyboard = VietnameseKeyboard(t, self._typed, size_hint_y=None)
        self.keyboard.digits = current.keys in ("digits", "date")
        self.keyboard.caps = current.name == "full_name"
        self.keyboard.text = draft.values.get(current.name, "")
        self.keyboard.bind(minimum_height=lambda *_: setattr(
            self.keyboard, "height", self.keyboard.minimum_height))
        self.keyboard.height = self.keyboard.minimum_height
        screen.add_widget(self.keyboard)

    def _tab(self, f: Field, draft: Draft, problems: dict[str, str]) -> BigButton:
        t = self.theme
        filled = bool(draft.values.get(f.name, "").strip())
        mark = "✓ " if filled and f.name not in problems else "! " if filled else ""
        tab = BigButton(mark + _(f.short), t, lambda: self._choose(f.name),
                        kind="primary" if f.name == self.state.field else "secondary",
                        height=t.touch, action_id=f"field:{f.name}")
        tab.font_name = str(SYMBOL_FONT)  # ✓ (Roboto has none); Vietnamese too
        tab.font_size = t.text_small
        return tab

    def _field_panel(self, f: Field, draft: Draft, today: date, with_step: bool) -> Widget:
        t = self.theme
        value = draft.values.get(f.name, "")
        panel = Surface(orientation="vertical", size_hint_y=None, padding=(t.mm(3), t.mm(1)),
                        background=t.palette.surface, radius=t.mm(2))
        panel.bind(minimum_height=panel.setter("height"))
        label = _(f.label)
        if with_step:
            label = _("Step {n} of {total}").format(n=1, total=len(NUMBERED)) + " · " + label
        panel.add_widget(Text(label, size=t.text_small, color=t.palette.muted, bold=True))
        self.value = Text(value or _(f.hint), size=t.text_heading, bold=True,
                          color=t.palette.text if value else t.palette.muted)
        panel.add_widget(self.value)
        message = f.check(value, False, today) if value else None
        self.message = Text(_(message) if message else "", size=t.text_small,
                            color=t.palette.accent, bold=True)
        panel.add_widget(self.message)
        return panel

    def _scan_card(self) -> None:
        self.state.card = None
        self.flow.go_step(Step.IDCARD)

    def _choose(self, name: str) -> None:
        self.state.field = name
        self.flow.refresh()

    def _typed(self, text: str) -> None:
        draft = self.flow.draft
        field = next((f for f in draft.fields if f.name == self.state.field), None) \
            if draft else None
        if draft is None or field is None:
            return
        if field.keys == "date":
            text = as_date(text)
            if text != self.keyboard.text:
                self.keyboard.text = text
        text = text[:field.max_length]
        draft.values[field.name] = text
        self.value.text = text or _(field.hint)
        self.value.color = self.theme.palette.text if text else self.theme.palette.muted
        message = field.check(text, False, date.today())
        self.message.text = _(message) if message else ""

    def _done(self) -> None:
        """The next box that needs something (the one after this first), else the papers."""
        draft = self.flow.draft
        if draft is None:
            return
        problems = draft.problems(date.today())
        if not problems:
            several = len(draft.procedure.cases) > 1
            self.flow.go_step(Step.CASE if several and not draft.documents else Step.PAPERS)
            return
        names = [f.name for f in draft.fields]
        here = names.index(self.state.field)
        after = names[here + 1:] + names[:here + 1]
        self.state.field = next(name for name in after if name in problems)
        self.flow.refresh()


def as_date(text: str) -> str:
    """Digits typed for a date, shown as dd/mm/yyyy while they are typed."""
    digits = "".join(ch for ch in text if ch.isdigit())[:8]
    return "/".join(p for p in (digits[:2], digits[2:4], digits[4:]) if p)
