"""Speech outputs for the tests and the tour: WAV files to listen to and measure, and
silence that takes as long as the speech would. Not shipped: the kiosk speaks through
kiosk.speech.output."""

from __future__ import annotations

import threading
import wave
from collections.abc import Callable
from pathlib import Path

from kiosk.speech.output import Sink
from kiosk.speech.voice import SAMPLE_BYTES, SAMPLE_RATE


class WavSink:
    """Samples to a WAV file: how the tests hear the kiosk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = wave.open(str(path), "wb")  # noqa: SIM115 - closed in close()
        self.file.setnchannels(1)
        self.file.setsampwidth(SAMPLE_BYTES)
        self.file.setframerate(SAMPLE_RATE)
        self.closed = False
        self.aborted = False

    def write(self, samples: bytes) -> None:
        if not (self.closed or self.aborted):
            self.file.writeframes(samples)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.file.close()

    def abort(self) -> None:
        # another thread: only mark it; the speaker's worker closes the file (closing it
        # here raced with a write in progress)
        self.aborted = True


class WavFolder:
    """A new numbered WAV file for each thing said: the speech output of the tests and
    the tour (where no sound card is needed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []

    def __call__(self) -> WavSink:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"speech-{len(self.files) + 1:04d}.wav"
        self.files.append(path)
        return WavSink(path)


class PacedSilence:
    """Samples dropped at the pace a sound card plays them: speech takes its real time
    without a sound card (the tour's pictures of "Dừng đọc", tests of stopping)."""

    def __init__(self) -> None:
        self.written = 0
        self.aborted = threading.Event()
        self.closed = False

    def write(self, samples: bytes) -> None:
        self.written += len(samples)
        self.aborted.wait(len(samples) / (SAMPLE_RATE * SAMPLE_BYTES))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted.set()


class Collecting:
    """A sink factory that keeps every sink it made (tests look at them)."""

    def __init__(self, make: Callable[[], Sink]) -> None:
        self.make = make
        self.sinks: list[Sink] = []

    def __call__(self) -> Sink:
        self.sinks.append(self.make())
        return self.sinks[-1]


def seconds_of(path: Path) -> float:
    """The length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as file:
        return file.getnframes() / file.getframerate()
