"""Finding a sheet of paper in a camera photo, straightening it, and packing it small enough
to send with an online submission. No Kivy here: the UI shows what these return.

`find_page` works on a copy 512 px on its long side (a page on a 1280×720 frame is still
~200 px tall there), in the darkest of the three colour channels: paper is bright in all
three, while wood, beige counters and desk mats are dark in at least one.

Candidate outlines come from cheap segmentations, each good where another is weak: edges
(Canny at two strengths, every contour, inner ones too, so a page whose outline runs into
wood grain still has its own inner contour), and bright regions (Otsu, and brighter than
the local background, for a frame half in shadow). Each contour's hull becomes a
quadrilateral, as does a solid blob's minimum-area rectangle. Only when none of those
looks clearly like a page does a slower search run: fainter edges, and quadrilaterals on
every four of a contour's longest straight stretches, for a page merged with something
beside it (a sheet tucked under it, a pen across its edge).

Every candidate must be plausible (convex, 15-95% of the frame, corners 40-140°, not cut
off by the frame's edge) and is scored by how much of its outline is a paper edge: a band
just inside brighter than a band just outside (medians, so text does not count), with
most of the difference within 3 px (a step, not a lamp's soft bright spot). A text block,
a table on the page, a plank between two seams or the table around the page score low.
The best one's sides are re-fitted as lines through the edge found across them at full
resolution, and its corners ordered from the photo's top-left.

`straighten` undoes the perspective in the page's own proportions (estimated from the
quadrilateral and the camera's geometry, A4 when close), and `compress_page` makes a JPEG
that fits the submission's size limit.
"""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

WORK_SIDE = 512  # detection runs on a copy this long
MIN_AREA = 0.15  # smaller than this share of the frame: too far away to read
MAX_AREA = 0.95
MIN_SCORE = 0.6  # share of a candidate's outline that must be a paper edge
GOOD_SCORE = 0.9  # a page found this clearly needs no slower search
A4 = float(np.sqrt(2))
BORDER = 2.0  # work pixels: corners closer to the frame's edge mean the page is cut off
MIN_STEP = 6.0  # grey levels: inside minus outside at a paper edge, on the blurred copy

Point = tuple[float, float]


@dataclass(frozen=True)
class PageQuad:
    """A page's corners in the photo (pixels), top-left, top-right, bottom-right,
    bottom-left as the photo shows them (an upside-down page comes out upside down)."""

    corners: tuple[Point, Point, Point, Point]
    area_fraction: float  # the share of the photo the page covers
    score: float = 1.0  # the share of its outline that looked like a paper edge

    def array(self) -> np.ndarray:
        """The corners as a float32 4×2 array."""
        return np.array(self.corners, np.float32)


@dataclass(frozen=True)
class PageResult:
    """A page found in a photo, straightened and JPEG-encoded."""

    quad: PageQuad
    image: np.ndarray  # straightened, upright relative to the photo
    jpeg: bytes


# --- input checks -----------------------------------------------------------------------

def _check_image(image: object) -> np.ndarray:
    """The image as uint8 grey (2-D) or BGR; ValueError for anything else."""
    if not isinstance(image, np.ndarray):
        raise ValueError(f"expected a numpy image, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
        raise ValueError(f"expected a grey or BGR image, got shape {image.shape}")
    if image.size == 0:
        raise ValueError("empty image")
    return image


def _brightness(image: np.ndarray) -> np.ndarray:
    """The darkest channel: white paper is bright in all three, coloured tables are not."""
    if image.ndim == 2:
        return image
    b, g, r = cv2.split(image)
    return cv2.min(cv2.min(b, g), r)


# --- quadrilaterals ---------------------------------------------------------------------

def _clockwise(quads: np.ndarray) -> np.ndarray:
    """The same corners (one quad 4×2, or k×4×2), clockwise as seen on screen (y grows
    downwards)."""
    q = quads.reshape(-1, 4, 2)
    x, y = q[..., 0], q[..., 1]
    signed = (x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)
    q = np.where((signed > 0)[:, None, None], q, q[:, ::-1])
    return q.reshape(quads.shape)


def order_corners(quad: np.ndarray) -> np.ndarray:
    """The corners clockwise from the photo's top-left: the start is the corner whose top
    edge (to the next corner) and bottom edge (between the other two) run closest to left
    to right. An upside-down page is thus ordered upside down; no text is read."""
    quad = _clockwise(np.asarray(quad, np.float32).reshape(4, 2))
    best, best_cos = 0, -2.0
    for start in range(4):
        q = np.roll(quad, -start, axis=0)
        direction = (q[1] - q[0]) + (q[2] - q[3])
        cos = direction[0] / (np.linalg.norm(direction) + 1e-9)
        if cos > best_cos:
            best, best_cos = start, cos
    return np.roll(quad, -best, axis=0)


def _to_quad(contour: np.ndarray) -> np.ndarray | None:
    """Four corners for a contour's convex hull, or None when it is not four-sided."""
    hull = cv2.convexHull(contour)
    if len(hull) < 4:
        return None
    if len(hull) > 4:
        with contextlib.suppress(cv2.error):
            # the quadrilateral around the hull that adds the least area: better than
            # approxPolyDP when a corner is rounded or clipped, as it extends the sides
            quad = cv2.approxPolyN(hull, 4, ensure_convex=True)
            if quad is not None and len(quad) == 4:
                return quad.reshape(4, 2).astype(np.float32)
        peri = cv2.arcLength(hull, True)
        for eps in (0.02, 0.04, 0.06, 0.08):
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) == 4:
                return approx.reshape(4, 2).astype(np.float32)
        return None
    return hull.reshape(4, 2).astype(np.float32)


