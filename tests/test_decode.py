"""The decode pipeline on real QR images: made with `qrcode`, put on camera-sized frames,
then rotated, shrunk, blurred, faded and inverted; read by the real zxing-cpp and zbar."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from pyzbar import pyzbar
from qr_samples import (
    CODE,
    CODE2,
    MOJIBAKE_BAIT,
    URL,
    VIETNAMESE,
    H,
    W,
    bgr,
    on_frame,
    qr_image,
    rotated,
    scene,
)

from kiosk.scanner.decode import (
    Decoded,
    Pipeline,
    Step,
    UnreadableFile,
    decode_file,
    decode_frame,
    pyzbar_only,
    to_gray,
    zxing_only,
)


def assert_reads(decoded: Decoded, data: str | bytes) -> None:
    expected = data.encode() if isinstance(data, str) else data
    assert decoded.payloads == [expected], decoded
    assert decoded.texts == [data if isinstance(data, str) else ""]
    assert decoded.decoder in decoded.tried


@pytest.mark.parametrize("data", [CODE, CODE2, URL, VIETNAMESE, MOJIBAKE_BAIT])
def test_plain_codes_on_a_camera_frame(data: str) -> None:
    assert_reads(decode_frame(bgr(on_frame(qr_image(data)))), data)


@pytest.mark.parametrize("layout", ["gray", "gray3d", "bgr", "bgra"])
def test_gray_bgr_and_bgra_frames(layout: str) -> None:
    gray = on_frame(qr_image(URL))
    frame = {"gray": gray, "gray3d": gray[:, :, None], "bgr": bgr(gray),
             "bgra": cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA)}[layout]
    assert_reads(decode_frame(frame), URL)


DEGRADED = {
    "rotated 30°": lambda: on_frame(rotated(qr_image(URL), 30), y=80),
    "rotated 90°": lambda: on_frame(rotated(qr_image(URL), 90)),
    "upside down": lambda: on_frame(rotated(qr_image(URL), 180)),
    "small (1.5 px a module)": lambda: on_frame(cv2.resize(
        qr_image(URL, 6), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)),
    "small and rotated": lambda: on_frame(rotated(cv2.resize(
        qr_image(URL, 6), None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA), 20)),
    "blurred": lambda: cv2.GaussianBlur(on_frame(qr_image(URL)), (0, 0), 3),
    "small and blurred": lambda: cv2.GaussianBlur(on_frame(cv2.resize(
        qr_image(URL, 6), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)), (0, 0), 1.2),
    "low contrast": lambda: (110 + on_frame(qr_image(URL)).astype(np.float32) * 30 / 255
                             ).astype(np.uint8),
    "very low contrast": lambda: (120 + on_frame(qr_image(URL)).astype(np.float32) * 15 / 255
                                  ).astype(np.uint8),
    "inverted": lambda: 255 - on_frame(qr_image(URL)),
    "half in shadow": lambda: shadowed(on_frame(qr_image(URL))),
    "noisy": lambda: noisy(on_frame(qr_image(URL))),
    "fills the frame": lambda: cv2.resize(qr_image(URL, 30), (H, H),
                                          interpolation=cv2.INTER_NEAREST),
    "near and out of focus": lambda: cv2.GaussianBlur(cv2.resize(
        qr_image(URL, 30), (H, H), interpolation=cv2.INTER_NEAREST), (0, 0), 8),
    "perspective": lambda: perspective(on_frame(qr_image(URL))),
}


def shadowed(frame: np.ndarray) -> np.ndarray:
    out = frame.astype(np.float32)
    out[:, :W // 2 - 40] *= 0.35
    return out.astype(np.uint8)


def noisy(frame: np.ndarray) -> np.ndarray:
    noise = np.random.default_rng(3).normal(0, 40, frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)


def perspective(frame: np.ndarray) -> np.ndarray:
    corners = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
    tilted = np.float32([[300, 50], [1000, 150], [1100, 700], [200, 600]])
    return cv2.warpPerspective(frame, cv2.getPerspectiveTransform(corners, tilted), (W, H),
                               borderValue=185)


@pytest.mark.parametrize("name", DEGRADED)
def test_degraded_codes_are_found(name: str) -> None:
    decoded = decode_frame(bgr(DEGRADED[name]()), budget_ms=None)
    assert_reads(decoded, URL)


def test_a_fallback_finds_what_zxing_alone_misses() -> None:
    frame = DEGRADED["very low contrast"]()
    assert not zxing_only(frame).found
    decoded = decode_frame(frame, budget_ms=60)
    assert_reads(decoded, URL)
    assert decoded.decoder != "zxing"


def test_pipeline_reads_utf8_that_zbar_garbles_without_binary_mode() -> None:
    frame = on_frame(qr_image(MOJIBAKE_BAIT))
    expected = MOJIBAKE_BAIT.encode()
    # pyzbar as usually called: zbar converts what it takes for Shift-JIS
    plain = pyzbar.decode(frame, symbols=[pyzbar.ZBarSymbol.QRCODE])
    assert len(plain) == 1 and plain[0].data != expected
    assert_reads(pyzbar_only(frame), MOJIBAKE_BAIT)
    assert_reads(zxing_only(frame), MOJIBAKE_BAIT)
    assert_reads(decode_frame(frame), MOJIBAKE_BAIT)


@pytest.mark.parametrize("data", [VIETNAMESE, URL])
def test_zbar_in_binary_mode_returns_the_exact_bytes(data: str) -> None:
    assert_reads(pyzbar_only(bgr(on_frame(qr_image(data)))), data)


def test_binary_payloads_come_back_byte_for_byte() -> None:
    data = bytes(range(256))
    frame = on_frame(qr_image(data, 4))
    assert_reads(decode_frame(frame), data)
    assert_reads(pyzbar_only(frame), data)


def test_two_codes_in_one_frame() -> None:
    frame = scene()
    for x, data in ((100, CODE), (800, CODE2)):
        code = qr_image(data)
        frame[150:150 + code.shape[0], x:x + code.shape[1]] = code
    decoded = decode_frame(frame)
    assert sorted(decoded.payloads) == sorted([CODE.encode(), CODE2.encode()])


def test_a_frame_without_a_code_finds_nothing_quickly() -> None:
    frame = bgr(scene(7))
    decode_frame(frame, budget_ms=60)  # the first call learns how long the steps take
    decoded = decode_frame(frame, budget_ms=60)
    assert decoded.payloads == [] and decoded.texts == [] and decoded.decoder == ""
    assert not zxing_only(frame).found and not pyzbar_only(frame).found


def test_the_frame_budget_is_respected() -> None:
    # a noisy frame without a code: every step finds finder-pattern look-alikes, and all
    # of them together take several times the budget
    noise = np.random.default_rng(1).normal(0, 50, (H, W))
    frame = bgr(np.clip(scene(11) + noise, 0, 255).astype(np.uint8))
    # (how long a frame takes is for tests/bench/bench_scan.py: a loaded CI machine makes
    # any wall-clock bound here flaky; what the budget does is stop the later steps)
    unlimited = decode_frame(frame, budget_ms=None)
    began = time.perf_counter()
    decoded = decode_frame(frame, budget_ms=30)
    assert decoded.ms <= (time.perf_counter() - began) * 1000 and not decoded.found
    assert len(decoded.tried) < len(unlimited.tried), (decoded.tried, unlimited.ms)


def test_a_zero_budget_runs_only_zxing() -> None:
    assert decode_frame(scene(), budget_ms=0).tried == ("zxing",)
    assert_reads(decode_frame(on_frame(qr_image(CODE)), budget_ms=0), CODE)


def test_frames_that_are_not_images_are_refused() -> None:
    for bad in (np.zeros((0, 0), np.uint8), np.zeros((10, 10, 2), np.uint8),
                np.zeros((10, 10), np.float32)):
        with pytest.raises(ValueError):
            decode_frame(bad)
    assert to_gray(np.zeros((4, 4), np.uint16) + 0xFF00).max() == 0xFF


# --- files -----------------------------------------------------------------------------

def test_image_files(tmp_path: Path) -> None:
    frame = bgr(on_frame(qr_image(URL)))
    for name in ("r.png", "r.jpg", "r.bmp", "r.webp"):
        cv2.imwrite(str(tmp_path / name), frame)
        (result,) = decode_file(tmp_path / name)
        assert_reads(result, URL)
        assert result.file == str(tmp_path / name) and result.frame is None


def test_transparent_and_16_bit_pngs(tmp_path: Path) -> None:
    code = qr_image(CODE)
    # black modules on a transparent background: composed on white, as a viewer shows it
    rgba = np.zeros((*code.shape, 4), np.uint8)
    rgba[:, :, 3] = 255 - code
    cv2.imwrite(str(tmp_path / "alpha.png"), rgba)
    cv2.imwrite(str(tmp_path / "deep.png"), code.astype(np.uint16) * 257)
    assert_reads(decode_file(tmp_path / "alpha.png")[0], CODE)
    assert_reads(decode_file(tmp_path / "deep.png")[0], CODE)


def write_video(path: Path, fourcc: str, frames: list[np.ndarray], fps: float = 10) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (W, H))
    assert writer.isOpened(), f"OpenCV cannot write {fourcc} here"
    for frame in frames:
        writer.write(bgr(frame))
    writer.release()


@pytest.mark.parametrize(("fourcc", "ext"), [("mp4v", ".mp4"), ("MJPG", ".avi")])
def test_video_stops_at_the_first_frame_with_a_code(tmp_path: Path, fourcc: str,
                                                    ext: str) -> None:
    path = tmp_path / f"receipt{ext}"
    empty = scene(5)
    write_video(path, fourcc, [empty] * 4 + [on_frame(qr_image(CODE, 8), seed=5)] * 3
                + [on_frame(qr_image(CODE2, 8), seed=5)] * 2)
    results = decode_file(path)
    assert [r.frame for r in results] == [0, 1, 2, 3, 4]
    assert not any(r.found for r in results[:4])
    assert_reads(results[-1], CODE)


def test_video_frames_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "long.avi"
    write_video(path, "MJPG", [scene(5)] * 12)
    assert len(decode_file(path, max_frames=5)) == 5
    assert len(decode_file(path, budget_ms=0)) == 12


def test_image_sequence(tmp_path: Path) -> None:
    for index, frame in enumerate([scene(1), scene(2), on_frame(qr_image(URL))]):
        cv2.imwrite(str(tmp_path / f"frame_{index:03d}.png"), frame)
    results = decode_file(str(tmp_path / "frame_%03d.png"))
    assert len(results) == 3
    assert_reads(results[-1], URL)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("notes.txt", b"not an image\n" * 20, "not an image or a video"),
    ("empty.png", b"", "not an image or a video"),
    ("truncated.png", None, "damaged"),
    ("missing.png", ..., "no such file"),
    ("frame_%03d.png", ..., "no image of the sequence"),
])
def test_unreadable_files_say_why(tmp_path: Path, name: str, content: bytes | None,
                                  reason: str) -> None:
    path = tmp_path / name
    if content is None:
        _ok, png = cv2.imencode(".png", qr_image(CODE))
        path.write_bytes(png.tobytes()[:60])
    elif content is not ...:
        path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=reason) as caught:
        decode_file(path)
    assert caught.value.path == str(path) and str(path) in str(caught.value)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="folder"):
        decode_file(tmp_path)


# --- the budget, with steps of known cost ------------------------------------------------

class StepClock:
    """The pipeline's clock, moved only by the steps below: each costs what it says."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def sleeper(clock: StepClock, name: str, ms: float, finds: list[bytes] | None = None,
            guess: float = 1.0) -> Step:
    def read(_gray: np.ndarray) -> list[bytes]:
        clock.now += ms / 1000
        return list(finds or [])
    return Step(name, read, guess)


