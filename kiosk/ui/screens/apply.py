"""Start an online submission at the kiosk: who applies, the papers, review, send, receipt.

One screen with steps, because a person moves back and forth between them: "details"
(the applicant's fields, typed on the on-screen keyboard and checked as typed),
"papers" (each paper of the chosen case: photograph its pages, or bring the original),
"camera" (live preview; the photo is straightened and shown before it is kept), "review"
(everything at a glance and the personal-data notice), "repeat" (the same person sent
this procedure here within a day: send again?), then "sending" and "receipt".
The draft lives in the services, not here, so the idle reset clears it wherever the
person left off. Nothing personal is logged.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from kivy.clock import Clock
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.widget import Widget

from kiosk.i18n import _, babel_locale
from kiosk.printing.layout import Ticket
from kiosk.printing.tickets import Paper
from kiosk.status.lookup import refusal_words
from kiosk.store.catalogue_store import StoreError
from kiosk.store.delivery import Delivery
from kiosk.store.outbox import EarlierSubmission
from kiosk.submission.applicant import Field
from kiosk.submission.draft import Draft, may_bring_original
from kiosk.submission.id_card import IdCard, read_id_card
from kiosk.ui.camera_feed import CameraFeed, show_image
from kiosk.ui.formatting import copies_text, day
from kiosk.ui.keyboard import SYMBOL_FONT, VietnameseKeyboard
from kiosk.ui.printouts import PrintPanel, fee_panel, receipt_ticket
from kiosk.ui.qr import QrImage
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Divider, Surface, Text

MAX_PAGES = 20  # per dossier: what the API takes in one request (about 300 KB a page)
PAGE_BYTES = 300_000
STEPS = ("details", "papers", "review")


class ApplyScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.step = "details"
        self.field = ""  # the field being typed into
        self.component = 0  # the paper being photographed
        self.shot: Any = None  # a PageResult (or a raw frame) waiting for "use it / retake"
        self.note = ""
        self.delivery: Delivery | None = None
        # the papers whose originals the person shows at the counter (for the receipt)
        self.originals: tuple[Paper, ...] = ()
        self.earlier: EarlierSubmission | None = None  # for the "repeat" step
        self.worker: Any = None
        # what the ID card's QR held, until the person confirms it (personal data: the
        # session's end forgets it with the draft)
        self.card: IdCard | None = None

    @property
    def draft(self) -> Draft | None:
        return self.services.draft

    def open(self, **params: Any) -> None:
        super().open(**params)
        code = params.get("code", "")
        if self.draft is None or self.draft.procedure.code != code:
            procedure = self.services.catalogue.procedure(code)
            if procedure is not None:
                self.services.start_draft(procedure)
                self.services.usage.count("submission_started", procedure.code)
        self.step, self.note, self.shot, self.delivery = "details", "", None, None
        self.earlier = None
        self.field = self.draft.fields[0].name if self.draft and self.draft.fields else ""

    def reset(self) -> None:
        super().reset()
        self.stop_camera()
        self.step, self.field, self.note, self.shot, self.delivery = \
            "details", "", "", None, None
        self.earlier, self.card = None, None

    def on_leave(self, *_: Any) -> None:
        self.stop_camera()

    def go_step(self, step: str) -> None:
        self.step, self.note = step, ""
        self.refresh()

    # --- building ------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.step == "receipt":  # the draft is gone by then: it is in the outbox
            self.stop_camera()
            self._receipt()
            return
        draft = self.draft
        if draft is None:
            self.page().add_widget(self.heading(_("This procedure is not in the catalogue.")))
            return
        if self.step not in ("camera", "idcard"):
            self.stop_camera()
        {"details": self._details, "idcard": self._id_card, "case": self._case,
         "papers": self._papers,
         "camera": self._camera, "review": self._review, "repeat": self._repeat,
         "sending": self._sending}[self.step](draft)

    def _title(self, parent: Widget, draft: Draft) -> None:
        t = self.theme
        step = "papers" if self.step == "case" else self.step
        if step in STEPS:
            words = {"details": _("Your details"), "papers": _("Your papers"),
                     "review": _("Check and send")}[step]
            parent.add_widget(Text(_("Step {n} of {total}: {words}").format(
                n=STEPS.index(step) + 1, total=len(STEPS), words=words), size=t.text_small,
                color=t.palette.muted, bold=True))
        # one line on the typing step, where the keyboard needs the height
        parent.add_widget(Text(draft.procedure.name, color=t.palette.text, bold=True,
                               size=t.text_body if self.step == "details" else t.text_heading,
                               shorten=self.step == "details", shorten_from="right"))

    def _buttons(self, parent: Widget, *buttons: BigButton) -> None:
        row = BoxLayout(size_hint_y=None, height=self.theme.button, spacing=self.theme.gap)
        for button in buttons:
            row.add_widget(button)
        parent.add_widget(row)

    # --- step 1: details -----------------------------------------------------------------

    def _details(self, draft: Draft) -> None:
        t = self.theme
        screen = self.backdrop("vertical")
        # the keyboard keeps its place at the bottom; what is above it scrolls when large
        # text on a short screen makes it taller than the rest of the screen
        page = self.scrolling_column(screen)
        # the keyboard needs the height: on a short screen the step is told in the box
        roomy = t.height >= t.mm(230)
        if roomy:
            self._title(page, draft)
        today = date.today()
        problems = draft.problems(today)
        # one row when the words fit on one line each, else rows of three
        narrow = t.portrait or (t.large_text and t.width < 1500)
        if any(f.name == "citizen_id" for f in draft.fields):
            page.add_widget(BigButton(_("Scan your ID card (thẻ căn cước)"), t,
                                      lambda: self._scan_card(), kind="secondary",
                                      height=t.touch, action_id="apply:idcard"))
        tabs = GridLayout(cols=3 if narrow else len(draft.fields), spacing=t.mm(1.5),
                          size_hint_y=None)
        tabs.bind(minimum_height=tabs.setter("height"))
        for f in draft.fields:
            tabs.add_widget(self._tab(f, draft, problems))
        page.add_widget(tabs)
        current = next((f for f in draft.fields if f.name == self.field), draft.fields[0])
        self.field = current.name
        page.add_widget(self._field_panel(current, draft, today, with_step=not roomy))
        later = [f.name for f in draft.fields][draft.fields.index(current) + 1:]
        self.next_button = BigButton(
            _("Next: your papers") if not problems or not later else _("Next box ›"), t,
            self._details_done, action_id="apply:next")
        self._buttons(page, BigButton(_("Cancel"), t, self._cancel, kind="secondary",
                                      action_id="apply:cancel"),
                      BigButton(_("Continue on my phone"), t, self._to_phone, kind="secondary",
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
                        kind="primary" if f.name == self.field else "secondary",
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
            label = _("Step {n} of {total}").format(n=1, total=len(STEPS)) + " · " + label
        panel.add_widget(Text(label, size=t.text_small, color=t.palette.muted, bold=True))
        self.value = Text(value or _(f.hint), size=t.text_heading, bold=True,
                          color=t.palette.text if value else t.palette.muted)
        panel.add_widget(self.value)
        message = f.check(value, False, today) if value else None
        self.message = Text(_(message) if message else "", size=t.text_small,
                            color=t.palette.accent, bold=True)
        panel.add_widget(self.message)
        return panel

    def _choose(self, name: str) -> None:
        self.field = name
        self.refresh()

    def _typed(self, text: str) -> None:
        draft = self.draft
        field = next((f for f in draft.fields if f.name == self.field), None) if draft else None
        if draft is None or field is None:
            return
        if field.keys == "date":
            text = _as_date(text)
            if text != self.keyboard.text:
                self.keyboard.text = text
        text = text[:field.max_length]
        draft.values[field.name] = text
        self.value.text = text or _(field.hint)
        self.value.color = self.theme.palette.text if text else self.theme.palette.muted
        message = field.check(text, False, date.today())
        self.message.text = _(message) if message else ""

    def _details_done(self) -> None:
        """The next box that needs something (the one after this first), else the papers."""
        draft = self.draft
        if draft is None:
            return
        problems = draft.problems(date.today())
        if not problems:
            several = len(draft.procedure.cases) > 1
            self.go_step("case" if several and not draft.documents else "papers")
            return
        names = [f.name for f in draft.fields]
        after = names[names.index(self.field) + 1:] + names[:names.index(self.field) + 1]
        self.field = next(name for name in after if name in problems)
        self.refresh()

    # --- the ID card's QR fills the details ------------------------------------------------

    def _scan_card(self) -> None:
        self.card = None
        self.go_step("idcard")

    def _id_card(self, draft: Draft) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        page.add_widget(Text(_("Scan your ID card (thẻ căn cước)"), size=t.text_heading,
                             color=t.palette.text, bold=True))
        body = BoxLayout(orientation="vertical" if t.portrait else "horizontal",
                         spacing=t.gap)
        self.preview = Image(fit_mode="contain")
        side = BoxLayout(orientation="vertical", spacing=t.gap,
                         size_hint=(0.45, 1) if not t.portrait else (1, 0.5))
        self.camera_note = Text(self.note, size=t.text_body, color=t.palette.accent,
                                bold=True)
        card = self.card
        if card is None:
            body.add_widget(self.preview)
            side.add_widget(self.body(_("Hold the QR code on your ID card (thẻ căn cước) "
                                        "up to the camera. The kiosk reads it by itself.")))
            side.add_widget(self.camera_note)
            side.add_widget(Widget())
            self.start_card_camera()
        else:
            self.stop_camera()
            side.add_widget(self.body(_("Are these your details? They fill the form only "
                                        "if you say so.")))
            values = card.form_values()
            for f in draft.fields:
                if f.name in values:
                    side.add_widget(self.body(f"{_(f.label)}: {values[f.name]}"))
            side.add_widget(Widget())
            side.add_widget(BigButton(_("Use these details"), t, self._use_card,
                                      action_id="apply:idcard-use"))
            side.add_widget(BigButton(_("Scan again"), t, self._scan_card, kind="secondary",
                                      action_id="apply:idcard-again"))
        side.add_widget(BigButton(_("Back to typing"), t, self._card_back, kind="secondary",
                                  action_id="apply:idcard-back"))
        body.add_widget(side)
        page.add_widget(body)

    def start_card_camera(self) -> None:
        if self.worker is None:
            self.worker = CameraFeed.reading_codes(self.services.config.scanner, self._card_found,
                                                     self._trouble)
            self.worker.start()
        self.worker.view = self.preview

    def _card_found(self, payloads: list[bytes]) -> None:
        if self.step != "idcard" or self.card is not None or self.manager is None \
                or self.manager.current != self.name:
            return
        card = next((c for c in (read_id_card(p, date.today()) for p in payloads) if c), None)
        if card is None:
            self.camera_note.text = _("This is not the QR code of an ID card. Hold the QR "
                                      "code on your thẻ căn cước up to the camera.")
            return
        self.card = card
        self.refresh()

    def _use_card(self) -> None:
        draft, card = self.draft, self.card
        if draft is not None and card is not None:
            names = {f.name for f in draft.fields}
            draft.values.update({k: v for k, v in card.form_values().items() if k in names})
        self.card = None
        self.go_step("details")

    def _card_back(self) -> None:
        self.card = None
        self.go_step("details")

    # --- step 2: papers ------------------------------------------------------------------

    def _case(self, draft: Draft) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        self._title(page, draft)
        page.add_widget(self.body(_("Which case is yours? The papers to bring depend on it.")))
        column = self.scrolling_column(page, spacing=t.gap)
        for i, case in enumerate(draft.procedure.cases):
            button = BigButton(case.name or _("Case {n}").format(n=i + 1), t,
                               lambda i=i: self._pick_case(i),
                               kind="primary" if i == draft.case_index else "secondary",
                               action_id=f"case:{i}")
            _left(button, t.mm(6))
            column.add_widget(button)
        self._buttons(page, BigButton(_("Back"), t, lambda: self.go_step("details"),
                                      kind="secondary", action_id="apply:back"))

    def _papers(self, draft: Draft) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        self._title(page, draft)
        column = self.scrolling_column(page, spacing=t.gap)
        several = len(draft.procedure.cases) > 1
        if several and draft.case:
            row = BoxLayout(size_hint_y=None, height=t.button, spacing=t.gap)
            middle = AnchorLayout(anchor_y="center")
            middle.add_widget(self.body(_("Your case: {case}").format(case=draft.case.name),
                                        shorten=True, shorten_from="right"))
            row.add_widget(middle)
            row.add_widget(BigButton(_("Change"), t, lambda: self.go_step("case"),
                                     kind="secondary", action_id="apply:case",
                                     size_hint_x=None, width=t.mm(45)))
            column.add_widget(row)
        if self.note:
            column.add_widget(Text(self.note, size=t.text_body, color=t.palette.accent,
                                   bold=True))
        missing = set(draft.missing_documents())
        for i, component in enumerate(draft.components):
            column.add_widget(self._paper_row(draft, i, component, i in missing))
        self._buttons(page, BigButton(_("Back"), t, lambda: self.go_step(
                          "case" if several else "details"), kind="secondary",
                                      action_id="apply:back"),
                      _enabled(BigButton(_("Next: check and send"), t,
                                         lambda: self.go_step("review"),
                                         action_id="apply:next"), not missing))

    def _paper_row(self, draft: Draft, i: int, component: Any, missing: bool) -> Widget:
        t = self.theme
        answer = draft.documents.get(i)
        box = Surface(orientation="vertical", size_hint_y=None, padding=t.mm(3),
                      spacing=t.mm(1.5), background=t.palette.surface, radius=t.mm(2))
        box.bind(minimum_height=box.setter("height"))
        counts = []
        if component.originals:
            counts.append(_("{n} original").format(n=component.originals))
        if component.copies:
            counts.append(_("{n} copy").format(n=component.copies))
        box.add_widget(Text(component.name, size=t.text_body, color=t.palette.text, bold=True))
        if counts or not component.required:
            extra = [] if component.required else [_("if it applies to you")]
            box.add_widget(Text(", ".join(counts + extra), size=t.text_small,
                                color=t.palette.muted))
        if answer and answer.pages:
            state = _("{n} page(s) photographed").format(n=len(answer.pages))
            colour = t.palette.online
        elif answer and answer.bring_original:
            state, colour = _("You will bring the original to the counter"), t.palette.online
        elif missing:
            state, colour = _("Still needed"), t.palette.accent
        else:
            state, colour = _("Not needed unless it applies to you"), t.palette.muted
        box.add_widget(Text(state, size=t.text_small, color=colour, bold=True))
        row = BoxLayout(size_hint_y=None, height=t.button, spacing=t.gap)
        photographed = bool(answer and answer.pages)
        row.add_widget(BigButton(_("Add a page") if photographed else _("Photograph it"), t,
                                 lambda: self._photograph(i), action_id=f"paper:photo:{i}"))
        if photographed:
            row.add_widget(BigButton(_("Remove the photos"), t, lambda: self._unphoto(i),
                                     kind="secondary", action_id=f"paper:clear:{i}"))
        elif may_bring_original(component):
            bring = bool(answer and answer.bring_original)
            row.add_widget(BigButton(_("I will photograph it") if bring else
                                     _("I will bring the original"), t,
                                     lambda: self._bring(i), kind="secondary",
                                     action_id=f"paper:bring:{i}"))
        box.add_widget(row)
        return box

    def _pick_case(self, index: int) -> None:
        draft = self.draft
        if draft is not None and index != draft.case_index:
            for answer in draft.documents.values():
                answer.pages.clear()
            draft.documents.clear()
            draft.case_index = index
        self.go_step("papers")

    def _bring(self, index: int) -> None:
        if self.draft is not None:
            answer = self.draft.answer(index)
            answer.bring_original = not answer.bring_original
        self.refresh()

    def _unphoto(self, index: int) -> None:
        if self.draft is not None:
            self.draft.answer(index).pages.clear()
        self.refresh()

    def _photograph(self, index: int) -> None:
        if self.draft is not None and self.draft.page_count() >= MAX_PAGES:
            self.note = _("That is the most pages one submission can take ({n}). Bring the "
                          "other papers to the counter.").format(n=MAX_PAGES)
            self.refresh()
            return
        self.component, self.shot = index, None
        self.go_step("camera")

    # --- the camera ----------------------------------------------------------------------

    def _camera(self, draft: Draft) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        component = draft.components[self.component]
        page.add_widget(Text(component.name, size=t.text_heading, color=t.palette.text,
                             bold=True))
        body = BoxLayout(orientation="vertical" if t.portrait else "horizontal",
                         spacing=t.gap)
        self.preview = Image(fit_mode="contain")
        body.add_widget(self.preview)
        side = BoxLayout(orientation="vertical", spacing=t.gap,
                         size_hint=(0.4, 1) if not t.portrait else (1, 0.45))
        self.camera_note = Text(self.note, size=t.text_body, color=t.palette.accent,
                                bold=True)
        if self.shot is None:
            for line in (_("1. Lay the page flat on the table, on a dark surface if you "
                           "can."),
                         _("2. Hold it so the whole page is in the picture."),
                         _("3. Touch “Take the photo”.")):
                side.add_widget(self.body(line))
            side.add_widget(self.camera_note)
            side.add_widget(Widget())
            side.add_widget(BigButton(_("Take the photo"), t, self._take,
                                      action_id="camera:take"))
            side.add_widget(BigButton(_("Back to the papers"), t,
                                      lambda: self.go_step("papers"), kind="secondary",
                                      action_id="camera:back"))
            self.start_camera()
        else:
            self.stop_camera()
            show_image(self.preview, self.shot.image)
            side.add_widget(self.body(_("Is the whole page there, and can you read it?")))
            side.add_widget(self.camera_note)
            side.add_widget(Widget())
            side.add_widget(BigButton(_("Keep this page"), t, self._keep,
                                      action_id="camera:keep"))
            side.add_widget(BigButton(_("Take it again"), t, self._retake, kind="secondary",
                                      action_id="camera:retake"))
        body.add_widget(side)
        page.add_widget(body)

    def start_camera(self) -> None:
        if self.worker is None:
            self.worker = CameraFeed(self.services.config.scanner, on_trouble=self._trouble)
            self.worker.start()
        self.worker.view = self.preview

    def stop_camera(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def _trouble(self, broken: bool) -> None:
        if broken:
            self.camera_note.text = _("The camera is not working right now. Bring the "
                                      "original to the counter instead.")

    def _take(self) -> None:
        frame = self.worker.latest_frame() if self.worker is not None else None
        if frame is None:
            self.camera_note.text = _("The camera has no picture yet. Please wait a moment.")
            return
        self.camera_note.text = _("Looking for the page…")
        frame = frame.copy()

        def work() -> None:
            from kiosk.scanner.page import capture_page

            try:
                result = capture_page(frame, max_bytes=PAGE_BYTES)
            except ValueError:
                result = None
            Clock.schedule_once(lambda _: self._taken(result))

        threading.Thread(target=work, name="page-capture", daemon=True).start()

    def _taken(self, result: Any) -> None:
        if self.manager is None or self.manager.current != self.name or self.step != "camera":
            return
        if result is None:
            self.camera_note.text = _("The page's edges could not be found. Put the page on a "
                                      "darker surface, with all four corners in the "
                                      "picture, and try again.")
            return
        self.shot, self.note = result, ""
        self.refresh()

    def _keep(self) -> None:
        if self.draft is not None and self.shot is not None:
            self.draft.answer(self.component).pages.append(self.shot.jpeg)
            self.draft.answer(self.component).bring_original = False
        self.shot = None
        self.go_step("papers")

    def _retake(self) -> None:
        self.shot, self.note = None, ""
        self.refresh()

    # --- step 3: review and send ---------------------------------------------------------

    def _review(self, draft: Draft) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        self._title(page, draft)
        column = self.scrolling_column(page, spacing=t.mm(1.5))
        column.add_widget(Text(_("Your personal data"), size=t.text_body, color=t.palette.text,
                               bold=True))
        column.add_widget(self.body(_(
            "What you typed and the photos of your papers are sent to {agency} only to "
            "handle this dossier. This kiosk keeps nothing once it has been sent, and forgets "
            "everything if you leave before sending.").format(
                agency=draft.procedure.agency.executing or _("the office"))))
        column.add_widget(Divider(t))
        for f in draft.fields:
            value = draft.values.get(f.name, "").strip()
            if value:
                column.add_widget(self.body(f"{_(f.label)}: {value}"))
        column.add_widget(Divider(t))
        for i, component in enumerate(draft.components):
            answer = draft.documents.get(i)
            if answer and answer.pages:
                state = _("{n} page(s) photographed").format(n=len(answer.pages))
            elif answer and answer.bring_original:
                state = _("original brought to the counter")
            else:
                continue
            column.add_widget(self.body(f"• {component.name}: {state}"))
        if self.note:
            page.add_widget(Text(self.note, size=t.text_body, color=t.palette.accent,
                                 bold=True))
        # outside the scrolling part: the send button needs it, so it must be in sight
        consent = BigButton(("☑ " if draft.consent else "☐ ") + _("I agree and confirm that "
                                                                  "what I gave is true"),
                            t, self._toggle_consent, kind="primary" if draft.consent
                            else "secondary", action_id="apply:consent")
        _left(consent, t.mm(6))
        consent.font_name = str(SYMBOL_FONT)
        page.add_widget(consent)
        self._buttons(page, BigButton(_("Back"), t, lambda: self.go_step("papers"),
                                      kind="secondary", action_id="apply:back"),
                      _enabled(BigButton(_("Send my dossier"), t, self._send,
                                         action_id="apply:send"),
                               draft.ready(date.today())))

    def _toggle_consent(self) -> None:
        if self.draft is not None:
            self.draft.consent = not self.draft.consent
        self.refresh()

    def _send(self, again: bool = False) -> None:
        draft = self.draft
        if draft is None or not draft.ready(date.today()):
            return
        from kiosk.store.outbox import OutboxError, content_key

        services = self.services
        payload = draft.payload(services.config.kiosk.agency)
        if not again:
            # the same person, procedure and agency here within a day: most often a
            # second try after a crash or a doubt, which would make a second dossier
            self.earlier = services.earlier_submission(payload)
            if self.earlier is not None:
                self.go_step("repeat")
                return
        # the same content, the same key: pressing "Send" again after a crash makes one
        # dossier; a person who chose to send again (asked by staff) gets a new one
        key = None if again else content_key("submission", payload,
                                             f"{services.config.kiosk.id}/{date.today()}")
        wait = services.config.outbox.answer_wait_seconds
        self.go_step("sending")

        def work() -> None:
            try:
                delivery: Delivery | None = services.sender.send("submission", payload, key,
                                                                 wait=wait)
            except (OutboxError, OSError):
                delivery = None  # not stored
            Clock.schedule_once(lambda _: self._sent(delivery))

        threading.Thread(target=work, name="submission", daemon=True).start()

    def _sent(self, delivery: Delivery | None) -> None:
        if self.manager is None or self.manager.current != self.name:
            return
        if delivery is None:
            # nothing was stored: say so, keep the draft so the person can try again
            self.step = "review"
            self.note = _("Your dossier could not be saved on this kiosk, so it was not "
                          "sent. Please ask the staff at the counter for help.")
            self.refresh()
            return
        self.delivery = delivery
        draft = self.draft
        self.originals = tuple(
            Paper(c.name, copies_text(c)) for i, c in enumerate(draft.components)
            if c.originals and draft.documents.get(i) and draft.documents[i].answered
        ) if draft else ()
        self.services.usage.count("submission_sent", self.draft.procedure.code if self.draft
                                  else "")
        self.services.forget_draft()  # what was given is in the (encrypted) outbox now
        self.go_step("receipt")

    def _repeat(self, draft: Draft) -> None:
        t = self.theme
        earlier = self.earlier
        column = self.page()
        self._title(column, draft)
        if earlier is None:
            return
        when = datetime.fromtimestamp(earlier.sent_at)
        column.add_widget(Text(_("You sent this dossier before"), size=t.text_title,
                               color=t.palette.accent, bold=True))
        said = _("On {day} at {time}, this kiosk took a dossier for this procedure with the "
                 "same citizen ID number.").format(
            day=day(when.date()), time=when.strftime("%H:%M"))
        column.add_widget(self.body(said))
        if earlier.dossier_code:
            column.add_widget(self.body(_("Its dossier code:")))
            column.add_widget(Text(earlier.dossier_code, size=t.text_title,
                                   color=t.palette.text, bold=True))
        else:
            column.add_widget(self.body(_("It is waiting to be sent. Its reference:")))
            column.add_widget(Text(earlier.reference, size=t.text_title,
                                   color=t.palette.text, bold=True))
        column.add_widget(self.body(_("Sending again makes a second dossier. Send again "
                                      "only if the staff asked you to.")))
        self._buttons(column, BigButton(_("Do not send again"), t, self._finish,
                                        action_id="apply:repeat:no"),
                      BigButton(_("Send again"), t, lambda: self._send(again=True),
                                kind="secondary", action_id="apply:repeat:yes"))

    def _sending(self, draft: Draft) -> None:
        t = self.theme
        column = self.page()
        self._title(column, draft)
        column.add_widget(Text(_("Sending your dossier…"), size=t.text_title,
                               color=t.palette.text, bold=True))
        column.add_widget(self.body(_("Please wait. This can take a few seconds.")))

    # --- the receipt ---------------------------------------------------------------------

    def _receipt(self) -> None:
        t = self.theme
        column = self.page()
        delivery = self.delivery
        if delivery is None:
            return
        code = str(delivery.answer.get("dossier_code", ""))
        if delivery.outcome == "delivered" and code:
            column.add_widget(Text(_("Your dossier has been received"), size=t.text_title,
                                   color=t.palette.online, bold=True))
            column.add_widget(self.body(_("Your dossier code:")))
            column.add_widget(Text(code, size=t.text_title, color=t.palette.text, bold=True))
            appointment = _date(delivery.answer.get("appointment"))
            if appointment:
                column.add_widget(self.body(_("Expected result date: {date}").format(
                    date=appointment)))
            column.add_widget(self.body(_("Photograph this code with your phone, or write it "
                                          "down. You need it to check your dossier.")))
            if self.services.can_print:
                column.add_widget(PrintPanel(
                    _("Print the receipt"), t, self.services,
                    lambda: self._receipt_ticket(code, delivery.answer), "apply:print"))
            fee = delivery.answer.get("fee")
            panel = fee_panel(t, self.services, fee if isinstance(fee, int) else None, code)
            if panel is not None:
                column.add_widget(panel)
            if delivery.answer.get("possible_duplicate_of"):
                column.add_widget(self.body(_("This looks like a dossier you sent before "
                                              "({code}); the staff will check that only "
                                              "one is processed.").format(
                    code=delivery.answer["possible_duplicate_of"])))
            shown = code
        elif delivery.outcome == "refused":
            column.add_widget(Text(_("Your dossier was not accepted online"),
                                   size=t.text_title, color=t.palette.accent, bold=True))
            column.add_widget(self.body(_(refusal_words(delivery.api_code))))
            column.add_widget(self.body(_("Please show this reference at the counter; the "
                                          "staff will help you:")))
            column.add_widget(Text(delivery.reference, size=t.text_title,
                                   color=t.palette.text, bold=True))
            shown = delivery.reference
        else:
            column.add_widget(Text(_("Your dossier is saved and will be sent"),
                                   size=t.text_title, color=t.palette.text, bold=True))
            column.add_widget(self.body(_("The network is slow or down right now. This kiosk "
                                          "keeps your dossier safely and sends it by itself "
                                          "as soon as it can. Nothing else is needed from "
                                          "you.")))
            column.add_widget(self.body(_("If you ask at the counter, show this reference:")))
            column.add_widget(Text(delivery.reference, size=t.text_title,
                                   color=t.palette.text, bold=True))
            shown = delivery.reference
        holder = AnchorLayout(size_hint_y=None, height=t.mm(62))
        holder.add_widget(QrImage(shown, t.mm(58)))
        column.add_widget(holder)
        column.add_widget(BigButton(_("Done"), t, self._finish, action_id="apply:done"))

    def _receipt_ticket(self, code: str, answer: dict[str, Any]) -> Ticket:
        try:
            procedure = self.services.catalogue.procedure(self.params.get("code", ""))
        except StoreError:
            procedure = None
        appointment = answer.get("appointment")
        try:
            due = date.fromisoformat(appointment) if isinstance(appointment, str) else None
        except ValueError:
            due = None
        return receipt_ticket(procedure, code, due, self.services, self.originals)

    def _finish(self) -> None:
        self.services.forget_draft()
        self.delivery = None
        self.nav.home()

    # --- leaving -------------------------------------------------------------------------

    def _cancel(self) -> None:
        self.services.forget_draft()
        self.nav.back()

    def _to_phone(self) -> None:
        draft = self.draft
        code = draft.procedure.code if draft else ""
        self.services.forget_draft()
        self.nav.go("handoff", code=code)


def _as_date(text: str) -> str:
    """Digits typed for a date, shown as dd/mm/yyyy while they are typed."""
    digits = "".join(ch for ch in text if ch.isdigit())[:8]
    return "/".join(p for p in (digits[:2], digits[2:4], digits[4:]) if p)


def _date(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return format_date(date.fromisoformat(value), "full", locale=babel_locale())
    except ValueError:
        return ""


def _left(button: BigButton, inset: int) -> None:
    """A button whose text starts at its left edge (a form row, a choice)."""
    button.halign = "left"
    button.bind(size=lambda w, size: setattr(w, "text_size", (size[0] - inset, None)))


def _enabled(button: BigButton, enabled: bool) -> BigButton:
    button.enabled = enabled
    return button

