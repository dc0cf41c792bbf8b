"""`kiosk doctor` as an operator runs it (a real process against the real reference server,
up and down), and its checks one by one where the machine cannot be arranged for them."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from api_process import free_port
from conftest import TEST_OUTBOX_KEY, config_text, kiosk_config, secrets_text
from printer_sim import PAPER_LOW, PAPER_OUT, NetworkPrinter

from kiosk.config import load_config
from kiosk.config.settings import EXAMPLE_CONFIG
from kiosk.server.run import RunningServer
from kiosk.store.outbox import Outbox, SenderStatus
from kiosk.system import doctor
from kiosk.system.doctor import (
    check_camera,
    check_clock,
    check_disk,
    check_display,
    check_fonts,
    check_outbox,
    missing_glyphs,
)

KIOSK = [sys.executable, "-m", "kiosk.cli.main"]
GB = 1024 ** 3


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})})


def write_kiosk(folder: Path, base_url: str, *, camera: str, secrets: str,
                secrets_mode: int = 0o640) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(secrets, encoding="utf-8")
    secrets_file.chmod(secrets_mode)
    config = folder / "kiosk.toml"
    config.write_text(config_text(base_url, folder / "data", secrets_file,
                                  sections={"scanner": {"camera": camera}}), encoding="utf-8")
    return config


def doctor_json(config: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    done = kiosk("doctor", "--json", "--config", str(config))
    assert done.returncode in (0, 1), done.stderr
    rows = json.loads(done.stdout)
    assert all(set(row) == {"name", "status", "detail", "fix"} for row in rows)
    assert all(row["fix"] for row in rows if row["status"] != "pass")
    assert done.returncode == int(any(row["status"] == "fail" for row in rows))
    return done.returncode, {row["name"]: row for row in rows}


def video_file(path: Path) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (320, 240))
    for i in range(5):
        writer.write(np.full((240, 320, 3), 40 * i, np.uint8))
    writer.release()
    assert path.stat().st_size > 0
    return path


def missing_device() -> str:
    return next(str(n) for n in range(9, 64) if not Path(f"/dev/video{n}").exists())


@pytest.fixture(scope="module")
def healthy(demo_api: RunningServer, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, dict[str, Any]]:
    """A well set-up kiosk (synced, secrets 0640, a video file as camera) checked against
    the running reference server."""
    folder = tmp_path_factory.mktemp("doctor-up")
    config = write_kiosk(folder, demo_api.base_url, secrets=secrets_text(),
                         camera=str(video_file(folder / "receipt.avi")))
    done = kiosk("sync", "--config", str(config))
    assert done.returncode == 0, done.stderr
    return doctor_json(config)[1]


def test_the_api_checks_pass_against_the_reference_server(healthy: dict[str, Any]) -> None:
    assert healthy["central API"]["status"] == "pass"
    assert re.search(r"answered in \d+ ms", healthy["central API"]["detail"])
    assert healthy["API key"]["status"] == "pass"
    assert "procedures" in healthy["API key"]["detail"]


def test_the_clock_is_measured_against_the_api(healthy: dict[str, Any]) -> None:
    assert healthy["clock"]["status"] in ("pass", "warn")
    assert "the central API's clock" in healthy["clock"]["detail"]


def test_a_synced_catalogue_is_the_api_s_version(healthy: dict[str, Any]) -> None:
    assert healthy["catalogue"]["status"] == "pass", healthy["catalogue"]
    assert "same version as the central API" in healthy["catalogue"]["detail"]


def test_config_secrets_and_keys_pass_and_a_missing_pin_is_a_warning(
        healthy: dict[str, Any]) -> None:
    for name in ("config", "secrets", "outbox key", "fonts", "outbox"):
        assert healthy[name]["status"] == "pass", healthy[name]
    assert "0640" in healthy["secrets"]["detail"]
    assert healthy["operator PIN"]["status"] == "warn"
    assert "kiosk hash-pin" in healthy["operator PIN"]["fix"]


def test_a_video_file_as_camera_passes(healthy: dict[str, Any]) -> None:
    assert healthy["camera"]["status"] == "pass", healthy["camera"]
    assert "320x240" in healthy["camera"]["detail"]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A kiosk with everything wrong that can be: the API down, secrets anyone can read
    and without an outbox key, a camera that is not there."""
    folder = tmp_path_factory.mktemp("doctor-down")
    no_outbox_key = secrets_text().split("[outbox]")[0]
    port = free_port()
    config = write_kiosk(folder, f"http://127.0.0.1:{port}/v1", secrets=no_outbox_key,
                         secrets_mode=0o644, camera=missing_device())
    return config, f"127.0.0.1:{port}"


