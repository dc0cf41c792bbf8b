"""`kiosk scan FILE... [--json]` on real files: receipt images, foreign QR codes, a video,
and files that are not images at all."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from qr_samples import CODE, CODE2, URL, H, W, bgr, on_frame, qr_image, scene

from kiosk.cli.scan import add_parser, cmd_scan
from kiosk.scanner.receipt import FOREIGN_SITE

FOREIGN = f"https://dichvucong.gov.vn.evil.com/tra-cuu?ma_ho_so={CODE}"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n'
                    '[scanner]\nreceipt_hosts = ["dichvucong.gov.vn"]\n', encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {name: tmp_path / name for name in (
        "receipt.png", "bare.jpg", "foreign.png", "empty.png", "notes.txt", "receipt.avi")}
    cv2.imwrite(str(made["receipt.png"]), bgr(on_frame(qr_image(URL))))
    cv2.imwrite(str(made["bare.jpg"]), qr_image(CODE, 8))
    cv2.imwrite(str(made["foreign.png"]), on_frame(qr_image(FOREIGN)))
    cv2.imwrite(str(made["empty.png"]), scene(3))
    made["notes.txt"].write_text("Danh sách hồ sơ\n", encoding="utf-8")
    writer = cv2.VideoWriter(str(made["receipt.avi"]), cv2.VideoWriter_fourcc(*"MJPG"), 10,
                             (W, H))
    for frame in [scene(4)] * 5 + [on_frame(qr_image(CODE2, 8), seed=4)] * 3 + [scene(4)] * 2:
        writer.write(bgr(frame))
    writer.release()
    return made


def run_scan(capsys: pytest.CaptureFixture[str], config: Path, paths: list[Path],
             as_json: bool = True) -> tuple[int, list[str]]:
    args = argparse.Namespace(files=[str(p) for p in paths], json=as_json, config=str(config),
                              budget=None)
    code = cmd_scan(args)
    return code, capsys.readouterr().out.splitlines()


def test_json_line_per_file(capsys: pytest.CaptureFixture[str], config: Path,
                            files: dict[str, Path]) -> None:
    names = ["receipt.png", "bare.jpg", "foreign.png", "empty.png", "receipt.avi"]
    code, lines = run_scan(capsys, config, [files[n] for n in names])
    assert code == 0
    reports = [json.loads(line) for line in lines]
    assert [r["file"] for r in reports] == [str(files[n]) for n in names]
    for report in reports:
        assert set(report) == {"file", "payloads", "dossier_code", "reference", "error", "ms"}
        assert report["reference"] is None and report["ms"] >= 0
    receipt, bare, foreign, empty, video = reports
    # a file read with a code that is not a receipt: the reason, and still exit 0
    assert [r["error"] for r in reports] == [None, None, FOREIGN_SITE, None, None]
    assert receipt["payloads"] == [URL] and receipt["dossier_code"] == CODE2
    assert bare["payloads"] == [CODE] and bare["dossier_code"] == CODE
    assert foreign["payloads"] == [FOREIGN] and foreign["dossier_code"] is None
    assert empty["payloads"] == [] and empty["dossier_code"] is None
    assert video["payloads"] == [CODE2] and video["dossier_code"] == CODE2


def test_an_unreadable_file_is_reported_and_fails_the_run(
        capsys: pytest.CaptureFixture[str], config: Path, files: dict[str, Path],
        tmp_path: Path) -> None:
    paths = [files["notes.txt"], files["receipt.png"], tmp_path / "missing.png"]
    code, lines = run_scan(capsys, config, paths)
    assert code == 1
    notes, receipt, missing = (json.loads(line) for line in lines)
    assert notes["error"] == "not an image or a video that can be read"
    assert notes["payloads"] == [] and notes["dossier_code"] is None
    assert receipt["error"] is None and receipt["dossier_code"] == CODE2
    assert missing["error"] == "no such file"


def test_readable_lines(capsys: pytest.CaptureFixture[str], config: Path,
                        files: dict[str, Path]) -> None:
    names = ["receipt.png", "foreign.png", "empty.png", "notes.txt"]
    code, lines = run_scan(capsys, config, [files[n] for n in names], as_json=False)
    assert code == 1
    receipt, foreign, empty, notes = lines
    assert receipt.startswith(f"{files['receipt.png']}: {CODE2}")
    assert "not a receipt (This QR code links to a website" in foreign
    assert "no QR code" in empty
    assert "cannot be read: not an image" in notes


def test_not_utf8_payloads_are_shown_escaped(capsys: pytest.CaptureFixture[str], config: Path,
                                             tmp_path: Path) -> None:
    path = tmp_path / "binary.png"
    cv2.imwrite(str(path), qr_image(b"\xff\xfeabc", 8))
    code, (line,) = run_scan(capsys, config, [path])
    assert code == 0
    assert json.loads(line)["payloads"] == ["\\xff\\xfeabc"]


def test_the_config_decides_what_is_a_receipt(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path, files: dict[str, Path]) -> None:
    config = tmp_path / "other.toml"
    config.write_text('[scanner]\nreceipt_hosts = ["motcua.example.vn"]\n', encoding="utf-8")
    _code, (line,) = run_scan(capsys, config, [files["receipt.png"]])
    assert json.loads(line)["dossier_code"] is None


def test_wired_into_a_parser_like_kiosks(files: dict[str, Path], config: Path) -> None:
    parser = argparse.ArgumentParser(prog="kiosk")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config")
    add_parser(parser.add_subparsers(dest="command", required=True), common)
    args = parser.parse_args(["scan", "--config", str(config), "--json", "--budget", "60",
                              str(files["receipt.png"])])
    assert args.run is cmd_scan and args.json and args.budget == 60.0
    assert args.files == [str(files["receipt.png"])]


def test_as_a_program(files: dict[str, Path], config: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.scan", "--config", str(config), "--json",
         str(files["bare.jpg"]), str(files["notes.txt"])],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["dossier_code"] for r in lines] == [CODE, None]
    assert "Traceback" not in result.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.scan", "--config", str(tmp_path / "nope.toml"),
         str(files["bare.jpg"])], capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "configuration error" in bad.stderr


def test_a_video_is_read_only_up_to_its_first_code(capsys: pytest.CaptureFixture[str],
                                                    config: Path, tmp_path: Path) -> None:
    path = tmp_path / "two.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (W, H))
    blank = np.full((H, W, 3), 200, np.uint8)
    for frame in [blank, bgr(on_frame(qr_image(CODE, 8))), bgr(on_frame(qr_image(CODE2, 8)))]:
        writer.write(frame)
    writer.release()
    _code, (line,) = run_scan(capsys, config, [path])
    assert json.loads(line)["payloads"] == [CODE]
