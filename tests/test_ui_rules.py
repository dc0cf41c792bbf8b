"""The UI's rules that need no window: sizes, contrast, idle timing, the PIN lock, and how
values are written for people."""

from __future__ import annotations

import pytest

from kiosk import i18n
from kiosk.catalogue.model import Channel, Component, Fee
from kiosk.config.pin import PinLock, hash_pin, verify_pin
from kiosk.ui.formatting import channel_fees, copies_text, money, processing_time
from kiosk.ui.idle import IdleTimer
from kiosk.ui.theme import Theme, contrast


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920), (1280, 800)])
def test_the_pixel_rule(width: int, height: int) -> None:
    theme = Theme.for_window(width, height)
    assert theme.touch == 61  # 15 mm at 4.03 px/mm (21.5-inch 1080p)
    assert theme.text_body >= 24 and theme.text_small >= 24
    assert theme.with_large_text(True).text_body == round(theme.text_body * 2)
    small_panel = Theme.for_window(1280, 800, diagonal_inches=10.1)
    assert small_panel.touch == 89  # the same 15 mm on a denser panel is more pixels


def test_one_network_status_answers_every_screen() -> None:
    from kiosk.ui.network_status import NetworkStatus

    # a kiosk that takes submissions keeps them offline: submitting stays offered
    keeps = NetworkStatus(online=False, takes_submissions=True)
    assert keeps.can_submit and keeps.can_look_up and not keeps.up
    assert keeps.badge == "No network" and "sends it later" in keeps.submit_note
    # elsewhere submitting continues on a phone through the central API: not offline
    phone = NetworkStatus(online=False, takes_submissions=False)
    assert not phone.can_submit and not phone.can_look_up
    assert phone.submit_note == phone.look_up_note == "Needs the network, which is down now"
    unknown = NetworkStatus(online=None, takes_submissions=False)
    assert unknown.badge == "" and not unknown.can_submit  # nothing promised before a check
    up = NetworkStatus(online=True, takes_submissions=False)
    assert up.can_submit and up.can_look_up and up.badge == "Network OK"


def test_every_text_colour_pair_has_contrast_4_5() -> None:
    for name, (text, background) in Theme.for_window(1920, 1080).palette.text_pairs().items():
        assert contrast(text, background) >= 4.5, name


def test_the_high_contrast_palette_reaches_7_to_1_everywhere() -> None:
    theme = Theme.for_window(1920, 1080, high_contrast=True)
    assert theme.high_contrast and not Theme.for_window(1920, 1080).high_contrast
    for name, (text, background) in theme.palette.text_pairs().items():
        assert contrast(text, background) >= 7, name


def test_idle_countdown_then_expiry_and_attract_at_home() -> None:
    clock = Clock()
    idle = IdleTimer(90, 20, 300, clock)
    assert idle.state(at_home=False).kind == "active"
    clock.now += 95
    state = idle.state(at_home=False)
    assert (state.kind, state.seconds_left) == ("countdown", 15)
    idle.touch()
    assert idle.state(at_home=False).kind == "active"
    clock.now += 111
    assert idle.state(at_home=False).kind == "expired"
    assert idle.state(at_home=True).kind == "left"  # went home and walked away
    clock.now += 300
    assert idle.state(at_home=True).kind == "attract"
    idle.touch()
    assert idle.state(at_home=True).kind == "active"


def test_the_pin_is_salted_and_locks_after_failures() -> None:
    stored = hash_pin("246810")
    assert stored != hash_pin("246810")  # a new salt each time
    assert verify_pin("246810", stored) and not verify_pin("246811", stored)
    assert not verify_pin("246810", "garbage")
    clock = Clock()
    lock = PinLock(stored, max_attempts=3, lockout_seconds=300, clock=clock)
    assert not lock.check("1") and not lock.check("2") and not lock.check("3")
    assert lock.seconds_locked() == 300
    assert not lock.check("246810")  # locked, even with the right PIN
    clock.now += 301
    assert lock.check("246810")
    assert not PinLock("", 3, 300).check("")  # no PIN configured: no way out
    with pytest.raises(ValueError):
        hash_pin("12ab")


def test_values_are_written_for_people() -> None:
    try:
        i18n.set_language("vi")
        assert money(0) == "Miễn phí"
        assert money(200000).replace("\xa0", " ") == "200.000 ₫"
        working = Channel("in_person", 5, "working_day", fees=(Fee("le_phi", 0),
                                                                 Fee("phi", 8000)))
        assert processing_time(working) == "5 ngày làm việc"
        assert channel_fees(working) == "Miễn phí"  # the extra copy fee is not the price
        assert copies_text(Component("Tờ khai", 1, 2)) == "1 bản chính, 2 bản sao"
        i18n.set_language("en")
        assert processing_time(Channel("online", 1, "working_day")) == "1 working day"
        # a fraction takes the plural, as English writes it
        assert processing_time(Channel("online", 0.5, "working_day")) == "0.5 working days"
        assert copies_text(Component("Form", 1, 2)) == "1 original, 2 copies"
        assert channel_fees(Channel("postal", 3, "day", fees=(Fee("le_phi", 2000),
                                                              Fee("le_phi", None)))) \
            .startswith("from")
    finally:
        i18n.set_language("vi")
