"""The guidance videos stay true to the kiosk: every step is a screen the tour makes, and
each committed video holds exactly its steps' frames at the size the player expects."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import pytest

from kiosk.guides import FRAMES_PER_STEP, GUIDES, SIZE, guide

TOUR = Path(__file__).resolve().parent / "support" / "tour.py"  # the tour: test tooling


def test_every_step_is_a_screen_of_the_tour() -> None:
    shots = set(re.findall(r'self\.shot\("([a-z0-9-]+)"\)', TOUR.read_text(encoding="utf-8")))
    for g in GUIDES:
        assert {s.shot for s in g.steps} <= shots, g.id


@pytest.mark.parametrize("guide_id", [g.id for g in GUIDES])
def test_the_video_has_its_steps_frames(guide_id: str) -> None:
    shown = guide(guide_id)
    assert shown.video.is_file(), "scripts/dev videos makes it"
    capture = cv2.VideoCapture(str(shown.video))
    frames = 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        assert (image.shape[1], image.shape[0]) == SIZE
        frames += 1
    capture.release()
    assert frames == len(shown.steps) * FRAMES_PER_STEP
    assert shown.step_at(frames - 1) == shown.steps[-1]
    assert shown.step_at(FRAMES_PER_STEP) == shown.steps[1]
