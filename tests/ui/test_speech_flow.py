"""The kiosk's voice on the real app: "Đọc to", the speech mode, the spoken warning.

Speech goes to WAV files (the demo services' WavFolder), rendered by the real espeak-ng.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kivy.uix.settings import Settings
from kivy.uix.widget import Widget
from support.driver import Driver
from support.speech_outputs import Collecting, PacedSilence, WavFolder, seconds_of

from kiosk import i18n
from kiosk.config.settings import EXAMPLE_CONFIG, load_config
from kiosk.ui.reading import reading_of, spoken_text
from kiosk.ui.services import KioskServices
from kiosk.ui.speech_control import KEY_F1, KEY_F2
from kiosk.ui.widgets import BigButton

PROCEDURE = "1.001193"


def wavs(driver: Driver) -> WavFolder:
    output = driver.app.services.speech_output
    assert isinstance(output, WavFolder)
    return output


def said(driver: Driver) -> Path:
    """The last thing said, once it has all been said."""
    speaker = driver.app.speech.speaker
    assert speaker is not None and speaker.wait(30)
    return wavs(driver).files[-1]


@contextmanager
def spoken(driver: Driver) -> Iterator[list[tuple[tuple[str, ...], str]]]:
    """Every request to the speaker (its texts and language), still spoken as usual."""
    speaker = driver.app.speech.speaker
    requests: list[tuple[tuple[str, ...], str]] = []
    say = speaker.say

    def recording(texts: Any, language: str) -> None:
        requests.append((tuple(texts), language))
        say(texts, language)

    speaker.say = recording  # type: ignore[method-assign]
    try:
        yield requests
    finally:
        speaker.say = say  # type: ignore[method-assign]


def test_read_aloud_reads_the_detail_screen_then_offers_it_again(driver: Driver) -> None:
    app = driver.app
    app.go("detail", code=PROCEDURE)
    driver.settle()
    before = len(wavs(driver).files)
    driver.tap("nav:speak")
    assert driver.until(lambda: app.header.speaking)
    assert driver.find("nav:speak").text == "Dừng đọc"
    wav = said(driver)
    assert len(wavs(driver).files) == before + 1
    assert seconds_of(wav) > 30  # the whole procedure: what you get, papers, steps...
    assert driver.until(lambda: not app.header.speaking)
    assert driver.find("nav:speak").text == "Đọc to"


def test_speech_stops_when_the_screen_changes_or_stop_is_touched(driver: Driver) -> None:
    app = driver.app
    speaker = app.speech.speaker
    assert speaker is not None
    made = Collecting(PacedSilence)
    sinks: list[PacedSilence] = made.sinks  # type: ignore[assignment]
    speaker.make_sink = made  # the driver fixture puts the WAV files back
    app.go("detail", code=PROCEDURE)
    driver.settle()
    driver.tap("nav:speak")
    assert driver.until(lambda: bool(sinks) and sinks[0].written > 0, 10)
    driver.tap("nav:home")
    assert sinks[0].aborted.is_set() and speaker.wait(5)
    app.go("help")
    driver.settle()
    driver.tap("nav:speak")
    assert driver.until(lambda: len(sinks) == 2 and sinks[1].written > 0, 10)
    driver.tap("nav:speak")  # now "Dừng đọc"
    assert sinks[1].aborted.is_set() and speaker.wait(5)
    assert driver.until(lambda: driver.find("nav:speak").text == "Đọc to")


def test_the_speech_mode_is_found_by_holding_a_finger_still(driver: Driver) -> None:
    app = driver.app
    assert app.speech.hold == 3.0  # the configured time
    # (the driver fixture waits for the memory tidy after its reset: it stops the loop
    # for a second or more, and a hold timer due meanwhile would fire late)
    driver.tap("home:search", hold=4.0)
    assert app.speech.mode and app.screens.current == "home"  # the held tile did nothing
    assert seconds_of(said(driver)) > 5  # how the mode works, then the home screen
    assert driver.exists("speech:slower") and driver.exists("speech:faster")
    assert driver.find("nav:speech_mode").text == "Chế độ đọc\nĐang bật"  # it shows it is on
    # a touched button says its name; touching it again chooses it
    driver.tap("home:search")
    assert app.screens.current == "home"
    name = said(driver)
    assert 1 < seconds_of(name) < 10
    driver.tap("home:search")
    assert app.screens.current == "search"
    assert driver.until(lambda: len(wavs(driver).files) > 0 and wavs(driver).files[-1] != name)
    assert seconds_of(said(driver)) > 3  # the new screen is read without asking
    # slower and faster change the voice's speed, within bounds
    rate = app.speech.speaker.voice.rate
    driver.tap("speech:slower")
    driver.tap("speech:slower")
    assert app.speech.speaker.voice.rate == rate - 20
    driver.tap("nav:home", hold=4.0)  # held again: off
    assert not app.speech.mode and not driver.exists("speech:slower")


def test_f1_turns_the_speech_mode_on_and_f2_reads_and_stops(driver: Driver) -> None:
    app = driver.app
    driver.press_key(KEY_F1)
    assert app.speech.mode
    # Kivy's own F1 settings panel never opens
    assert not any(isinstance(w, Settings) for w in driver.widgets())
    said(driver)
    driver.press_key(KEY_F1)
    assert not app.speech.mode
    said(driver)
    count = len(wavs(driver).files)
    driver.press_key(KEY_F2)
    assert seconds_of(said(driver)) > 3 and len(wavs(driver).files) == count + 1


def test_the_session_reset_turns_speech_off(driver: Driver) -> None:
    app = driver.app
    driver.press_key(KEY_F1)
    driver.tap("speech:faster")
    driver.tap("speech:faster")
    assert app.speech.speaker.voice.rate > app.services.config.speech.rate
    app.reset_session()
    driver.settle()
    assert not app.speech.mode and not app.speech.speaking
    assert app.speech.speaker.voice.rate == app.services.config.speech.rate
    assert driver.exists("nav:large_text") and not driver.exists("speech:faster")


def test_the_time_out_warning_is_spoken_and_can_be_extended(driver: Driver) -> None:
    app = driver.app
    driver.tap("home:help")
    count = len(wavs(driver).files)
    app.idle.last_touch -= app.idle.idle_seconds + 1
    app.tick()
    assert app.countdown.visible
    assert seconds_of(said(driver)) > 4 and len(wavs(driver).files) == count + 1
    app.tick()  # said once, not every second
    said(driver)
    assert len(wavs(driver).files) == count + 1
    driver.tap("idle:continue")
    app.tick()
    assert not app.countdown.visible and app.screens.current == "help"


def test_the_touch_that_ends_the_attract_loop_says_how_to_hear(driver: Driver) -> None:
    app = driver.app
    count = len(wavs(driver).files)
    app.idle.last_touch -= app.idle.attract_seconds + 1
    app.tick()
    assert app.attract.visible
    driver.tap_at(10, 10)
    assert not app.attract.visible
    assert seconds_of(said(driver)) > 3 and len(wavs(driver).files) == count + 1


def test_english_screens_are_read_in_english(driver: Driver) -> None:
    with spoken(driver) as requests:
        driver.tap("nav:language")
        assert i18n.language() == "en"
        driver.tap("nav:speak")
        assert driver.find("nav:speak").text in ("Stop reading", "Read aloud")
        assert seconds_of(said(driver)) > 3 and requests[-1][1] == "en"


def test_without_sound_the_kiosk_offers_no_read_aloud(tmp_path: Path) -> None:
    config = load_config(str(EXAMPLE_CONFIG), environ={})
    off = dataclasses.replace(config, speech=dataclasses.replace(config.speech, enabled=False))
    services = KioskServices(off)
    assert services.speaker is None and not services.audio.ok
    assert "speech.enabled" in services.audio.detail
    heard = KioskServices(config, speech_output=WavFolder(tmp_path))
    assert heard.speaker is not None


def test_a_screen_is_read_title_first_then_content_then_choices(driver: Driver) -> None:
    app = driver.app
    driver.tap("home:search")
    texts = reading_of(app.screen)
    assert texts and "q" not in texts and "w" not in texts  # the keyboard is not content
    buttons = [spoken_text(w) for w in app.screen.walk(restrict=True)
               if isinstance(w, BigButton) and spoken_text(w) and not _in_keyboard(w)]
    assert texts[-len(buttons):] == buttons  # the choices come last, in their order
    # nothing on screen, nothing said, no file
    count = len(wavs(driver).files)
    assert reading_of(Widget()) == []
    assert app.speech.speaker.say(reading_of(Widget()), "vi") == 0
    assert app.speech.speaker.wait() and len(wavs(driver).files) == count


def _in_keyboard(widget: Widget) -> bool:
    while widget is not None and widget.parent is not widget:
        if getattr(widget, "silent", False):
            return True
        widget = widget.parent
    return False


def test_in_the_speech_mode_a_chosen_key_reads_back_what_is_typed(driver: Driver) -> None:
    app = driver.app
    with spoken(driver) as requests:
        app.go("search")
        driver.settle()
        driver.press_key(KEY_F1)
        said(driver)
        driver.tap("key:k")  # its name: nothing typed yet
        heard = requests[-1][0]
        assert app.screen.query == "" and heard[-1] == i18n._("Touch again to choose.")
        driver.tap("key:k")  # chosen: typed, then read back
        assert driver.until(lambda: requests[-1][0] == ("k",))
        assert app.screen.query == "k"
        driver.tap("key:backspace")
        driver.tap("key:backspace")
        assert driver.until(lambda: requests[-1][0] == (i18n._("Empty."),))
