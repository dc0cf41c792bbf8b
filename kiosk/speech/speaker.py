"""Speaking without ever blocking the screen: a worker thread reads the pieces one by one.

`say()` replaces whatever is being said (a new screen is read from its start); `stop()`
silences at once. Both only set a request and kill the running voice and player; the
worker does the slow parts. The sink is opened on the first samples, so a screen with
nothing to say makes no sound and no file.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kiosk.speech.output import Sink
from kiosk.speech.reading import speakable
from kiosk.speech.voice import Synthesis, Voice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Request:
    pieces: tuple[str, ...]
    language: str
    number: int


class Speaker:
    def __init__(self, voice: Voice, make_sink: Callable[[], Sink]) -> None:
        self.voice = voice
        self.make_sink = make_sink
        self._lock = threading.Condition()
        self._number = 0  # the latest request; older ones stop at the next chunk
        self._pending: _Request | None = None
        self._synthesis: Synthesis | None = None
        self._sink: Sink | None = None
        self._thread: threading.Thread | None = None
        self._busy = False
        self.requested_at = 0.0
        self.first_audio_at: float | None = None  # when the first samples reached the sink
        self.pieces_spoken = 0

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._busy or self._pending is not None

    def say(self, texts: Sequence[str], language: str) -> int:
        """Read `texts` in order, after stopping anything being said; returns how many
        pieces there are to say (0: nothing, and nothing is heard)."""
        pieces = tuple(p for p in (speakable(t, language, self.voice.dialect)
                                   for t in texts) if any(c.isalnum() for c in p))
        with self._lock:
            self._number += 1
            self._silence()
            self.requested_at = time.monotonic()
            self.first_audio_at = None
            self._pending = _Request(pieces, language, self._number) if pieces else None
            self._lock.notify()
        if pieces:
            self._ensure_worker()
        return len(pieces)

    def stop(self) -> None:
        with self._lock:
            self._number += 1
            self._pending = None
            self._silence()

    def set_rate(self, rate: int) -> None:
        self.voice = self.voice.at_rate(rate)

    def wait(self, timeout: float = 30) -> bool:
        """Until everything asked has been said (tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while self.speaking:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _silence(self) -> None:
        # under the lock: the worker's voice and player stop where they are
        if self._synthesis is not None:
            self._synthesis.kill()
        if self._sink is not None:
            self._sink.abort()

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="speech", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                while self._pending is None:
                    self._lock.wait()
                request, self._pending = self._pending, None
                self._busy = True
            try:
                self._speak(request)
            except Exception:
                log.exception("speech failed")
            with self._lock:
                self._busy = False

    def _keep(self, request: _Request, *, synthesis: Synthesis | None = None,
              sink: Sink | None = None) -> bool:
        """Hand a new voice or output to `_silence`, unless the request is already stale
        (then it is stopped here)."""
        with self._lock:
            if request.number == self._number:
                if synthesis is not None:
                    self._synthesis = synthesis
                if sink is not None:
                    self._sink = sink
                return True
        if synthesis is not None:
            synthesis.kill()
        if sink is not None:
            sink.abort()
        return False

    def _speak(self, request: _Request) -> None:
        sink: Sink | None = None
        try:
            for piece in request.pieces:
                # programs are started outside the lock the UI thread takes (say, stop,
                # speaking); one that a newer request has made stale is killed at once
                synthesis = Synthesis(piece, request.language, self.voice)
                if not self._keep(request, synthesis=synthesis):
                    return
                for chunk in synthesis:
                    if request.number != self._number:
                        return
                    if sink is None:
                        sink = self.make_sink()
                        if not self._keep(request, sink=sink):
                            return
                        self.first_audio_at = time.monotonic()
                    sink.write(chunk)
                self.pieces_spoken += 1
        finally:
            with self._lock:
                if self._synthesis is not None:
                    self._synthesis.kill()
                self._synthesis, self._sink = None, None
            if sink is not None:
                sink.close()
