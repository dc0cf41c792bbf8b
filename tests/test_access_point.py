"""The portal access point without a browser: the policy built from the config, the check
of the installed policy, the papers offered as files, and refusing to start unguarded."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from conftest import config_text
from PIL import Image

from kiosk.access_point.files import Paper, file_stem, offer_papers
from kiosk.access_point.policy import build_policy, install_policy, policy_problem
from kiosk.access_point.session import PortalUnavailable, StripTexts, start_portal
from kiosk.config import Config, ConfigError, parse_config
from kiosk.scanner.page import compress_page
from kiosk.system.doctor import check_portal_browser

TEXTS = StripTexts(end="Kết thúc", note="", more="Tiếp tục", warning="{n}")


def _config(tmp_path: Path, **access: object) -> Config:
    section = {"province_url": "https://dichvucong.phutho.gov.vn/portaldvc",
               "policy_dir": str(tmp_path / "policies"), "browser": "sh", **access}
    return parse_config(config_text("http://127.0.0.1:9/v1", tmp_path / "data",
                                    sections={"access_point": section}), environ={})


def test_policy_refuses_everything_but_the_portals_and_their_login(tmp_path: Path) -> None:
    policy = build_policy(_config(tmp_path))
    assert policy["URLBlocklist"] == ["*"]
    assert policy["URLAllowlist"] == ["dichvucong.gov.vn", "dichvucong.phutho.gov.vn",
                                      "vneid.gov.vn", "sso.dancuquocgia.gov.vn"]
    assert policy["DeveloperToolsAvailability"] == 2
    assert policy["PrintingEnabled"] is False
    assert policy["DownloadDirectory"] == str(tmp_path / "data" / "portal-files")
    assert policy["PromptForDownloadLocation"] is False


def test_bad_access_point_settings_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _config(tmp_path, national_url="dichvucong.gov.vn", allowed_hosts=["vn", "a b"],
                max_minutes=0, files_dir="relative/files")
    problems = " ".join(caught.value.problems)
    for name in ("access_point.national_url", "'vn'", "'a b'", "access_point.max_minutes",
                 "access_point.files_dir"):
        assert name in problems


def test_installed_policy_is_checked_against_the_config(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert "is not installed" in policy_problem(config)
    path = install_policy(config)
    assert policy_problem(config) == ""
    assert json.loads(path.read_text(encoding="utf-8"))["URLBlocklist"] == ["*"]
    assert path.stat().st_mode & 0o777 == 0o644
    wider = _config(tmp_path, allowed_hosts=["example.com"])
    assert "URLAllowlist" in policy_problem(wider)
    path.write_text("{not json", encoding="utf-8")
    assert "cannot be read" in policy_problem(config)


def test_no_session_starts_without_the_policy(tmp_path: Path) -> None:
    config = _config(tmp_path)
    with pytest.raises(PortalUnavailable, match="not installed"):
        start_portal(config, config.access_point.national_url, TEXTS)
    assert not config.portal_files_dir.exists()
    missing = _config(tmp_path, browser="no-such-browser-here")
    with pytest.raises(PortalUnavailable, match="not installed"):
        start_portal(missing, missing.access_point.national_url, TEXTS)


def test_papers_are_offered_as_pdf_and_jpeg_named_after_the_paper(tmp_path: Path) -> None:
    page = compress_page(np.full((400, 280, 3), 200, np.uint8))
    papers = [Paper("Giấy chứng sinh (bản chính)", (page,)), Paper("Không có ảnh", ()),
              Paper("Tờ khai đăng ký khai sinh", (page, page, page))]
    written = offer_papers(tmp_path, papers)
    assert [p.name for p in written] == [
        "01-giay-chung-sinh-ban-chinh.pdf", "01-giay-chung-sinh-ban-chinh-trang-1.jpg",
        "02-to-khai-dang-ky-khai-sinh.pdf", "02-to-khai-dang-ky-khai-sinh-trang-1.jpg",
        "02-to-khai-dang-ky-khai-sinh-trang-2.jpg",
        "02-to-khai-dang-ky-khai-sinh-trang-3.jpg"]
    assert len(pypdfium2.PdfDocument(written[2].read_bytes())) == 3
    assert Image.open(io.BytesIO(written[1].read_bytes())).format == "JPEG"
    assert file_stem("!!!", 3) == "03-giay-to"


def test_doctor_checks_the_browser_and_its_policy(tmp_path: Path) -> None:
    config = _config(tmp_path)  # browser: sh, which stands in for an installed browser
    check = check_portal_browser(config)
    assert (check.status, check.fix) == ("warn", "as root: kiosk portal-policy --install")
    assert "is not installed" in check.detail
    install_policy(config)
    check = check_portal_browser(config)
    assert check.status == "pass" and "4 allowed hosts" in check.detail
    check = check_portal_browser(_config(tmp_path, browser="no-such-browser-here"))
    assert (check.status, check.fix) == ("warn", "apt install chromium")
    assert check_portal_browser(_config(tmp_path, enabled=False)).status == "pass"


def test_portal_policy_command_prints_the_policy(tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    path = folder / "kiosk.toml"
    path.write_text(config_text("http://127.0.0.1:9/v1", tmp_path / "data", sections={
        "access_point": {"policy_dir": str(tmp_path / "policies")}}), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "portal-policy",
                           "--config", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["URLBlocklist"] == ["*"]
    done = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "portal-policy",
                           "--install", "--config", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    installed = tmp_path / "policies" / "kiosk-portal.json"
    assert json.loads(installed.read_text(encoding="utf-8")) == printed
