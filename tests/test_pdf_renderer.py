"""Tests for kiosk/ui/pdf_renderer.py: pages drawn in a worker process under limits; real
PDF bombs (tests/pdf_bombs.py) cost the worker, never the test process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")

import pdf_bombs

from kiosk.ui import pdf_pages, pdf_renderer
from kiosk.ui.pdf_pages import CANNOT_SHOW, PdfError, render_pages
from kiosk.ui.pdf_renderer import Cancelled, PdfRenderer

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "assets" / "demo" / "samples" / "HT-TK-KHAI-SINH.pdf"  # 2 A4 pages
BOX = (1527, 2160)  # what the viewer asks on a 1920×1080 screen


@pytest.fixture
def renderer() -> Iterator[PdfRenderer]:
    made = PdfRenderer()
    yield made
    made.stop()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def status_kb(field: str) -> int:
    """A field of /proc/self/status, in kB (VmRSS: resident now; VmHWM: its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def gone(pid: int | None) -> bool:
    """The process has ended (a zombie whose parent is gone counts: it runs nothing)."""
    assert pid is not None
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def refused(renderer: PdfRenderer, path: Path) -> PdfError:
    with pytest.raises(PdfError) as caught:
        renderer.render_pages(path, BOX[0], height_px=BOX[1])
    return caught.value


def test_a_form_comes_out_of_the_worker_as_drawn_in_process(renderer: PdfRenderer) -> None:
    remote = renderer.render_pages(SAMPLE, BOX[0], height_px=BOX[1])
    local = render_pages(SAMPLE, BOX[0], height_px=BOX[1])
    assert [(p.width, p.height, p.scale) for p in remote] == [
        (p.width, p.height, p.scale) for p in local]
    assert [bytes(p.rgba) for p in remote] == [p.rgba for p in local]
    assert renderer.starts == 1 and renderer.pid not in (None, os.getpid())


def test_one_worker_serves_one_document_after_another(renderer: PdfRenderer) -> None:
    renderer.render_pages(SAMPLE, 300)
    first = renderer.pid
    with renderer.open(SAMPLE, 300) as pages:
        assert pages.count == 2
        assert pages.render(1).width == 300
    assert renderer.pid == first and renderer.starts == 1


def test_the_worker_runs_under_its_limits(renderer: PdfRenderer) -> None:
    renderer.render_pages(SAMPLE, 300)
    limits = Path(f"/proc/{renderer.pid}/limits").read_text()
    address = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert address.split()[3:5] == [str(pdf_renderer.MEMORY_BYTES)] * 2
    core = next(line for line in limits.splitlines() if line.startswith("Max core file size"))
    assert core.split()[4:6] == ["0", "0"]
    cpu = next(line for line in limits.splitlines() if line.startswith("Max cpu time"))
    assert cpu.split()[3] != "unlimited"  # set for each request
    stat = Path(f"/proc/{renderer.pid}/stat").read_text().rsplit(")", 1)[1].split()
    assert int(stat[16]) == min(os.nice(0) + pdf_renderer.WORKER_NICE, 19)  # field 19: nice


def test_the_limits_are_what_the_module_says() -> None:
    assert pdf_renderer.MEMORY_BYTES == 512 * 1024 * 1024
    assert pdf_renderer.PAGE_SECONDS == 10
    assert pdf_renderer.CPU_SECONDS > pdf_renderer.PAGE_SECONDS  # the kiosk's kill comes first
    # the largest page the caps allow fits, twice over, in the worker's memory
    assert 2 * pdf_pages.MAX_SIDE ** 2 * 4 < pdf_renderer.MEMORY_BYTES / 2


def test_bad_files_give_the_same_reasons_as_in_process(renderer: PdfRenderer,
                                                       tmp_path: Path) -> None:
    assert refused(renderer, tmp_path / "nowhere.pdf").reason == pdf_pages.MISSING
    html = write(tmp_path, "form.pdf", b"<!doctype html><html>Wi-Fi</html>")
    assert refused(renderer, html).reason == pdf_pages.NOT_PDF
    garbage = write(tmp_path, "garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert refused(renderer, garbage).reason == pdf_pages.DAMAGED
    assert renderer.starts == 1  # a refusal is an answer, not a dead worker


@pytest.mark.parametrize("bomb", [pdf_bombs.nested_forms, pdf_bombs.huge_content],
                         ids=["nested-form-xobjects", "huge-content-on-a-huge-page"])
def test_a_memory_bomb_draws_nothing_and_costs_the_kiosk_nothing(
        renderer: PdfRenderer, tmp_path: Path, bomb: object) -> None:
    data = bomb()  # type: ignore[operator]
    path = write(tmp_path, "bomb.pdf", data)
    renderer.render_pages(SAMPLE, 300)  # the worker is up: its start is not measured
    rss, peak = status_kb("VmRSS"), status_kb("VmHWM")
    error = refused(renderer, path)
    assert error.reason == CANNOT_SHOW
    assert "renderer was stopped by SIG" in error.detail  # PDFium aborted, in the worker
    # Drawn here, the bomb takes gigabytes (tests/pdf_bombs.py): the kiosk grew by none.
    assert status_kb("VmRSS") - rss < 50_000
    assert status_kb("VmHWM") - peak < 50_000
    assert renderer.pid is None  # dead, and reaped
    pages = renderer.render_pages(SAMPLE, 300)
    assert len(pages) == 2 and renderer.starts == 2  # the next form gets a new worker


def test_a_slow_page_is_stopped_at_the_deadline(tmp_path: Path) -> None:
    renderer = PdfRenderer(page_seconds=1.5)
    try:
        renderer.render_pages(SAMPLE, 300)
        worker = renderer.pid
        error = refused(renderer, write(tmp_path, "slow.pdf", pdf_bombs.slow_shading()))
        assert error.reason == CANNOT_SHOW
        assert "not done within 1.5 s" in error.detail
        assert gone(worker)  # killed
        assert len(renderer.render_pages(SAMPLE, 300)) == 2
        assert renderer.starts == 2
    finally:
        renderer.stop()


def test_the_processor_limit_stops_a_worker_that_nobody_watches(tmp_path: Path) -> None:
    # The kiosk's deadline is out of the way: the kernel's RLIMIT_CPU ends the page.
    renderer = PdfRenderer(page_seconds=600, cpu_seconds=1)
    try:
        error = refused(renderer, write(tmp_path, "slow.pdf", pdf_bombs.slow_shading()))
        assert error.reason == CANNOT_SHOW
        assert "stopped by SIGXCPU" in error.detail
        assert len(renderer.render_pages(SAMPLE, 300)) == 2
    finally:
        renderer.stop()


def test_a_bomb_page_after_a_good_one(renderer: PdfRenderer, tmp_path: Path) -> None:
    path = write(tmp_path, "mixed.pdf", pdf_bombs.plain_then_nested_forms())
    with renderer.open(path, 300) as pages:
        assert pages.count == 3  # counting pages parses none of them
        first = pages.render(0)
        assert first.width == 300 and min(first.rgba[0::4]) < 128  # ink
        with pytest.raises(PdfError) as caught:
            pages.render(1)
        assert caught.value.reason == CANNOT_SHOW
    assert len(renderer.render_pages(SAMPLE, 300)) == 2


def test_a_stop_kills_a_busy_worker_at_once(renderer: PdfRenderer, tmp_path: Path) -> None:
    path = write(tmp_path, "slow.pdf", pdf_bombs.slow_shading())
    stop = threading.Event()
    outcome: list[BaseException] = []

    def draw() -> None:
        try:
            with renderer.open(path, BOX[0], height_px=BOX[1], stop=stop) as pages:
                pages.render(0)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=draw)
    thread.start()
    deadline = time.monotonic() + 30
    while not renderer.busy and time.monotonic() < deadline:
        time.sleep(0.01)
    assert renderer.busy
    worker = renderer.pid
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert gone(worker)
    assert len(renderer.render_pages(SAMPLE, 300)) == 2


def test_after_stop_nothing_is_drawn_and_no_worker_runs(tmp_path: Path) -> None:
    renderer = PdfRenderer()
    renderer.render_pages(SAMPLE, 300)
    worker = renderer.pid
    renderer.stop()
    assert renderer.pid is None and gone(worker)
    with pytest.raises(PdfError):
        renderer.render_pages(SAMPLE, 300)


KIOSK = """
import sys, time
from kiosk.ui.pdf_renderer import PdfRenderer
renderer = PdfRenderer()
renderer.render_pages(sys.argv[1], 100)
print(renderer.pid, flush=True)
time.sleep(600)
"""


def test_the_worker_ends_when_the_kiosk_is_killed() -> None:
    kiosk = subprocess.Popen([sys.executable, "-c", KIOSK, str(SAMPLE)], cwd=REPO,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert kiosk.stdout is not None
        worker = int(kiosk.stdout.readline())
        assert not gone(worker)
    finally:
        kiosk.kill()
        kiosk.wait()
    # Its requests end with the kiosk's pipe: the worker exits instead of lingering.
    deadline = time.monotonic() + 30
    while not gone(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(worker)
