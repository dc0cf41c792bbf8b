"""Step 1: who applies. All the applicant's fields at once (the optional ones marked),
one of them taking what is typed on the on-screen keyboard, each checked as typed; the ID
card's QR can fill them. A name typed without Vietnamese marks is asked about."""

from __future__ import annotations

from datetime import date
from typing import Any

from kivy.graphics import Color, Line
from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import _, ngettext
from kiosk.submission.applicant import Field
from kiosk.submission.draft import Draft
from kiosk.ui.keyboard import VietnameseKeyboard
from kiosk.ui.screens.apply.state import Step
from kiosk.ui.screens.apply.step import StepView, enabled
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import HELD, BigButton, Surface, Text


class FieldBox(ButtonBehavior, Surface):
    """One field: its label, what was typed (or an example), and its message. Touching it
    makes it the one the keyboard types into."""

    action_id = StringProperty("")

    def __init__(self, theme: Theme, chosen: bool, on_choose: Any, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", size_hint_y=None,
                         padding=(theme.mm(3), theme.mm(1.5)), radius=theme.mm(2),
                         background=theme.palette.surface, **kwargs)
        self.bind(minimum_height=self.setter("height"))
        self._on_choose = on_choose
        if chosen:  # a frame in the buttons' colour: the keyboard types here
            with self.canvas.after:
                Color(*theme.palette.primary)
                self._frame = Line(rounded_rectangle=(*self.pos, *self.size, theme.mm(2)),
                                   width=max(2, theme.mm(0.8)))
            self.bind(pos=self._reframe, size=self._reframe)

    def _reframe(self, *_: Any) -> None:
        self._frame.rounded_rectangle = (*self.pos, *self.size, self.radius)

    def on_release(self) -> None:
        touch = getattr(self, "last_touch", None)
        if touch is None or not touch.ud.get(HELD):
            self._on_choose()


class DetailsStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        screen = flow.backdrop("vertical")
        # the keyboard keeps its place at the bottom; what is above it scrolls when large
        # text on a short screen makes it taller than the rest of the screen
        page = flow.scrolling_column(screen, spacing=t.mm(1.5))
        if t.height >= t.mm(230):  # a short screen keeps its height for the boxes
            self.title(page, draft, compact=True)
        today = date.today()
        current = next((f for f in draft.fields if f.name == self.state.field),
                       draft.fields[0])
        self.state.field = current.name
        if any(f.name == "citizen_id" for f in draft.fields):
            page.add_widget(BigButton(_("Scan your ID card (thẻ căn cước)"), t,
                                      self._scan_card, kind="secondary", height=t.touch,
                                      action_id="apply:idcard"))
        # two columns where the boxes have the width; one on a narrow or enlarged screen
        narrow = t.portrait or (t.large_text and t.width < 1500)
        boxes = GridLayout(cols=1 if narrow else 2, spacing=t.mm(1.5), size_hint_y=None)
        boxes.bind(minimum_height=boxes.setter("height"))
        self.shown: dict[str, tuple[Text, Text]] = {}
        for f in draft.fields:
            box = self._box(f, draft, today, f is current)
            boxes.add_widget(box)
            if f is current:
                chosen = box
        page.add_widget(boxes)
        phone = BigButton(_("Continue on my phone"), t, flow.to_phone, kind="secondary",
                          action_id="apply:phone")
        # large text on a short screen: the bar keeps room for the boxes with two buttons
        # (continuing on a phone is a way out, under the boxes)
        crowded = t.large_text and t.height < t.mm(230)
        if crowded and self.state.name_question != "asking":
            phone.grow_to_text()
            page.add_widget(phone)
        # outside the scrolling part, just above the keyboard: "Next" (or the question
        # about the name) is always in sight, however many boxes there are
        if self.state.name_question == "asking":
            screen.add_widget(self._name_question(draft))
        else:
            self.next_button = BigButton("", t, self._done, action_id="apply:next")
            cancel = BigButton(_("Cancel"), t, flow.cancel, kind="secondary",
                               action_id="apply:cancel")
            if crowded:
                self.buttons(screen, cancel, self.next_button)
            else:
                self.buttons(screen, cancel, phone, self.next_button)
            self._update_next(draft, today)
        # if it must scroll: the box being typed into stays in view
        scroll = page.parent

        def place(*_: Any) -> None:
            if page.height > scroll.height:
                scroll.scroll_to(chosen, padding=t.gap, animate=False)
            else:
                scroll.scroll_y = 1

        page.bind(height=place)
        scroll.bind(height=place)
        self.keyboard = VietnameseKeyboard(t, self._typed, size_hint_y=None)
        self.keyboard.digits = current.keys in ("digits", "date")
        self.keyboard.caps = current.name == "full_name"
        self.keyboard.text = draft.values.get(current.name, "")
        self.keyboard.bind(minimum_height=lambda *_: setattr(
            self.keyboard, "height", self.keyboard.minimum_height))
        self.keyboard.height = self.keyboard.minimum_height
        screen.add_widget(self.keyboard)

    def _box(self, f: Field, draft: Draft, today: date, chosen: bool) -> FieldBox:
        t = self.theme
        value = draft.values.get(f.name, "")
        box = FieldBox(t, chosen, lambda: self._choose(f.name), action_id=f"field:{f.name}")
        label = _(f.label)
        if not f.required:
            label += " · " + _("optional")
        box.add_widget(Text(label, size=t.text_small, color=t.palette.muted, bold=True))
        shown = Text(value or _(f.hint), size=t.text_body, bold=True,
                     color=t.palette.text if value else t.palette.muted)
        box.add_widget(shown)
        message = f.check(value, False, today) if value else None
        said = Text(_(message) if message else "", size=t.text_small, color=t.palette.accent,
                    bold=True)
        box.add_widget(said)
        self.shown[f.name] = (shown, said)
        return box

    def _update_next(self, draft: Draft, today: date) -> None:
        """"Next" works once every box is right; until then it says which are not."""
        problems = draft.problems(today)
        label = _("Back to the check") if self.state.return_to_review \
            else _("Next: your papers")
        self.next_button.label = label
        enabled(self.next_button, not problems,
                ngettext("{n} box still to fill in", "{n} boxes still to fill in",
                     len(problems)).format(n=len(problems)))

    def _name_question(self, draft: Draft) -> BoxLayout:
        t = self.theme
        box = Surface(orientation="vertical", size_hint_y=None, padding=t.mm(3),
                      spacing=t.gap, background=t.palette.surface, radius=t.mm(2))
        box.bind(minimum_height=box.setter("height"))
        name = " ".join(draft.values.get("full_name", "").split())
        box.add_widget(Text(_("Your name “{name}” has no Vietnamese marks. Is it written "
                              "that way on your ID card?").format(name=name),
                            size=t.text_body, color=t.palette.text, bold=True))
        self.buttons(box, BigButton(_("Add the marks"), t, self._fix_name,
                                    action_id="apply:name-fix"),
                     BigButton(_("Yes, it is written so"), t, self._plain_name,
                               kind="secondary", action_id="apply:name-plain"))
        return box

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
        if field.name == "full_name":
            self.state.name_question = ""  # a changed name is asked about afresh
        shown, said = self.shown[field.name]
        shown.text = text or _(field.hint)
        shown.color = self.theme.palette.text if text else self.theme.palette.muted
        today = date.today()
        message = field.check(text, False, today)
        said.text = _(message) if message else ""
        if self.state.name_question != "asking":
            self._update_next(draft, today)

    def _done(self) -> None:
        draft = self.flow.draft
        if draft is None or draft.problems(date.today()):
            return
        if self.state.name_question != "plain" and without_marks(
                draft.values.get("full_name", "")):
            self.state.name_question = "asking"
            self.flow.refresh()
            return
        self._go_on(draft)

    def _go_on(self, draft: Draft) -> None:
        if self.state.return_to_review:
            self.flow.go_step(Step.REVIEW)
            return
        several = len(draft.procedure.cases) > 1
        self.flow.go_step(Step.CASE if several and not draft.documents else Step.PAPERS)

    def _fix_name(self) -> None:
        self.state.name_question, self.state.field = "", "full_name"
        self.flow.refresh()

    def _plain_name(self) -> None:
        self.state.name_question = "plain"
        if self.flow.draft is not None:
            self._go_on(self.flow.draft)


def without_marks(name: str) -> bool:
    """A name of plain Latin letters only: most Vietnamese names have marks (Nguyễn,
    Thị), so it was probably typed without them; the person is asked, not refused."""
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all(ch.isascii() for ch in letters)


def as_date(text: str) -> str:
    """Digits typed for a date, shown as dd/mm/yyyy while they are typed."""
    digits = "".join(ch for ch in text if ch.isdigit())[:8]
    return "/".join(p for p in (digits[:2], digits[2:4], digits[4:]) if p)
