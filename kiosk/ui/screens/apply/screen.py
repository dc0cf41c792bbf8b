"""The apply flow's screen: shows the state's step and owns what outlives a step (the
camera worker). The draft lives in the services, not here, so the idle reset clears it
wherever the person left off. Nothing personal is logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.i18n import _
from kiosk.submission.draft import Draft
from kiosk.ui.camera_feed import CameraFeed
from kiosk.ui.screens.apply.camera import CameraStep
from kiosk.ui.screens.apply.details import DetailsStep
from kiosk.ui.screens.apply.idcard import IdCardStep
from kiosk.ui.screens.apply.papers import CaseStep, PapersStep
from kiosk.ui.screens.apply.receipt import ReceiptStep
from kiosk.ui.screens.apply.review import RepeatStep, ReviewStep, SendingStep
from kiosk.ui.screens.apply.state import ApplyState, Step
from kiosk.ui.screens.apply.step import StepView
from kiosk.ui.screens.base import KioskScreen

CAMERA_STEPS = (Step.CAMERA, Step.IDCARD)


class ApplyScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.state = ApplyState()
        self.worker: CameraFeed | None = None
        self.receipt = ReceiptStep(self)
        self.review = ReviewStep(self)
        self.views: dict[Step, StepView] = {
            Step.DETAILS: DetailsStep(self), Step.IDCARD: IdCardStep(self),
            Step.CASE: CaseStep(self), Step.PAPERS: PapersStep(self),
            Step.CAMERA: CameraStep(self), Step.REVIEW: self.review,
            Step.REPEAT: RepeatStep(self), Step.SENDING: SendingStep(self)}

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
        card = self.state.card  # an ID card read but not yet confirmed stays asked about
        self.state = ApplyState(card=card)
        self.state.field = self.draft.fields[0].name if self.draft and self.draft.fields \
            else ""

    def reset(self) -> None:
        super().reset()
        self.stop_camera()
        self.state = ApplyState()

    def on_leave(self, *_: Any) -> None:
        self.stop_camera()

    def go_step(self, step: Step | str) -> None:
        self.state.step, self.state.note = Step(step), ""
        self.refresh()

    def refresh(self) -> None:
        step = self.state.step
        if step not in CAMERA_STEPS:
            self.stop_camera()
        if step == Step.RECEIPT:  # the draft is gone by then: it is in the outbox
            self.receipt.build()
            return
        draft = self.draft
        if draft is None:
            self.page().add_widget(self.heading(_("This procedure is not in the catalogue.")))
            return
        self.views[step].build(draft)

    # --- the camera, shared by the ID card and the papers' photos -----------------------

    def start_camera(self, make: Callable[[], CameraFeed]) -> CameraFeed:
        """The running camera, else one made by `make` and started; the step sets its
        preview."""
        if self.worker is None:
            self.worker = make()
            self.worker.start()
        return self.worker

    def stop_camera(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    # --- leaving -------------------------------------------------------------------------

    def finish(self) -> None:
        self.services.forget_draft()
        self.state.delivery = None
        self.nav.home()

    def cancel(self) -> None:
        self.services.forget_draft()
        self.nav.back()

    def to_phone(self) -> None:
        draft = self.draft
        code = draft.procedure.code if draft else ""
        self.services.forget_draft()
        self.nav.go("handoff", code=code)
