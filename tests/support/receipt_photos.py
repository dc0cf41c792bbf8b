"""Synthetic camera photos of receipt QR codes, for the decoding benchmark and its tests.

Each photo is a 1280×720 BGR webcam frame of a receipt slip (from `receipt_image.receipt`)
lying on or held over a desk, distorted the way real kiosk photos are: tilted, out of
focus, faded, under a lamp's glare, noisy, half in a hand's shadow, far away, crumpled, or
shown on a phone screen. Every frame comes with the payload bytes its QR code holds.

Difficulty varies inside each category: each photo draws a `level` in [0, 1] and the
category's parameters run from mild (level 0, which every decoder should read) to harsh
(level 1, which no decoder is expected to read), so a category's decode rate says where a
decoder gives up rather than whether it can read an easy code.

Everything is drawn from a numpy Generator seeded with (seed, category, index): the same
arguments give the same frames (bit for bit with the same numpy and OpenCV builds; other
builds may round a blur differently), and photo i does not depend on `count`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from support.receipt_image import receipt

WIDTH, HEIGHT = 1280, 720
# a webcam with a 60° horizontal field of view: 640 / tan(30°)
FOCAL = 1108.0
SLIP_WIDTH = 800  # rendered this wide, then scaled: the QR's modules are ~8 px before that
PORTAL = "https://dichvucong.gov.vn/p/tra-cuu?ma_ho_so="

CATEGORIES: tuple[str, ...] = (
    "clean", "perspective", "blur", "low_contrast", "glare", "noise", "shadow", "small",
    "crumpled", "phone_screen",
)

Photo = tuple[np.ndarray, bytes]


# --- payloads ---------------------------------------------------------------------------

PROCEDURES = (
    "Đăng ký khai sinh", "Đăng ký kết hôn", "Cấp bản sao trích lục hộ tịch",
    "Chứng thực bản sao từ bản chính", "Đăng ký thường trú", "Cấp giấy phép xây dựng",
    "Đăng ký hộ kinh doanh", "Cấp đổi giấy phép lái xe", "Trợ cấp xã hội hằng tháng",
    "Đăng ký biến động đất đai",
)
OFFICES = (
    "UBND xã Minh Khai", "UBND phường Dịch Vọng Hậu", "Bộ phận Một cửa huyện Đông Anh",
    "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh", "UBND thị trấn Trâu Quỳ",
)


def _dossier_code(rng: np.random.Generator) -> str:
    """A national-format code: unit codes, the province (H29 is Hà Nội), the date received
    as yymmdd and a running number, e.g. 000.00.20.H29-261120-0001 or 38.98.H29-210519-0003.
    """
    province = f"H{rng.integers(1, 65):02d}"
    date = f"{rng.integers(21, 27):02d}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}"
    number = f"{rng.integers(1, 2000):04d}"
    shape = rng.integers(3)
    if shape == 0:  # a department of a ministry or province
        unit = f"000.00.{rng.integers(1, 40):02d}.{province}"
    elif shape == 1:  # a commune or district one-stop desk
        unit = f"{rng.integers(1, 99):02d}.{rng.integers(1, 99):02d}.{province}"
    else:  # a province-level centre
        unit = f"{province}.{rng.integers(1, 40):02d}"
    return f"{unit}-{date}-{number}"


def payload(rng: np.random.Generator) -> tuple[str, bytes]:
    """A dossier code and what its receipt's QR holds: the bare code (most often), the
    portal's look-up URL, or a Vietnamese text note (some offices print those)."""
    code = _dossier_code(rng)
    kind = rng.uniform()
    if kind < 0.45:
        text = code
    elif kind < 0.85:
        text = PORTAL + code
    else:
        text = (f"Mã hồ sơ: {code}\nThủ tục: {PROCEDURES[rng.integers(len(PROCEDURES))]}\n"
                f"Nơi nhận: {OFFICES[rng.integers(len(OFFICES))]}\n"
                f"Hẹn trả: {rng.integers(1, 29):02d}/{rng.integers(1, 13):02d}/2026")
    return code, text.encode("utf-8")


# --- building blocks --------------------------------------------------------------------

