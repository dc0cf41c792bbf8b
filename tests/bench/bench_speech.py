"""Time from touching "Đọc to" on a procedure's detail screen to the first samples
reaching the audio output, through the real app (offscreen, 1280x800), the real
screen-reading walk, the text rewriting and espeak-ng. Target: <= 300 ms.

The clock starts at the finger's touch (touch-down; the button acts when the finger
lifts, a frame later, and that is printed too) and stops when the first samples are
written to the output. The output is a pipe into a separate process, as with `aplay`
(this machine has no sound card). As the baseline measured in the same run: espeak-ng
started directly on the screen's first piece of text, to its first samples, which is
the least any read-aloud can take here.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for support
from kiosk.ui.launch import prepare_kivy

prepare_kivy(width=1280, height=800, fullscreen=False, offscreen=True)

from kivy.tests.common import UnitTestTouch  # noqa: E402
from support.driver import Driver  # noqa: E402
from support.tour import SAMPLE_PROCEDURE, demo_services  # noqa: E402

from kiosk.config.settings import EXAMPLE_CONFIG, load_config  # noqa: E402
from kiosk.speech.output import PipeSink  # noqa: E402
from kiosk.speech.reading import speakable  # noqa: E402
from kiosk.speech.voice import Synthesis, Voice  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.ui.reading import reading_of  # noqa: E402

RUNS = 20


def baseline(text: str, voice: Voice) -> float:
    started = time.monotonic()
    synthesis = Synthesis(text, "vi", voice)
    for _chunk in synthesis:
        elapsed = time.monotonic() - started
        synthesis.kill()
        return elapsed
    raise RuntimeError("espeak-ng said nothing")


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(values) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms"


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="bench-speech-"))
    services, stop_api = demo_services(load_config(str(EXAMPLE_CONFIG), environ={}), data)
    services.speech_output = lambda: PipeSink(["cat"])  # as aplay takes them, minus a card
    driver = Driver(KioskApp(services))
    app = driver.app
    speaker = app.speech.speaker
    assert speaker is not None, services.audio.detail
    from_touch: list[float] = []
    from_release: list[float] = []
    direct: list[float] = []
    pieces = 0
    try:
        for _run in range(RUNS):
            app.home()
            app.go("detail", code=SAMPLE_PROCEDURE)
            driver.frames(4)
            button = driver.find("nav:speak")
            touch = UnitTestTouch(*button.to_window(*button.center))
            touched = time.monotonic()
            touch.touch_down()
            driver.frames(1)
            released = time.monotonic()
            touch.touch_up()
            if not driver.until(lambda: speaker.first_audio_at is not None, 10):
                raise RuntimeError("no audio within 10 s")
            assert speaker.first_audio_at is not None
            from_touch.append(speaker.first_audio_at - touched)
            from_release.append(speaker.first_audio_at - released)
            speaker.stop()
            speaker.wait(5)
            texts = reading_of(app.screen)
            pieces = len(texts)
            direct.append(baseline(speakable(texts[0], "vi"), speaker.voice))
    finally:
        services.stop()
        stop_api()
    print(f"'Đọc to' on the detail screen of {SAMPLE_PROCEDURE} ({pieces} pieces of text), "
          f"{RUNS} runs, 1280x800 offscreen, output a pipe:")
    print(f"  touch to first samples:        {summary(from_touch)}")
    print(f"  release to first samples:      {summary(from_release)}")
    print(f"  baseline, espeak-ng alone on the first piece: {summary(direct)}")
    ratio = statistics.median(from_touch) / statistics.median(direct)
    print(f"  ratio touch / baseline (medians): {ratio:.1f}x")
    verdict = "met" if statistics.median(from_touch) <= 0.3 else "MISSED"
    print(f"  target median <= 300 ms from the touch: {verdict}")


if __name__ == "__main__":
    main()
