"""The synthetic receipt photos behind the decoding benchmark: deterministic, webcam-sized,
readable where they should be, with the payload mix the kiosk meets.

Counts are small (a photo takes ~0.2 s to make): the benchmark measures rates, this only
checks that the generator is sound. No timing is asserted.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

import numpy as np
import pytest
from support.receipt_photos import CATEGORIES, PORTAL, Photo, payload, photo, photos

from kiosk.config.settings import ScannerSection
from kiosk.scanner.decode import decode_frame

SEED = 20261120


@cache
def sample(category: str, index: int) -> Photo:
    """Made once per test run; the tests only read the frames."""
    return photo(category, SEED, index)


def digest(frame: np.ndarray) -> str:
    return hashlib.sha256(frame.tobytes()).hexdigest()


def test_frames_are_1280x720_bgr() -> None:
    for category in CATEGORIES:
        frame, data = sample(category, 0)
        assert frame.shape == (720, 1280, 3), category
        assert frame.dtype == np.uint8, category
        assert isinstance(data, bytes) and data, category


def test_same_seed_gives_the_same_frames() -> None:
    for category in CATEGORIES:
        [(frame, data)] = photos(category, 1, SEED)
        first, first_data = sample(category, 0)
        assert digest(frame) == digest(first), category
        assert data == first_data, category


def test_frames_do_not_depend_on_count_and_change_with_the_seed() -> None:
    two = photos("shadow", 2, SEED)
    assert digest(two[1][0]) == digest(sample("shadow", 1)[0])
    other, _ = photo("shadow", SEED + 1, 0)
    assert digest(other) != digest(two[0][0])


def test_every_category_has_frames_the_pipeline_reads() -> None:
    unread = []
    for category in CATEGORIES:
        # difficulty is random within a category: the first few frames include easy ones
        if not any(data in decode_frame(frame).payloads
                   for frame, data in (sample(category, i) for i in range(6))):
            unread.append(category)
    assert not unread


def test_clean_frames_all_decode() -> None:
    for index in range(6):
        frame, data = sample("clean", index)
        decoded = decode_frame(frame)
        assert data in decoded.payloads, (index, decoded)


def test_payloads_mix_codes_urls_and_vietnamese_text() -> None:
    pattern = re.compile(ScannerSection().code_pattern)
    rng = np.random.default_rng(SEED)
    kinds = {"code": 0, "url": 0, "text": 0}
    for _ in range(200):
        code, data = payload(rng)
        assert pattern.match(code), code  # what the kiosk accepts by default
        text = data.decode("utf-8")
        if text == code:
            kinds["code"] += 1
        elif text == PORTAL + code:
            kinds["url"] += 1
        else:
            assert code in text and not text.isascii(), text
            kinds["text"] += 1
    assert min(kinds.values()) >= 10, kinds


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown category"):
        photo("fog", 0, 0)
