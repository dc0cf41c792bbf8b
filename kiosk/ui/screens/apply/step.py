"""What every step of the apply flow shares: the flow's screen, its theme and services,
the state, and the title and button row each step draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.i18n import _
from kiosk.submission.draft import Draft
from kiosk.ui.screens.apply.state import NUMBERED, PART_OF, ApplyState, Step
from kiosk.ui.services import KioskServices
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import BigButton, Text, grow_row

if TYPE_CHECKING:
    from kiosk.ui.screens.apply.screen import ApplyScreen


class StepView:
    """One step: `build` draws it on the flow's screen; its buttons change the state and
    ask the flow to show a step (`self.flow.go_step`)."""

    def __init__(self, flow: ApplyScreen) -> None:
        self.flow = flow

    @property
    def theme(self) -> Theme:
        return self.flow.theme

    @property
    def services(self) -> KioskServices:
        return self.flow.services

    @property
    def state(self) -> ApplyState:
        return self.flow.state

    def build(self, draft: Draft) -> None:
        raise NotImplementedError

    def title(self, parent: Widget, draft: Draft, *, compact: bool = False) -> None:
        """"Step n of 3: …" and the procedure's name; when `compact` (the keyboard or
        the list needs the height: large text on a short screen) both on one line."""
        t = self.theme
        step = PART_OF.get(self.state.step, self.state.step)
        name = draft.procedure.name
        if step in NUMBERED:
            words = {Step.DETAILS: _("Your details"), Step.PAPERS: _("Your papers"),
                     Step.REVIEW: _("Check and send")}[step]
            where = _("Step {n} of {total}: {words}").format(
                n=NUMBERED.index(step) + 1, total=len(NUMBERED), words=words)
            if compact:
                parent.add_widget(Text(f"{where} · {name}", color=t.palette.text, bold=True,
                                       size=t.text_body, shorten=True, shorten_from="right"))
                return
            parent.add_widget(Text(where, size=t.text_small, color=t.palette.muted, bold=True))
        parent.add_widget(Text(name, color=t.palette.text, bold=True,
                               size=t.text_body if compact else t.text_heading,
                               shorten=compact, shorten_from="right"))

    def buttons(self, parent: Widget, *buttons: BigButton) -> None:
        """A row of buttons, as tall as the tallest (see `grow_row`)."""
        row = BoxLayout(size_hint_y=None, height=self.theme.button, spacing=self.theme.gap)
        for button in buttons:
            row.add_widget(button)
        parent.add_widget(grow_row(row, self.theme))


def tall(button: BigButton) -> BigButton:
    """A button as tall as its words need: large text wraps a label onto two lines."""
    button.grow_to_text()
    return button


def left_aligned(button: BigButton, inset: int) -> BigButton:
    """A button whose text starts at its left edge (a form row, a choice), as tall as its
    words need (large text wraps a long case's name onto more lines)."""
    button.halign = "left"
    button.grow_to_text()
    button.bind(size=lambda w, size: setattr(w, "text_size", (size[0] - inset, None)))
    return button


def enabled(button: BigButton, on: bool, reason: str = "", *, beside: bool = False
            ) -> BigButton:
    """A button that works or not; a disabled one says why under its label (a grey
    button with no reason leaves a person guessing), or after it with `beside` (a wide
    button where the height is short: the words wrap only if they must)."""
    label = str(getattr(button, "label", "") or button.text)
    button.label = label
    button.enabled = on
    if on or not reason:
        button.markup = False
        button.text = label
        button.font_size = button.theme.text_body
    else:  # two lines in a button's height: both in the small size
        button.markup = True
        button.font_size = button.theme.text_small
        between = " · " if beside else "\n"
        button.text = f"{escape_markup(label)}{between}[b]{escape_markup(reason)}[/b]"
    return button
