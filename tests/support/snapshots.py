"""Reference pictures of a few key screens, and a tolerant comparison against them.

    python -m support.snapshots --size 1920x1080 --out DIR     draw the screens into DIR
    python -m support.snapshots --update tests/ui/snapshots     redraw the references

`scripts/dev snapshots` does the second at the three panel sizes: a changed screen fails
tests/ui/test_snapshots.py until its reference is redrawn on purpose. One process per
size, because the offscreen window cannot change its size after it is made.

The comparison is perceptual, not byte for byte: both pictures are scaled down (each
pixel the mean of a block, which evens out anti-aliasing and font hinting), and a screen
differs when enough of those blocks changed clearly. The clock is fixed, scroll bars (which
fade on a timer) are left out and the demo data is synced fresh, so nothing else moves
between runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SIZES = ((1920, 1080), (1080, 1920), (1280, 800))
BLOCK = 16  # px of the screen per compared pixel (a 1 px shift moves a block by 1/16)
CHANGED = 32  # a block whose mean moved by more than this (of 255, any channel) changed
MOST_CHANGED_SHARE = 0.001  # more than this share of changed blocks: a different screen
FIXED_CLOCK = "08:00 · Thứ Hai, 01/12/2026"


@dataclass(frozen=True)
class Difference:
    changed_share: float  # of the blocks
    mean: float  # mean absolute difference of the blocks, 0..255
    size_differs: bool = False

    @property
    def same(self) -> bool:
        return not self.size_differs and self.changed_share <= MOST_CHANGED_SHARE


def compare(reference: Path, picture: Path) -> Difference:
    import cv2

    a, b = cv2.imread(str(reference)), cv2.imread(str(picture))
    if a is None or b is None or a.shape != b.shape:
        return Difference(1.0, 255.0, size_differs=True)
    small = (a.shape[1] // BLOCK, a.shape[0] // BLOCK)
    a = cv2.resize(a, small, interpolation=cv2.INTER_AREA).astype(np.int16)
    b = cv2.resize(b, small, interpolation=cv2.INTER_AREA).astype(np.int16)
    diff = np.abs(a - b)
    changed = (diff.max(axis=2) > CHANGED).mean()
    return Difference(float(changed), float(diff.mean()))


def difference_picture(reference: Path, picture: Path, out: Path) -> None:
    """The new picture with what changed painted red, for whoever reads the failure."""
    import cv2

    a, b = cv2.imread(str(reference)), cv2.imread(str(picture))
    if a is None or b is None or a.shape != b.shape:
        return
    mask = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > CHANGED
    marked = b.copy()
    marked[mask] = (0, 0, 255)
    cv2.imwrite(str(out), marked)


# --- drawing the screens (needs Kivy; imported only in the drawing process) --------------

def _screens() -> dict[str, Callable[..., None]]:
    def home(d: object) -> None:
        d.app.home()  # type: ignore[attr-defined]

    def home_large_contrast(d: object) -> None:
        d.tap("nav:large_text")  # type: ignore[attr-defined]
        d.tap("nav:contrast")  # type: ignore[attr-defined]

    def browse(d: object) -> None:
        d.app.go("browse")  # type: ignore[attr-defined]

    def detail(d: object) -> None:
        d.app.go("detail", code="1.001193")  # type: ignore[attr-defined]

    return {"home": home, "home-large-contrast": home_large_contrast, "browse": browse,
            "detail": detail}


def draw(out: Path, width: int, height: int) -> list[Path]:
    from kiosk.ui.launch import prepare_kivy

    prepare_kivy(width=width, height=height, fullscreen=False, offscreen=True)
    from kivy.uix.scrollview import ScrollView

    from kiosk.config.settings import EXAMPLE_CONFIG, load_config
    from kiosk.ui.app import KioskApp
    from support.driver import Driver
    from support.tour import demo_services

    config = load_config(str(EXAMPLE_CONFIG), environ={})
    shots = []
    with tempfile.TemporaryDirectory(prefix="kiosk-snapshots-") as data:
        services, stop_api = demo_services(config, Path(data))
        try:
            app = KioskApp(services)
            driver = Driver(app)
            header = app.header
            header.tick = lambda: setattr(header.clock, "text", FIXED_CLOCK)  # type: ignore
            # the network badge shows once the first check has answered (it starts after
            # the first frame): wait for it, or the header depends on the machine's speed
            checked = driver.until(lambda: services.connectivity.checked_at > 0, 30)
            assert checked, "the network check never answered"
            app.tick()
            for name, show in _screens().items():
                app.reset_session()
                driver.frames()
                show(driver)
                driver.frames(4)
                for widget in driver.widgets():  # a scroll bar fades on a timer: left out
                    if isinstance(widget, ScrollView):
                        widget.bar_width = 0
                shots.append(driver.screenshot(out / f"{name}.png"))
        finally:
            services.stop()
            stop_api()
    return shots


def draw_in_process(out: Path, size: tuple[int, int]) -> None:
    """Draw the screens at `size` in a process of their own."""
    command = [sys.executable, "-m", "support.snapshots", "--size", f"{size[0]}x{size[1]}",
               "--out", str(out)]
    tests = str(Path(__file__).resolve().parents[1])  # where the package `support` is
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [tests, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"drawing the snapshots at {size} failed:\n{done.stderr[-3000:]}")


def folder(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m support.snapshots",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--size", help="WxH: draw at this size into --out")
    parser.add_argument("--out", type=Path, help="folder for the pictures")
    parser.add_argument("--update", type=Path, metavar="DIR",
                        help="redraw the references in DIR at every size")
    args = parser.parse_args(argv)
    if args.update:
        for size in SIZES:
            draw_in_process(args.update / folder(size), size)
            print(f"redrew {args.update / folder(size)}")
        return 0
    if not (args.size and args.out):
        parser.error("give --size and --out, or --update DIR")
    width, height = (int(v) for v in args.size.lower().split("x"))
    draw(args.out, width, height)
    return 0


if __name__ == "__main__":
    sys.exit(main())
