"""Finding, straightening and packing document pages (kiosk.scanner.page), on the synthetic
photos of support.document_photos whose page corners are known.

Counts are small (a photo takes ~0.1 s to make): the benchmark (tests/bench/bench_pages.py)
measures rates over more photos. The shares asserted here are below what was measured on
these photos (12/12 in every category), leaving room for another OpenCV build's rounding.
No timing is asserted.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest
from support.document_photos import (
    CATEGORIES,
    HEIGHT,
    WIDTH,
    DocumentPhoto,
    document_photo,
    project,
)

from kiosk.scanner.page import (
    PageQuad,
    capture_page,
    compress_page,
    find_page,
    order_corners,
    page_aspect,
    straighten,
)

SEED = 20261120
COUNT = 12
TOLERANCE = 0.03 * float(np.hypot(WIDTH, HEIGHT))  # 44 px
# the least share of COUNT photos each category must crop correctly (measured: all 12)
REQUIRED = {category: 11 for category in CATEGORIES} | {"cluttered": 10}


@cache
def sample(category: str, index: int, with_page: bool = True) -> DocumentPhoto:
    """Made once per test run; the tests only read the photos."""
    return document_photo(category, SEED, index, with_page=with_page)


def corner_error(quad: PageQuad | None, truth: np.ndarray) -> float:
    """The farthest corner from the truth, in the order returned; inf when not found."""
    if quad is None:
        return float("inf")
    return float(np.linalg.norm(quad.array() - truth, axis=1).max())


# --- finding ----------------------------------------------------------------------------

@pytest.mark.parametrize("category", CATEGORIES)
def test_pages_are_found_with_their_corners_in_order(category: str) -> None:
    errors = [corner_error(find_page(sample(category, i).image), sample(category, i).corners)
              for i in range(COUNT)]
    cropped = sum(e <= TOLERANCE for e in errors)
    assert cropped >= REQUIRED[category], (category, [round(e) for e in errors])


def test_found_quads_say_how_much_of_the_frame_they_cover() -> None:
    photo = sample("flat", 0)
    quad = find_page(photo.image)
    assert quad is not None
    truth = cv2.contourArea(photo.corners) / (WIDTH * HEIGHT)
    assert quad.area_fraction == pytest.approx(truth, abs=0.01)
    assert 0.6 <= quad.score <= 1.0
    assert len(quad.corners) == 4 and all(len(c) == 2 for c in quad.corners)


def test_upside_down_pages_are_ordered_as_the_photo_shows_them() -> None:
    upside_down = [i for i in range(COUNT) if sample("rotated", i).turns == 2]
    assert upside_down, "the rotated photos include upside-down pages"
    for i in upside_down:
        photo = sample("rotated", i)
        quad = find_page(photo.image)
        assert corner_error(quad, photo.corners) <= TOLERANCE, i
        top_left = quad.array()[0]
        # the photo's top-left corner is the printed page's bottom-right one
        assert top_left[0] < quad.array()[1][0] and top_left[1] < quad.array()[3][1]


def test_grey_and_single_channel_photos_work_too() -> None:
    photo = sample("flat", 1)
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    assert corner_error(find_page(grey), photo.corners) <= TOLERANCE
    assert corner_error(find_page(grey[..., None]), photo.corners) <= TOLERANCE


@pytest.mark.parametrize("category", CATEGORIES)
def test_tables_without_a_page_give_none(category: str) -> None:
    # the same tables, clutter (a second sheet cut off by the frame, a phone, a mug...)
    # and light as the photos with a page
    for i in range(4):
        assert find_page(sample(category, i, with_page=False).image) is None, (category, i)


def test_a_page_too_far_away_gives_none() -> None:
    photo, table = sample("flat", 2), sample("flat", 2, with_page=False)
    assert find_page(photo.image) is not None
    # the same photo shrunk to 40% in the middle of the empty table: the page covers ~5%
    small = cv2.resize(photo.image, (WIDTH * 2 // 5, HEIGHT * 2 // 5),
                       interpolation=cv2.INTER_AREA)
    scene = table.image.copy()
    top, left = (HEIGHT - small.shape[0]) // 2, (WIDTH - small.shape[1]) // 2
    scene[top:top + small.shape[0], left:left + small.shape[1]] = small
    assert find_page(scene) is None


def test_a_page_cut_off_by_the_frame_gives_none() -> None:
    photo = sample("flat", 3)
    middle = int(photo.corners[:, 0].mean())
    assert find_page(photo.image[:, middle:]) is None
    assert find_page(photo.image[:, :middle]) is None


@pytest.mark.parametrize("image", [
    np.zeros((5, 5, 3), np.uint8),
    np.zeros((1, 1), np.uint8),
    np.zeros((40, 4000, 3), np.uint8),
    np.zeros((HEIGHT, WIDTH, 3), np.uint8),
    np.full((HEIGHT, WIDTH, 3), 255, np.uint8),
    np.random.default_rng(0).integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8),
    np.zeros((HEIGHT, WIDTH, 4), np.uint8),
], ids=["tiny", "one pixel", "a thin strip", "black", "white", "noise", "bgra black"])
def test_images_without_a_page_give_none(image: np.ndarray) -> None:
    assert find_page(image) is None


@pytest.mark.parametrize("image", [
    np.zeros((HEIGHT, WIDTH, 3), np.float32),
    np.zeros((HEIGHT, WIDTH), np.uint16),
    np.zeros((0, 0, 3), np.uint8),
    np.zeros((100, 100, 5), np.uint8),
    np.zeros((2, 100, 100, 3), np.uint8),
    [[0, 1], [2, 3]],
    None,
], ids=["float", "uint16", "empty", "five channels", "four dimensions", "a list", "none"])
def test_what_is_not_an_image_is_refused_by_name(image: object) -> None:
    with pytest.raises(ValueError, match="image"):
        find_page(image)  # type: ignore[arg-type]


def test_corners_are_ordered_from_the_photos_top_left_clockwise() -> None:
    square = np.array([[10, 10], [110, 12], [108, 150], [12, 148]], np.float32)
    for shift in range(4):
        for corners in (np.roll(square, shift, axis=0), np.roll(square[::-1], shift, axis=0)):
            assert np.array_equal(order_corners(corners), square)


# --- straightening ----------------------------------------------------------------------

def dark_corner(page: np.ndarray) -> str:
    """Which corner of a straightened page holds the QR box: the darkest corner patch as
    large as the box and its margin (8-20% across, 4-13% down the page)."""
    grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    h, w = grey.shape
    dy, dx = h * 14 // 100, w * 22 // 100
    patches = {"top-left": grey[:dy, :dx], "top-right": grey[:dy, -dx:],
               "bottom-right": grey[-dy:, -dx:], "bottom-left": grey[-dy:, :dx]}
    return min(patches, key=lambda name: float(patches[name].mean()))


@pytest.mark.parametrize("category", ["flat", "rotated", "perspective", "cluttered"])
def test_straightened_pages_are_a4_and_upright_as_photographed(category: str) -> None:
    for i in range(4):
        photo = sample(category, i)
        quad = find_page(photo.image)
        assert quad is not None
        page = straighten(photo.image, quad)
        assert page.shape[0] == 1600 and page.shape[2] == 3
        assert page.shape[0] / page.shape[1] == pytest.approx(np.sqrt(2), rel=0.01)
        # the QR box is printed top left: there after straightening, or bottom right for
        # a page lying upside down (no text is read to turn it)
        expected = "top-left" if photo.turns == 0 else "bottom-right"
        assert dark_corner(page) == expected, (category, i)


def test_the_aspect_ratio_comes_from_the_page_not_the_picture() -> None:
    # a 3:5 card (not A4) tilted 35° away from the camera: its picture is far from 3:5
    w, h = 300, 500
    quad = project((w, h), 520, (60.0, -20.0), roll=8, pitch=35, yaw=10)
    card = np.full((h, w, 3), 235, np.uint8)
    card[20:80, 20:80] = 20  # the top-left marker
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), quad)
    scene = np.full((HEIGHT, WIDTH, 3), 70, np.uint8)
    cv2.fillPoly(scene, [np.int32(np.round(quad))], (0, 0, 0))
    scene += cv2.warpPerspective(card, matrix, (WIDTH, HEIGHT))
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    assert abs(max(sides[1], sides[3]) / max(sides[0], sides[2]) - h / w) > 0.1
    assert page_aspect(quad, (WIDTH, HEIGHT)) == pytest.approx(h / w, rel=0.02)
    page = straighten(scene, quad, long_side=1000)
    assert page.shape[:2] == (1000, pytest.approx(600, abs=12))
    assert dark_corner(page) == "top-left"
    found = find_page(scene)
    assert found is not None and corner_error(found, quad) <= 5


def test_straighten_keeps_grey_grey_and_honours_long_side() -> None:
    photo = sample("flat", 0)
    quad = find_page(photo.image)
    grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    page = straighten(grey, quad, long_side=800)
    assert page.ndim == 2 and page.shape == (800, 566)
    assert straighten(photo.image, quad.array()).shape == (1600, 1131, 3)


@pytest.mark.parametrize("corners", [
    np.zeros((4, 2), np.float32),
    np.float32([[0, 0], [100, 0], [200, 0], [300, 0]]),
    np.float32([[0, 0], [100, 0], [100, 100]]),
    np.float32([[0, 0], [100, 0], [100, np.nan], [0, 100]]),
], ids=["one point", "on a line", "three corners", "nan"])
def test_straighten_refuses_quads_that_are_not_quadrilaterals(corners: np.ndarray) -> None:
    with pytest.raises(ValueError, match="quad"):
        straighten(sample("flat", 0).image, corners)


# --- packing ----------------------------------------------------------------------------

def decoded(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert image is not None
    return image


@pytest.mark.parametrize("max_bytes", [400_000, 80_000, 20_000, 4_000])
def test_compressed_pages_fit_and_decode(max_bytes: int) -> None:
    photo = sample("cluttered", 0)
    page = straighten(photo.image, find_page(photo.image))
    data = compress_page(page, max_bytes=max_bytes)
    assert data[:2] == b"\xff\xd8" and len(data) <= max_bytes
    image = decoded(data)
    assert image.ndim == 3 and max(image.shape[:2]) <= 1600
    # shrunk only as far as needed: the A4 shape stays
    assert image.shape[0] / image.shape[1] == pytest.approx(np.sqrt(2), rel=0.02)


def test_compression_keeps_grey_grey_and_shrinks_to_max_side() -> None:
    grey = np.random.default_rng(1).integers(0, 256, (2400, 1700), dtype=np.uint8)
    data = compress_page(grey, max_bytes=300_000, max_side=1000)
    assert len(data) <= 300_000
    image = decoded(data)
    assert image.ndim == 2 and max(image.shape) <= 1000


def test_compression_says_when_it_cannot_fit() -> None:
    noise = np.random.default_rng(2).integers(0, 256, (1600, 1131, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="does not fit"):
        compress_page(noise, max_bytes=300)
    with pytest.raises(ValueError):
        compress_page(noise, max_bytes=0)
    with pytest.raises(ValueError, match="image"):
        compress_page(noise.astype(np.float32))


def test_capture_page_finds_straightens_and_packs() -> None:
    photo = sample("uneven_light", 0)
    result = capture_page(photo.image, long_side=1200, max_bytes=150_000)
    assert result is not None
    assert corner_error(result.quad, photo.corners) <= TOLERANCE
    assert result.image.shape[0] == 1200 and len(result.jpeg) <= 150_000
    assert decoded(result.jpeg).shape == result.image.shape
    assert capture_page(sample("uneven_light", 0, with_page=False).image) is None


# --- the generator ----------------------------------------------------------------------

def test_photos_are_deterministic_webcam_frames_with_the_page_inside() -> None:
    for category in CATEGORIES:
        photo = sample(category, 0)
        assert photo.image.shape == (HEIGHT, WIDTH, 3) and photo.image.dtype == np.uint8
        again = document_photo(category, SEED, 0)
        assert np.array_equal(again.image, photo.image)
        assert np.array_equal(again.corners, photo.corners)
        corners = photo.corners
        assert corners.min() >= 15 and corners[:, 0].max() <= WIDTH - 15
        assert corners[:, 1].max() <= HEIGHT - 15
        assert cv2.contourArea(corners) / (WIDTH * HEIGHT) >= 0.16
    assert not np.array_equal(document_photo("flat", SEED, 1).image, sample("flat", 0).image)
    with pytest.raises(ValueError, match="unknown category"):
        document_photo("blurry", SEED)
