"""CameraWorker with real OpenCV on real files: videos and image sequences made here, a
QR code appearing part-way through, missing and broken sources, stop and the preview.

Every wait is bounded: a broken worker fails a test, it never hangs the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import qrcode
import zxingcpp
from conftest import wait_until

from kiosk.scanner.camera import CameraWorker, describe_source, is_device

CODE = "38.98.H29-210519-0003"
WIDTH, HEIGHT = 1280, 720
PLAIN_FRAMES = 10
QR_FRAMES = 15


def decode(frame: np.ndarray) -> str | None:
    """zxing-cpp alone, restricted to QR: all these tests need of a decoder."""
    found = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode)
    return found[0].text if found else None


def qr_image(text: str, size: int = 330) -> np.ndarray:
    picture = qrcode.make(text).get_image().convert("RGB")
    return cv2.resize(np.asarray(picture), (size, size), interpolation=cv2.INTER_NEAREST)


def frames(plain: int = PLAIN_FRAMES, with_qr: int = QR_FRAMES) -> Iterator[np.ndarray]:
    """Counter-top grey with a little texture, then the same with a receipt QR on it."""
    rng = np.random.default_rng(4)
    code = qr_image(CODE)
    for i in range(plain + with_qr):
        frame = np.full((HEIGHT, WIDTH, 3), 150, np.uint8)
        frame += rng.integers(0, 20, frame.shape, dtype=np.uint8)
        if i >= plain:
            top, left = 190, 400 + 4 * (i - plain)  # the hand moves a little
            frame[top:top + code.shape[0], left:left + code.shape[1]] = code
        yield frame


def write_video(path: Path, fourcc: str, fps: float = 25.0, **counts: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (WIDTH, HEIGHT))
    assert writer.isOpened(), f"cannot write {fourcc} into {path}"
    for frame in frames(**counts):
        writer.write(frame)
    writer.release()
    return path


class Recorder:
    """Collects callbacks with the thread each came from."""

    def __init__(self) -> None:
        self.results: list[tuple[Any, threading.Thread, int]] = []
        self.states: list[tuple[str, str]] = []
        self.worker: CameraWorker | None = None

    def on_result(self, result: Any) -> None:
        frames_read = self.worker.frames_read if self.worker else -1
        self.results.append((result, threading.current_thread(), frames_read))

    def on_state(self, state: str, reason: str) -> None:
        self.states.append((state, reason))

    @property
    def state_names(self) -> list[str]:
        return [state for state, _ in self.states]


def make_worker(source: str | Path, recorder: Recorder, **options: Any) -> CameraWorker:
    settings: dict[str, Any] = {"width": WIDTH, "height": HEIGHT, "retry_seconds": 0.1,
                                "decode": decode, **options}
    worker = CameraWorker(str(source), on_result=recorder.on_result,
                          on_state=recorder.on_state, **settings)
    recorder.worker = worker
    return worker


@pytest.fixture
def workers() -> Iterator[list[CameraWorker]]:
    """Workers a test started; all stopped afterwards, even when the test fails."""
    started: list[CameraWorker] = []
    yield started
    for worker in started:
        worker.stop()


def run(worker: CameraWorker, workers: list[CameraWorker]) -> CameraWorker:
    workers.append(worker)
    worker.start()
    return worker


# --- reading real files --------------------------------------------------------------------

@pytest.mark.parametrize(("fourcc", "suffix"), [("MJPG", ".avi"), ("mp4v", ".mp4")])
def test_qr_in_a_video_is_reported_from_the_worker_thread(
        tmp_path: Path, workers: list[CameraWorker], fourcc: str, suffix: str) -> None:
    video = write_video(tmp_path / f"receipt{suffix}", fourcc)
    recorder = Recorder()
    worker = run(make_worker(video, recorder), workers)

    assert wait_until(lambda: recorder.results, timeout=4.0), recorder.states
    result, thread, frames_read = recorder.results[0]
    assert result == CODE
    assert thread is not threading.main_thread()
    assert thread.name.endswith("-decode")
    assert frames_read > PLAIN_FRAMES  # nothing was "found" in the plain frames
    assert recorder.state_names[:2] == ["starting", "running"]
    assert worker.state in ("running", "ended")


def test_a_video_plays_at_its_own_speed_then_ends(
        tmp_path: Path, workers: list[CameraWorker]) -> None:
    video = write_video(tmp_path / "receipt.avi", "MJPG", fps=25.0)  # 25 frames: 1 s
    recorder = Recorder()
    started = time.monotonic()
    worker = run(make_worker(video, recorder), workers)

    assert wait_until(lambda: worker.state == "ended", timeout=4.0), worker.status
    elapsed = time.monotonic() - started
    assert 0.8 <= elapsed <= 3.0, f"25 frames at 25 fps took {elapsed:.2f} s"
    assert worker.frames_read == PLAIN_FRAMES + QR_FRAMES
    assert "has ended" in worker.reason
    assert recorder.state_names == ["starting", "running", "ended"]
    assert wait_until(lambda: not worker.running, timeout=1.0)
    assert worker.latest_frame() is not None  # the last picture stays for the preview


def test_frame_interval_overrides_the_file_speed(
        tmp_path: Path, workers: list[CameraWorker]) -> None:
    video = write_video(tmp_path / "receipt.avi", "MJPG", fps=5.0)  # 5 s at its own speed
    worker = run(make_worker(video, Recorder(), frame_interval=0.01), workers)
    assert wait_until(lambda: worker.state == "ended", timeout=2.0), worker.status


def test_looping_a_demo_video_keeps_running(
        tmp_path: Path, workers: list[CameraWorker]) -> None:
    video = write_video(tmp_path / "demo.avi", "MJPG", plain=3, with_qr=3)
    worker = run(make_worker(video, Recorder(), loop=True, frame_interval=0.01), workers)
    assert wait_until(lambda: worker.frames_read > 20, timeout=3.0), worker.status
    assert worker.state == "running"
    assert worker.open_attempts > 3  # reopened at each end


def test_image_sequence(tmp_path: Path, workers: list[CameraWorker]) -> None:
    for i, frame in enumerate(frames(plain=4, with_qr=6)):
        cv2.imwrite(str(tmp_path / f"frame_{i:03d}.png"), frame)
    recorder = Recorder()
    worker = run(make_worker(tmp_path / "frame_%03d.png", recorder), workers)

    assert wait_until(lambda: recorder.results, timeout=4.0), recorder.states
    assert recorder.results[0][0] == CODE
    assert wait_until(lambda: worker.state == "ended", timeout=3.0), worker.status
    assert worker.frames_read == 10


def test_latest_frame_while_running(tmp_path: Path, workers: list[CameraWorker]) -> None:
    video = write_video(tmp_path / "demo.avi", "MJPG")
    worker = make_worker(video, Recorder(), loop=True)
    assert worker.latest_frame() is None
    assert worker.state == "stopped"
    run(worker, workers)

    assert wait_until(lambda: worker.latest_frame() is not None, timeout=3.0)
    first_number, first = worker.latest()
    assert first is not None and first.shape == (HEIGHT, WIDTH, 3)
    assert not first.flags.writeable  # shared with the decoder, so nobody may draw on it
    assert wait_until(lambda: worker.latest()[0] > first_number, timeout=2.0)
    assert worker.snapshot(tmp_path / "snap.png")
    assert cv2.imread(str(tmp_path / "snap.png")).shape == (HEIGHT, WIDTH, 3)


# --- missing and broken sources -------------------------------------------------------------

def test_missing_file_retries_until_it_appears(
        tmp_path: Path, workers: list[CameraWorker]) -> None:
    video = tmp_path / "later.avi"
    recorder = Recorder()
    worker = run(make_worker(video, recorder, retry_seconds=0.1), workers)

    assert wait_until(lambda: worker.open_attempts >= 4, timeout=2.0), worker.status
    assert worker.state == "no_camera"
    assert str(video) in worker.reason and "Trying again every 0.1 s" in worker.reason
    # one message for the operator, not one per attempt
    assert recorder.state_names == ["starting", "no_camera"]

    write_video(tmp_path / "partial.avi", "MJPG").rename(video)  # appears all at once
    assert wait_until(lambda: recorder.results, timeout=4.0), worker.status
    assert recorder.results[0][0] == CODE
    assert "running" in recorder.state_names


def test_a_file_that_is_not_a_video(tmp_path: Path, workers: list[CameraWorker]) -> None:
    junk = tmp_path / "junk.avi"
    junk.write_bytes(np.random.default_rng(1).integers(0, 256, 20_000, np.uint8).tobytes())
    worker = run(make_worker(junk, Recorder()), workers)
    assert wait_until(lambda: worker.open_attempts >= 3, timeout=2.0), worker.status
    assert worker.state in ("no_camera", "failed")
    assert str(junk) in worker.reason


def test_missing_camera_device(workers: list[CameraWorker]) -> None:
    opened: list[str] = []

    def nothing_there(source: str) -> FakeCapture:
        opened.append(source)
        return FakeCapture([], opened=False)

    worker = run(make_worker("7", Recorder(), open_capture=nothing_there), workers)
    assert wait_until(lambda: len(opened) >= 3, timeout=2.0)
    assert worker.state == "no_camera"
    assert worker.reason.startswith("Could not open camera 7.")
    assert opened[0] == "7"


def test_the_real_opener_names_a_missing_device(workers: list[CameraWorker]) -> None:
    worker = run(make_worker("9", Recorder()), workers)  # no /dev/video9 on a test machine
    assert wait_until(lambda: worker.state == "no_camera", timeout=2.0), worker.status
    assert "camera" in worker.reason.lower()


class FakeCapture:
    """A camera double: hands out the given frames, then behaves as `then` says."""

    def __init__(self, frames: list[np.ndarray], *, opened: bool = True,
                 then: str = "false", read_delay: float = 0.0) -> None:
        self.frames = list(frames)
        self.opened = opened
        self.then = then
        self.read_delay = read_delay
        self.released = threading.Event()
        self.reads = 0

    def isOpened(self) -> bool:  # OpenCV's name
        return self.opened and not self.released.is_set()

    def read(self) -> tuple[bool, np.ndarray | None]:
        self.reads += 1
        time.sleep(self.read_delay)
        if self.frames:
            return True, self.frames.pop(0)
        if self.then == "raise":
            raise OSError("device disconnected")
        if self.then == "repeat":
            return True, self._numbered(self.reads)
        return False, None

    @staticmethod
    def _numbered(number: int) -> np.ndarray:
        frame = np.zeros((8, 8, 3), np.uint8)
        frame[0, 0, 0], frame[0, 0, 1] = number % 256, number // 256
        return frame

    def get(self, prop_id: int) -> float:
        return 0.0

    def release(self) -> None:
        self.released.set()


def sample_frames(plain: int, with_qr: int) -> list[np.ndarray]:
    return list(frames(plain=plain, with_qr=with_qr))


@pytest.mark.parametrize("how", ["false", "raise"])
def test_camera_failing_mid_stream_recovers(workers: list[CameraWorker], how: str) -> None:
    # first it works, then breaks; then it is gone; then it is back, with a receipt in view
    captures = [FakeCapture(sample_frames(3, 0), then=how),
                FakeCapture([], opened=False),
                FakeCapture(sample_frames(1, 3), then="false")]
    handed_out: list[FakeCapture] = []

    def open_capture(source: str) -> FakeCapture:
        capture = captures.pop(0) if captures else FakeCapture([], opened=False)
        handed_out.append(capture)
        return capture

    recorder = Recorder()
    worker = run(make_worker("0", recorder, open_capture=open_capture,
                             frame_interval=0.02), workers)
    assert wait_until(lambda: recorder.results, timeout=4.0), recorder.states
    assert recorder.results[0][0] == CODE
    names = recorder.state_names
    assert names[:5] == ["starting", "running", "failed", "no_camera", "running"], names
    failed_reason = recorder.states[2][1]
    assert failed_reason.startswith("Camera 0 stopped")
    assert "Trying again every 0.1 s" in failed_reason
    if how == "raise":
        assert "device disconnected" in failed_reason
    assert handed_out[0].released.is_set()  # the broken one was let go before retrying
    assert worker.open_attempts >= 3


def test_a_dropped_frame_is_not_a_failure(workers: list[CameraWorker]) -> None:
    class Flaky(FakeCapture):
        def read(self) -> tuple[bool, np.ndarray | None]:
            ok, frame = super().read()
            return (ok and self.reads % 2 == 0), frame  # every other read fails

    capture = Flaky([], then="repeat")
    recorder = Recorder()
    worker = run(make_worker("0", recorder, open_capture=lambda _: capture), workers)
    assert wait_until(lambda: worker.frames_read >= 20, timeout=2.0), worker.status
    assert "failed" not in recorder.state_names


def test_a_decoder_that_raises_does_not_stop_the_worker(
        tmp_path: Path, workers: list[CameraWorker]) -> None:
    calls = {"n": 0}

    def shaky(frame: np.ndarray) -> str | None:
        calls["n"] += 1
        if calls["n"] <= 3:
            raise RuntimeError("decoder hiccup")
        return decode(frame)

    video = write_video(tmp_path / "receipt.avi", "MJPG")
    recorder = Recorder()
    worker = run(make_worker(video, recorder, decode=shaky), workers)
    assert wait_until(lambda: recorder.results, timeout=4.0), recorder.states
    assert worker.decode_errors == 3


def test_slow_decoding_skips_frames_and_never_queues(workers: list[CameraWorker]) -> None:
    decoded: list[int] = []
    behind: list[int] = []

    def slow(frame: np.ndarray) -> None:
        number = int(frame[0, 0, 0]) + 256 * int(frame[0, 0, 1])
        decoded.append(number)
        behind.append(capture.reads - number)  # frames read since this one was taken
        time.sleep(0.05)

    capture = FakeCapture([], then="repeat")
    worker = run(make_worker("0", Recorder(), decode=slow, open_capture=lambda _: capture,
                             frame_interval=0.005), workers)
    assert wait_until(lambda: worker.frames_read >= 100, timeout=3.0)
    worker.stop()
    assert decoded == sorted(set(decoded))  # always forwards, never the same frame twice
    assert len(decoded) < worker.frames_read / 3  # most frames skipped, not queued
    assert max(behind) <= 10  # a queue would lag by dozens; this is the newest frame


# --- stopping --------------------------------------------------------------------------------

def test_stop_is_quick_and_releases_the_capture(workers: list[CameraWorker]) -> None:
    capture = FakeCapture([], then="repeat", read_delay=0.03)
    recorder = Recorder()
    worker = run(make_worker("0", recorder, open_capture=lambda _: capture), workers)
    assert wait_until(lambda: worker.state == "running", timeout=2.0)

    started = time.monotonic()
    assert worker.stop() is True
    assert time.monotonic() - started < 1.0
    assert capture.released.is_set()
    assert worker.state == "stopped" and not worker.running
    assert recorder.state_names[-1] == "stopped"
    frames_after_stop = worker.frames_read
    time.sleep(0.1)
    assert worker.frames_read == frames_after_stop


def test_stop_while_waiting_to_retry(tmp_path: Path, workers: list[CameraWorker]) -> None:
    worker = run(make_worker(tmp_path / "none.avi", Recorder(), retry_seconds=30), workers)
    assert wait_until(lambda: worker.state == "no_camera", timeout=2.0)
    started = time.monotonic()
    assert worker.stop() is True
    assert time.monotonic() - started < 1.0
    assert worker.state == "stopped"


def test_stop_while_playing_a_real_file_and_start_again(
        tmp_path: Path, workers: list[CameraWorker]) -> None:
    video = write_video(tmp_path / "demo.avi", "MJPG")
    recorder = Recorder()
    worker = run(make_worker(video, recorder, loop=True), workers)
    assert wait_until(lambda: worker.frames_read > 3, timeout=3.0)
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 1.0
    assert worker.state == "stopped"

    worker.start()  # the same worker can run again, e.g. when the scan screen reopens
    assert wait_until(lambda: worker.state == "running", timeout=3.0), worker.status
    assert wait_until(lambda: recorder.results, timeout=4.0)


def test_no_result_after_stop(workers: list[CameraWorker]) -> None:
    gate = threading.Event()

    def waits_for_gate(frame: np.ndarray) -> str:
        gate.wait(2.0)
        return "found"

    capture = FakeCapture([], then="repeat")
    recorder = Recorder()
    worker = run(make_worker("0", recorder, decode=waits_for_gate,
                             open_capture=lambda _: capture), workers)
    assert wait_until(lambda: worker.frames_read > 0, timeout=2.0)
    stopper = threading.Thread(target=worker.stop)
    stopper.start()
    time.sleep(0.05)
    gate.set()  # the decode in progress finishes after stop() was asked for
    stopper.join(2.0)
    assert recorder.results == []


def test_from_settings_and_source_words() -> None:
    from kiosk.config.settings import ScannerSection

    worker = CameraWorker.from_settings(ScannerSection(camera="/x/frame_%03d.png"),
                                        decode=decode, on_result=print)
    assert (worker.width, worker.height, worker.retry_seconds) == (1280, 720, 3.0)
    assert not worker.is_device and is_device(" 0 ")
    assert describe_source("1") == "camera 1"
    assert describe_source("/x/frame_%03d.png") == "the image sequence /x/frame_%03d.png"
    assert describe_source("/x/a.mp4") == "the video file /x/a.mp4"