def test_with_the_api_down_it_fails_and_says_what_to_check(broken: tuple[Path, str]) -> None:
    code, rows = doctor_json(broken[0])
    assert code == 1
    api = rows["central API"]
    assert api["status"] == "fail" and "connection refused" in api["detail"]
    assert broken[1] in api["detail"] and "api.base_url" in api["fix"]
    for name in ("API key", "clock"):
        assert rows[name]["status"] == "warn" and "not checked" in rows[name]["detail"]
    assert rows["catalogue"]["status"] == "fail" and "kiosk sync" in rows["catalogue"]["fix"]


def test_a_secrets_file_everyone_can_read_fails(broken: tuple[Path, str]) -> None:
    row = doctor_json(broken[0])[1]["secrets"]
    assert row["status"] == "fail" and "0644" in row["detail"]
    assert "chmod 0640" in row["fix"] and "chown root:kiosk" in row["fix"]


def test_a_missing_outbox_key_fails(broken: tuple[Path, str]) -> None:
    rows = doctor_json(broken[0])[1]
    assert rows["outbox key"]["status"] == "fail"
    assert "no [outbox] key" in rows["outbox key"]["detail"]
    assert rows["outbox"]["status"] == "warn" and "not checked" in rows["outbox"]["detail"]


def test_a_missing_camera_device_fails_with_the_fix(broken: tuple[Path, str]) -> None:
    row = doctor_json(broken[0])[1]["camera"]
    assert row["status"] == "fail" and "does not exist" in row["detail"]
    assert "plug the QR camera in" in row["fix"]


def test_the_report_has_one_line_per_check_fixes_and_a_count(broken: tuple[Path, str]
                                                             ) -> None:
    done = kiosk("doctor", "--config", str(broken[0]))
    assert done.returncode == 1 and not done.stderr
    lines = done.stdout.splitlines()
    assert any(re.match(r"✘ FAIL  central API +cannot reach", line) for line in lines)
    assert any(line.startswith("✔ PASS  fonts") for line in lines)
    assert "        → fix: chmod 0640" in done.stdout
    assert re.fullmatch(r"\d+ passed, \d+ warnings?, [1-9]\d* failed", lines[-1])


