"""Form PDF pages drawn in a separate process under memory and time limits, without Kivy.

PDFium's work on a PDF is not bounded by the size of the file or of the page: a 2 KB PDF
of nested form XObjects took 24 s and 1.8 GB on the kiosk's UI thread, and a slightly
bigger one made PDFium abort the whole kiosk. So the kiosk never calls PDFium itself: a
worker process (one, kept between documents so that a normal page does not pay for its
start-up) draws the pages with kiosk/ui/pdf_pages.py, and

- has at most `MEMORY_BYTES` of address space (RLIMIT_AS): a bomb's allocations fail, and
  PDFium aborts the worker, not the kiosk;
- may use at most `CPU_SECONDS` of processor time per request (RLIMIT_CPU), so that it
  stops by itself even when the kiosk is no longer watching it;
- is killed by the kiosk when a request has not been answered within `PAGE_SECONDS`.

A worker that died or was killed is started again for the next request. Whatever goes
wrong comes out as `PdfError` (for a bomb, `CANNOT_SHOW`); a caller that no longer wants
the pages sets its `stop` event, and the worker is killed if it is busy.

Between the two processes: each request is a JSON line on the worker's stdin; each answer
a JSON line on its stdout, followed by `size` bytes of pixels for a page.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import math
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

import kiosk
from kiosk.ui.pdf_pages import (
    CANNOT_SHOW,
    MAX_PAGES,
    MAX_SIDE,
    MAX_TOTAL_PIXELS,
    PageImage,
    PdfError,
    PdfPages,
)

log = logging.getLogger(__name__)

# The worker's address space. The largest page the caps allow (MAX_SIDE² RGBA, 64 MB) is
# held twice while it is copied out, next to PDFium's caches and Python (~30 MB at start);
# the demo forms peak at 160 MB at that size. 512 MB leaves an honest but heavy form
# room, while a bomb fails within a second, long before a kiosk with 2-4 GB runs short.
MEMORY_BYTES = 512 * 1024 * 1024
# Wall-clock time for one request (opening a document, or drawing one page). A demo form's
# page takes 0.1-0.3 s here and perhaps ten times that on a kiosk's cheap processor; a
# person kept waiting longer than this is better told the form cannot be shown.
PAGE_SECONDS = 10.0
# Processor time for one request, counted by the kernel: above PAGE_SECONDS, as the kiosk
# kills a slow worker first. It matters when the kiosk is not watching (stopped, gone).
CPU_SECONDS = 15
# Python and PDFium start in 0.1 s here; an SD card after a cold boot is far slower.
START_SECONDS = 20.0
# The worker draws at a lower priority, so that on a two-core kiosk the UI's frames come
# first while a heavy page is drawn.
WORKER_NICE = 10
POLL_SECONDS = 0.1  # how often a wait looks at the caller's stop event
PIPE_BYTES = 1024 * 1024  # a page comes in fewer, larger reads (Linux allows 1 MB)

_ROOT = Path(kiosk.__file__).resolve().parents[1]  # where `python -m kiosk...` finds kiosk


class Cancelled(Exception):
    """The caller's stop event was set while the worker was busy: it was stopped."""


class _WorkerLost(Exception):
    """The worker died or was killed during a request; the message says how."""


