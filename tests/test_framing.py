"""The scan screen's live advice, from frames alone: a receipt's QR code photographed on a
desk at several distances, in the dark, and moved between frames."""

from __future__ import annotations

import numpy as np
from PIL import Image
from support.receipt_image import camera_frame, qr_image, receipt

from kiosk.scanner.framing import Hint, look

URL = "https://dichvucong.gov.vn/tra-cuu?ma_ho_so=000.00.20.H29-201117-0001"
CODE = "000.00.20.H29-201117-0001"


def held(side: int, at: tuple[float, float] = (0.5, 0.5)) -> np.ndarray:
    """A 1280x720 frame with the QR code `side` pixels wide."""
    return camera_frame(qr_image(URL).resize((side, side), Image.NEAREST), at=at)


def test_the_nearer_the_code_the_larger_its_region_until_it_is_good() -> None:
    shares = [look(held(side), None)[0].code_share for side in (80, 160, 300, 500)]
    assert shares == sorted(shares) and shares[0] > 0
    assert look(held(80), None)[0].hint == Hint.FAR
    assert look(held(300), None)[0].hint == Hint.GOOD
    # a whole receipt at reading distance, and the same receipt across the room
    slip = receipt(URL, CODE)
    assert look(camera_frame(slip), None)[0].hint == Hint.GOOD
    far = slip.resize((slip.width // 3, slip.height // 3))
    assert look(camera_frame(far), None)[0].hint == Hint.FAR


def test_an_empty_desk_shows_no_code() -> None:
    seen = look(camera_frame(None), None)[0]
    assert seen.code_share == 0 and seen.hint == Hint.NOTHING


def test_a_dark_picture_is_said_to_be_dark_before_anything_else() -> None:
    dark = (held(300) * 0.15).astype(np.uint8)
    assert look(dark, None)[0].hint == Hint.DARK


def test_a_hand_moving_between_frames_is_asked_to_hold_still() -> None:
    first, grey = look(held(300), None)
    assert first.motion == 0 and first.hint == Hint.GOOD
    moved, grey = look(held(300, at=(0.6, 0.5)), grey)
    assert moved.motion > 0 and moved.hint == Hint.MOVING
    still, _ = look(held(300, at=(0.6, 0.5)), grey)
    assert still.motion == 0 and still.hint == Hint.GOOD
