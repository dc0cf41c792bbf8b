"""The decode pipeline on real QR images: made with `qrcode`, put on camera-sized frames,
then rotated, shrunk, blurred, faded and inverted; read by the real zxing-cpp and zbar."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode
from pyzbar import pyzbar

from kiosk.scanner.decode import (
    Decoded,
    UnreadableFile,
    decode_file,
    decode_frame,
    pyzbar_only,
    to_gray,
    zxing_only,
)

CODE = "38.98.H29-210519-0003"
CODE2 = "000.00.20.H29-201117-0001"
URL = f"https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma_ho_so={CODE2}"
VIETNAMESE = f"Hồ sơ {CODE2}"
# zbar guesses Shift-JIS for these UTF-8 bytes unless it is in binary mode (it reads
# VIETNAMESE right: its guess depends on the bytes)
MOJIBAKE_BAIT = f"Đang xử lý - {CODE2}"
W, H = 1280, 720


def qr_image(data: str | bytes, box: int = 6) -> np.ndarray:
    """A grayscale QR code with its quiet zone, `box` pixels per module."""
    code = qrcode.QRCode(box_size=box, border=4,
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return np.array(code.make_image().convert("L"), dtype=np.uint8)


def scene(seed: int = 0) -> np.ndarray:
    """A grey desk with printed-looking text: something for the decoders to reject."""
    rng = np.random.default_rng(seed)
    frame = np.full((H, W), 185, np.uint8)
    for _ in range(70):
        cv2.putText(frame, f"Giay tiep nhan ho so {rng.integers(10**6)}",
                    (int(rng.integers(0, W - 100)), int(rng.integers(20, H))),
                    cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.4, 1.1)),
                    int(rng.integers(0, 110)), 1, cv2.LINE_AA)
    return frame


def on_frame(code: np.ndarray, x: int = 420, y: int = 120, seed: int = 0) -> np.ndarray:
    frame = scene(seed)
    h, w = code.shape
    assert y + h <= H and x + w <= W, "the code must fit in the frame"
    frame[y:y + h, x:x + w] = code
    return frame


def rotated(code: np.ndarray, degrees: float) -> np.ndarray:
    h, w = code.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (int(h * sin + w * cos), int(h * cos + w * sin))
    matrix[0, 2] += size[0] / 2 - w / 2
    matrix[1, 2] += size[1] / 2 - h / 2
    return cv2.warpAffine(code, matrix, size, borderValue=255)


def bgr(gray: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


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
    assert decoded.ms < 200
    assert not zxing_only(frame).found and not pyzbar_only(frame).found


def test_the_frame_budget_is_respected() -> None:
    frame = bgr(scene(11))
    for _ in range(3):
        decode_frame(frame, budget_ms=30)
    walls = []
    for _ in range(7):
        began = time.perf_counter()
        decoded = decode_frame(frame, budget_ms=30)
        walls.append((time.perf_counter() - began) * 1000)
        assert decoded.ms <= walls[-1]
    assert statistics.median(walls) < 60, walls
    unlimited = decode_frame(frame, budget_ms=None)
    assert len(unlimited.tried) > len(decoded.tried) or unlimited.ms < 30


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
