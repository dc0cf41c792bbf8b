"""Step 3: everything at a glance, the personal-data notice and the consent; then the
dossier is sent (through the outbox, so a network that is down loses nothing), with a
question first when the same person sent this procedure here within a day."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from functools import partial

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk.catalogue.working_days import due_date
from kiosk.i18n import _
from kiosk.printing.tickets import Paper
from kiosk.store.delivery import Delivery
from kiosk.submission.draft import Draft
from kiosk.ui.formatting import (
    channel_fees,
    copies_text,
    day,
    pages_photographed,
    summary_channel,
    weekday_date,
)
from kiosk.ui.keyboard import SYMBOL_FONT
from kiosk.ui.screens.apply.state import Step
from kiosk.ui.screens.apply.step import StepView, enabled, left_aligned
from kiosk.ui.widgets import BigButton, Divider, Surface, Text


class ReviewStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        self.state.return_to_review = False  # here again: "Edit" sets it anew
        page = flow.backdrop("vertical")
        # large text on a short screen: a one-line title, and the consent at the end of
        # what it confirms, so that what was given is not read through a slit
        crowded = t.cramped
        self.title(page, draft, compact=crowded)
        column = flow.scrolling_column(page, spacing=t.mm(1.5))
        column.add_widget(self._cost_and_date(draft))
        for f in draft.fields:
            value = draft.values.get(f.name, "").strip()
            if value:
                column.add_widget(self._line(f"{_(f.label)}: {value}", f"review:edit:{f.name}",
                                             partial(self._change, f.name)))
        if len(draft.procedure.cases) > 1 and draft.case:
            column.add_widget(self._line(_("Your case: {case}").format(case=draft.case.name),
                                         "review:edit:case",
                                         lambda: self._change_papers(Step.CASE)))
        for i, component in enumerate(draft.components):
            answer = draft.documents.get(i)
            if answer and answer.pages:
                state = pages_photographed(len(answer.pages))
            elif answer and answer.bring_original:
                state = _("you bring the original to the counter")
            else:
                continue
            column.add_widget(self._line(f"{component.name}: {state}", f"review:edit:paper:{i}",
                                         lambda: self._change_papers(Step.PAPERS)))
        column.add_widget(Divider(t))
        column.add_widget(Text(_("Your personal data"), size=t.text_body, color=t.palette.text,
                               bold=True))
        column.add_widget(flow.body(_(
            "What you typed and the photos of your papers are sent to {agency} only to "
            "handle this dossier. This kiosk keeps nothing once it has been sent, and forgets "
            "everything if you leave before sending.").format(
                agency=draft.procedure.agency.executing or _("the office"))))
        if self.state.note:
            page.add_widget(Text(self.state.note, size=t.text_body, color=t.palette.accent,
                                 bold=True))
        # outside the scrolling part where the screen has the room: the send button needs
        # it, so it must be in sight
        words = _("I agree and confirm that what I gave is true")
        consent = BigButton(words, t, self._toggle_consent, kind="primary" if draft.consent
                            else "secondary", action_id="apply:consent")
        left_aligned(consent, t.mm(6))  # two lines in large text, not cut
        # only the box from the symbol font: the words in the kiosk's own, like the rest
        consent.markup = True
        consent.text = (f"[font={SYMBOL_FONT}]{'☑' if draft.consent else '☐'}[/font] "
                        f"{escape_markup(words)}")
        (column if crowded else page).add_widget(consent)
        today = date.today()
        why = "" if draft.ready(today) else (
            _("Tick the box above first") if not draft.consent else
            _("Complete your details and papers first"))
        self.buttons(page, BigButton(_("Back"), t, lambda: flow.go_step(Step.PAPERS),
                                     kind="secondary", action_id="apply:back"),
                     enabled(BigButton(_("Send my dossier"), t, self.send,
                                       action_id="apply:send"), draft.ready(today), why))

    def _line(self, text: str, action_id: str, change: Callable[[], None]) -> BoxLayout:
        """One thing given, with its own "Edit" (Sửa) beside it."""
        t = self.theme
        row = BoxLayout(size_hint_y=None, spacing=t.gap)
        said = self.flow.body(text)
        row.add_widget(said)
        button = BigButton(_("Edit"), t, change, kind="secondary", height=t.touch,
                           action_id=action_id, size_hint_x=None)
        button.hug_text()
        row.add_widget(button)
        said.bind(height=lambda *_: setattr(row, "height", max(said.height, button.height)))
        row.height = max(said.height, button.height)
        return row

    def _cost_and_date(self, draft: Draft) -> Surface:
        """The fee and the expected result date before sending, not after."""
        t = self.theme
        card = Surface(orientation="vertical", size_hint_y=None, padding=t.mm(3),
                       spacing=t.mm(1), background=t.palette.surface, radius=t.mm(2))
        card.bind(minimum_height=card.setter("height"))
        procedure = draft.procedure
        channel = procedure.channel("online") or summary_channel(procedure)
        card.add_widget(Text(_("Fee: {fee}").format(fee=channel_fees(channel)),
                             size=t.text_body, color=t.palette.text, bold=True))
        if channel.time is not None:
            due = due_date(datetime.now(), channel.time, channel.time_unit,
                           self.services.config.working_calendar)
            when = _("Expected result: {day}, if the office accepts the dossier as "
                     "sent").format(day=weekday_date(due))
        else:  # a time given only in words: the office sets the date
            when = _("The office tells you the result date when it accepts the dossier.")
        card.add_widget(Text(when, size=t.text_body, color=t.palette.text))
        return card

    def _change(self, name: str) -> None:
        self.state.field, self.state.return_to_review = name, True
        self.flow.go_step(Step.DETAILS)

    def _change_papers(self, step: Step) -> None:
        self.state.return_to_review = True
        self.flow.go_step(step)

    def _toggle_consent(self) -> None:
        if self.flow.draft is not None:
            self.flow.draft.consent = not self.flow.draft.consent
        self.flow.refresh()

    def send(self, again: bool = False) -> None:
        flow = self.flow
        draft = flow.draft
        if draft is None or not draft.ready(date.today()):
            return
        from kiosk.store.outbox import OutboxError, content_key

        services = self.services
        payload = draft.payload(services.config.kiosk.agency)
        if not again:
            # the same person, procedure and agency here within a day: most often a
            # second try after a crash or a doubt, which would make a second dossier
            self.state.earlier = services.earlier_submission(payload)
            if self.state.earlier is not None:
                flow.go_step(Step.REPEAT)
                return
        # the same content, the same key: pressing "Send" again after a crash makes one
        # dossier; a person who chose to send again (asked by staff) gets a new one
        key = None if again else content_key("submission", payload,
                                             f"{services.config.kiosk.id}/{date.today()}")
        wait = services.config.outbox.answer_wait_seconds
        flow.go_step(Step.SENDING)

        def work() -> None:
            try:
                delivery: Delivery | None = services.sender.send("submission", payload, key,
                                                                 wait=wait)
            except (OutboxError, OSError):
                delivery = None  # not stored
            Clock.schedule_once(lambda _: self._sent(delivery))

        threading.Thread(target=work, name="submission", daemon=True).start()

    def _sent(self, delivery: Delivery | None) -> None:
        flow = self.flow
        if flow.manager is None or flow.manager.current != flow.name:
            return
        if delivery is None:
            # nothing was stored: say so, keep the draft so the person can try again
            self.state.step = Step.REVIEW
            self.state.note = _("Your dossier could not be saved on this kiosk, so it was "
                                "not sent. Please ask the staff at the counter for help.")
            flow.refresh()
            return
        self.state.delivery = delivery
        draft = flow.draft
        if draft is not None:
            self.state.bring_at_counter = tuple(
                c.name for i, c in enumerate(draft.components)
                if draft.documents.get(i) and draft.documents[i].bring_original)
            self.state.originals = tuple(
                Paper(c.name, copies_text(c)) for i, c in enumerate(draft.components)
                if c.originals and draft.documents.get(i) and draft.documents[i].answered)
        self.services.usage.count("submission_sent", flow.draft.procedure.code if flow.draft
                                  else "")
        self.services.forget_draft()  # what was given is in the (encrypted) outbox now
        flow.go_step(Step.RECEIPT)


class RepeatStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        earlier = self.state.earlier
        column = flow.page()
        self.title(column, draft)
        if earlier is None:
            return
        when = datetime.fromtimestamp(earlier.sent_at)
        column.add_widget(Text(_("You sent this dossier before"), size=t.text_title,
                               color=t.palette.accent, bold=True))
        said = _("On {day} at {time}, this kiosk took a dossier for this procedure with the "
                 "same citizen ID number.").format(
            day=day(when.date()), time=when.strftime("%H:%M"))
        column.add_widget(flow.body(said))
        if earlier.dossier_code:
            column.add_widget(flow.body(_("Its dossier code:")))
            column.add_widget(Text(earlier.dossier_code, size=t.text_title,
                                   color=t.palette.text, bold=True))
        else:
            column.add_widget(flow.body(_("It is waiting to be sent. Its reference:")))
            column.add_widget(Text(earlier.reference, size=t.text_title,
                                   color=t.palette.text, bold=True))
        column.add_widget(flow.body(_("Sending again makes a second dossier. Send again "
                                      "only if the staff asked you to.")))
        self.buttons(column, BigButton(_("Do not send again"), t, flow.finish,
                                       action_id="apply:repeat:no"),
                     BigButton(_("Send again"), t, lambda: flow.review.send(again=True),
                               kind="secondary", action_id="apply:repeat:yes"))


class SendingStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        column = self.flow.page()
        self.title(column, draft)
        column.add_widget(Text(_("Sending your dossier…"), size=t.text_title,
                               color=t.palette.text, bold=True))
        column.add_widget(self.flow.body(_("Please wait. This can take a few seconds.")))
