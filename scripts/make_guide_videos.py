"""Make the guidance videos (kiosk/guides.py) from the kiosk's own screens.

Runs the tour at 1280x800 (or takes the PNGs of one with --tour DIR), and writes each
guide's screens, FRAMES_PER_STEP frames each, at half size into assets/guides/<id>.mp4
(MPEG-4 Part 2, which OpenCV's own FFmpeg writes and reads: a still screen repeated costs
almost nothing after its first frame, about 50 kB a step). Run it again when the screens
change (`scripts/dev videos`); the files are committed, so a kiosk needs none of this.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from kiosk.guides import FPS, FRAMES_PER_STEP, GUIDES, GUIDES_DIR, SIZE


def shots_by_name(folder: Path) -> dict[str, Path]:
    """"05-search-typed.png" -> {"search-typed": path}; the first of a name wins."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.png")):
        found.setdefault(path.stem.split("-", 1)[1], path)
    return found


def write_guides(tour: Path, out: Path) -> list[Path]:
    shots = shots_by_name(tour)
    missing = sorted({s.shot for g in GUIDES for s in g.steps} - set(shots))
    if missing:
        raise SystemExit(f"the tour in {tour} has no {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for guide in GUIDES:
        path = out / guide.video.name
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
        for step in guide.steps:
            image = cv2.imread(str(shots[step.shot]))
            frame = np.ascontiguousarray(cv2.resize(image, SIZE, interpolation=cv2.INTER_AREA))
            for _ in range(FRAMES_PER_STEP):
                writer.write(frame)
        writer.release()
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tour", type=Path, help="PNGs of a tour at 1280x800 (default: "
                        "render one now)")
    parser.add_argument("--out", type=Path, default=GUIDES_DIR)
    args = parser.parse_args()
    if args.tour is not None:
        written = write_guides(args.tour, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="kiosk-guides-") as folder:
            tests = str(Path(__file__).resolve().parents[1] / "tests")  # the tour's package
            subprocess.run([sys.executable, "-m", "support.render_tour", "--out", folder,
                            "--size", f"{SIZE[0] * 2}x{SIZE[1] * 2}"], check=True,
                           env={**os.environ, "PYTHONPATH": tests})
            written = write_guides(Path(folder), args.out)
    for path in written:
        print(f"{path} ({path.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