def test_fallbacks_that_would_overrun_the_budget_are_skipped() -> None:
    frame = np.zeros((1000, 1000), np.uint8)  # one megapixel: estimates are in ms
    clock = StepClock()
    pipeline = Pipeline(sleeper(clock, "first", 5),
                        [sleeper(clock, "slow", 40, guess=40),
                         sleeper(clock, "cheap", 2, [b"x"], guess=2)], clock=clock)
    decoded = pipeline.decode(frame, budget_ms=30)
    assert decoded.tried == ("first", "cheap") and decoded.decoder == "cheap"
    assert decoded.payloads == [b"x"] and decoded.texts == ["x"]
    assert pipeline.decode(frame, budget_ms=None).tried == ("first", "slow", "cheap")


def test_a_step_that_turned_out_slow_is_skipped_then_tried_again() -> None:
    frame = np.zeros((1000, 1000), np.uint8)
    clock = StepClock()
    pipeline = Pipeline(sleeper(clock, "first", 1), [sleeper(clock, "varies", 45, guess=5)],
                        clock=clock)
    assert pipeline.decode(frame, budget_ms=30).tried == ("first", "varies")  # the guess
    assert pipeline.decode(frame, budget_ms=30).tried == ("first",)  # now it knows
    runs = [pipeline.decode(frame, budget_ms=60).tried for _ in range(3)]
    assert all(r == ("first", "varies") for r in runs)  # still fits a bigger budget
