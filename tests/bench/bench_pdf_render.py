"""Form PDF pages for the viewer: drawn in the caller's process (how the kiosk drew them
before the renderer process, the baseline) against the renderer worker, warm (a normal
form) and started afresh for each document (the first form after a hostile one), measured
in the same run on the same files; then how long hostile PDFs take to be refused.

Each demo form and sample (assets/demo) is drawn for a 1920×1080 screen, as the viewer asks
(OVERSAMPLE × the screen). Times are the best of --repeats runs per document: on a shared
machine the minimum is the code's own cost. No assertion is made about time.

    .venv/bin/python tests/bench/bench_pdf_render.py [--repeats 3] [--limit 20] [--bombs]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests")]
# The viewer's OVERSAMPLE comes with Kivy: keep it off this script's arguments and output.
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

from kiosk.ui.pdf_pages import PdfError, iter_pages  # noqa: E402
from kiosk.ui.pdf_renderer import PdfRenderer  # noqa: E402
from kiosk.ui.pdf_viewer import OVERSAMPLE  # noqa: E402

SCREEN = (1920, 1080)
BOX = (SCREEN[0] * OVERSAMPLE, SCREEN[1] * OVERSAMPLE)

# One document drawn: (seconds to its first page, seconds to its last, pages, pixels).
Draw = Callable[[Path], tuple[float, float, int, int]]


def in_process(path: Path) -> tuple[float, float, int, int]:
    start = time.perf_counter()
    first, pages, pixels = 0.0, 0, 0
    for page in iter_pages(path, BOX[0], height_px=BOX[1]):
        pages += 1
        pixels += page.width * page.height
        if pages == 1:
            first = time.perf_counter() - start
    return first, time.perf_counter() - start, pages, pixels


def through(renderer: PdfRenderer) -> Draw:
    def draw(path: Path) -> tuple[float, float, int, int]:
        start = time.perf_counter()
        first, pixels = 0.0, 0
        with renderer.open(path, BOX[0], height_px=BOX[1]) as pages:
            for index in range(pages.count):
                page = pages.render(index)
                pixels += page.width * page.height
                if index == 0:
                    first = time.perf_counter() - start
            count = pages.count
        return first, time.perf_counter() - start, count, pixels
    return draw


def fresh_worker(path: Path) -> tuple[float, float, int, int]:
    """A worker started for this document alone: the first form after a killed one (and
    what every form would cost without a long-lived worker)."""
    renderer = PdfRenderer()
    try:
        return through(renderer)(path)
    finally:
        renderer.stop()


def best(draw: Draw, path: Path, repeats: int) -> tuple[float, float, int, int]:
    runs = [draw(path) for _ in range(repeats)]
    return (min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2], runs[0][3])


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="at most this many files")
    parser.add_argument("--bombs", action="store_true",
                        help="also time the refusal of hostile PDFs (about 15 s more)")
    args = parser.parse_args()
    files = sorted((REPO / "assets" / "demo").glob("*/*.pdf"))
    if args.limit:
        files = files[:args.limit]
    warm = PdfRenderer()
    ways: dict[str, Draw] = {"in process": in_process, "worker, warm": through(warm),
                             "worker, fresh": fresh_worker}
    for draw in ways.values():  # PDFium's and the worker's start-up are not a form's cost
        draw(files[0])

    print(f"form PDF pages for a {SCREEN[0]}×{SCREEN[1]} screen (box {BOX[0]}×{BOX[1]} px): "
          f"{len(files)} demo files, best of {args.repeats} runs each")
    results: dict[str, list[tuple[float, float, int, int]]] = {name: [] for name in ways}
    started = time.perf_counter()
    for path in files:
        for name, draw in ways.items():
            results[name].append(best(draw, path, args.repeats))
    warm.stop()
    pages = sum(r[2] for r in results["in process"])
    megapixels = sum(r[3] for r in results["in process"]) / 1e6
    print(f"{pages} pages, {megapixels:.0f} Mpx in all (measured in "
          f"{time.perf_counter() - started:.0f} s)")
    print(f"{'':<15} {'first page ms':>22} {'whole document ms':>22} {'ms per page':>12}")
    print(f"{'':<15} {'median':>10} {'p95':>11} {'median':>10} {'p95':>11} {'median':>12}")
    base = results["in process"]
    for name, rows in results.items():
        firsts = [r[0] * 1000 for r in rows]
        wholes = [r[1] * 1000 for r in rows]
        per_page = [r[1] * 1000 / r[2] for r in rows]
        print(f"{name:<15} {statistics.median(firsts):>10.1f} {p95(firsts):>11.1f} "
              f"{statistics.median(wholes):>10.1f} {p95(wholes):>11.1f} "
              f"{statistics.median(per_page):>12.1f}")
    print()
    print("against in process (median over the files of each file's ratio):")
    for name, rows in results.items():
        if rows is base:
            continue
        first = statistics.median(r[0] / b[0] for r, b in zip(rows, base, strict=True))
        whole = statistics.median(r[1] / b[1] for r, b in zip(rows, base, strict=True))
        extra = statistics.median((r[1] - b[1]) * 1000 for r, b in zip(rows, base, strict=True))
        print(f"  {name:<15} first page {first:4.2f}x   whole document {whole:4.2f}x "
              f"({extra:+.1f} ms)")

    if args.bombs:
        import pdf_bombs

        print()
        print("hostile PDFs: time until the worker's answer that the form cannot be shown "
              "(default limits)")
        renderer = PdfRenderer()
        renderer.render_pages(files[0], 100)
        with tempfile.TemporaryDirectory() as folder:
            for name, data in [("nested form XObjects", pdf_bombs.nested_forms()),
                               ("huge content, huge page", pdf_bombs.huge_content()),
                               ("slow shading", pdf_bombs.slow_shading())]:
                path = Path(folder) / "bomb.pdf"
                path.write_bytes(data)
                start = time.perf_counter()
                try:
                    renderer.render_pages(path, BOX[0], height_px=BOX[1])
                    outcome = "drawn!"
                except PdfError as error:
                    outcome = error.detail.split(": ", 1)[-1]
                print(f"  {name:<24} {len(data) / 1000:>7.1f} kB  "
                      f"{time.perf_counter() - start:6.2f} s  {outcome}")
        renderer.stop()


if __name__ == "__main__":
    main()
