"""What the memory benchmarks (bench_soak.py, bench_crowd.py) show the kiosk's camera and
which dossiers they look up, made in a process of its own: drawing the videos (numpy,
OpenCV, Pillow, qrcode) and reading the demo dossiers (the server's modules) would
otherwise leave their modules and garbage in the process whose memory is measured.

    python tests/bench/bench_media.py DIR [desk|all]

writes DIR/desk.avi (an empty desk) and, with `all`, DIR/receipt-N.avi (a receipt held
under the camera), DIR/page.avi (a page of a document) and DIR/dossiers.json (the demo
dossiers' codes and PINs, and the receipts' codes). Not a test module."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for support


def make(folder: Path, what: str) -> None:
    from support.receipt_image import camera_frame, receipt_video, write_video

    write_video(folder / "desk.avi", [camera_frame(None)] * 15)
    if what != "all":
        return
    from support.document_photos import document_photo

    from kiosk.server.catalogue_files import demo_dossiers

    dossiers = [(x.code, pin) for x, pin in demo_dossiers(date.today())]
    receipts = [code for code, pin in dossiers if not pin][:3]
    for i, code in enumerate(receipts):
        receipt_video(folder / f"receipt-{i}.avi",
                      f"https://dichvucong.gov.vn/p/tra-cuu?ma_ho_so={code}", code,
                      empty_frames=8, receipt_frames=30)
    write_video(folder / "page.avi", [document_photo("cluttered", 3).image] * 30)
    (folder / "dossiers.json").write_text(json.dumps({"dossiers": dossiers,
                                                      "receipts": receipts}))


def made_apart(folder: Path, what: str = "all") -> None:
    """Make the media in a fresh interpreter, for a benchmark's measured process."""
    subprocess.run([sys.executable, str(Path(__file__).resolve()), str(folder), what],
                   check=True)


if __name__ == "__main__":
    make(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "all")
