"""Key screens against their reference pictures (tests/ui/snapshots/<size>/), with a
tolerance: a changed screen fails until its reference is redrawn on purpose with
`scripts/dev snapshots`. The screens are drawn by the real app in a process per size."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.snapshots import SIZES, compare, difference_picture, draw_in_process, folder

REFERENCES = Path(__file__).resolve().parent / "snapshots"


@pytest.mark.parametrize("size", SIZES, ids=folder)
def test_key_screens_look_as_their_references(size: tuple[int, int], tmp_path: Path) -> None:
    draw_in_process(tmp_path, size)
    pictures = sorted(tmp_path.glob("*.png"))
    assert pictures, "no screen was drawn"
    failures = []
    for picture in pictures:
        reference = REFERENCES / folder(size) / picture.name
        if not reference.exists():
            failures.append(f"{picture.name}: no reference yet (scripts/dev snapshots)")
            continue
        difference = compare(reference, picture)
        if not difference.same:
            marked = tmp_path / f"{picture.stem}-changed.png"
            difference_picture(reference, picture, marked)
            failures.append(f"{folder(size)}/{picture.name}: {difference.changed_share:.2%} "
                            f"of the screen changed (red in {marked}); if that is meant, "
                            "redraw the references with scripts/dev snapshots")
    assert failures == []


def test_the_comparison_forgives_rendering_noise_and_sees_a_change(tmp_path: Path) -> None:
    reference = REFERENCES / "1920x1080" / "home.png"
    image = cv2.imread(str(reference))
    assert image is not None
    rng = np.random.default_rng(3)
    # anti-aliasing and hinting: every pixel a little off, and text one pixel to the side
    noisy = np.clip(image.astype(np.int16) + rng.integers(-6, 7, image.shape), 0, 255)
    noisy = np.roll(noisy.astype(np.uint8), 1, axis=1)
    cv2.imwrite(str(tmp_path / "noisy.png"), noisy)
    assert compare(reference, tmp_path / "noisy.png").same
    # a button of another colour (6 x 2 cm on the panel) is a change
    changed = image.copy()
    changed[500:580, 900:1140] = (0, 0, 255)
    cv2.imwrite(str(tmp_path / "changed.png"), changed)
    assert not compare(reference, tmp_path / "changed.png").same
    # so is another size
    cv2.imwrite(str(tmp_path / "small.png"), image[:540])
    assert not compare(reference, tmp_path / "small.png").same
