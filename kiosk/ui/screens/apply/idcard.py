"""The ID card's QR (thẻ căn cước) fills the details, but only once the person says they
are theirs; until then what it held is only in the state, forgotten with the session."""

from __future__ import annotations

from datetime import date

from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import _
from kiosk.submission.draft import Draft
from kiosk.submission.id_card import read_id_card
from kiosk.ui.camera_feed import CameraFeed, preview_image
from kiosk.ui.screens.apply.state import Step
from kiosk.ui.screens.apply.step import StepView, tall
from kiosk.ui.widgets import BigButton, Text


class IdCardStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        page = flow.backdrop("vertical")
        page.add_widget(Text(_("Scan your ID card (thẻ căn cước)"), size=t.text_heading,
                             color=t.palette.text, bold=True))
        body = BoxLayout(orientation="vertical" if t.portrait else "horizontal",
                         spacing=t.gap)
        self.preview = preview_image()
        # the words at twice the size get more of a landscape screen's width
        side = BoxLayout(orientation="vertical", spacing=t.gap,
                         size_hint=(0.8 if t.large_text else 0.45, 1) if not t.portrait
                         else (1, 0.5))
        words = flow.scrolling_column(side, spacing=t.gap)  # scrolls if large text needs
        self.camera_note = Text(self.state.note, size=t.text_body, color=t.palette.accent,
                                bold=True)
        card = self.state.card
        if card is None:
            body.add_widget(self.preview)
            words.add_widget(flow.body(_("Hold the QR code on your ID card (thẻ căn cước) "
                                        "up to the camera. The kiosk reads it by itself.")))
            words.add_widget(self.camera_note)
            feed = flow.start_camera(lambda: CameraFeed.reading_codes(
                self.services.config.scanner, self._found, self._trouble))
            feed.view = self.preview
        else:
            flow.stop_camera()
            words.add_widget(flow.body(_("Are these your details? They fill the form only "
                                        "if you say so.")))
            values = card.form_values()
            for f in draft.fields:
                if f.name in values:
                    words.add_widget(flow.body(f"{_(f.label)}: {values[f.name]}"))
            side.add_widget(tall(BigButton(_("Use these details"), t, self._use,
                                      action_id="apply:idcard-use")))
            side.add_widget(tall(BigButton(_("Scan again"), t, self._again, kind="secondary",
                                      action_id="apply:idcard-again")))
        side.add_widget(tall(BigButton(_("Back to typing"), t, self._back, kind="secondary",
                                  action_id="apply:idcard-back")))
        body.add_widget(side)
        page.add_widget(body)

    def _trouble(self, broken: bool) -> None:
        if broken:
            self.camera_note.text = _("The camera is not working right now. Bring the "
                                      "original to the counter instead.")

    def _found(self, payloads: list[bytes]) -> None:
        flow = self.flow
        if self.state.step != Step.IDCARD or self.state.card is not None \
                or flow.manager is None or flow.manager.current != flow.name:
            return
        card = next((c for c in (read_id_card(p, date.today()) for p in payloads) if c), None)
        if card is None:
            self.camera_note.text = _("This is not the QR code of an ID card. Hold the QR "
                                      "code on your thẻ căn cước up to the camera.")
            return
        self.state.card = card
        flow.refresh()

    def _use(self) -> None:
        draft, card = self.flow.draft, self.state.card
        if draft is not None and card is not None:
            names = {f.name for f in draft.fields}
            draft.values.update({k: v for k, v in card.form_values().items() if k in names})
        self._back()

    def _again(self) -> None:
        self.state.card = None
        self.flow.go_step(Step.IDCARD)

    def _back(self) -> None:
        self.state.card = None
        self.flow.go_step(Step.DETAILS)
