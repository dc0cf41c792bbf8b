"""A paper photographed: live preview, then the page found, straightened and shown
before it is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import _
from kiosk.submission.draft import Draft
from kiosk.ui.camera_feed import CameraFeed, capture_page_later, preview_image, show_image
from kiosk.ui.screens.apply.state import Step
from kiosk.ui.screens.apply.step import StepView, tall
from kiosk.ui.widgets import BigButton, Text

if TYPE_CHECKING:
    from kiosk.scanner.page import PageResult

PAGE_BYTES = 300_000  # a page's JPEG at most: 20 of them in one request to the API


class CameraStep(StepView):
    def build(self, draft: Draft) -> None:
        t = self.theme
        flow = self.flow
        page = flow.backdrop("vertical")
        component = draft.components[self.state.component]
        page.add_widget(Text(component.name, size=t.text_heading, color=t.palette.text,
                             bold=True))
        body = BoxLayout(orientation="vertical" if t.portrait else "horizontal",
                         spacing=t.gap)
        self.preview = preview_image()
        body.add_widget(self.preview)
        # the words at twice the size get more of a landscape screen's width
        side = BoxLayout(orientation="vertical", spacing=t.gap,
                         size_hint=(0.8 if t.large_text else 0.4, 1) if not t.portrait
                         else (1, 0.45))
        words = flow.scrolling_column(side, spacing=t.gap)  # scrolls if large text needs
        self.camera_note = Text(self.state.note, size=t.text_body, color=t.palette.accent,
                                bold=True)
        shot = self.state.shot
        if shot is None:
            for line in (_("1. Lay the page flat on the table, on a dark surface if you "
                           "can."),
                         _("2. Hold it so the whole page is in the picture."),
                         _("3. Touch “Take the photo”.")):
                words.add_widget(flow.body(line))
            words.add_widget(self.camera_note)
            side.add_widget(tall(BigButton(_("Take the photo"), t, self._take,
                                      action_id="camera:take")))
            side.add_widget(tall(BigButton(_("Back to the papers"), t,
                                      lambda: flow.go_step(Step.PAPERS), kind="secondary",
                                      action_id="camera:back")))
            feed = flow.start_camera(lambda: CameraFeed(self.services.config.scanner,
                                                        on_trouble=self._trouble))
            feed.view = self.preview
        else:
            flow.stop_camera()
            show_image(self.preview, shot.image)
            words.add_widget(flow.body(_("Is the whole page there, and can you read it?")))
            words.add_widget(self.camera_note)
            side.add_widget(tall(BigButton(_("Keep this page"), t, self._keep,
                                      action_id="camera:keep")))
            side.add_widget(tall(BigButton(_("Take it again"), t, self._retake, kind="secondary",
                                      action_id="camera:retake")))
        body.add_widget(side)
        page.add_widget(body)

    def _trouble(self, broken: bool) -> None:
        if broken:
            self.camera_note.text = _("The camera is not working right now. Bring the "
                                      "original to the counter instead.")

    def _take(self) -> None:
        worker = self.flow.worker
        frame = worker.latest_frame() if worker is not None else None
        if frame is None:
            self.camera_note.text = _("The camera has no picture yet. Please wait a moment.")
            return
        self.camera_note.text = _("Looking for the page…")
        capture_page_later(frame, PAGE_BYTES, self._taken)

    def _taken(self, result: PageResult | None) -> None:
        flow = self.flow
        if flow.manager is None or flow.manager.current != flow.name \
                or self.state.step != Step.CAMERA:
            return
        if result is None:
            self.camera_note.text = _("The page's edges could not be found. Put the page on a "
                                      "darker surface, with all four corners in the "
                                      "picture, and try again.")
            return
        self.state.shot, self.state.note = result, ""
        flow.refresh()

    def _keep(self) -> None:
        draft, shot = self.flow.draft, self.state.shot
        if draft is not None and shot is not None:
            draft.answer(self.state.component).pages.append(shot.jpeg)
            draft.answer(self.state.component).bring_original = False
        self.state.shot = None
        self.flow.go_step(Step.PAPERS)

    def _retake(self) -> None:
        self.state.shot, self.state.note = None, ""
        self.flow.refresh()
