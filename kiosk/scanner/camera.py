"""Camera capture for the receipt scanner, off the UI thread.

`CameraWorker` reads pictures with OpenCV from a camera (`source` "0", "1", ...), a video
file, or an image-sequence pattern ("/x/frame_%03d.png"); tests and demos use files because
a kiosk under test has no webcam. Two daemon threads do the work:

* the *capture* thread reads frames as fast as the source delivers them (files: at their
  own fps, or `frame_interval`), keeps only the newest one for the live preview, and looks
  after the camera: when it is missing, unplugged or stops sending pictures it reports
  "no_camera" / "failed" with a plain-English reason and tries again every
  `retry_seconds`, for as long as the worker runs;
* the *decode* thread hands the newest frame to `decode(frame)` whenever it is free. Frames
  are never queued: if decoding is slower than capture the frames in between are skipped,
  so the decoder always sees a recent picture and latency stays one decode long.

Callbacks come from these worker threads, never from the caller's thread:
`on_result(result)` from the decode thread when `decode` returns something truthy (every
time it does, so the same QR held in view is reported again and again; the caller
debounces), and `on_state(state, reason)` from the capture thread when the state or the
reason changes. A Kivy UI marshals both to its own thread with `Clock.schedule_once`.

States:
    "stopped"    not started yet, or `stop()` was called
    "starting"   opening the source
    "running"    pictures are arriving
    "no_camera"  the source is not there (no device, no such file); retrying
    "failed"     the source was open but broke (read error, unplugged); retrying
    "ended"      a video file reached its end and `loop` is False; the worker has finished

A file that ends is a finished stream, not a failure: with `loop=True` (what a demo
wants: the receipt video plays again and again) it is reopened at once, otherwise the
worker goes to "ended" and the last frame stays available for the preview.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import cv2
import numpy as np

from kiosk.config.camera import is_device

if TYPE_CHECKING:
    from kiosk.config.settings import ScannerSection

log = logging.getLogger(__name__)

STATES = ("stopped", "starting", "running", "no_camera", "failed", "ended")
# used when a file does not say its frame rate (or says something absurd)
DEFAULT_FILE_FPS = 25.0
MAX_FILE_FPS = 240.0
# a camera may drop the odd frame; this many failed reads in a row means it is gone
READ_FAILURES_BEFORE_GIVING_UP = 3
STOP_TIMEOUT = 1.0


class Capture(Protocol):
    """The part of `cv2.VideoCapture` the worker uses; test doubles implement just this."""

    def isOpened(self) -> bool: ...  # OpenCV's name

    def read(self) -> tuple[bool, np.ndarray | None]: ...

    def get(self, prop_id: int) -> float: ...

    def release(self) -> None: ...


class CameraUnavailable(Exception):
    """Raised by an opener when the source is not there; the message becomes the reason."""


def describe_source(source: str) -> str:
    """The source in words, for reasons shown to the operator."""
    if is_device(source):
        return f"camera {int(source)}"
    if "%" in source:
        return f"the image sequence {source}"
    return f"the video file {source}"


def open_source(source: str, width: int = 1280, height: int = 720) -> cv2.VideoCapture:
    """Open a camera (asking for width×height) or a file (as it is); may return an
    unopened capture, and raises CameraUnavailable when there is clearly nothing there."""
    if is_device(source):
        return _open_device(int(source), width, height)
    return _open_file(source)


def _open_device(index: int, width: int, height: int) -> cv2.VideoCapture:
    if sys.platform.startswith("linux"):
        node = Path(f"/dev/video{index}")
        # checking first saves OpenCV's warning on stderr at every retry of a missing camera
        if not node.exists():
            raise CameraUnavailable(f"No camera is connected ({node} does not exist).")
        capture = cv2.VideoCapture(index, cv2.CAP_V4L2)
    else:
        capture = cv2.VideoCapture(index)
    if capture.isOpened():
        # USB 2 cameras send 1280×720 uncompressed at ~10 fps only; MJPG gets the full 30.
        # A camera without MJPG ignores this and keeps its own format.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        # no CAP_PROP_BUFFERSIZE=1: the capture thread drains the driver's queue anyway,
        # and a single buffer halves the frame rate on some drivers
    return capture


def _open_file(source: str) -> cv2.VideoCapture:
    path = Path(source)
    if "%" in source:
        if not path.parent.is_dir():
            raise CameraUnavailable(f"The folder {path.parent} does not exist.")
    elif not path.is_file():
        raise CameraUnavailable(f"The video file {source} does not exist.")
    return cv2.VideoCapture(source)


class CameraWorker:
    """Capture and decode in worker threads; see the module docstring for the contract."""

    def __init__(self, source: str, *, width: int = 1280, height: int = 720,
                 retry_seconds: float = 3.0,
                 decode: Callable[[np.ndarray], Any],
                 on_result: Callable[[Any], None],
                 on_state: Callable[[str, str], None] | None = None,
                 frame_interval: float = 0.0, loop: bool = False,
                 open_capture: Callable[[str], Capture] | None = None,
                 name: str = "camera") -> None:
        self.source = str(source).strip()
        self.width = width
        self.height = height
        self.retry_seconds = max(0.01, retry_seconds)
        self.decode = decode
        self.on_result = on_result
        self.on_state = on_state
        self.frame_interval = max(0.0, frame_interval)
        self.loop = loop
        self.name = name
        # a hook so tests can hand in a capture that fails when they want it to
        self._open_capture = open_capture or self._open_default
        self._description = describe_source(self.source)

        self._stop = threading.Event()
        self._new_frame = threading.Condition()
        self._frame: np.ndarray | None = None
        self._frame_number = 0
        self._capture_done = False
        self._threads: list[threading.Thread] = []
        # (state, reason) in one attribute so a reader never sees one without the other
        self._status = ("stopped", "The scanner has not been started.")
        self._notified: tuple[str, str] | None = None

        self.frames_read = 0
        self.frames_decoded = 0
        self.decode_errors = 0
        self.open_attempts = 0

    @classmethod
    def from_settings(cls, scanner: ScannerSection, *, decode: Callable[[np.ndarray], Any],
                      on_result: Callable[[Any], None],
                      on_state: Callable[[str, str], None] | None = None,
                      loop: bool = False) -> CameraWorker:
        """A worker for the `[scanner]` section of the kiosk config."""
        return cls(scanner.camera, width=scanner.width, height=scanner.height,
                   retry_seconds=scanner.retry_seconds, decode=decode, on_result=on_result,
                   on_state=on_state, loop=loop)

    # --- what the UI reads ---------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._status[0]

    @property
    def reason(self) -> str:
        return self._status[1]

    @property
    def status(self) -> tuple[str, str]:
        """(state, reason), read together."""
        return self._status

    @property
    def is_device(self) -> bool:
        return is_device(self.source)

    @property
    def running(self) -> bool:
        """True while a worker thread is alive (including while retrying a camera)."""
        return any(thread.is_alive() for thread in self._threads)

    def latest(self) -> tuple[int, np.ndarray | None]:
        """(frame number, newest frame): the number lets a preview skip a frame it has
        already drawn. The frame is read-only and never changed afterwards; copy it to
        draw on it."""
        with self._new_frame:
            return self._frame_number, self._frame

    def latest_frame(self) -> np.ndarray | None:
        """The newest frame (BGR, read-only), or None before the first one."""
        return self.latest()[1]

    def snapshot(self, path: str | Path) -> bool:
        """Save the newest frame as an image (for a fault report); False if there is none."""
        frame = self.latest_frame()
        return frame is not None and bool(cv2.imwrite(str(path), frame))

    # --- start and stop ------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker threads and return at once; does nothing if already running."""
        if self.running and not self._stop.is_set():
            return
        if self.running:
            self._join(STOP_TIMEOUT)  # a previous stop() still finishing
        self._stop.clear()
        with self._new_frame:
            self._frame = None
            self._capture_done = False
        self._status = ("starting", f"Opening {self._description}.")
        self._notified = None
        self._threads = [
            threading.Thread(target=self._capture_loop, name=f"{self.name}-capture",
                             daemon=True),
            threading.Thread(target=self._decode_loop, name=f"{self.name}-decode",
                             daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop both threads and wait up to `timeout` s; the capture thread releases the
        capture as it exits. False if a thread is still busy (a camera read or a decode
        that takes longer): it then finishes on its own, and no result is reported."""
        self._stop.set()
        with self._new_frame:
            self._new_frame.notify_all()
        finished = self._join(timeout)
        if not finished:
            log.warning("%s: still busy %.1f s after stop; it will finish on its own",
                        self.name, timeout)
        if self.state != "stopped" and not self.running:
            # it had ended on its own before; the caller knows it asked to stop
            self._status = ("stopped", "The scanner was stopped.")
        return finished

    def _join(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        return not self.running

    def __enter__(self) -> CameraWorker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the capture thread --------------------------------------------------------------

    def _capture_loop(self) -> None:
        self._set_state("starting", f"Opening {self._description}.")
        try:
            while not self._stop.is_set():
                capture = self._try_open()
                if capture is None:
                    self._stop.wait(self.retry_seconds)
                    continue
                try:
                    outcome = self._stream(capture)
                finally:
                    self._release(capture)
                if outcome == "ended":
                    if self.loop:
                        continue  # a demo video plays again from the start
                    self._set_state("ended", f"{self._capitalised()} has ended.")
                    return
                if outcome == "failed":
                    self._stop.wait(self.retry_seconds)
        except Exception as err:  # a bug here must not pass silently as a frozen preview
            log.exception("%s: capture thread crashed", self.name)
            self._set_state("failed", f"The scanner stopped because of an error ({err}).")
        finally:
            with self._new_frame:
                self._capture_done = True
                self._new_frame.notify_all()
            if self._stop.is_set():
                self._set_state("stopped", "The scanner was stopped.")

    def _try_open(self) -> Capture | None:
        """Open the source, or set the state saying why not and return None."""
        self.open_attempts += 1
        retry = self._retry_note()
        try:
            capture = self._open_capture(self.source)
        except CameraUnavailable as err:
            self._set_state("no_camera", f"{err} {retry}")
            return None
        except Exception as err:
            log.debug("%s: opening %s raised", self.name, self.source, exc_info=True)
            self._set_state("failed", f"Could not open {self._description} ({err}). {retry}")
            return None
        if capture is None or not capture.isOpened():
            if capture is not None:
                self._release(capture)
            self._set_state("no_camera", f"Could not open {self._description}. {retry}")
            return None
        return capture

    def _stream(self, capture: Capture) -> str:
        """Read frames until stopped ("stopped"), the file ends ("ended") or the source
        breaks ("failed", with the state set)."""
        interval = self._interval_for(capture)
        frames = failures = 0
        next_due = time.monotonic()
        while not self._stop.is_set():
            try:
                ok, frame = capture.read()
            except Exception as err:
                self._set_state("failed", f"{self._capitalised()} stopped working ({err}). "
                                          f"{self._retry_note()}")
                return "failed"
            if not ok or frame is None or frame.size == 0:
                # a file that has given pictures and then none has simply reached its end
                if not self.is_device and frames:
                    return "ended"
                failures += 1
                if self.is_device and failures < READ_FAILURES_BEFORE_GIVING_UP:
                    continue
                self._set_state("failed", self._read_failure_reason())
                return "failed"
            failures = 0
            frames += 1
            self._publish(frame)
            if frames == 1:
                self._set_state("running", f"Reading pictures from {self._description}.")
            if interval:
                next_due = self._pace(next_due, interval)
        return "stopped"

    def _interval_for(self, capture: Capture) -> float:
        """Seconds between reads: `frame_interval` if given, a file's own frame rate (so a
        test video plays in real time, not in a blink), none for a camera (it paces
        itself)."""
        if self.frame_interval:
            return self.frame_interval
        if self.is_device:
            return 0.0
        try:
            fps = float(capture.get(cv2.CAP_PROP_FPS))
        except Exception:
            fps = 0.0
        if not 1.0 <= fps <= MAX_FILE_FPS:
            fps = DEFAULT_FILE_FPS
        return 1.0 / fps

    def _pace(self, next_due: float, interval: float) -> float:
        next_due += interval
        delay = next_due - time.monotonic()
        if delay > 0:
            self._stop.wait(delay)  # wakes at once on stop()
        elif delay < -interval:
            next_due = time.monotonic()  # fell behind (slow read): no burst to catch up
        return next_due

    def _publish(self, frame: np.ndarray) -> None:
        # read-only: the preview and the decoder share this array without copying, so
        # neither may change it under the other
        frame.flags.writeable = False
        with self._new_frame:
            self._frame = frame
            self._frame_number += 1
            self.frames_read += 1
            self._new_frame.notify_all()

    def _release(self, capture: Capture) -> None:
        try:
            capture.release()
        except Exception:
            log.debug("%s: release failed", self.name, exc_info=True)

    def _read_failure_reason(self) -> str:
        if self.is_device:
            what = (f"{self._capitalised()} stopped sending pictures; "
                    "it may have been unplugged.")
        else:
            what = f"{self._capitalised()} could not be read; it may be damaged."
        return f"{what} {self._retry_note()}"

    # --- the decode thread ---------------------------------------------------------------

    def _decode_loop(self) -> None:
        seen = self.latest()[0]
        while True:
            with self._new_frame:
                # the timeout only guards against a missed notify; stop() notifies
                while (self._frame_number == seen and not self._capture_done
                       and not self._stop.is_set()):
                    self._new_frame.wait(0.5)
                if self._stop.is_set() or self._frame_number == seen:
                    return  # stopped, or the stream ended and its last frame is done
                seen, frame = self._frame_number, self._frame
            if frame is not None:
                self._decode_one(frame)

    def _decode_one(self, frame: np.ndarray) -> None:
        try:
            result = self.decode(frame)
        except Exception:
            self.decode_errors += 1
            # the first with its traceback; a decoder failing on every frame must not
            # fill the log at 30 lines a second
            if self.decode_errors == 1:
                log.exception("%s: decode failed (further failures logged at debug)",
                              self.name)
            else:
                log.debug("%s: decode failed", self.name, exc_info=True)
            return
        self.frames_decoded += 1
        if result and not self._stop.is_set():
            try:
                self.on_result(result)
            except Exception:
                log.exception("%s: on_result raised", self.name)

    # --- state ---------------------------------------------------------------------------

    def _set_state(self, state: str, reason: str) -> None:
        """Record the state; tell on_state only when it changed, so a camera retried every
        few seconds is one message, not one per attempt."""
        self._status = (state, reason)
        if (state, reason) == self._notified:
            return
        self._notified = (state, reason)
        level = logging.WARNING if state in ("no_camera", "failed") else logging.INFO
        log.log(level, "%s: %s - %s", self.name, state, reason)
        if self.on_state is not None:
            try:
                self.on_state(state, reason)
            except Exception:
                log.exception("%s: on_state raised", self.name)

    def _retry_note(self) -> str:
        return f"Trying again every {self.retry_seconds:g} s."

    def _capitalised(self) -> str:
        return self._description[0].upper() + self._description[1:]

    def _open_default(self, source: str) -> Capture:
        return open_source(source, self.width, self.height)
