"""The kiosk's camera, live on a screen: a camera worker and a preview image fed from it.

The worker reads (and, for the receipt scanner, decodes) frames in its own threads; the UI
loop only copies the newest frame into a texture a few times a second, so a slow or dead
camera never freezes the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from kivy.clock import Clock, ClockEvent
from kivy.graphics.texture import Texture
from kivy.uix.image import Image

from kiosk.config.settings import ScannerSection

PREVIEW_FPS = 15


def preview_image(**kwargs: Any) -> Image:
    """The image a feed draws into: nothing until the camera's first picture (an Image
    without one is a white box, which looks like a broken screen where the camera is
    missing or slow to start)."""
    image = Image(fit_mode="contain", **kwargs)
    image.opacity = 0
    image.bind(texture=lambda widget, texture: setattr(
        widget, "opacity", 0 if texture is None else 1))
    return image


class CameraFeed:
    def __init__(self, scanner: ScannerSection, *,
                 decode: Callable[[np.ndarray], list[bytes]] | None = None,
                 on_found: Callable[[list[bytes]], None] | None = None,
                 on_trouble: Callable[[bool], None] | None = None) -> None:
        from kiosk.scanner.camera import CameraWorker, is_device

        # results come from the worker's thread: hand them to the UI thread
        found = on_found or (lambda payloads: None)
        self.worker = CameraWorker.from_settings(
            scanner, decode=decode or (lambda frame: []),
            on_result=lambda payloads: Clock.schedule_once(lambda _: found(payloads)),
            loop=not is_device(scanner.camera))  # a demo video plays again and again
        self.on_trouble = on_trouble
        self.view: Image | None = None  # the screen sets it each time it rebuilds
        self._event: ClockEvent | None = None

    @classmethod
    def reading_codes(cls, scanner: ScannerSection, on_found: Callable[[list[bytes]], None],
                      on_trouble: Callable[[bool], None] | None = None) -> CameraFeed:
        """A feed that decodes QR codes and barcodes in each frame, within the frame's time
        budget (the receipt, the ID card, the operator's camera check)."""
        from kiosk.scanner.decode import decode_frame

        budget = scanner.frame_budget_ms
        return cls(scanner, decode=lambda frame: decode_frame(frame, budget).payloads,
                   on_found=on_found, on_trouble=on_trouble)

    def start(self) -> None:
        self.worker.start()
        self._event = Clock.schedule_interval(self._tick, 1 / PREVIEW_FPS)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.worker.stop()

    def latest_frame(self) -> np.ndarray | None:
        return self.worker.latest_frame()

    def _tick(self, _dt: float) -> None:
        if self.on_trouble is not None:
            self.on_trouble(self.worker.state in ("no_camera", "failed"))
        frame = self.worker.latest_frame()
        if frame is not None and self.view is not None:
            show_image(self.view, frame)


def show_image(view: Image, image: Any) -> None:
    """An OpenCV image (BGR, or grey) into the Image widget's texture."""
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    height, width = image.shape[:2]
    texture = view.texture
    if texture is None or texture.size != (width, height):
        texture = Texture.create(size=(width, height), colorfmt="bgr")
        texture.flip_vertical()  # OpenCV rows run top to bottom
        view.texture = texture
    texture.blit_buffer(np.ascontiguousarray(image).tobytes(), colorfmt="bgr",
                        bufferfmt="ubyte")
    view.canvas.ask_update()


def capture_page_later(frame: np.ndarray, max_bytes: int,
                       done: Callable[[Any], None]) -> None:
    """Find, straighten and compress the page in `frame` off the UI thread (it takes a
    second or more), then call `done` on the UI thread with the PageResult, or None when no
    page was found."""
    import threading

    frame = frame.copy()  # the camera goes on writing into its own

    def work() -> None:
        from kiosk.scanner.page import capture_page

        try:
            result = capture_page(frame, max_bytes=max_bytes)
        except ValueError:
            result = None
        Clock.schedule_once(lambda _: done(result))

    threading.Thread(target=work, name="page-capture", daemon=True).start()
