"""Where spoken samples go: the sound card (through `aplay`, Debian package alsa-utils),
or nowhere (the tests' WAV files and paced silence are in tests/support/speech_outputs.py).

A kiosk without a sound card, or without the programs, keeps working silently: the
read-aloud control is not offered, and `audio_status()` says why for the operator's
screen and `kiosk doctor`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk.speech.voice import SAMPLE_RATE, espeak_path


class Sink(Protocol):
    def write(self, samples: bytes) -> None: ...

    def close(self) -> None:
        """Everything written has been (or will be) heard; wait for it."""

    def abort(self) -> None:
        """Silence now; may be called from another thread while `write` blocks."""


@dataclass(frozen=True)
class AudioStatus:
    ok: bool
    detail: str


def audio_status(device: str = "") -> AudioStatus:
    """Whether speech can be heard here, and if not, what is missing (for operators)."""
    if espeak_path() is None:
        return AudioStatus(False, "espeak-ng is not installed (apt install espeak-ng)")
    if shutil.which("aplay") is None:
        return AudioStatus(False, "aplay is not installed (apt install alsa-utils)")
    if device:
        return AudioStatus(True, f"sound device {device!r} (from the config)")
    cards = sorted(glob.glob("/dev/snd/pcmC*D*p"))
    if cards:
        return AudioStatus(True, f"{len(cards)} sound output(s): {', '.join(cards)}")
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    for server in ("pulse/native", "pipewire-0"):
        if runtime and Path(runtime, server).exists():
            return AudioStatus(True, f"sound server {server.split('/')[0]}")
    return AudioStatus(False, "no sound card: /dev/snd has no playback device")


class PipeSink:
    """Samples into another program's stdin, paced by it."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def write(self, samples: bytes) -> None:
        assert self.process.stdin is not None
        # aborted, or the player died: silence, not a crash
        with contextlib.suppress(BrokenPipeError, ValueError):
            self.process.stdin.write(samples)

    def close(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        self.process.wait()

    def abort(self) -> None:
        if self.process.poll() is None:
            self.process.kill()


class PlayerSink(PipeSink):
    """Samples to the sound card through aplay (a write blocks while its buffer is full)."""

    def __init__(self, device: str = "") -> None:
        command = ["aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", str(SAMPLE_RATE),
                   "-c", "1"]
        super().__init__([*command, "-D", device] if device else command)
