"""Synthetic camera photos of paper documents, with where the page's corners really are: for
the page finder's tests and benchmark.

Each photo is a 1280×720 BGR webcam frame looking down at a table with one A4 page on it
(an application form: agency header, title, text, a table, a red stamp, a QR box in the top
left corner), in one of six categories:

- flat: the page square to the camera, turned a few degrees, on a plain table
- rotated: turned 5-40° either way, or upside down (170-190°)
- perspective: the camera tilted 15-45° away from square, in any direction
- cluttered: a wood-plank table with dark seams; two to four of a pen, a phone, a mug and
  a sticky note beside the page; a second sheet cut off by the frame's edge (a third of the
  time reaching under the page: white on white, told apart only by the page's shadow); a
  pen across one of the page's edges in 40% of the photos
- uneven_light: a shadow across the frame (a gradient, or a soft edge) leaving 25-60% of
  the light, and a lamp's bright spot, in half the photos on one of the page's edges
- low_contrast: a light grey or beige table 8-25% darker than the paper, diffuse light
  (hardly any shadow under the page)

The last three take their poses from the first three. The page always lies wholly inside
the frame, at least 15 px from its edges, and covers 18-40% of it (down to 16% for some
steeply tilted ones, which would not fit larger). Nothing covers it but that pen.

Everything is drawn from a numpy Generator seeded with (seed, category, index): the same
arguments give the same frames, and photo i does not depend on how many others are made.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from support.receipt_photos import HEIGHT, WIDTH, grid, rotation, smooth_noise

FOCAL = 1108.0  # a webcam with a 60° horizontal field of view: 640 / tan(30°)
PAGE_W, PAGE_H = 700, 990  # A4 (1:1.414), drawn at ~85 dpi: more than the camera resolves
MARGIN = 16  # the page's corners stay this far inside the frame

CATEGORIES: tuple[str, ...] = (
    "flat", "rotated", "perspective", "cluttered", "uneven_light", "low_contrast",
)

WORDS = (
    "ho", "ten", "ngay", "sinh", "noi", "cu", "tru", "so", "dinh", "danh", "ca", "nhan",
    "de", "nghi", "cap", "ban", "sao", "giay", "khai", "thuong", "tru", "xa", "phuong",
    "quan", "huyen", "tinh", "thanh", "pho", "dia", "chi", "dien", "thoai", "ly", "do",
    "cam", "doan", "noi", "dung", "tren", "dung", "su", "that", "kinh", "gui", "uy", "ban",
)


@dataclass(frozen=True)
class DocumentPhoto:
    """A frame and where the page is in it.

    `corners` (float32, 4×2, frame pixels) are ordered the way `page.find_page` must
    return them: top-left, top-right, bottom-right, bottom-left as seen in the photo. The
    printed page's own top-left corner is `corners[turns]`: `turns` counts the quarter
    turns (clockwise) between the photo's up and the print's up, 2 for an upside-down page.
    """

    image: np.ndarray
    corners: np.ndarray | None  # None: no page in the photo
    category: str
    turns: int = 0


# --- the page ---------------------------------------------------------------------------

def _words(rng: np.random.Generator, count: int) -> str:
    return " ".join(WORDS[i] for i in rng.integers(len(WORDS), size=count))


def _text(page: np.ndarray, text: str, at: tuple[int, int], scale: float,
          colour: tuple[float, float, float] = (40, 40, 40), thickness: int = 1) -> None:
    cv2.putText(page, text, at, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness,
                cv2.LINE_AA)


def _qr_box(rng: np.random.Generator, side: int) -> np.ndarray:
    """A QR-like block (dark modules, three finder squares): what many e-government forms
    carry in their top left corner, and what the tests use to tell which way is up."""
    n = 21
    modules = rng.uniform(size=(n, n)) < 0.5
    for y, x in ((0, 0), (0, n - 7), (n - 7, 0)):
        modules[y:y + 7, x:x + 7] = True
        modules[y + 1:y + 6, x + 1:x + 6] = False
        modules[y + 2:y + 5, x + 2:x + 5] = True
    block = np.where(modules, 25, 250).astype(np.uint8)
    return cv2.resize(block, (side, side), interpolation=cv2.INTER_NEAREST)


def page_image(rng: np.random.Generator) -> np.ndarray:
    """An A4 application form as float32 BGR, PAGE_W × PAGE_H, on slightly tinted paper."""
    paper = rng.uniform(238, 252)
    tint = np.array([rng.uniform(0.94, 1.0), rng.uniform(0.97, 1.0), 1.0], np.float32)
    page = np.full((PAGE_H, PAGE_W, 3), 255, np.uint8)  # uint8: cv2.putText draws on no other
    left, right = 56, PAGE_W - 50
    qr = _qr_box(rng, 84)
    page[44:128, left:left + 84] = qr[..., None]
    _text(page, "UBND XA MINH KHAI", (left + 100, 70), 0.5, thickness=2)
    _text(page, "So: " + str(rng.integers(10, 999)) + "/DN", (left + 100, 100), 0.45)
    _text(page, "CONG HOA XA HOI CHU NGHIA VIET NAM", (330, 70), 0.5, thickness=2)
    _text(page, "Doc lap - Tu do - Hanh phuc", (385, 96), 0.5)
    cv2.line(page, (395, 104), (600, 104), (40, 40, 40), 1)
    _text(page, "DON DE NGHI", (250, 190), 1.0, thickness=2)
    y = 240
    for _ in range(int(rng.integers(6, 10))):  # paragraphs of form text
        _text(page, _words(rng, int(rng.integers(6, 11))), (left, y), 0.55)
        y += 30
    # a table with a shaded header row
    rows, cols = int(rng.integers(4, 7)), 4
    top, row_h = y + 10, 34
    edges = np.linspace(left, right, cols + 1).astype(int)
    page[top:top + row_h, left:right] = 217
    for r in range(rows + 1):
        cv2.line(page, (left, top + r * row_h), (right, top + r * row_h), (50, 50, 50), 1)
    for x in edges:
        cv2.line(page, (int(x), top), (int(x), top + rows * row_h), (50, 50, 50), 1)
    for r in range(rows):
        for c in range(cols):
            _text(page, _words(rng, 2)[:14], (int(edges[c]) + 8, top + r * row_h + 23), 0.45)
    y = top + rows * row_h + 40
    for _ in range(3):
        _text(page, _words(rng, int(rng.integers(5, 10))), (left, y), 0.55)
        y += 30
    # the signature block: a red stamp and a blue scribble
    centre = (int(rng.uniform(440, 540)), int(rng.uniform(820, 880)))
    red = (40, 40, 200)
    cv2.circle(page, centre, 62, red, 3, cv2.LINE_AA)
    cv2.circle(page, centre, 44, red, 2, cv2.LINE_AA)
    _text(page, "UBND", (centre[0] - 26, centre[1] + 6), 0.55, red, 2)
    points = np.c_[np.linspace(-60, 60, 14), rng.uniform(-14, 14, 14)] + centre
    cv2.polylines(page, [points.astype(np.int32)], False, (150, 60, 20), 2, cv2.LINE_AA)
    return page.astype(np.float32) * (paper / 255 * tint)


# --- the scene --------------------------------------------------------------------------

def _plain_table(rng: np.random.Generator) -> np.ndarray:
    """Grey laminate, a dark desk mat or plain brown veneer, gently mottled."""
    kind = rng.integers(3)
    if kind == 0:
        g = rng.uniform(70, 140)
        base = np.array([g + rng.uniform(0, 10), g + rng.uniform(0, 5), g], np.float32)
    elif kind == 1:
        base = np.array([rng.uniform(50, 90), rng.uniform(35, 60), rng.uniform(25, 45)],
                        np.float32)
    else:
        base = np.array([rng.uniform(45, 75), rng.uniform(75, 105), rng.uniform(110, 150)],
                        np.float32)
    texture = 4 * smooth_noise(rng, (HEIGHT, WIDTH), 10)
    return base + texture[..., None]


def _light_table(rng: np.random.Generator) -> np.ndarray:
    """A light grey or beige counter: 8-25% darker than the paper."""
    if rng.uniform() < 0.5:
        g = rng.uniform(180, 220)
        base = np.array([g + rng.uniform(-3, 3), g, g + rng.uniform(-2, 4)], np.float32)
    else:
        r = rng.uniform(200, 230)
        base = np.array([r * rng.uniform(0.8, 0.88), r * rng.uniform(0.92, 0.97), r],
                        np.float32)
    texture = 3 * smooth_noise(rng, (HEIGHT, WIDTH), 12)
    return base + texture[..., None]


def _wood_table(rng: np.random.Generator) -> np.ndarray:
    """Wood veneer in planks: strong grain along the planks, dark seams between them."""
    diagonal = int(np.hypot(WIDTH, HEIGHT)) + 8
    base = np.array([rng.uniform(40, 80), rng.uniform(80, 120), rng.uniform(130, 175)],
                    np.float32)
    plank = rng.uniform(140, 260)
    ys = np.arange(diagonal, dtype=np.float32)[:, None]
    xs = np.arange(diagonal, dtype=np.float32)[None, :]
    index = np.floor(ys / plank)
    # grain: fine noise stretched along the plank, waved, different in every plank
    fine = rng.standard_normal((diagonal // 3, 24)).astype(np.float32)
    grain = cv2.resize(fine, (diagonal, diagonal), interpolation=cv2.INTER_LINEAR)
    waves = np.sin(ys / rng.uniform(5, 12) + 3 * np.sin(xs / rng.uniform(80, 200) + index))
    tone = rng.uniform(-18, 18, size=int(diagonal / plank) + 2)[index.astype(int)]
    shade = tone + 14 * grain + 9 * waves
    seam = np.abs(ys - (index + 0.5) * plank) > plank / 2 - 2
    shade = np.where(seam, -55, shade)
    angle = rng.uniform(0, 180)
    turn = cv2.getRotationMatrix2D((diagonal / 2, diagonal / 2), angle, 1.0)
    turn[:, 2] -= [(diagonal - WIDTH) / 2, (diagonal - HEIGHT) / 2]
    shade = cv2.warpAffine(shade.astype(np.float32), turn, (WIDTH, HEIGHT))
    return base * (1 + shade[..., None] / 160)


def project(size: tuple[int, int], height_px: float, offset: tuple[float, float] | np.ndarray,
            roll: float, pitch: float, yaw: float) -> np.ndarray:
    """Where a flat w×h page appears (frame pixels, float32 4×2, the page's own corner
    order) through a pinhole camera looking at the frame's centre: `height_px` tall when
    square to the camera, moved sideways by `offset` (x, y; frame pixels at the page's
    distance), turned by roll and tilted by pitch/yaw (degrees)."""
    w, h = size
    scale = height_px / h
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    flat = np.c_[(corners - [w / 2, h / 2]) * scale, np.zeros(4)]
    moved = flat @ rotation(roll, pitch, yaw).T + [offset[0], offset[1], FOCAL]
    return (FOCAL * moved[:, :2] / moved[:, 2:3] + [WIDTH / 2, HEIGHT / 2]).astype(np.float32)


def _fit(rng: np.random.Generator, roll: float, pitch: float = 0.0, yaw: float = 0.0,
         size: tuple[float, float] = (0.18, 0.40)) -> np.ndarray | None:
    """The page's corners for a pose, covering a share of the frame drawn from `size`
    (less, down to 16%, where it would not fit MARGIN inside the frame), anywhere it fits.
    The page moves in space, not in the picture: off-centre, the perspective is the one a
    camera really sees there. None when even 16% does not fit (turned far about the
    vertical, a page that large is taller than the frame)."""
    share = rng.uniform(*size)
    height = np.sqrt(share * WIDTH * HEIGHT * np.sqrt(2))  # that share, square-on
    spot = rng.uniform(0, 1, size=2)  # where in the room left it goes, 0-1 across
    centre = np.zeros(2)
    for _ in range(100):
        quad = project((PAGE_W, PAGE_H), height, centre, roll, pitch, yaw)
        area = cv2.contourArea(quad) / (WIDTH * HEIGHT)
        lo, hi = quad.min(axis=0), quad.max(axis=0)
        room = np.array([WIDTH, HEIGHT]) - 2 * MARGIN - (hi - lo)
        if np.any(room < 0):
            share = max(0.16, share * 0.97)
        # at the page's distance, moving it sideways by d moves its picture by about d
        move = MARGIN + spot * np.maximum(room, 0) - lo
        if np.all(room >= 0) and abs(area - share) < 0.003 and np.abs(move).max() < 0.8:
            return quad
        if share == 0.16 and np.any(room < 0) and abs(area - share) < 0.003:
            return None
        centre = centre + move
        height *= np.sqrt(share / area)
    return None


def _upright(corners: np.ndarray, roll: float) -> tuple[np.ndarray, int]:
    """The corners in the photo's order and the page's quarter turns (see DocumentPhoto)."""
    turns = round(roll / 90) % 4
    start = (4 - turns) % 4
    return np.roll(corners, -start, axis=0), turns


def _place_page(scene: np.ndarray, page: np.ndarray, corners: np.ndarray,
                rng: np.random.Generator, shadow: tuple[float, float] = (0.15, 0.35)
                ) -> np.ndarray:
    """The page warped onto the scene over a soft drop shadow (`shadow`: how much light it
    takes away, from-to)."""
    h, w = page.shape[:2]
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    homography = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(page, homography, (WIDTH, HEIGHT), flags=cv2.INTER_AREA)
    alpha = cv2.warpPerspective(np.ones((h, w), np.float32), homography, (WIDTH, HEIGHT))
    offset = rng.uniform(2, 9, size=2)
    drop = cv2.warpAffine(alpha, np.float32([[1, 0, offset[0]], [0, 1, offset[1]]]),
                          (WIDTH, HEIGHT))
    drop = cv2.GaussianBlur(drop, (0, 0), rng.uniform(3, 9))
    scene = scene * (1 - rng.uniform(*shadow) * drop)[..., None]
    return scene * (1 - alpha[..., None]) + warped * alpha[..., None]


# --- clutter ----------------------------------------------------------------------------

def _free(mask: np.ndarray, keep_out: np.ndarray) -> bool:
    return not np.any(mask & keep_out)


def _polygon_mask(points: np.ndarray) -> np.ndarray:
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.fillPoly(mask, [np.round(points * 16).astype(np.int32)], 1, cv2.LINE_AA, shift=4)
    return mask.astype(bool)


def _box(centre: np.ndarray, size: tuple[float, float], angle: float) -> np.ndarray:
    return cv2.boxPoints((tuple(map(float, centre)), size, angle)).astype(np.float32)


def _paint(scene: np.ndarray, points: np.ndarray, colour: np.ndarray) -> None:
    cv2.fillPoly(scene, [np.round(points * 16).astype(np.int32)], tuple(map(float, colour)),
                 cv2.LINE_AA, shift=4)


def _mask_of(points: np.ndarray, grow: int = 0) -> np.ndarray:
    mask = _polygon_mask(points)
    if grow:
        mask = cv2.dilate(mask.astype(np.uint8), np.ones((grow, grow), np.uint8)) > 0
    return mask


def _second_sheet(scene: np.ndarray, keep_out: np.ndarray, rng: np.random.Generator,
                  unit: float, tuck: bool) -> None:
    """Another A4 sheet lying mostly out of the frame, 15-45% of its width showing; with
    `tuck`, it may reach under where the page will lie (it is drawn first)."""
    size = (210 * unit, 297 * unit)
    for _ in range(40):
        edge, along = rng.integers(4), rng.uniform(0.2, 0.8)
        show = rng.uniform(0.15, 0.45) * size[0]
        centre = np.array([
            (along * WIDTH, -size[0] / 2 + show),
            (WIDTH + size[0] / 2 - show, along * HEIGHT),
            (along * WIDTH, HEIGHT + size[0] / 2 - show),
            (-size[0] / 2 + show, along * HEIGHT),
        ][edge], np.float32)
        # its short side towards the frame's middle: the long side lies along the edge
        angle = rng.uniform(-25, 25) + (90 if edge in (1, 3) else 0)
        sheet = _box(centre, size[::-1], angle)
        mask = _mask_of(sheet)
        if tuck or _free(_mask_of(sheet, 15), keep_out):
            _paint(scene, sheet, np.full(3, rng.uniform(225, 245), np.float32))
            for i in range(int(rng.integers(3, 8))):  # its print, as grey bars
                a = sheet[0] + (sheet[1] - sheet[0]) * (0.15 + 0.09 * i)
                b = a + (sheet[3] - sheet[0]) * rng.uniform(0.4, 0.8)
                cv2.line(scene, tuple(np.int32(a + (sheet[3] - sheet[0]) * 0.1)),
                         tuple(np.int32(b)), (110, 110, 110), max(1, int(1.5 * unit)))
            keep_out[mask] = True
            return


def _objects(scene: np.ndarray, keep_out: np.ndarray, rng: np.random.Generator,
             unit: float) -> None:
    """Two to four things left on the table beside the page: a pen, a phone face down or
    dark, a mug of coffee, a sticky note. Sizes follow the page's (`unit` px per mm)."""

    def spot() -> np.ndarray:
        return rng.uniform([0, 0], [WIDTH, HEIGHT])

    def pen() -> None:
        for _ in range(30):
            body = _box(spot(), (145 * unit, 9 * unit), rng.uniform(0, 180))
            if _free(_mask_of(body), keep_out):
                _draw_pen(scene, body, rng, unit)
                keep_out[_mask_of(body, 9)] = True
                return

    def phone() -> None:
        for _ in range(30):
            body = _box(spot(), (75 * unit, 155 * unit), rng.uniform(0, 180))
            mask = _mask_of(body)
            if _free(mask, keep_out):
                _paint(scene, body, np.full(3, rng.uniform(15, 45), np.float32))
                screen = body.mean(axis=0) + (body - body.mean(axis=0)) * 0.9
                _paint(scene, screen, np.full(3, rng.uniform(5, 25), np.float32))
                keep_out[mask] = True
                return

    def mug() -> None:
        for _ in range(30):
            centre, radius = np.int32(spot()), int(45 * unit)
            mask = np.zeros((HEIGHT, WIDTH), np.uint8)
            cv2.circle(mask, tuple(centre), radius, 1, -1)
            if _free(mask > 0, keep_out):
                rim = float(rng.uniform(200, 240))
                cv2.circle(scene, tuple(centre), radius, (rim, rim, rim), -1, cv2.LINE_AA)
                cv2.circle(scene, tuple(centre), int(radius * 0.82), (20, 40, 70), -1,
                           cv2.LINE_AA)  # coffee
                keep_out[mask > 0] = True
                return

    def note() -> None:
        for _ in range(30):
            square = _box(spot(), (76 * unit, 76 * unit), rng.uniform(0, 90))
            mask = _mask_of(square)
            if _free(mask, keep_out):
                _paint(scene, square, np.array([90, 230, 245], np.float32))
                keep_out[mask] = True
                return

    things = [pen, phone, mug, note]
    for i in rng.permutation(len(things))[:int(rng.integers(2, 5))]:
        things[i]()