@cache
def grid() -> tuple[np.ndarray, np.ndarray]:
    """Each frame pixel's y and x (float32, read-only): shared, as every photo needs them."""
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    ys.flags.writeable = xs.flags.writeable = False
    return ys, xs


@cache
def _corner_distance() -> np.ndarray:
    """Squared distance from the frame's centre, 1 at the corners: for vignetting."""
    ys, xs = grid()
    r2 = ((xs - WIDTH / 2) ** 2 + (ys - HEIGHT / 2) ** 2) / ((WIDTH / 2) ** 2 + (HEIGHT / 2) ** 2)
    r2.flags.writeable = False
    return r2


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cells: int) -> np.ndarray:
    """Low-frequency noise with unit standard deviation: `cells` blobs across the width."""
    h, w = shape
    small = rng.standard_normal((max(2, cells * h // w + 1), cells + 1)).astype(np.float32)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return (field - field.mean()) / (field.std() + 1e-6)


def _desk(rng: np.random.Generator) -> np.ndarray:
    """A grey or wood-toned desk top under uneven room light (float32 BGR)."""
    if rng.uniform() < 0.6:  # grey laminate or a counter top
        grey = rng.uniform(70, 125)
        base = np.array([grey + rng.uniform(0, 12), grey + rng.uniform(0, 6), grey],
                        np.float32)
        streaks = 0.8
    else:  # wood veneer: warm, with grain along x
        base = np.array([rng.uniform(50, 80), rng.uniform(85, 115), rng.uniform(120, 160)],
                        np.float32)
        streaks = 3.0
    ys, xs = grid()
    light = 1 + rng.uniform(-0.15, 0.15) * (xs / WIDTH - 0.5) \
        + rng.uniform(-0.15, 0.15) * (ys / HEIGHT - 0.5)
    texture = 5 * smooth_noise(rng, (HEIGHT, WIDTH), 8)
    grain = cv2.resize(rng.standard_normal((HEIGHT, 16)).astype(np.float32), (WIDTH, HEIGHT),
                       interpolation=cv2.INTER_LINEAR)
    desk = base[None, None, :] * light[..., None] + (texture + streaks * grain)[..., None]
    return desk.astype(np.float32)


@dataclass
class Slip:
    """A receipt slip as float32 BGR, with where its QR symbol is (slip pixels)."""

    image: np.ndarray
    mask: np.ndarray  # 1 on the paper, 0 outside (after crumpling, the edges move)
    qr: np.ndarray  # the symbol's four corners (without the quiet zone), float32 (4, 2)


def _slip(rng: np.random.Generator, code: str, data: bytes) -> Slip:
    """The receipt, on slightly tinted, slightly uneven thermal paper."""
    rgb = np.asarray(receipt(data, code, width=SLIP_WIDTH))
    # the QR image is pasted on pure white; the paper is (250, 250, 246)
    white = np.all(rgb == 255, axis=2)
    ys, xs = np.nonzero(white)
    box = rgb[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    dys, dxs = np.nonzero(box.min(axis=2) < 128)
    x0, x1 = xs.min() + dxs.min(), xs.min() + dxs.max() + 1
    y0, y1 = ys.min() + dys.min(), ys.min() + dys.max() + 1
    qr = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    image = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR).astype(np.float32)
    tint = np.array([rng.uniform(0.9, 1.0), rng.uniform(0.95, 1.0), 1.0], np.float32)
    unevenness = 1 + 0.02 * smooth_noise(rng, image.shape[:2], 6)
    image = image * tint * unevenness[..., None]
    return Slip(image, np.ones(image.shape[:2], np.float32), qr)


def rotation(roll: float, pitch: float, yaw: float) -> np.ndarray:
    r, p, y = np.radians([roll, pitch, yaw])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    return rz @ rx @ ry


def _pose(size: tuple[int, int], width_px: float, center: tuple[float, float],
          roll: float = 0.0, pitch: float = 0.0, yaw: float = 0.0) -> np.ndarray:
    """The homography that shows a flat w×h slip `width_px` wide (when facing the camera)
    at `center`, turned by roll and tilted by pitch/yaw (degrees), through a pinhole
    camera: tilting gives true perspective (the near edge larger), not a shear."""
    w, h = size
    scale = width_px / w
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    flat = np.c_[(corners - [w / 2, h / 2]) * scale, np.zeros(4)]
    moved = flat @ rotation(roll, pitch, yaw).T + [0, 0, FOCAL]
    image = FOCAL * moved[:, :2] / moved[:, 2:3] + center
    return cv2.getPerspectiveTransform(corners.astype(np.float32), image.astype(np.float32))


def _place(desk: np.ndarray, slip: Slip, homography: np.ndarray, rng: np.random.Generator,
           margin: float = 12, prefilter: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The slip warped onto the desk, with a soft drop shadow, moved back into view if its
    QR would be cut off. Returns the scene, the QR's corners in the frame and where the
    slip covers the frame (0-1)."""
    qr = cv2.perspectiveTransform(slip.qr[None], homography)[0]
    lo, hi = qr.min(axis=0), qr.max(axis=0)
    shift = np.maximum(margin - lo, 0) - np.maximum(hi - [WIDTH - margin, HEIGHT - margin], 0)
    homography = np.array([[1, 0, shift[0]], [0, 1, shift[1]], [0, 0, 1]]) @ homography
    qr = qr + shift.astype(np.float32)
    image, mask = slip.image, slip.mask
    # shrink big reductions with area averaging first: warpPerspective only interpolates
    # between neighbours, and a printed code seen from afar is optically averaged
    scale = np.sqrt(abs(np.linalg.det(homography[:2, :2])))
    if prefilter and scale < 0.8:
        small = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
        factor = np.diag([image.shape[1] / small[0], image.shape[0] / small[1], 1.0])
        image = cv2.resize(image, small, interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, small, interpolation=cv2.INTER_AREA)
        homography = homography @ factor
    warped = cv2.warpPerspective(image, homography, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(mask, homography, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    offset = rng.uniform(2, 10, size=2)
    drop = cv2.warpAffine(alpha, np.float32([[1, 0, offset[0]], [0, 1, offset[1]]]),
                          (WIDTH, HEIGHT))
    drop = cv2.GaussianBlur(drop, (0, 0), rng.uniform(4, 10))
    scene = desk * (1 - rng.uniform(0.2, 0.4) * drop)[..., None]
    scene = scene * (1 - alpha[..., None]) + warped * alpha[..., None]
    return scene, qr, alpha


def _qr_side(qr: np.ndarray) -> float:
    return float(np.sqrt(cv2.contourArea(qr)))


def _motion_kernel(length: float, angle: float) -> np.ndarray:
    size = int(np.ceil(length)) | 1
    kernel = np.zeros((size * 4, size * 4), np.float32)  # drawn 4× larger, anti-aliased
    c, d = size * 2, np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    a, b = (c - d * length * 2), (c + d * length * 2)
    cv2.line(kernel, (round(a[0] * 16), round(a[1] * 16)), (round(b[0] * 16), round(b[1] * 16)),
             1.0, 4, cv2.LINE_AA, shift=4)
    kernel = cv2.resize(kernel, (size, size), interpolation=cv2.INTER_AREA)
    return kernel / kernel.sum()


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def _camera(scene: np.ndarray, rng: np.random.Generator, *, blur: float | None = None,
            noise: float | None = None, quality: int | None = None) -> np.ndarray:
    """What a cheap webcam makes of the scene: soft optics, vignetting, sensor noise that
    grows with brightness (shot noise), and its own JPEG (MJPG) compression."""
    blur = rng.uniform(0.5, 0.9) if blur is None else blur
    noise = rng.uniform(1.0, 2.5) if noise is None else noise
    quality = int(rng.uniform(80, 92)) if quality is None else quality
    if blur > 0:
        scene = cv2.GaussianBlur(scene, (0, 0), blur)
    scene = scene * (1 - rng.uniform(0.05, 0.2) * _corner_distance())[..., None]
    scene = scene.astype(np.float32, copy=False)
    sigma = np.float32(noise) * np.sqrt(np.clip(scene, 0, 255) / np.float32(128)
                                        + np.float32(0.3))
    scene = scene + sigma * rng.standard_normal(scene.shape, dtype=np.float32)
    frame = np.clip(scene + np.float32(0.5), 0, 255).astype(np.uint8)
    return _jpeg(frame, quality)


def _level(rng: np.random.Generator) -> float:
    return float(rng.uniform())


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _center(rng: np.random.Generator, spread: float = 0.12) -> tuple[float, float]:
    return (WIDTH * (0.5 + rng.uniform(-spread, spread)),
            HEIGHT * (0.5 + rng.uniform(-spread, spread)))


def _held(rng: np.random.Generator, slip: Slip, width: tuple[float, float] = (520, 760),
          tilt: float = 6.0, roll: float = 8.0) -> tuple[np.ndarray, np.ndarray]:
    """The slip held flat-ish under the camera: the start of most categories."""
    h, w = slip.image.shape[:2]
    homography = _pose((w, h), rng.uniform(*width), _center(rng),
                       roll=rng.uniform(-roll, roll), pitch=rng.uniform(-tilt, tilt),
                       yaw=rng.uniform(-tilt, tilt))
    scene, qr, _ = _place(_desk(rng), slip, homography, rng)
    return scene, qr


# --- categories ------------------------------------------------------------------------

def _clean(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    scene, _ = _held(rng, slip)
    return _camera(scene, rng)


def _perspective(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    # tilted 20°-72° away from facing the camera, in any direction, turned any way
    tilt, direction = _lerp(20, 72, _level(rng)), rng.uniform(0, 2 * np.pi)
    h, w = slip.image.shape[:2]
    homography = _pose((w, h), rng.uniform(480, 720), _center(rng, 0.08),
                       roll=rng.uniform(-180, 180), pitch=tilt * np.cos(direction),
                       yaw=tilt * np.sin(direction))
    scene, _, _ = _place(_desk(rng), slip, homography, rng)
    return _camera(scene, rng)


def _blur(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    level = _level(rng)
    scene, qr = _held(rng, slip, width=(480, 700))
    # blur in proportion to the module size, which is what decoders care about; 29
    # modules (version 3) is the middle of what receipts hold (25 for a bare code, 37 for
    # a portal URL, 45+ for a text note)
    module = _qr_side(qr) / 29
    kind = rng.choice(["gaussian", "motion", "both"])
    if kind in ("motion", "both"):
        length = module * _lerp(0.5, 2.6, level) * (0.7 if kind == "both" else 1.0)
        scene = cv2.filter2D(scene, -1, _motion_kernel(length, rng.uniform(0, 180)))
    sigma = module * _lerp(0.15, 0.75, level) * (0.7 if kind == "both" else 1.0)
    if kind == "motion":
        sigma = 0.7  # the lens is still a little soft
    return _camera(scene, rng, blur=sigma)


def _low_contrast(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    level = _level(rng)
    # total ink-to-paper contrast from 45% down to 4%, split between faded thermal ink
    # (only on the slip) and a hazy, badly exposed picture (the whole frame)
    contrast = 0.45 * (0.04 / 0.45) ** level
    haze = rng.uniform(0.35, 1.0)
    fade = min(1.0, contrast / haze)
    paper = np.percentile(slip.image.reshape(-1, 3), 90, axis=0)
    slip.image = paper - (paper - slip.image) * fade
    scene, _ = _held(rng, slip)
    middle = rng.uniform(70, 190)
    scene = middle + (scene - scene.mean()) * haze
    return _camera(scene, rng)


def _glare(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    level = _level(rng)
    scene, qr = _held(rng, slip, width=(480, 720))
    side, middle = _qr_side(qr), qr.mean(axis=0)
    # a ceiling lamp's reflection on the glossy thermal paper: a saturated core partly
    # over the code, and a wide halo that washes out the contrast around it
    a = side * _lerp(0.08, 0.38, level)
    b = a * rng.uniform(0.45, 0.9)
    angle = rng.uniform(0, np.pi)
    off = side * rng.uniform(0.1, 0.45)  # from the code's centre, so it covers part of it
    toward = rng.uniform(0, 6.3)
    at = middle + off * np.array([np.cos(toward), np.sin(toward)])
    ys, xs = grid()
    u = (xs - at[0]) * np.cos(angle) + (ys - at[1]) * np.sin(angle)
    v = -(xs - at[0]) * np.sin(angle) + (ys - at[1]) * np.cos(angle)
    r2 = (u / a) ** 2 + (v / b) ** 2
    core = np.exp(-(r2 ** 1.5))  # flat-topped, like a specular highlight
    halo = np.exp(-r2 / 9)
    strength = _lerp(0.6, 1.4, level)
    light = 255 * (strength * core + rng.uniform(0.1, 0.35) * halo)
    colour = np.array([rng.uniform(0.92, 1.0), rng.uniform(0.96, 1.0), 1.0], np.float32)
    return _camera(scene + light[..., None] * colour, rng)


def _noise(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    level = _level(rng)
    scene, _ = _held(rng, slip, width=(460, 680))
    # a dim room: the webcam's gain is up, then the picture is re-compressed hard (as a
    # photo sent through a messaging app would be)
    frame = _camera(scene, rng, noise=_lerp(4, 40, level)).astype(np.float32)
    frame += _lerp(2, 16, level) * rng.standard_normal(frame.shape[:2], dtype=np.float32)[
        ..., None]  # luminance noise on top of the per-channel noise
    specks = rng.uniform(size=frame.shape[:2]) < _lerp(0.002, 0.08, level)
    frame[specks] = np.where(rng.uniform(size=(int(specks.sum()), 1)) < 0.5, 0, 255)
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    return _jpeg(frame, round(_lerp(40, 4, level)))


def _shadow(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    level = _level(rng)
    scene, qr = _held(rng, slip)
    side, middle = _qr_side(qr), qr.mean(axis=0)
    ys, xs = grid()
    if rng.uniform() < 0.65:  # the edge of a hand, a sleeve or the kiosk's own hood
        angle = rng.uniform(0, 2 * np.pi)
        at = middle + side * rng.uniform(-0.35, 0.35, size=2)
        inside = ((xs - at[0]) * np.cos(angle) + (ys - at[1]) * np.sin(angle)) > 0
        soft = rng.uniform(0.5, 30)  # penumbra: a hand near the paper casts a hard edge
    else:  # fingers or a phone held over part of the code: an elongated, softer blob
        at = middle + side * rng.uniform(-0.6, 0.6, size=2)
        angle = rng.uniform(0, np.pi)
        u = (xs - at[0]) * np.cos(angle) + (ys - at[1]) * np.sin(angle)
        v = (ys - at[1]) * np.cos(angle) - (xs - at[0]) * np.sin(angle)
        inside = (u / (side * rng.uniform(0.6, 1.4))) ** 2 \
            + (v / (side * rng.uniform(0.3, 0.7))) ** 2 < 1
        soft = rng.uniform(6, 35)
    mask = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), soft)
    left = _lerp(0.5, 0.06, level)  # the light that is left in the shadow
    colour = np.array([min(1.0, left * 1.15), left, left * 0.95], np.float32)  # bluish
    scene = scene * (1 - mask[..., None] * (1 - colour))
    return _camera(scene, rng)


def _small(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    # the symbol 60-90 px wide: a receipt held at arm's length, anywhere in the frame
    target = rng.uniform(60, 90)
    h, w = slip.image.shape[:2]
    width = w * target / _qr_side(slip.qr)
    homography = _pose((w, h), width, _center(rng, 0.3), roll=rng.uniform(-20, 20),
                       pitch=rng.uniform(-12, 12), yaw=rng.uniform(-12, 12))
    scene, _, _ = _place(_desk(rng), slip, homography, rng)
    return _camera(scene, rng, blur=rng.uniform(0.4, 0.8))


def _crumple(rng: np.random.Generator, slip: Slip, level: float) -> Slip:
    """The slip crumpled and smoothed out again: a height map (slip pixels, ~0.1 mm) of
    soft bumps and creases, which displaces the print (seen from above, a raised point
    moves away from the camera's axis) and shades it (slopes facing the lamp are
    brighter)."""
    h, w = slip.image.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    height = _lerp(3, 14, level) * smooth_noise(rng, (h, w), int(rng.integers(3, 7)))
    for _ in range(int(rng.integers(1, 3 + round(4 * level)))):
        angle = rng.uniform(0, np.pi)
        c = rng.uniform(0.2, 0.8) * (w * abs(np.cos(angle)) + h * abs(np.sin(angle)))
        distance = np.abs(xs * np.cos(angle) + ys * np.sin(angle) - c)
        height += rng.choice([-1, 1]) * _lerp(2, 10, level) * np.exp(
            -distance / rng.uniform(20, 70))  # a crease: a sharp ridge or valley
    gy, gx = np.gradient(height)
    # parallax: a point raised by h, seen at r from the camera's axis, moves by h·r/f
    # (r/f is up to ~0.35 where a receipt is held); plus a little uneven smoothing-out
    toward = rng.uniform(0, 2 * np.pi)
    view = rng.uniform(0.05, 0.35) * np.array([np.cos(toward), np.sin(toward)])
    wobble = _lerp(0.5, 4, level)
    map_x = (xs + view[0] * height + wobble * smooth_noise(rng, (h, w), 4)).astype(np.float32)
    map_y = (ys + view[1] * height + wobble * smooth_noise(rng, (h, w), 4)).astype(np.float32)
    image = cv2.remap(slip.image, map_x, map_y, cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.remap(slip.mask, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    gx = cv2.remap(gx.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR)
    gy = cv2.remap(gy.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR)
    azimuth, elevation = rng.uniform(0, 2 * np.pi), np.radians(rng.uniform(30, 60))
    lamp = np.array([np.cos(azimuth) * np.cos(elevation),
                     np.sin(azimuth) * np.cos(elevation), np.sin(elevation)])
    normal = np.stack([-gx, -gy, np.ones_like(gx)], axis=-1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    lit = np.clip(normal @ lamp.astype(np.float32), 0, 1) / lamp[2]
    shade = _lerp(0.25, 0.6, level)
    image = image * (1 - shade + shade * lit)[..., None]
    # the print moves by a few pixels at most: the flat slip's QR corners still say where
    # the code is, which is all placement needs
    return Slip(image.astype(np.float32), mask, slip.qr.copy())


def _crumpled(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    crumpled = _crumple(rng, slip, _level(rng))
    scene, _ = _held(rng, crumpled, width=(500, 740), tilt=10)
    return _camera(scene, rng)


def _screen_content(rng: np.random.Generator, slip: Slip) -> tuple[np.ndarray, np.ndarray]:
    """A receipt app's screen (360×780 device pixels): a blue title bar, the QR centred on
    white, lines of text under it. The QR is cut from the slip (the app shows the same
    code) and thresholded: a screen shows it crisp. Returns the screen and the symbol's
    corners on it."""
    screen = np.full((780, 360, 3), rng.uniform(236, 250), np.float32)
    screen[:70] = (160, 90, 20)  # the portal's blue title bar (BGR)
    x0, y0 = slip.qr.min(axis=0).astype(int)
    x1, y1 = slip.qr.max(axis=0).astype(int)
    side = int(rng.uniform(230, 300))
    symbol = cv2.resize(slip.image[y0:y1, x0:x1], (side, side), interpolation=cv2.INTER_AREA)
    symbol = np.where(symbol.mean(axis=2, keepdims=True) > 128, 255.0, 20.0)
    top, left = 180, (360 - side) // 2
    screen[top:top + side, left:left + side] = symbol
    for i in range(4):  # the code and dates under the QR, as grey bars
        y = top + side + 40 + 28 * i
        screen[y:y + 12, 40:int(rng.uniform(200, 320))] = 90
    corners = np.array([[left, top], [left + side, top], [left + side, top + side],
                        [left, top + side]], np.float32)
    return screen, corners


def _rounded(shape: tuple[int, int], radius: int) -> np.ndarray:
    h, w = shape
    mask = np.zeros((h, w), np.uint8)
    cv2.rectangle(mask, (radius, 0), (w - radius, h), 1, -1)
    cv2.rectangle(mask, (0, radius), (w, h - radius), 1, -1)
    for cx in (radius, w - radius):
        for cy in (radius, h - radius):
            cv2.circle(mask, (cx, cy), radius, 1, -1)
    return mask.astype(np.float32)


def _phone_screen(rng: np.random.Generator, slip: Slip) -> np.ndarray:
    level = _level(rng)
    content, qr = _screen_content(rng, slip)
    dh, dw = content.shape[:2]
    # the panel's pixel grid, 3 photo pixels per device pixel: RGB stripes with dark gaps.
    # Sampled at the camera's pitch without a low-pass filter, it makes moiré.
    sub = 3
    panel = cv2.resize(content, (dw * sub, dh * sub), interpolation=cv2.INTER_NEAREST)
    cell = np.full((sub, sub, 3), 0.45, np.float32)
    for channel, column in ((2, 0), (1, 1), (0, 2)):  # BGR order: red, green, blue columns
        cell[:, column, channel] = 1.0
    cell[sub - 1] *= _lerp(0.85, 0.45, level)  # the dark gap between pixel rows
    pixels = np.tile(cell, (dh, dw, 1))
    # an LCD leaks backlight through its black pixels; the camera, exposing for the room,
    # overexposes the panel (the brighter, the more its glow spreads into dark modules)
    black = _lerp(8, 70, level) * rng.uniform(0.6, 1.0)
    exposure = _lerp(1.3, 2.2, level) * rng.uniform(0.9, 1.1)
    panel = black + panel * pixels * (255 - black) / 255 * exposure
    # the phone: a dark body with the panel inset and rounded corners
    bezel = 12 * sub
    body = np.full((dh * sub + 2 * bezel, dw * sub + 2 * bezel, 3), rng.uniform(15, 40),
                   np.float32)
    body[bezel:-bezel, bezel:-bezel] = panel
    phone = Slip(body, _rounded(body.shape[:2], 40 * sub), qr * sub + bezel)
    # held up to the camera, from a little taller than the frame (ends cut off) to 0.6 of
    # it (further away, the panel's grid aliases more), slightly turned and tilted
    height = HEIGHT * _lerp(1.1, 0.5, level) * rng.uniform(0.92, 1.08)
    homography = _pose((body.shape[1], body.shape[0]), height * body.shape[1] / body.shape[0],
                       _center(rng, 0.1), roll=rng.choice([-1, 1]) * rng.uniform(3, 15),
                       pitch=rng.uniform(-15, 15), yaw=rng.uniform(-15, 15))
    desk = _desk(rng) * rng.uniform(0.45, 0.85)  # the camera exposes for the bright screen
    scene, _, alpha = _place(desk, phone, homography, rng, prefilter=False)
    alpha = alpha[..., None]
    # backlight bloom: the white screen spills light into the dark modules and the bezel
    bright = np.clip(scene - 190, 0, None)
    scene = scene + _lerp(0.4, 3.0, level) * cv2.GaussianBlur(bright, (0, 0),
                                                               rng.uniform(3, 10))
    # the backlight's PWM beating with the rolling shutter: soft horizontal bands
    ys, xs = grid()
    bands = 0.5 + 0.5 * np.sin(2 * np.pi * ys / rng.uniform(25, 90) + rng.uniform(0, 6.3))
    scene = scene * (1 - _lerp(0.02, 0.2, level) * bands[..., None] * alpha)
    # the room reflected in the glass: a faint diagonal sheen over the screen
    across = (xs - rng.uniform(400, 880)) + (ys - HEIGHT / 2) * rng.uniform(-1, 1)
    sheen = np.exp(-((across / rng.uniform(40, 160)) ** 2))
    scene = scene + _lerp(10, 130, level) * sheen[..., None] * alpha
    return _camera(scene, rng, blur=rng.uniform(0.5, 1.0))


MAKERS: dict[str, Callable[[np.random.Generator, Slip], np.ndarray]] = {
    "clean": _clean, "perspective": _perspective, "blur": _blur,
    "low_contrast": _low_contrast, "glare": _glare, "noise": _noise, "shadow": _shadow,
    "small": _small, "crumpled": _crumpled, "phone_screen": _phone_screen,
}


def photo(category: str, seed: int, index: int) -> Photo:
    """Photo number `index` of a category: the same (category, seed, index), the same frame."""
    if category not in MAKERS:
        raise ValueError(f"unknown category {category!r}; expected one of {CATEGORIES}")
    rng = np.random.default_rng([seed, zlib.crc32(category.encode()), index])
    code, data = payload(rng)
    frame = MAKERS[category](rng, _slip(rng, code, data))
    return frame, data


def photos(category: str, count: int, seed: int = 0) -> list[Photo]:
    """`count` frames of a category (1280×720 BGR uint8), each with its QR's payload."""
    return [photo(category, seed, i) for i in range(count)]