def _plausible(quads: np.ndarray, width: int, height: int) -> np.ndarray:
    """Which clockwise quads (k×4×2) could be a page seen from above: convex, 15-95% of the
    frame, not cut off by its edges, corners 40-140°, opposite sides at most 2.5× apart."""
    sides = np.roll(quads, -1, axis=1) - quads  # side i runs from corner i to corner i+1
    before = np.roll(sides, 1, axis=1)
    lengths = np.linalg.norm(sides, axis=2)
    turns = before[..., 0] * sides[..., 1] - before[..., 1] * sides[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        cosines = -(before * sides).sum(axis=2) / (np.roll(lengths, 1, axis=1) * lengths)
        ratios = lengths[:, :2] / lengths[:, 2:]
    x, y = quads[..., 0], quads[..., 1]
    area = 0.5 * (x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)
    frame = width * height
    return (
        np.all(turns > 0, axis=1)
        & (area >= MIN_AREA * frame) & (area <= MAX_AREA * frame)
        & np.all((x >= BORDER) & (x <= width - 1 - BORDER), axis=1)
        & np.all((y >= BORDER) & (y <= height - 1 - BORDER), axis=1)
        & np.all(lengths >= 1, axis=1)
        & np.all(np.abs(cosines) <= np.cos(np.radians(40)), axis=1)
        & np.all((ratios >= 0.4) & (ratios <= 2.5), axis=1)
    )


# --- edge evidence ----------------------------------------------------------------------

def _profiles(lum: np.ndarray, quads: np.ndarray, reach: float, samples: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Brightness across each side of clockwise quads (k, 4, 2): `samples` points along
    the middle 80% of each side, each with a profile from `reach` px inside to `reach` px
    outside. Returns the points (k, 4, n, 2), the outward normals (k, 4, 2), the offsets
    (m,) and the profiles (k, 4, n, m)."""
    quads = quads.astype(np.float32)
    starts, ends = quads, np.roll(quads, -1, axis=1)
    t = np.linspace(0.1, 0.9, samples, dtype=np.float32)
    points = starts[:, :, None, :] + (ends - starts)[:, :, None, :] * t[None, None, :, None]
    along = ends - starts
    along /= np.linalg.norm(along, axis=2, keepdims=True) + 1e-9
    normals = np.stack([along[..., 1], -along[..., 0]], axis=2)  # outward when clockwise
    steps = max(2, int(np.ceil(reach)))
    offsets = np.linspace(-reach, reach, 2 * steps + 1, dtype=np.float32)
    grid = points[:, :, :, None, :] + offsets[:, None] * normals[:, :, None, None, :]
    k, m = len(quads), len(offsets)
    values = np.empty((k * 4 * samples, m), np.float32)
    rows = grid.reshape(-1, m, 2)
    chunk = 32000  # remap's maps must have fewer than 2^15 rows
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        values[start:start + chunk] = cv2.remap(lum, part[..., 0], part[..., 1],
                                                cv2.INTER_LINEAR,
                                                borderMode=cv2.BORDER_REPLICATE)
    return points, normals, offsets, values.reshape(k, 4, samples, m)


def _edge_scores(lum: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """How much of each quad's outline is a paper edge. Per side, the share of points where
    - the band just inside (2-8 px) is brighter than the band just outside: medians, so
      text and lines crossing the bands do not count, and a side cut through the page
      (paper on both sides) gets nothing;
    - and most of that difference happens within 3 px of the outline: a step, not the
      smooth slope around a lamp's bright spot.
    The weakest side counts double, so three good sides are not enough."""
    _, _, offsets, values = _profiles(lum, quads, 8.0, 24)
    inside = np.median(values[..., offsets <= -2], axis=3)
    outside = np.median(values[..., offsets >= 2], axis=3)
    difference = inside - outside
    step = values[..., :-3] - values[..., 3:]  # over 3 px, centred half-way
    centres = offsets[:-3] + 1.5
    sharp = step[..., np.abs(centres) <= 3].max(axis=3)
    good = (difference >= MIN_STEP) & (sharp >= np.maximum(MIN_STEP, 0.5 * difference))
    shares = good.mean(axis=2)
    return (shares.sum(axis=1) + shares.min(axis=1)) / 5


def _refine(lum: np.ndarray, quad: np.ndarray, reach: float) -> np.ndarray:
    """The quad's sides moved onto the strongest bright-inside step within `reach` px,
    each fitted as a line through those points (Huber-weighted, so a few points on text or
    clutter do not pull it); corners are where neighbouring lines meet."""
    points, normals, offsets, values = _profiles(lum, quad[None], reach, 40)
    points, normals, values = points[0], normals[0], values[0]
    step = values[:, :, :-2] - values[:, :, 2:]  # centred on offsets[1:-1]
    lines: list[tuple[np.ndarray, np.ndarray] | None] = []
    for side in range(4):
        best = step[side].argmax(axis=1)
        strength = step[side][np.arange(len(best)), best]
        # sub-pixel: the vertex of the parabola through the peak and its neighbours
        left = step[side][np.arange(len(best)), np.clip(best - 1, 0, step.shape[2] - 1)]
        right = step[side][np.arange(len(best)), np.clip(best + 1, 0, step.shape[2] - 1)]
        curve = left - 2 * strength + right
        shift = np.where(curve < 0, 0.5 * (left - right) / np.where(curve < 0, curve, -1), 0)
        spacing = float(offsets[1] - offsets[0])
        offset = offsets[1:-1][best] + np.clip(shift, -0.5, 0.5) * spacing
        keep = strength >= max(MIN_STEP, 0.35 * float(np.median(strength)))
        if keep.sum() < 8:
            lines.append(None)
            continue
        edge = points[side][keep] + offset[keep, None] * normals[side]
        vx, vy, x0, y0 = cv2.fitLine(edge.astype(np.float32), cv2.DIST_HUBER, 0, 0.01,
                                     0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    refined = quad.astype(np.float64).copy()
    for corner in range(4):
        before, after = lines[corner - 1], lines[corner]
        if before is None or after is None:
            continue
        (p, u), (q, v) = before, after
        matrix = np.array([[u[0], -v[0]], [u[1], -v[1]]])
        if abs(np.linalg.det(matrix)) < 1e-6:
            continue
        s = np.linalg.solve(matrix, q - p)[0]
        refined[corner] = p + s * u
    # a refit that moves a corner further than the search reached found something else
    if np.abs(refined - quad).max() > 2 * reach:
        return quad
    return refined.astype(np.float32)


# --- candidates -------------------------------------------------------------------------

def _edge_mask(blurred: np.ndarray, low: int, high: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    return cv2.dilate(cv2.Canny(blurred, low, high), kernel)


def _masks(blurred: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """Binary images whose contours may outline the page, with the contour mode for each:
    edges at two strengths (every contour, inner ones too), and bright regions against one
    level and against the local background (a shadow across the frame leaves one end of
    the page darker than the other end's table)."""
    w = blurred.shape[1]
    masks = [(_edge_mask(blurred, 15, 45), cv2.RETR_LIST),
             (_edge_mask(blurred, 30, 90), cv2.RETR_LIST)]
    _, otsu = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    background = cv2.blur(blurred, (w // 3 | 1, w // 3 | 1))
    local = np.where(blurred.astype(np.int16) - background > 12, 255, 0).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    masks += [(cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel), cv2.RETR_EXTERNAL)
              for m in (otsu, local)]
    return masks


def _contours(masks: list[tuple[np.ndarray, int]]) -> list[np.ndarray]:
    """The contours of the masks that are big enough to be a page."""
    h, w = masks[0][0].shape
    min_area = 0.8 * MIN_AREA * w * h
    found: list[np.ndarray] = []
    for mask, mode in masks:
        contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            # the bounding box first: it is cheap, and never smaller than the hull
            _, _, bw, bh = cv2.boundingRect(contour)
            if bw * bh >= min_area and cv2.contourArea(cv2.convexHull(contour)) >= min_area:
                found.append(contour)
    return found


def _quads(contours: list[np.ndarray]) -> np.ndarray:
    """Each contour's hull as a quadrilateral and, for solid blobs, its minimum-area
    rectangle (k×4×2)."""
    quads = []
    for contour in contours:
        quad = _to_quad(contour)
        if quad is not None:
            quads.append(quad)
        if cv2.contourArea(contour) > 0.5 * cv2.contourArea(cv2.convexHull(contour)):
            quads.append(cv2.boxPoints(cv2.minAreaRect(contour)).astype(np.float32))
    return np.array(quads, np.float32).reshape(-1, 4, 2)


@cache
def _combinations(count: int) -> np.ndarray:
    return np.array(list(itertools.combinations(range(count), 4)), np.intp).reshape(-1, 4)


def _line_quads(contour: np.ndarray, shape: tuple[int, int], keep: int = 8) -> np.ndarray:
    """Quadrilaterals on the lines of the contour's longest straight stretches, four at a
    time (k×4×2): for a page merged with something beside it (a sheet tucked under it, a
    pen across its edge), whose hull is not the page's but whose outline still runs along
    its sides. Stretches along the frame's edge are left out: a page there is cut off."""
    h, w = shape
    none = np.empty((0, 4, 2), np.float32)
    peri = cv2.arcLength(contour, True)
    poly = cv2.approxPolyDP(contour, 0.01 * peri, True).reshape(-1, 2).astype(np.float32)
    if len(poly) < 4:
        return none
    ends = np.roll(poly, -1, axis=0)
    lengths = np.linalg.norm(ends - poly, axis=1)
    on_frame = np.zeros(len(poly), bool)
    for axis, limit in ((0, 0), (0, w - 1), (1, 0), (1, h - 1)):
        on_frame |= (np.abs(poly[:, axis] - limit) <= BORDER) & (
            np.abs(ends[:, axis] - limit) <= BORDER)
    lengths[on_frame] = 0
    longest = np.argsort(lengths)[::-1][:keep]
    longest = longest[lengths[longest] >= 12]
    if len(longest) < 4:
        return none
    starts, directions = poly[longest], (ends - poly)[longest]
    middles = starts + directions / 2
    combos = _combinations(len(longest))
    # each combination's four stretches in order around their middle
    centre = middles[combos].mean(axis=1, keepdims=True)
    angles = np.arctan2(*(middles[combos] - centre).transpose(2, 0, 1)[::-1])
    combos = np.take_along_axis(combos, np.argsort(angles, axis=1), axis=1)
    p, u = starts[np.roll(combos, 1, axis=1)], directions[np.roll(combos, 1, axis=1)]
    q, v = starts[combos], directions[combos]
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    d = q - p
    # nearly parallel neighbours (two pieces of one side) have no corner between them
    sine = np.abs(cross) / (np.linalg.norm(u, axis=2) * np.linalg.norm(v, axis=2))
    valid = np.all(sine >= 0.2, axis=1)
    safe = np.where(cross == 0, 1, cross)
    s = (d[..., 0] * v[..., 1] - d[..., 1] * v[..., 0]) / safe
    corners = p + s[..., None] * u
    return corners[valid].astype(np.float32)


def _best(blurred: np.ndarray, quads: np.ndarray) -> tuple[np.ndarray | None, float]:
    """The plausible quad (of k×4×2) whose outline is most like a paper edge, and its
    score; ties go to the larger one."""
    h, w = blurred.shape
    if len(quads) == 0:
        return None, 0.0
    quads = _clockwise(quads.astype(np.float32))
    quads = quads[_plausible(quads, w, h)]
    if len(quads) == 0:
        return None, 0.0
    quads = np.unique(np.round(quads, 1), axis=0)
    scores = _edge_scores(blurred, quads)
    x, y = quads[..., 0], quads[..., 1]
    areas = 0.5 * (x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)
    near = np.flatnonzero(scores >= scores.max() - 0.01)
    choice = near[np.argmax(areas[near])]
    return quads[choice], float(scores[choice])


def find_page(image: np.ndarray) -> PageQuad | None:
    """The sheet of paper in a photo (BGR or grey, uint8), or None when there is no
    plausible page: nothing page-like, smaller than 15% of the frame, or cut off by the
    frame's edge. ValueError for what is not an image."""
    image = _check_image(image)
    height, width = image.shape[:2]
    if min(height, width) < 32:
        return None
    scale = min(1.0, WORK_SIDE / max(height, width))
    size = (round(width * scale), round(height * scale))
    if min(size) < 32:  # a strip, not a photo of a table
        return None
    lum = _brightness(image)
    small = cv2.resize(lum, size, interpolation=cv2.INTER_AREA) if scale < 1 else lum
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    contours = _contours(_masks(blurred))
    best, score = _best(blurred, _quads(contours))
    if score < GOOD_SCORE:
        # the slower search, for a page merged with what is beside it or with a faint
        # edge (white on white): weaker edges too, and quads on the contours' straight parts
        faint = _contours([(_edge_mask(blurred, 8, 24), cv2.RETR_LIST)])
        quads = [_quads(faint)] + [_line_quads(c, blurred.shape) for c in contours + faint]
        more, more_score = _best(blurred, np.concatenate(quads))
        if more_score > score:
            best, score = more, more_score
    if best is None or score < MIN_SCORE:
        return None
    # refine at full resolution, searching as far as the work copy's pixels are coarse
    full = cv2.GaussianBlur(lum, (0, 0), max(1.0, 0.6 / scale))
    quad = best / scale
    quad = _refine(full, quad, 3.0 / scale)
    quad = _refine(full, quad, 1.2 / scale)
    quad = order_corners(quad)
    tl, tr, br, bl = ((float(x), float(y)) for x, y in quad)
    return PageQuad((tl, tr, br, bl), float(cv2.contourArea(quad) / (width * height)), score)


# --- straightening and packing ----------------------------------------------------------

def _sides_aspect(q: np.ndarray) -> float:
    """Height over width from the sides' lengths: the longer of each opposite pair, which
    foreshortening shrinks least. Right for a page seen square-on, off by up to ~40% for
    one tilted 40°."""
    lengths = np.linalg.norm(np.roll(q, -1, axis=0) - q, axis=1)
    return float(max(lengths[1], lengths[3]) / max(lengths[0], lengths[2], 1e-6))


def _projective_aspect(q: np.ndarray, frame: tuple[int, int]) -> float | None:
    """Height over width of the rectangle the quad is a picture of, for a camera looking at
    the frame's centre (Zhang & He, "Whiteboard scanning and image enhancement", 2007).
    The focal length comes from the quad's own vanishing points when they are far enough
    from infinity to say, else it is a ~60° webcam's; seen nearly square-on, the answer
    hardly depends on it. FloatingPointError (under np.errstate) or None for a degenerate
    quad."""
    width, height = frame
    centre = np.array([width / 2, height / 2])
    tl, tr, br, bl = (np.array([*(p - centre), 1.0]) for p in q.astype(np.float64))
    k2 = np.dot(np.cross(tl, br), bl) / np.dot(np.cross(tr, br), bl)
    k3 = np.dot(np.cross(tl, br), tr) / np.dot(np.cross(bl, br), tr)
    n2, n3 = k2 * tr - tl, k3 * bl - tl  # the page's x and y directions, up to scale
    side = max(width, height)
    focal2 = (0.87 * side) ** 2  # a 60° horizontal field of view
    if abs(n2[2] * n3[2]) > 1e-12:
        estimate = -(n2[0] * n3[0] + n2[1] * n3[1]) / (n2[2] * n3[2])
        if (0.4 * side) ** 2 < estimate < (4 * side) ** 2:
            focal2 = estimate
    across = (n2[0] ** 2 + n2[1] ** 2) / focal2 + n2[2] ** 2
    down = (n3[0] ** 2 + n3[1] ** 2) / focal2 + n3[2] ** 2
    aspect = np.sqrt(down / across) if across > 0 and down > 0 else np.nan
    return float(aspect) if np.isfinite(aspect) and aspect > 0 else None


def page_aspect(quad: PageQuad | np.ndarray, frame: tuple[int, int] | None = None) -> float:
    """Height over width of the page the quad (TL, TR, BR, BL) shows. With the photo's
    (width, height), perspective is undone; without, the sides' lengths say. Within 3%
    of A4's √2 (either way up) it is taken as A4: administrative papers in Vietnam are A4
    by rule, and a straight A4 scan is what the receiving office expects."""
    q = quad.array() if isinstance(quad, PageQuad) else np.asarray(quad, np.float64)
    aspect = None
    if frame is not None:
        with np.errstate(all="raise"):
            try:
                aspect = _projective_aspect(q, frame)
            except FloatingPointError:
                aspect = None
    if aspect is None:
        aspect = _sides_aspect(q)
    for a4 in (A4, 1 / A4):
        if abs(aspect / a4 - 1) <= 0.03:
            return a4
    return aspect


def straighten(image: np.ndarray, quad: PageQuad | np.ndarray, *,
               long_side: int = 1600) -> np.ndarray:
    """The page cut out and warped to an upright rectangle whose longer side is
    `long_side` px, with the quad's top-left corner at the top left, in the proportions of
    the page itself (`page_aspect`, perspective undone)."""
    image = _check_image(image)
    if long_side < 8:
        raise ValueError(f"long_side must be at least 8, got {long_side}")
    q = quad.array() if isinstance(quad, PageQuad) else np.asarray(quad, np.float32)
    if q.shape != (4, 2) or not np.all(np.isfinite(q)):
        raise ValueError("quad must be four (x, y) corners")
    sides = np.linalg.norm(np.roll(q, -1, axis=0) - q, axis=1)
    if sides.min() < 1 or abs(cv2.contourArea(q)) < 1:
        raise ValueError("quad is degenerate: its corners do not span an area")
    aspect = page_aspect(q, (image.shape[1], image.shape[0]))
    if aspect >= 1:
        out_w, out_h = max(1, round(long_side / aspect)), long_side
    else:
        out_w, out_h = long_side, max(1, round(long_side * aspect))
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(q, target)
    return cv2.warpPerspective(image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def _encode(image: np.ndarray, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality,
                                            cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return data.tobytes()


def compress_page(image: np.ndarray, *, max_bytes: int = 400_000, max_side: int = 1600,
                  min_quality: int = 45, max_quality: int = 90) -> bytes:
    """The image as a JPEG of at most `max_bytes`: grey stays grey, colour stays colour.
    At up to `max_side` px, the best quality in [min_quality, max_quality] that fits; when
    even min_quality does not, the image shrinks (by as much as the bytes suggest) and
    tries again. ValueError when nothing down to 64 px on the long side fits."""
    image = _check_image(image)
    if max_bytes < 1 or max_side < 1:
        raise ValueError("max_bytes and max_side must be positive")
    if not 1 <= min_quality <= max_quality <= 100:
        raise ValueError("qualities must satisfy 1 <= min_quality <= max_quality <= 100")
    h, w = image.shape[:2]
    side = min(max_side, max(h, w))
    while True:
        scale = side / max(h, w)
        sized = image if scale >= 1 else cv2.resize(
            image, (max(1, round(w * scale)), max(1, round(h * scale))),
            interpolation=cv2.INTER_AREA)
        best = _encode(sized, max_quality)  # a page usually fits at once
        if len(best) <= max_bytes:
            return best
        floor = _encode(sized, min_quality)
        if len(floor) <= max_bytes:
            # bytes grow with quality: bisect for the highest that fits
            low, high, best = min_quality, max_quality - 1, floor
            while low < high:
                middle = (low + high + 1) // 2
                trial = _encode(sized, middle)
                if len(trial) <= max_bytes:
                    low, best = middle, trial
                else:
                    high = middle - 1
            return best
        if side <= 64:
            raise ValueError(f"the image does not fit in {max_bytes} bytes as a JPEG")
        # JPEG bytes grow roughly with the pixel count
        factor = float(np.clip(0.97 * np.sqrt(max_bytes / len(floor)), 0.3, 0.9))
        side = max(64, int(side * factor))


def capture_page(image: np.ndarray, *, long_side: int = 1600,
                 max_bytes: int = 400_000) -> PageResult | None:
    """find_page, straighten and compress_page in one: None when no page is found."""
    quad = find_page(image)
    if quad is None:
        return None
    page = straighten(image, quad, long_side=long_side)
    return PageResult(quad, page, compress_page(page, max_bytes=max_bytes, max_side=long_side))
