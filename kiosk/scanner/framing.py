"""What a person holding a receipt up to the camera needs to hear, from the frames alone:
too dark, hold still, bring it closer, or it is well placed.

Cheap enough for a few frames a second on the UI's clock: each frame is shrunk to
`WIDTH` pixels of grey first. A "code-like region" is where the picture is busy with
sharp black-and-white edges packed tightly (a QR code's modules, a barcode's bars): cells
of the shrunk frame dense with edges, joined into the largest connected patch.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

WIDTH = 320  # the frame is looked at this wide
CELL = 8  # pixels a side of a cell in the shrunk frame
BUSY_CELL = 0.22  # share of edge pixels that makes a cell busy
DARK = 55.0  # mean grey (0-255) below which the picture is too dark to read
MOVING = 9.0  # mean grey change between frames above which the hand is moving
FAR = 0.03  # a code region smaller than this share of the frame: bring it closer
SEEN = 0.004  # smaller than this: no code in sight


class Hint(StrEnum):
    DARK = "dark"
    MOVING = "moving"
    NOTHING = "nothing"  # no code in sight
    FAR = "far"  # a code, too small to read well
    GOOD = "good"  # a code, big enough and still


@dataclass(frozen=True)
class Look:
    brightness: float  # mean grey, 0-255
    motion: float  # mean grey change from the previous look; 0 for the first
    code_share: float  # the largest code-like region's share of the frame, 0-1
    hint: Hint


def small_grey(frame: np.ndarray) -> np.ndarray:
    grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    height, width = grey.shape[:2]
    size = (WIDTH, max(CELL, round(height * WIDTH / max(width, 1))))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


def code_share(grey: np.ndarray) -> float:
    """The largest patch of edge-dense cells, as a share of the frame's area."""
    edges = cv2.Canny(grey, 60, 160)
    rows, cols = grey.shape[0] // CELL, grey.shape[1] // CELL
    if rows == 0 or cols == 0:
        return 0.0
    cells = edges[:rows * CELL, :cols * CELL].reshape(rows, CELL, cols, CELL)
    busy = (cells.mean(axis=(1, 3)) / 255 >= BUSY_CELL).astype(np.uint8)
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(busy, connectivity=4)
    if count <= 1:
        return 0.0
    largest = int(stats[1:, cv2.CC_STAT_AREA].max())
    return largest / (rows * cols)


def look(frame: np.ndarray, previous: np.ndarray | None) -> tuple[Look, np.ndarray]:
    """What the frame says, and its shrunk grey copy to pass as `previous` next time."""
    grey = small_grey(frame)
    brightness = float(grey.mean())
    motion = 0.0
    if previous is not None and previous.shape == grey.shape:
        motion = float(cv2.absdiff(grey, previous).mean())
    share = code_share(grey) if brightness >= DARK else 0.0
    return Look(brightness, motion, share, hint_for(brightness, motion, share)), grey


def hint_for(brightness: float, motion: float, share: float) -> Hint:
    if brightness < DARK:
        return Hint.DARK
    if motion > MOVING:
        return Hint.MOVING
    if share < SEEN:
        return Hint.NOTHING
    return Hint.FAR if share < FAR else Hint.GOOD
