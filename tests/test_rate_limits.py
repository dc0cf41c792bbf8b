"""The generic rate limit: a burst of `limit`, then one every window/limit seconds, with the
exact wait; keys kept apart; memory bounded; safe across threads. The clock is a plain
function the test moves by hand."""

from __future__ import annotations

import threading

import pytest

from kiosk.server.limits import RateLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_per_step_with_the_exact_wait() -> None:
    clock = Clock()
    limit = RateLimit(5, 60.0, clock=clock)
    assert all(limit.hit("kiosk-1").allowed for _ in range(5))
    refused = limit.hit("kiosk-1")
    assert not refused.allowed and refused.retry_after == pytest.approx(12.0)
    assert refused.retry_after_header == "12"
    clock.now += 11.9
    assert not limit.hit("kiosk-1").allowed
    clock.now += 0.1
    assert limit.hit("kiosk-1").allowed  # one more after each 12 s
    assert not limit.hit("kiosk-1").allowed
    clock.now += 60
    assert sum(limit.hit("kiosk-1").allowed for _ in range(10)) == 5  # a full window again


def test_keys_are_counted_apart_and_check_counts_nothing() -> None:
    clock = Clock()
    limit = RateLimit(2, 10.0, clock=clock)
    assert limit.check("a").allowed and limit.check("a").allowed and limit.check("a").allowed
    limit.hit("a")
    limit.hit("a")
    assert not limit.check("a").allowed and limit.hit("b").allowed
    assert limit.check("a").retry_after_header == "5"


def test_memory_is_bounded_and_forgotten_keys_start_afresh() -> None:
    clock = Clock()
    limit = RateLimit(1, 60.0, max_keys=100, clock=clock)
    for i in range(1000):
        limit.hit(f"address-{i}")
        assert len(limit) <= 100
    assert limit.hit("address-0").allowed  # pushed out by newer keys
    assert not limit.hit("address-999").allowed  # still remembered
    clock.now += 61
    limit.hit("late")
    assert len(limit) == 1  # the others' windows had passed


def test_threads_together_get_exactly_the_limit() -> None:
    limit = RateLimit(500, 3600.0)
    allowed: list[bool] = []
    lock = threading.Lock()

    def knock() -> None:
        mine = [limit.hit("shared").allowed for _ in range(200)]
        with lock:
            allowed.extend(mine)

    threads = [threading.Thread(target=knock) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 500 and len(allowed) == 1600


@pytest.mark.parametrize(("count", "window", "keys"), [(0, 1.0, 1), (1, 0.0, 1), (1, 1.0, 0)])
def test_a_limit_that_allows_nothing_is_refused(count: int, window: float, keys: int) -> None:
    with pytest.raises(ValueError):
        RateLimit(count, window, max_keys=keys)