class _Worker:
    """One renderer process and the two pipes to it."""

    def __init__(self, memory_bytes: int, cpu_seconds: int) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH"))
                                            if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk.ui.pdf_renderer", "--memory-bytes",
             str(memory_bytes), "--cpu-seconds", str(cpu_seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0)
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin: IO[bytes] = self.process.stdin
        self._fd = self.process.stdout.fileno()
        os.set_blocking(self._fd, False)
        with contextlib.suppress(OSError, AttributeError):
            fcntl.fcntl(self._fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self._buffer = bytearray()
        self.ready = False
        self.busy = False  # a request is sent and its answer not yet read

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request: dict[str, Any], deadline: float,
            stop: threading.Event | None) -> tuple[dict[str, Any], bytearray]:
        """Send `request` and wait for its answer (header, pixels) until `deadline`."""
        if not self.ready:
            hello, _ = self._receive(deadline, stop)
            if not hello.get("ready"):
                raise _WorkerLost(f"the renderer said {hello!r} instead of ready")
            self.ready = True
        self.tell(request)
        self.busy = True
        answer = self._receive(deadline, stop)
        self.busy = False
        return answer

    def tell(self, request: dict[str, Any]) -> None:
        """Send a request that has no answer."""
        try:
            self._stdin.write(json.dumps(request).encode() + b"\n")
        except OSError as error:  # the worker is gone; reading will say how
            log.debug("renderer pipe: %s", error)

    def signal_kill(self) -> None:
        """Only the signal: safe from another thread while a request is read (that thread
        then finds the pipe closed and tidies up)."""
        with contextlib.suppress(OSError):
            self.process.kill()

    def kill(self) -> None:
        """Kill, reap, and close the pipes: from the thread that reads them."""
        self.signal_kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

    def _receive(self, deadline: float, stop: threading.Event | None
                 ) -> tuple[dict[str, Any], bytearray]:
        while b"\n" not in self._buffer:
            self._buffer += self._read(PIPE_BYTES, deadline, stop)
        line, _, rest = self._buffer.partition(b"\n")
        header = json.loads(line)
        size = int(header.get("size", 0))
        pixels = bytearray(size)
        view = memoryview(pixels)
        got = min(len(rest), size)
        view[:got] = rest[:got]
        self._buffer = bytearray(rest[got:])
        while got < size:
            got += self._read_into(view[got:], deadline, stop)
        return header, pixels

    def _read(self, limit: int, deadline: float, stop: threading.Event | None) -> bytes:
        chunk = bytearray(limit)
        return bytes(chunk[:self._read_into(memoryview(chunk), deadline, stop)])

    def _read_into(self, view: memoryview, deadline: float,
                   stop: threading.Event | None) -> int:
        """Some bytes into `view`, waiting in slices so that a stop or the deadline is seen."""
        while True:
            try:
                count = os.readv(self._fd, [view])
            except BlockingIOError:
                count = -1
            if count == 0:
                story = self._exit_story()
                self.kill()
                raise _WorkerLost(story)
            if count > 0:
                return count
            if stop is not None and stop.is_set():
                self.kill()
                raise Cancelled()
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise TimeoutError()
            select.select([self._fd], [], [], min(left, POLL_SECONDS))

    def _exit_story(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return "the renderer closed its output"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"the renderer was stopped by {signal.Signals(-code).name}"
        return f"the renderer exited with status {code}"


class RemotePages:
    """An open document in the worker: `count` pages to show, each drawn by `render`."""

    def __init__(self, renderer: PdfRenderer, worker: _Worker, count: int, label: str,
                 stop: threading.Event | None) -> None:
        self._renderer = renderer
        self._worker = worker
        self.count = count
        self._label = label
        self._stop = stop

    def render(self, index: int) -> PageImage:
        """Page `index` (from 0); PdfError when it cannot be drawn within the limits."""
        if not 0 <= index < self.count:
            raise IndexError(index)
        header, pixels = self._renderer._ask(
            self._worker, {"op": "page", "index": index}, self._stop,
            f"page {index + 1} of {self._label}")
        return PageImage(int(header["width"]), int(header["height"]), pixels,
                         float(header["scale"]))


class PdfRenderer:
    """A pool of one renderer worker, shared by whoever shows PDFs (one job at a time).

    The limits are attributes, so a test may shorten them; the defaults are the module's
    constants.
    """

    def __init__(self, *, page_seconds: float = PAGE_SECONDS,
                 memory_bytes: int = MEMORY_BYTES, cpu_seconds: int = CPU_SECONDS,
                 start_seconds: float = START_SECONDS) -> None:
        self.page_seconds = page_seconds
        self.memory_bytes = memory_bytes
        self.cpu_seconds = cpu_seconds
        self.start_seconds = start_seconds
        self.starts = 0  # workers started so far (a restart after a bomb counts)
        self._worker: _Worker | None = None
        self._jobs = threading.Lock()  # one document at a time
        self._guard = threading.Lock()  # self._worker, between a job and stop()
        self._stopped = False

    @property
    def pid(self) -> int | None:
        """The worker's process id while one runs."""
        worker = self._worker
        return worker.pid if worker is not None and worker.alive() else None

    @property
    def busy(self) -> bool:
        """A request is with the worker now (it is drawing or opening)."""
        worker = self._worker
        return worker is not None and worker.busy

    def warm(self) -> None:
        """Start the worker now, so that the first page does not wait for it."""
        with self._guard:
            self._ensure()

    @contextlib.contextmanager
    def open(self, path: str | Path, width_px: int, *, height_px: int | None = None,
             max_side: int = MAX_SIDE, max_pages: int = MAX_PAGES,
             max_total_pixels: int = MAX_TOTAL_PIXELS,
             stop: threading.Event | None = None) -> Iterator[RemotePages]:
        """The document's pages to show, as `pdf_pages.PdfPages` would give them, drawn in
        the worker. Raises PdfError, or Cancelled once `stop` is set."""
        label = Path(path).name
        with self._jobs:
            if stop is not None and stop.is_set():
                raise Cancelled()
            with self._guard:
                worker = self._ensure()
            header, _ = self._ask(worker, {
                "op": "open", "path": str(path), "width": width_px, "height": height_px,
                "max_side": max_side, "max_pages": max_pages,
                "max_total_pixels": max_total_pixels}, stop, label)
            try:
                yield RemotePages(self, worker, int(header["count"]), label, stop)
            finally:
                if worker.alive() and not worker.busy:
                    worker.tell({"op": "close"})

    def render_pages(self, path: str | Path, width_px: int, *,
                     height_px: int | None = None) -> list[PageImage]:
        """Every page to show, drawn in the worker (for tests and the benchmark)."""
        with self.open(path, width_px, height_px=height_px) as pages:
            return [pages.render(index) for index in range(pages.count)]

    def stop(self) -> None:
        """Kill the worker; no other is started (the app is closing)."""
        with self._guard:
            self._stopped = True
            worker, self._worker = self._worker, None
        if worker is None:
            return
        worker.signal_kill()
        if self._jobs.acquire(blocking=False):  # else the job's thread tidies up
            try:
                worker.kill()
            finally:
                self._jobs.release()

    def _ensure(self) -> _Worker:
        if self._stopped:
            raise PdfError(CANNOT_SHOW, "the renderer is stopped")
        worker = self._worker
        if worker is not None and worker.alive():
            return worker
        if worker is not None:
            worker.kill()  # reaps it and closes its pipes
        self._worker = worker = _Worker(self.memory_bytes, self.cpu_seconds)
        self.starts += 1
        return worker

    def _ask(self, worker: _Worker, request: dict[str, Any], stop: threading.Event | None,
             what: str) -> tuple[dict[str, Any], bytearray]:
        seconds = self.page_seconds + (0 if worker.ready else self.start_seconds)
        try:
            header, pixels = worker.ask(request, time.monotonic() + seconds, stop)
        except TimeoutError:
            raise PdfError(CANNOT_SHOW, f"{what}: not done within {seconds:g} s, the "
                                        "renderer was stopped") from None
        except _WorkerLost as lost:
            raise PdfError(CANNOT_SHOW, f"{what}: {lost}") from None
        if "error" in header:
            raise PdfError(str(header["error"]), str(header.get("detail", "")))
        return header, pixels


# --- the worker process -------------------------------------------------------------------


def serve(memory_bytes: int, cpu_seconds: int, requests: BinaryIO, answers: BinaryIO) -> None:
    """The worker's loop: limit itself, then answer requests until its input ends."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # A bomb ends in an abort: no core file of it (a dump of up to MEMORY_BYTES per form).
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)
    _answer(answers, {"ready": True})
    pages: PdfPages | None = None
    for line in requests:
        request = json.loads(line)
        _allow_cpu(cpu_seconds)
        op = request.get("op")
        try:
            if op == "open":
                if pages is not None:
                    pages.close()
                    pages = None
                pages = PdfPages(request["path"], int(request["width"]),
                                 height_px=request["height"],
                                 max_side=int(request["max_side"]),
                                 max_pages=int(request["max_pages"]),
                                 max_total_pixels=int(request["max_total_pixels"]))
                _answer(answers, {"count": pages.count})
            elif op == "page":
                if pages is None:
                    raise ValueError("no document is open")
                image = pages.render(int(request["index"]))
                _answer(answers, {"width": image.width, "height": image.height,
                                  "scale": image.scale, "size": len(image.rgba)}, image.rgba)
            elif op == "close":
                if pages is not None:
                    pages.close()
                    pages = None
            else:
                raise ValueError(f"unknown request {op!r}")
        except PdfError as error:
            _answer(answers, {"error": error.reason, "detail": error.detail})
        except MemoryError:  # Python's own copy of a page did not fit in MEMORY_BYTES
            _answer(answers, {"error": CANNOT_SHOW, "detail": "out of memory"})
        except (ValueError, KeyError, IndexError) as error:
            _answer(answers, {"error": CANNOT_SHOW, "detail": f"{type(error).__name__}: "
                                                              f"{error}"})


def _allow_cpu(seconds: int) -> None:
    """RLIMIT_CPU counts the process's whole life: allow `seconds` more than used so far
    (SIGXCPU, whose default is to end the process, comes when they are spent)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + seconds
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _answer(answers: BinaryIO, header: dict[str, Any], pixels: bytes | bytearray = b""
            ) -> None:
    answers.write(json.dumps(header).encode() + b"\n")
    if pixels:
        answers.write(pixels)
    answers.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="The kiosk's PDF renderer worker (started by the kiosk; it reads "
                    "requests on stdin and answers on stdout).")
    parser.add_argument("--memory-bytes", type=int, default=MEMORY_BYTES)
    parser.add_argument("--cpu-seconds", type=int, default=CPU_SECONDS)
    args = parser.parse_args(argv)
    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not corrupt the answers
    serve(args.memory_bytes, args.cpu_seconds, sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
