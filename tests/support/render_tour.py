"""`scripts/dev tour`: the real app on demo data, driven offscreen through every screen,
one PNG each, for people to look at (and tests/ui/test_tour.py to check).

    PYTHONPATH=tests .venv/bin/python -m support.render_tour --out DIR [--size WxH]...
        [--mode large-text] [--mode contrast]

A developer's tool, not a kiosk command: it feeds the app generated receipt and page
videos and collects its speech in WAV files, all from tests/support, which the product
never imports and the wheel does not ship.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.config import ConfigError, load_config
from kiosk.ui.launch import prepare_kivy

TESTS = Path(__file__).resolve().parents[1]
MODES = ("contrast", "large-text")  # as support.tour.MODES, which needs Kivy set up first
SIZES = ["1920x1080", "1080x1920", "1280x800"]


class BadSize(ValueError):
    pass


def size_of(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise BadSize(f"--size {text!r}: give it as WIDTHxHEIGHT, e.g. 1920x1080") from None
    if not (320 <= width <= 7680 and 320 <= height <= 7680):
        raise BadSize(f"--size {text!r}: each side must be 320 to 7680 pixels")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scripts/dev tour", description="Drive the real app on demo data through every "
        "screen and write one PNG per screen (needs no display).")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the PNGs")
    p.add_argument("--size", action="append", metavar="WxH", help="window size; repeat for "
                   "several (default: 1920x1080, 1080x1920 and 1280x800, in subfolders)")
    p.add_argument("--procedure", action="append", metavar="CODE", help="add this demo "
                   "procedure's detail screen, top and bottom (repeatable)")
    p.add_argument("--config", metavar="FILE", help="config file (default: as `kiosk run`)")
    p.add_argument("--mode", action="append", choices=sorted(MODES), help="walk the whole "
                   "tour with this mode switched on, as each visitor would (repeatable: "
                   "--mode large-text --mode contrast for both)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sizes = args.size or SIZES
    out = Path(args.out)
    try:
        if len(sizes) > 1:  # Kivy has one window per process: one process per size
            for size in sizes:
                size_of(size)
                command = [sys.executable, "-m", "support.render_tour", "--out",
                           str(out / size), "--size", size]
                for code in args.procedure or []:
                    command += ["--procedure", code]
                if args.config:
                    command += ["--config", args.config]
                for mode in args.mode or []:
                    command += ["--mode", mode]
                env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
                if subprocess.run(command, check=False, env=env).returncode:
                    print(f"tour: the tour at {size} failed", file=sys.stderr)
                    return 1
            return 0
        width, height = size_of(sizes[0])
        config = load_config(args.config)
    except (BadSize, ConfigError) as err:
        print(f"tour: {err}", file=sys.stderr)
        return 1
    prepare_kivy(width=width, height=height, fullscreen=False, offscreen=True)
    from support.tour import Tour

    shots = Tour(config, out, width, height, tuple(args.procedure or ()),
                 tuple(dict.fromkeys(args.mode or ()))).run()
    print(f"{len(shots)} screens at {width}x{height} in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