def test_the_report_falls_back_to_ascii(broken: tuple[Path, str]) -> None:
    done = kiosk("doctor", "--config", str(broken[0]), env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 1 and not done.stderr
    assert "x FAIL  central API" in done.stdout and "-> fix:" in done.stdout
    done.stdout.encode("ascii")


def test_a_config_that_does_not_load_is_a_failure_with_its_problems(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[api]\nbase_urll = 'http://x/v1'\n", encoding="utf-8")
    code, rows = doctor_json(config)
    assert code == 1
    assert rows["config"]["status"] == "fail" and "api.base_urll" in rows["config"]["detail"]
    assert {"display", "fonts"} <= set(rows)  # what needs no config is still checked


def test_a_broken_secrets_file_is_named_and_the_rest_still_checked(tmp_path: Path) -> None:
    config = write_kiosk(tmp_path, f"http://127.0.0.1:{free_port()}/v1",
                         secrets="[api]\nkey = 'x'\n[nonsense]\n", camera="x.avi")
    rows = doctor_json(config)[1]
    assert rows["config"]["status"] == "pass"
    assert rows["secrets"]["status"] == "fail" and "[nonsense]" in rows["secrets"]["detail"]
    assert rows["central API"]["status"] == "fail"
    assert "not checked" in rows["API key"]["detail"]


# --- single checks -----------------------------------------------------------------------


def test_disk_thresholds(tmp_path: Path) -> None:
    assert check_disk(tmp_path, fail_below=0, warn_below=0).status == "pass"
    low = check_disk(tmp_path, fail_below=0, warn_below=1024 * 1024 * GB)
    assert low.status == "warn" and low.fix
    full = check_disk(tmp_path, fail_below=1024 * 1024 * GB)
    assert full.status == "fail" and "less than" in full.detail and full.fix
    not_yet = check_disk(tmp_path / "data" / "kiosk", fail_below=0, warn_below=0)
    assert not_yet.status == "pass" and "not made yet" in not_yet.detail


def test_display_found_from_the_x_socket(tmp_path: Path) -> None:
    (tmp_path / "X3").touch()
    found = check_display({"DISPLAY": ":3.0"}, x11_dir=tmp_path, dri_dir=tmp_path / "dri",
                          service_active=lambda: None)
    assert found.status == "pass" and "X display :3.0" in found.detail


def test_display_wayland_socket(tmp_path: Path) -> None:
    (tmp_path / "wayland-1").touch()
    found = check_display({"WAYLAND_DISPLAY": "wayland-1", "XDG_RUNTIME_DIR": str(tmp_path)},
                          x11_dir=tmp_path, dri_dir=tmp_path / "dri",
                          service_active=lambda: None)
    assert found.status == "pass" and "Wayland display wayland-1" in found.detail


def test_no_display_fails_but_a_graphics_card_or_a_running_kiosk_do_not(tmp_path: Path
                                                                        ) -> None:
    dri = tmp_path / "dri"
    none = check_display({"DISPLAY": ":7"}, x11_dir=tmp_path, dri_dir=dri,
                         service_active=lambda: False)
    assert none.status == "fail" and "no X server is running" in none.detail and none.fix
    service = check_display({"SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22"}, x11_dir=tmp_path,
                            dri_dir=dri, service_active=lambda: True)
    assert service.status == "warn" and "SSH shell" in service.detail
    assert "kiosk.service is active" in service.detail
    dri.mkdir()
    (dri / "card0").touch()
    card = check_display({}, x11_dir=tmp_path, dri_dir=dri, service_active=lambda: False)
    assert card.status == "pass" and "card0" in card.detail


def test_clock_skew_levels() -> None:
    now = datetime(2025, 11, 25, 3, 0, 0, tzinfo=UTC)

    def at(offset: float) -> str:
        return check_clock(format_datetime(now - timedelta(seconds=offset), usegmt=True),
                           now + timedelta(seconds=0.5)).status

    assert at(0) == "pass" and at(-30) == "pass"
    assert at(120) == "warn" and at(-120) == "warn"
    assert at(20 * 60) == "fail"
    ahead = check_clock(format_datetime(now, usegmt=True), now + timedelta(minutes=3))
    assert "3 min ahead of" in ahead.detail and "timedatectl" in ahead.fix
    assert check_clock(None, now).status == "warn"
    assert "not checked" in check_clock(None, None).detail


def test_outbox_warns_about_old_and_refused_items(tmp_path: Path) -> None:
    config = kiosk_config("http://127.0.0.1:9/v1", tmp_path)
    assert check_outbox(config).status == "pass"
    outbox = Outbox(config.outbox_path, TEST_OUTBOX_KEY)
    assert check_outbox(config).status == "pass"  # made, but empty
    item = outbox.put("rating", {"score": 5})
    assert check_outbox(config).status == "pass"
    late = check_outbox(config, now=time.time() + 2 * 3600)
    assert late.status == "warn" and "1 waiting" in late.detail and "kiosk outbox" in late.fix
    outbox.failed(item.key, "400: bad", refused=True)
    refused = check_outbox(config)
    assert refused.status == "warn" and "1 refused" in refused.detail


def test_outbox_says_when_the_kiosk_s_sender_last_ran(tmp_path: Path) -> None:
    config = kiosk_config("http://127.0.0.1:9/v1", tmp_path)
    outbox = Outbox(config.outbox_path, TEST_OUTBOX_KEY)
    outbox.put("rating", {"score": 5})
    now = time.time()
    outbox.record_sender(SenderStatus(last_run=now - 30, last_success=now - 3600,
                                      last_delivery=now - 3600,
                                      problem="cannot reach the central API"))
    running = check_outbox(config, now=now)
    assert running.status == "pass"
    assert "sender: last ran 30 s ago, last success 60 min ago" in running.detail
    assert "last problem: cannot reach the central API" in running.detail
    silent = check_outbox(config, now=now + 3 * 3600)
    assert silent.status == "warn" and "sender last ran 3 h ago" in silent.detail
    assert "systemctl status kiosk" in silent.fix


def test_the_secrets_rule_is_the_one_kiosk_run_starts_by(tmp_path: Path) -> None:
    config_file = write_kiosk(tmp_path, "http://127.0.0.1:9/v1", camera="x.avi",
                              secrets=secrets_text(), secrets_mode=0o660)
    group_writable = doctor.check_secrets_file(load_config(str(config_file), environ={}))
    assert group_writable.status == "fail"
    assert "can be written by its group" in group_writable.detail
    assert group_writable.fix.startswith("chmod 0640")
    demo = doctor.check_secrets_file(load_config(str(EXAMPLE_CONFIG), environ={}))
    assert demo.status == "warn" and "public" in demo.detail


def test_fonts_draw_vietnamese_on_this_machine() -> None:
    found = check_fonts()
    assert found.status == "pass", found
    roboto = doctor.kivy_fonts_dir() / "Roboto-Regular.ttf"
    assert missing_glyphs(roboto, doctor.vietnamese_letters()) == []
    assert missing_glyphs(roboto, "Ắ⌫ư") == ["⌫"]  # Roboto has no ⌫: the keyboard's DejaVu does


def test_fonts_without_the_files_fail(tmp_path: Path) -> None:
    gone = check_fonts(tmp_path, tmp_path / "none.ttf")
    assert gone.status == "fail" and "Roboto-Regular.ttf is missing" in gone.detail


def test_camera_file_and_pattern_sources(tmp_path: Path) -> None:
    assert check_camera(str(video_file(tmp_path / "v.avi"))).status == "pass"
    missing = check_camera(str(tmp_path / "none.avi"))
    assert missing.status == "fail" and "does not exist" in missing.detail
    (tmp_path / "junk.avi").write_bytes(b"not a video")
    junk = check_camera(str(tmp_path / "junk.avi"))
    assert junk.status == "fail" and "gave no picture" in junk.detail
    folder = check_camera(str(tmp_path / "nowhere" / "f_%03d.png"))
    assert folder.status == "fail" and "does not exist" in folder.detail


def test_the_printer_s_state_is_in_the_report(demo_api: RunningServer, tmp_path: Path) -> None:
    """A network printer out of paper: `kiosk doctor` says so, with the fix, without
    printing anything."""
    sim = NetworkPrinter(dict(PAPER_OUT))
    try:
        config = tmp_path / "kiosk.toml"
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(secrets_text(), encoding="utf-8")
        secrets.chmod(0o640)
        config.write_text(config_text(demo_api.base_url, tmp_path / "data", secrets, sections={
            "printer": {"device": f"network:127.0.0.1:{sim.port}"}}), encoding="utf-8")
        code, rows = doctor_json(config)
        assert code == 1
        assert rows["printer"]["status"] == "fail"
        assert "out of paper" in rows["printer"]["detail"]
        assert "paper roll" in rows["printer"]["fix"]
        assert b"\x1dv0" not in sim.received  # asked, never printed on
    finally:
        sim.close()


def test_printer_checks_one_by_one(tmp_path: Path) -> None:
    def check(device: str) -> doctor.Check:
        config = kiosk_config("http://127.0.0.1:9/v1", tmp_path)
        return doctor.check_printer(dataclasses.replace(
            config, printer=dataclasses.replace(config.printer, device=device)))

    assert check("none").status == "pass"
    assert check(f"file:{tmp_path / 'lp0'}").status == "pass"
    gone = check(f"file:{tmp_path}/gone/lp0")
    assert gone.status == "fail" and "exists" in gone.fix
    sim = NetworkPrinter(dict(PAPER_LOW))
    try:
        low = check(f"network:127.0.0.1:{sim.port}")
        assert low.status == "warn" and "paper" in low.detail
    finally:
        sim.close()
