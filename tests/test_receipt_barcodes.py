"""Receipts drawn as deployed systems print them: the portal's look-up QR, the
verification QR and a Code 128 barcode, in any orientation, photographed with blur; and
`kiosk scan` never printing the ID number the look-up QR holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from support.receipt_image import (
    camera_frame,
    deployed_receipt,
    portal_url,
    turned,
)

from kiosk.config.settings import ScannerSection
from kiosk.scanner import receipt
from kiosk.scanner.decode import Pipeline
from kiosk.scanner.receipt import Receipt, ReceiptRules, read_receipts

CODE = "000.00.20.H56-240105-0012"
ID = "025190012345"
VERIFY = "https://dichvucong.hanoi.gov.vn/apiqr/qr?id=8f14e45f-ceea-467f-a0e6-2c3e1d0f9a7b"
RULES = ReceiptRules.from_config(ScannerSection())


def barcode_strip(degrees: float, width: int = 700) -> Image.Image:
    """The barcode part of a receipt, as a person holds it under the camera (the bars'
    unit is 2 pixels at width 700, 3 at 900)."""
    slip = deployed_receipt(CODE, width=width)
    return turned(slip.crop((0, int(width * 0.22), width, int(width * 0.55))), degrees)


def read(frame: np.ndarray) -> Receipt:
    decoded = Pipeline().decode(frame)  # no budget: what the pipeline can read at all
    assert decoded.found, "nothing decoded"
    return read_receipts(decoded.payloads, RULES)


@pytest.mark.parametrize("degrees", [0, 12, 37, 90, 145, 180, 233, 270, 318])
def test_the_barcode_is_read_in_any_orientation(degrees: float) -> None:
    assert read(camera_frame(barcode_strip(degrees))) == Receipt(code=CODE)


def test_a_blurred_photo_of_the_barcode_is_read() -> None:
    frame = cv2.GaussianBlur(camera_frame(barcode_strip(25, 900)), (0, 0), 1.0)
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 70])
    assert ok
    assert read(cv2.imdecode(jpeg, cv2.IMREAD_COLOR)) == Receipt(code=CODE)


def test_a_receipt_with_every_code_gives_one_code_and_the_id_number() -> None:
    slip = deployed_receipt(CODE, lookup=portal_url(CODE, ID), verify=VERIFY, width=900)
    assert read(camera_frame(slip)) == Receipt(code=CODE, citizen_id=ID)
    turned_slip = turned(deployed_receipt(CODE, lookup=portal_url(CODE, ID), width=700), 180)
    assert read(camera_frame(turned_slip)).code == CODE


def test_the_verification_qr_alone_says_to_scan_the_other_code() -> None:
    slip = deployed_receipt(CODE, verify=VERIFY, barcode=False, width=900)
    assert read(camera_frame(slip)) == Receipt(refusal=receipt.VERIFY_QR)


def test_a_look_alike_portal_on_a_receipt_is_refused_with_its_reason() -> None:
    fake = portal_url(CODE, ID, host="dichvucong.hanoi.gov.vn.evil.com")
    slip = deployed_receipt(CODE, lookup=fake, barcode=False, width=900)
    assert read(camera_frame(slip)) == Receipt(refusal=receipt.FOREIGN_SITE)


def test_kiosk_scan_masks_the_id_number_and_gives_reasons(tmp_path: Path) -> None:
    files = {
        "real.png": deployed_receipt(CODE, lookup=portal_url(CODE, ID), verify=VERIFY,
                                     width=900),
        "verify.png": deployed_receipt(CODE, verify=VERIFY, barcode=False, width=900),
        "http.png": deployed_receipt(CODE, lookup=portal_url(CODE, ID).replace(
            "https:", "http:"), barcode=False, width=900),
    }
    for name, slip in files.items():
        cv2.imwrite(str(tmp_path / name), camera_frame(slip))
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.scan", "--config", str(config), "--json",
         *(str(tmp_path / name) for name in files)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert ID not in done.stdout and ID not in done.stderr
    real, verify, http = (json.loads(line) for line in done.stdout.splitlines())
    assert real["dossier_code"] == CODE and real["error"] is None
    assert any("SGT=[redacted]" in p for p in real["payloads"])
    assert verify["dossier_code"] is None and verify["error"] == receipt.VERIFY_QR
    assert http["dossier_code"] is None and http["error"] == receipt.NOT_HTTPS
    line = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.scan", "--config", str(config),
         str(tmp_path / "real.png")], capture_output=True, text=True, timeout=120)
    assert CODE in line.stdout and ID not in line.stdout + line.stderr