def _draw_pen(scene: np.ndarray, body: np.ndarray, rng: np.random.Generator,
              unit: float) -> None:
    colour = np.array([[150, 40, 20], [20, 20, 20], [30, 30, 170]][rng.integers(3)],
                      np.float32)
    _paint(scene, body, colour)
    a, b = body.mean(axis=0), (body[0] + body[1]) / 2  # a highlight along the barrel
    cv2.line(scene, tuple(np.int32(a)), tuple(np.int32(b)),
             tuple(float(c) + 60 for c in colour), max(1, int(2 * unit)))


def _pen_across(scene: np.ndarray, corners: np.ndarray, rng: np.random.Generator,
                unit: float) -> None:
    """A pen lying across one of the page's edges, hiding a stretch of it."""
    side = rng.integers(4)
    a, b = corners[side], corners[(side + 1) % 4]
    centre = a + (b - a) * rng.uniform(0.2, 0.8)
    direction = np.degrees(np.arctan2(*(b - a)[::-1]))
    body = _box(centre, (145 * unit, 9 * unit), direction + rng.uniform(30, 150))
    _draw_pen(scene, body, rng, unit)


# --- light and camera -------------------------------------------------------------------

def _room_light(rng: np.random.Generator) -> np.ndarray:
    """Ordinary uneven room light: ±10% across the frame."""
    ys, xs = grid()
    return (1 + rng.uniform(-0.1, 0.1) * (xs / WIDTH - 0.5)
            + rng.uniform(-0.1, 0.1) * (ys / HEIGHT - 0.5)).astype(np.float32)


