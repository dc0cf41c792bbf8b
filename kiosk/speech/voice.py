"""The voice: espeak-ng (Debian package `espeak-ng`) rendering text to raw samples.

espeak-ng writes a WAV stream to stdout as it synthesizes, so the first samples of a
sentence come within milliseconds; the kiosk gives it one short piece at a time (a
title, a paragraph, a button) so that reading a long screen starts at once and can be
stopped between pieces. Text goes in on stdin: nothing a screen shows can become an
option on a command line.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import typing
from collections.abc import Iterator
from dataclasses import dataclass

SAMPLE_RATE = 22050  # espeak-ng's output: 16-bit signed little-endian mono
SAMPLE_BYTES = 2
WAV_HEADER = 44
VOICES = {
    ("vi", "northern"): "vi",
    ("vi", "central"): "vi-vn-x-central",
    ("vi", "southern"): "vi-vn-x-south",
}
SLOWEST, FASTEST = 80, 260  # words per minute a listener can still follow / bear


@functools.cache
def espeak_path() -> str | None:
    """Looked up once a process: each piece of a screen starts the program again."""
    return shutil.which("espeak-ng")


@dataclass(frozen=True)
class Voice:
    """Which espeak-ng voice and how fast (words per minute)."""

    dialect: str = "northern"
    rate: int = 150

    def name(self, language: str) -> str:
        return VOICES.get((language, self.dialect), "vi") if language == "vi" else "en"

    def at_rate(self, rate: int) -> Voice:
        return Voice(self.dialect, max(SLOWEST, min(FASTEST, rate)))


class Synthesis:
    """One piece of text being spoken: iterate for raw sample chunks; `kill()` stops it."""

    def __init__(self, text: str, language: str, voice: Voice) -> None:
        program = espeak_path()
        if program is None:
            raise FileNotFoundError("espeak-ng is not installed")
        self.process = subprocess.Popen(
            [program, "-v", voice.name(language), "-s", str(voice.rate), "--stdout",
             "--stdin", "-b", "1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(text.encode("utf-8"))
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # it died at once; the empty output says so

    def __iter__(self) -> Iterator[bytes]:
        # a pipe opened unbuffered=False is a BufferedReader, which has read1 (typeshed
        # says only IO[bytes])
        stdout = typing.cast(io.BufferedReader, self.process.stdout)
        skip = WAV_HEADER
        while True:
            try:
                chunk = stdout.read1(4096)
            except (ValueError, OSError):
                break  # killed and closed from another thread: stopped, not an error
            if not chunk:
                break
            if skip:
                dropped = min(skip, len(chunk))
                chunk, skip = chunk[dropped:], skip - dropped
                if not chunk:
                    continue
            yield chunk
        self.process.wait()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
