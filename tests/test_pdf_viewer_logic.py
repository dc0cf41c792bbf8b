"""Tests for the window-free rules of kiosk/ui/pdf_viewer.py: zoom steps, keeping the page
in view, and where the buttons go."""

from __future__ import annotations

import os

import pytest

# Kivy reads these on first import, which may be this module's: the same settings as
# kiosk.ui.launch.prepare_kivy, so that pytest's arguments are not parsed as Kivy's and
# Kivy does not take over sys.stderr for the tests collected after this one.
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
pytest.importorskip("kivy")
pytest.importorskip("pypdfium2")

from kiosk.ui.pdf_viewer import (
    DOUBLE_TAP_ZOOM,
    ZOOM_MAX,
    ZOOM_STEPS,
    choose_layout,
    keep_covering,
    opening_zoom,
    zoom_step,
)

BUTTON, GAP = 73, 16
A4 = 2 ** 0.5


def test_zoom_steps_run_from_fit_to_the_maximum() -> None:
    assert ZOOM_STEPS[0] == 1 and ZOOM_STEPS[-1] == ZOOM_MAX
    assert list(ZOOM_STEPS) == sorted(set(ZOOM_STEPS))
    assert 1 < DOUBLE_TAP_ZOOM <= ZOOM_MAX


def test_zoom_in_and_out_walk_the_steps_and_stop_at_the_ends() -> None:
    zoom, seen = 1.0, []
    for _ in range(len(ZOOM_STEPS) + 1):
        zoom = zoom_step(zoom, +1)
        seen.append(zoom)
    assert seen == [*ZOOM_STEPS[1:], ZOOM_MAX, ZOOM_MAX]
    seen = []
    for _ in range(len(ZOOM_STEPS) + 1):
        zoom = zoom_step(zoom, -1)
        seen.append(zoom)
    assert seen == [*reversed(ZOOM_STEPS[:-1]), 1.0, 1.0]


def test_after_a_pinch_the_buttons_go_to_the_neighbouring_steps() -> None:
    assert zoom_step(1.2, +1) == 1.5
    assert zoom_step(1.2, -1) == 1.0
    assert zoom_step(2.6, +1) == 3.0
    assert zoom_step(2.6, -1) == 2.0
    # a pinch that ends a hair off a step does not make a button press do nothing
    assert zoom_step(1.9999999, +1) == 3.0
    assert zoom_step(2.0000001, -1) == 1.5


def test_a_page_shorter_than_the_area_is_centred() -> None:
    assert keep_covering(start=-500, length=600, area_start=100, area_length=1000) == 300
    assert keep_covering(start=5000, length=1000, area_start=100, area_length=1000) == 100


def test_a_page_longer_than_the_area_always_covers_it() -> None:
    area = {"area_start": 100.0, "area_length": 1000.0}
    assert keep_covering(start=400, length=3000, **area) == 100  # dragged right: left edge
    assert keep_covering(start=-5000, length=3000, **area) == -1900  # dragged left
    assert keep_covering(start=-700, length=3000, **area) == -700  # inside: left alone


def test_buttons_in_one_row_when_they_fit() -> None:
    widths = [260, 200, 210, 210, 190, 140]
    room = (sum(widths) + 5 * GAP, 900)
    assert choose_layout(widths, room, BUTTON, GAP, A4) == "row"


def test_portrait_screens_get_two_rows_below() -> None:
    widths = [330, 240, 260, 250, 230, 150]  # large text on a 1080 px wide panel
    assert choose_layout(widths, (1048, 1760), BUTTON, GAP, A4) == "rows"


def test_wide_short_screens_get_a_column_when_it_shows_a_larger_page() -> None:
    widths = [330, 240, 260, 250, 230, 150]
    assert choose_layout(widths, (1248, 630), BUTTON, GAP, A4) == "column"
    # a landscape page is limited by the width here, so a column would make it smaller
    assert choose_layout(widths, (1248, 900), BUTTON, GAP, A4) == "column"
    assert choose_layout(widths, (1248, 900), BUTTON, GAP, 1 / A4) == "rows"


def test_no_column_taller_than_the_room() -> None:
    widths = [330, 240, 260, 250, 230, 150]
    assert choose_layout(widths, (1248, 400), BUTTON, GAP, A4) == "rows"


def test_a_portrait_page_opens_at_the_width_of_a_wide_area_and_whole_in_a_tall_one() -> None:
    # an A4 page fitted whole in a 1800x700 area is 495 px wide: opened 1800 px wide
    assert opening_zoom((495, 700), (1800, 700)) == pytest.approx(1800 / 495)
    assert opening_zoom((300, 700), (1800, 700)) == ZOOM_MAX  # a narrow page: capped
    assert opening_zoom((495, 700), (900, 700)) == pytest.approx(900 / 495)
    assert opening_zoom((700, 990), (700, 1400)) == 1.0  # portrait screen: whole page
    assert opening_zoom((990, 700), (1000, 707)) == pytest.approx(1.0, abs=1e-3)  # wide page
    assert opening_zoom((0, 0), (1800, 700)) == 1.0
