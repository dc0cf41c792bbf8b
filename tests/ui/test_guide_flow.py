"""The guidance videos on screen: from help, captions following the steps, a touch on the
picture pausing it, "Listen" reading the caption aloud; and in the attract loop."""

from __future__ import annotations

from support.driver import Driver

from kiosk import i18n
from kiosk.guides import FRAMES_PER_STEP, guide


def test_a_guide_plays_from_help_with_captions_pause_and_listening(driver: Driver) -> None:
    app = driver.app
    shown = guide("search")
    driver.tap("home:help")
    driver.tap("help:guide:search")
    screen = app.screen
    video = screen.video
    assert app.screens.current == "guide" and video is not None
    assert driver.until(lambda: video.texture is not None)  # decoded into the texture
    assert screen.caption.text == i18n._(shown.steps[0].caption)
    driver.tap_at(*video.to_window(*video.center))  # a touch on the picture pauses it
    assert video.paused and screen.pause_button.text == i18n._("Play")
    at = video.frame
    driver.frames(5)
    assert video.frame == at  # nothing moves while paused
    driver.tap("guide:pause")
    assert not video.paused
    speaker = app.services.speaker
    assert speaker is not None
    asked = speaker.requested_at
    driver.tap("guide:listen")
    # the caption was asked for (a short one may be said already: not `speaking`)
    assert screen.listening and speaker.requested_at > asked
    while video.frame <= FRAMES_PER_STEP:  # on to the second step, without waiting
        video.next_frame()
    assert screen.caption.text == i18n._(shown.steps[1].caption)
    assert driver.until(lambda: speaker.pieces_spoken > 0)
    driver.tap("guide:listen")
    assert not screen.listening
    driver.tap("guide:back")
    assert app.screens.current == "help"


def test_the_attract_loop_plays_the_guides_one_after_another(driver: Driver) -> None:
    app = driver.app
    app.idle.last_touch -= app.idle.attract_seconds + 1
    app.tick()
    video = app.attract.video
    assert app.attract.visible and video is not None
    first = video.guide
    assert driver.until(lambda: video.texture is not None)
    while video.guide is first:  # to the end of the first guide
        video.next_frame()
    assert video.guide is not first and not video.paused
    driver.tap_at(10, 10)  # the touch that wakes the kiosk ends the loop
    assert not app.attract.visible and video.paused
