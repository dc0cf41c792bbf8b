"""Step 1: who applies. All the applicant's fields at once (the optional ones marked),
one of them taking what is typed on the on-screen keyboard, each checked as typed; the ID
card's QR can fill them. A name typed without Vietnamese marks is asked about."""

from __future__ import annotations

from datetime import date
from typing import Any

from kivy.graphics import Color, Line
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

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
    extra = NumericProperty(0)  # height beyond its words: the boxes fill the screen

    def __init__(self, theme: Theme, chosen: bool, on_choose: Any, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", size_hint_y=None,
                         padding=(theme.mm(3), theme.mm(1.5)), radius=theme.mm(2),
                         background=theme.palette.surface, **kwargs)
        self.bind(minimum_height=self._fit, extra=self._fit)
        self._on_choose = on_choose
        if chosen:
            framed(self, theme)

    def _fit(self, *_: Any) -> None:
        self.height = self.minimum_height + self.extra

    def on_release(self) -> None:
        touch = getattr(self, "last_touch", None)
        if touch is None or not touch.ud.get(HELD):
            self._on_choose()


def framed(box: Surface, theme: Theme) -> None:
    """A frame in the buttons' colour around a box: the keyboard types here."""
    with box.canvas.after:
        Color(*theme.palette.primary)
        frame = Line(rounded_rectangle=(*box.pos, *box.size, theme.mm(2)),
                     width=max(2, theme.mm(0.8)))

    def reframe(*_: Any) -> None:
        frame.rounded_rectangle = (*box.pos, *box.size, box.radius)

    box.bind(pos=reframe, size=reframe)


class DetailsStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        screen = flow.backdrop("vertical")
        # large text in landscape: the keyboard leaves room for one box, so the box being
        # typed into is shown alone (whole, with arrows to the others), not a list cut by
        # the keyboard
        self.alone = t.large_text and not t.portrait
        if self.alone:
            screen.padding = (t.padding, t.mm(1.5))
            screen.spacing = t.mm(1.5)
        # the keyboard keeps its place at the bottom; what is above it scrolls when it is
        # taller than the rest of the screen
        page = flow.scrolling_column(screen, spacing=t.mm(1.5))
        if t.height >= t.mm(230):  # a short screen keeps its height for the boxes
            self.title(page, draft, compact=True)
        today = date.today()
        current = next((f for f in draft.fields if f.name == self.state.field),
                       draft.fields[0])
        self.state.field = current.name
        self.shown: dict[str, tuple[Text, Text]] = {}
        self.boxes: list[FieldBox] = []
        card = BigButton(_("Scan your ID card (thẻ căn cước)"), t, self._scan_card,
                         kind="secondary", height=t.touch, action_id="apply:idcard") \
            if any(f.name == "citizen_id" for f in draft.fields) else None
        phone = BigButton(_("Continue on my phone"), t, flow.to_phone, kind="secondary",
                          action_id="apply:phone")
        columns = 1 if t.portrait else 2  # two where the boxes have the width
        if self.alone:
            self.typed_into: Widget = self._alone(current, draft, today)
            page.add_widget(self.typed_into)
            # under the box, a scroll away: the ID card and the phone, ways to fill it in
            for button in (card, phone):
                if button is not None:
                    button.grow_to_text()
                    page.add_widget(button)
        else:
            if card is not None:
                page.add_widget(card)
            boxes = GridLayout(cols=columns, spacing=t.mm(1.5), size_hint_y=None)
            boxes.bind(minimum_height=boxes.setter("height"))
            for f in draft.fields:
                box = self._box(f, draft, today, f is current)
                boxes.add_widget(box)
                self.boxes.append(box)
                if f is current:
                    self.typed_into = box
            page.add_widget(boxes)
        # outside the scrolling part, just above the keyboard: "Next" (or the question
        # about the name) is always in sight, however many boxes there are
        if self.state.name_question == "asking":
            screen.add_widget(self._name_question(draft))
        else:
            self.next_button = BigButton("", t, self._done, action_id="apply:next")
            cancel = BigButton(_("Cancel"), t, flow.cancel, kind="secondary",
                               action_id="apply:cancel")
            if self.alone:  # one row of words: the box keeps the height
                cancel.size_hint_x = None
                cancel.hug_text()
                self.buttons(screen, cancel, self.next_button)
            else:
                self.buttons(screen, cancel, phone, self.next_button)
            self._update_next(draft, today)
        scroll = page.parent

        rows = [self.boxes[i:i + columns] for i in range(0, len(self.boxes), columns)]
        given = {"extra": 0}  # what each row was given beyond its words

        def place(*_: Any) -> None:
            if rows:  # the rows share what the screen has to spare: no gap above "Next"
                # (taller boxes, their words at the top); a row's boxes equally tall
                spare = scroll.height - (page.height - len(rows) * given["extra"])
                given["extra"] = extra = max(0, spare // len(rows))
                for row in rows:
                    words = max(b.minimum_height for b in row)
                    for box in row:
                        box.extra = words - box.minimum_height + extra
            if self.alone:  # the box is at the top; the other ways are under it
                scroll.scroll_y = 1
            elif page.height > scroll.height:  # the box being typed into stays in view
                scroll.scroll_to(self.typed_into, padding=t.gap, animate=False)
            else:
                scroll.scroll_y = 1

        page.bind(height=place)
        scroll.bind(height=place)
        for box in self.boxes:
            box.bind(minimum_height=place)
        self.keyboard = VietnameseKeyboard(t, self._typed, size_hint_y=None)
        self.keyboard.digits = current.keys in ("digits", "date")
        self.keyboard.caps = current.name == "full_name"
        self.keyboard.text = draft.values.get(current.name, "")
        self.keyboard.bind(minimum_height=lambda *_: setattr(
            self.keyboard, "height", self.keyboard.minimum_height))
        self.keyboard.height = self.keyboard.minimum_height
        if not (self.alone and self.state.name_question == "asking"):
            # (where one box is all that fits, the question about the name takes the
            # keyboard's place: it is answered by a button, and it needs the height)
            screen.add_widget(self.keyboard)

    def _alone(self, f: Field, draft: Draft, today: date) -> Surface:
        """The box being typed into, alone: its label with arrows to the box before and
        after (and where it is among them), what was typed, and its message."""
        t = self.theme
        fields = draft.fields
        at = fields.index(f)
        box = Surface(orientation="vertical", size_hint_y=None,
                      padding=(t.mm(3), t.mm(1.5)), radius=t.mm(2),
                      background=t.palette.surface)
        box.bind(minimum_height=box.setter("height"))
        framed(box, t)
        top = BoxLayout(size_hint_y=None, height=t.touch, spacing=t.mm(1.5))
        label = Text(self._label(f), size=t.text_small, color=t.palette.muted, bold=True)
        top.add_widget(label)
        where = Text(f"{at + 1}/{len(fields)}", size=t.text_small, color=t.palette.muted,
                     bold=True, halign="center", size_hint_x=None, width=t.touch * 1.6)
        for widget in (
                BigButton("‹", t, lambda: self._choose(fields[at - 1].name),
                          kind="secondary", size_hint_x=None, width=t.touch,
                          height=t.touch, action_id="apply:field-before"),
                where,
                BigButton("›", t, lambda: self._choose(fields[(at + 1) % len(fields)].name),
                          kind="secondary", size_hint_x=None, width=t.touch,
                          height=t.touch, action_id="apply:field-after")):
            top.add_widget(widget)
        label.bind(height=lambda *_: setattr(top, "height", max(t.touch, label.height)))
        box.add_widget(top)
        shown, said = self._value_and_message(f, draft, today)
        # one line, its end in view (where the next letter goes), as in a typing field
        shown.shorten, shown.shorten_from = True, "left"
        box.add_widget(shown)
        box.add_widget(said)
        return box

    @staticmethod
    def _label(f: Field) -> str:
        return _(f.label) + ("" if f.required else " · " + _("optional"))

    def _value_and_message(self, f: Field, draft: Draft, today: date) -> tuple[Text, Text]:
        t = self.theme
        value = draft.values.get(f.name, "")
        shown = Text(value or _(f.hint), size=t.text_body, bold=True,
                     color=t.palette.text if value else t.palette.muted)
        message = f.check(value, False, today) if value else None
        said = Text(_(message) if message else "", size=t.text_small, color=t.palette.accent,
                    bold=True)
        self.shown[f.name] = (shown, said)
        return shown, said

    def _box(self, f: Field, draft: Draft, today: date, chosen: bool) -> FieldBox:
        t = self.theme
        box = FieldBox(t, chosen, lambda: self._choose(f.name), action_id=f"field:{f.name}")
        box.add_widget(Text(self._label(f), size=t.text_small, color=t.palette.muted,
                            bold=True))
        for widget in self._value_and_message(f, draft, today):
            box.add_widget(widget)
        box.add_widget(Widget())  # a stretched box's room is under its words
        return box

    def _update_next(self, draft: Draft, today: date) -> None:
        """"Next" works once every box is right; until then it says which are not."""
        problems = draft.problems(today)
        label = _("Back to the check") if self.state.return_to_review \
            else _("Next: your papers")
        self.next_button.label = label
        enabled(self.next_button, not problems,
                ngettext("{n} box still to fill in", "{n} boxes still to fill in",
                         len(problems)).format(n=len(problems)), beside=self.alone)

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