def _shadow_and_lamp(rng: np.random.Generator, corners: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """A multiplier (a shadow: a long gradient, or someone's soft-edged shadow, leaving
    25-60% of the light) and an addition (a desk lamp's bright spot, often saturating the
    paper and, where it falls beside the page, the table too)."""
    ys, xs = grid()
    angle = rng.uniform(0, 2 * np.pi)
    along = ((xs - WIDTH / 2) * np.cos(angle) + (ys - HEIGHT / 2) * np.sin(angle)) / WIDTH
    left = rng.uniform(0.25, 0.6)
    if rng.uniform() < 0.5:
        ramp = np.clip(along + 0.5, 0, 1)
    else:  # a soft edge somewhere across the middle
        ramp = 1 / (1 + np.exp(-(along - rng.uniform(-0.2, 0.2)) / rng.uniform(0.03, 0.1)))
    light = (left + (1 - left) * ramp).astype(np.float32)
    if rng.uniform() < 0.5:  # on one of the page's edges
        side = rng.integers(4)
        at = corners[side] + (corners[(side + 1) % 4] - corners[side]) * rng.uniform(0.2, 0.8)
    else:
        at = rng.uniform([0.15 * WIDTH, 0.15 * HEIGHT], [0.85 * WIDTH, 0.85 * HEIGHT])
    sigma = rng.uniform(50, 140)
    spot = np.exp(-((xs - at[0]) ** 2 + (ys - at[1]) ** 2) / (2 * sigma ** 2))
    return light, (rng.uniform(60, 200) * spot).astype(np.float32)


def _camera(scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A cheap webcam: soft optics, vignetting, sensor noise, its own JPEG compression."""
    scene = cv2.GaussianBlur(scene.astype(np.float32), (0, 0), rng.uniform(0.6, 1.1))
    ys, xs = grid()
    r2 = ((xs - WIDTH / 2) ** 2 + (ys - HEIGHT / 2) ** 2) / ((WIDTH / 2) ** 2 + (HEIGHT / 2) ** 2)
    scene = scene * (1 - rng.uniform(0.05, 0.2) * r2)[..., None]
    sigma = rng.uniform(1.5, 3.0)
    scene = scene + sigma * rng.standard_normal(scene.shape, dtype=np.float32)
    frame = np.clip(scene + 0.5, 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(rng.uniform(78, 92))])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


# --- categories -------------------------------------------------------------------------

Pose = tuple[float, float, float]  # roll, pitch, yaw in degrees


def _flat_pose(rng: np.random.Generator) -> Pose:
    return rng.uniform(-4, 4), rng.uniform(-3, 3), rng.uniform(-3, 3)


def _rotated_pose(rng: np.random.Generator) -> Pose:
    if rng.uniform() < 0.3:
        roll = 180 + rng.uniform(-10, 10)
    else:
        roll = rng.choice([-1, 1]) * rng.uniform(5, 40)
    return roll, rng.uniform(-4, 4), rng.uniform(-4, 4)


def _tilted_pose(rng: np.random.Generator) -> Pose:
    tilt, direction = rng.uniform(15, 45), rng.uniform(0, 2 * np.pi)
    return rng.uniform(-15, 15), tilt * np.cos(direction), tilt * np.sin(direction)


def _any_pose(rng: np.random.Generator) -> Pose:
    kind = rng.integers(3)
    return (_flat_pose, _rotated_pose, _tilted_pose)[kind](rng)


Table = Callable[[np.random.Generator], np.ndarray]
# category: (pose, table, cluttered, shadow and lamp)
RECIPES: dict[str, tuple[Callable[[np.random.Generator], Pose], Table, bool, bool]] = {
    "flat": (_flat_pose, _plain_table, False, False),
    "rotated": (_rotated_pose, _plain_table, False, False),
    "perspective": (_tilted_pose, _plain_table, False, False),
    "cluttered": (_any_pose, _wood_table, True, False),
    "uneven_light": (_any_pose, _plain_table, False, True),
    "low_contrast": (_any_pose, _light_table, False, False),
}


def _rng(category: str, seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(category.encode()), index])


def document_photo(category: str, seed: int, index: int = 0, *,
                   with_page: bool = True) -> DocumentPhoto:
    """Photo `index` of `category` for `seed`. With `with_page=False`, the same kind of
    table (same clutter, same light) with no page on it: `corners` is None."""
    if category not in RECIPES:
        raise ValueError(f"unknown category {category!r}; one of {', '.join(CATEGORIES)}")
    rng = _rng(category, seed, index)
    pose, table, cluttered, uneven = RECIPES[category]
    while True:  # a few steep poses do not fit in the frame: draw again
        roll, pitch, yaw = pose(rng)
        corners = _fit(rng, roll, pitch, yaw)
        if corners is not None:
            break
    unit = float(np.linalg.norm(corners[3] - corners[0])) / 297  # px per mm on the page
    scene = table(rng)
    page = page_image(rng)
    keep_out = _mask_of(corners, 25) if with_page else np.zeros((HEIGHT, WIDTH), bool)
    if cluttered:
        # a third of the time the second sheet reaches under the page: white on white,
        # told apart only by the page's shadow
        _second_sheet(scene, keep_out.copy(), rng, unit, tuck=rng.uniform() < 0.3)
    if with_page:
        faint = category == "low_contrast"  # diffuse light: hardly any drop shadow
        scene = _place_page(scene, page, corners, rng,
                            shadow=(0.03, 0.12) if faint else (0.15, 0.35))
    if cluttered:
        _objects(scene, keep_out, rng, unit)
        if with_page and rng.uniform() < 0.4:
            _pen_across(scene, corners, rng, unit)
    scene = scene * _room_light(rng)[..., None]
    if uneven:
        light, lamp = _shadow_and_lamp(rng, corners)
        scene = scene * light[..., None] + lamp[..., None]
    image = _camera(scene, rng)
    if not with_page:
        return DocumentPhoto(image, None, category)
    upright, turns = _upright(corners, roll)
    return DocumentPhoto(image, upright, category, turns)


def document_photos(category: str, count: int, seed: int) -> list[DocumentPhoto]:
    return [document_photo(category, seed, i) for i in range(count)]
