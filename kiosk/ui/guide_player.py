"""A guidance video on screen: OpenCV decodes it, one frame per tick at the video's own
rate, into the same texture path as the camera (camera_feed.show_image); the caption of
the current step is shown under it, in the person's language, and read aloud when they
asked to hear it. A touch on the picture pauses it, another one plays on.

Decoding happens on the UI thread: the videos are 640x400 MPEG-4 at one frame a second,
a few milliseconds a frame, so a worker thread would cost more than it saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
from kivy.clock import Clock, ClockEvent
from kivy.properties import BooleanProperty
from kivy.uix.image import Image

from kiosk.guides import FPS, Guide
from kiosk.i18n import _
from kiosk.ui.camera_feed import show_image


class GuideVideo(Image):
    """The video's picture; `on_step(caption)` is called when a new step's caption is due
    (its first frame), `on_end` after the last frame. With `loop` it starts again, else it
    stops at its end, paused, and plays from the start when played again."""

    paused = BooleanProperty(True)

    def __init__(self, guide: Guide, *, on_step: Callable[[str], None] | None = None,
                 on_end: Callable[[], None] | None = None, loop: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(fit_mode="contain", **kwargs)
        self.guide = guide
        self.on_step = on_step
        self.on_end = on_end
        self.loop = loop
        self.frame = 0
        self._capture: cv2.VideoCapture | None = None
        self._event: ClockEvent | None = None
        self._caption = ""

    @property
    def caption(self) -> str:
        return self._caption

    def play(self) -> None:
        if self._capture is None:
            self._capture = cv2.VideoCapture(str(self.guide.video))
            self.frame = 0
        self.paused = False
        if self._event is None:
            self._event = Clock.schedule_interval(self.next_frame, 1 / FPS)
            self.next_frame(0)

    def pause(self) -> None:
        self.paused = True
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def stop(self) -> None:
        """Pause and let the file go (the next play starts from the beginning)."""
        self.pause()
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def show_guide(self, guide: Guide) -> None:
        """Play another guide in this picture, from its start."""
        self.stop()
        self.guide = guide
        self._caption = ""
        self.play()

    def toggle(self) -> None:
        if self.paused:
            self.play()
        else:
            self.pause()

    def on_touch_down(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos):
            self.toggle()
            return True
        return super().on_touch_down(touch)

    def next_frame(self, _dt: float = 0) -> None:
        """Show the video's next frame: the clock calls it FPS times a second while it
        plays; tests call it to move on without waiting."""
        if self._capture is None:
            return
        ok, image = self._capture.read()
        if (not ok or image is None) and self.loop:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self.frame = 0
            ok, image = self._capture.read()
        if not ok or image is None:
            self.stop()
            if self.on_end is not None:
                self.on_end()  # may play another guide
            return
        step = self.guide.step_at(self.frame)
        caption = _(step.caption)
        if caption != self._caption:
            self._caption = caption
            if self.on_step is not None:
                self.on_step(caption)
        show_image(self, image)
        self.frame += 1
