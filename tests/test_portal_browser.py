"""The portal access point with the real browser: headless Chromium under the managed
policy the kiosk installs, against two loopback sites under made-up host names.

Chromium reads managed policies only from /etc/chromium/policies/managed (no switch points
it elsewhere on Linux), so these tests write their policy there as root and remove it
afterwards; they skip where that or Chromium is not possible.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import config_text, wait_until
from portal_browser import (
    ALLOWED_HOST,
    BLOCKED_HOST,
    DOWNLOAD_NAME,
    RESOLVER_RULES,
    DevTools,
    Site,
    pipe_browser,
)

from kiosk.access_point.files import Paper
from kiosk.access_point.policy import build_policy, install_policy, policy_path
from kiosk.access_point.session import PortalSession, StripTexts, start_portal
from kiosk.config import Config, parse_config
from kiosk.scanner.page import compress_page

POLICY_DIR = Path("/etc/chromium/policies/managed")
TEXTS = StripTexts(end="Kết thúc", note="Cổng dịch vụ công", more="Tiếp tục",
                   warning="Còn {n} giây")


def _why_not() -> str:
    if shutil.which("chromium") is None:
        return "Chromium is not installed (Debian package chromium)"
    if os.geteuid() != 0:
        return "Chromium reads policies only from /etc/chromium/policies/managed: needs root"
    if POLICY_DIR.is_dir() and any(POLICY_DIR.iterdir()):
        return f"{POLICY_DIR} holds other policies, which would mix with the test's"
    return ""


pytestmark = pytest.mark.skipif(bool(_why_not()), reason=_why_not() or "-")


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[Site, Site]]:
    allowed, blocked = Site("allowed"), Site("blocked")
    yield allowed, blocked
    allowed.stop()
    blocked.stop()


def _config(tmp_path: Path, allowed: Site) -> Config:
    return parse_config(config_text("http://127.0.0.1:9/v1", tmp_path / "data", sections={
        "access_point": {"national_url": allowed.url(ALLOWED_HOST), "allowed_hosts": [],
                         "files_dir": str(tmp_path / "files")}}), environ={})


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[list[Path]]:
    """Policies written by the test, removed afterwards (with the folders it made)."""
    made = [d for d in (POLICY_DIR.parent, POLICY_DIR) if not d.exists()]
    written: list[Path] = []
    yield written
    for path in written:
        path.unlink(missing_ok=True)
    for folder in reversed(made):
        folder.rmdir()


def _with_devtools(config: Config, installed: list[Path]) -> dict:
    """The kiosk's policy, except that DevTools are allowed: the test drives the page
    through them (the kiosk's own policy refuses them, see the last test)."""
    policy = build_policy(config) | {"DeveloperToolsAvailability": 1}
    installed.append(install_policy(config, policy))
    return policy


def _start_with_pipe(config: Config, tmp_path: Path, policy: dict, url: str,
                     papers: tuple[Paper, ...] = ()) -> tuple[PortalSession, DevTools]:
    wrapper, theirs, ours = pipe_browser(tmp_path)
    config = dataclasses.replace(config, access_point=dataclasses.replace(
        config.access_point, browser=str(wrapper)))
    session = start_portal(config, url, TEXTS, papers=papers, policy=policy,
                           extra_args=["--headless", "--remote-debugging-pipe",
                                       RESOLVER_RULES], pass_fds=theirs)
    for fd in theirs:
        os.close(fd)
    return session, DevTools(*ours)


def _loaded(devtools: DevTools, title: str) -> bool:
    return devtools.evaluate("document.readyState + '|' + document.title") == \
        f"complete|{title}"


def test_portal_opens_allowed_hosts_refuses_others_and_ends_on_ket_thuc(
        tmp_path: Path, sites: tuple[Site, Site], installed: list[Path]) -> None:
    allowed, blocked = sites
    config = _config(tmp_path, allowed)
    policy = _with_devtools(config, installed)
    session, devtools = _start_with_pipe(config, tmp_path, policy, allowed.url(ALLOWED_HOST))
    try:
        assert devtools.attach().get("result"), "DevTools refused under the test policy"
        assert wait_until(lambda: _loaded(devtools, "allowed page"), 15)
        # the kiosk's strip is on the page, in the kiosk's words
        assert wait_until(lambda: devtools.evaluate(
            "document.getElementById('kiosk-end')?.textContent") == "Kết thúc", 10)
        before = list(blocked.requests)
        # (the browser's own pages, chrome://settings and the like, are not covered by
        # `*`: blocking them closed the browser's DevTools pipe; see docs/deploy.md)
        for url in (blocked.url(BLOCKED_HOST), "file:///etc/passwd",
                    blocked.url("127.0.0.1")):
            answer = devtools.call("Page.navigate", {"url": url})["result"]
            assert answer.get("errorText") == "net::ERR_BLOCKED_BY_ADMINISTRATOR", url
        assert blocked.requests == before == []  # refused before any request left
        devtools.call("Page.navigate", {"url": allowed.url(ALLOWED_HOST, "/login")})
        assert wait_until(lambda: _loaded(devtools, "allowed page"), 15)
        assert wait_until(lambda: devtools.evaluate("!!document.getElementById('kiosk-end')"),
                          10)
        assert os.path.isdir(session.profile)
        # pressed after this call has its answer (the page goes with the press)
        devtools.evaluate("setTimeout(() => document.getElementById('kiosk-end').click(), 50)")
        # "Kết thúc" closes every window of the browser (its process ends: the kiosk's cue)
        assert wait_until(lambda: not devtools.pages(), 10)
    finally:
        devtools.close()
        session.end()
    assert not session.running
    assert not session.profile.exists() and not session.files.exists()


def test_download_lands_only_in_the_session_folder_and_papers_are_offered(
        tmp_path: Path, sites: tuple[Site, Site], installed: list[Path]) -> None:
    allowed, _ = sites
    config = _config(tmp_path, allowed)
    policy = _with_devtools(config, installed)
    import numpy as np

    page = compress_page(np.full((300, 210, 3), 230, np.uint8))
    papers = (Paper("Tờ khai đăng ký khai sinh", (page, page)),)
    home_downloads = Path.home() / "Downloads" / DOWNLOAD_NAME
    session, devtools = _start_with_pipe(config, tmp_path, policy,
                                         allowed.url(ALLOWED_HOST), papers)
    try:
        devtools.attach()
        offered = sorted(p.name for p in session.files.iterdir())
        assert offered == ["01-to-khai-dang-ky-khai-sinh-trang-1.jpg",
                           "01-to-khai-dang-ky-khai-sinh-trang-2.jpg",
                           "01-to-khai-dang-ky-khai-sinh.pdf"]
        assert (session.files / offered[-1]).read_bytes().startswith(b"%PDF")
        answer = devtools.call("Page.navigate",
                               {"url": allowed.url(ALLOWED_HOST, "/" + DOWNLOAD_NAME)})
        assert answer["result"].get("isDownload") is True
        target = session.files / DOWNLOAD_NAME
        assert wait_until(lambda: target.is_file() and target.read_bytes().endswith(
            b"receipt\n"), 15)
        assert not list(session.profile.rglob(DOWNLOAD_NAME))
        assert not home_downloads.exists()
    finally:
        devtools.close()
        session.end()
    assert not session.files.exists() and not session.profile.exists()


def test_kiosk_policy_refuses_devtools_and_the_idle_time_out_ends_the_browser(
        tmp_path: Path, sites: tuple[Site, Site], installed: list[Path]) -> None:
    allowed, _ = sites
    config = _config(tmp_path, allowed)
    installed.append(install_policy(config))  # the kiosk's own policy, as installed
    assert policy_path(config) == installed[0]
    wrapper, theirs, ours = pipe_browser(tmp_path)
    devtools = DevTools(*ours)
    # seconds instead of minutes, so that the strip's own time-out ends it while we wait
    # (below what a config file may say, so set past the section's own check)
    session_section = dataclasses.replace(config.session)
    object.__setattr__(session_section, "idle_seconds", 1)
    object.__setattr__(session_section, "countdown_seconds", 1)
    quick = dataclasses.replace(
        config, session=session_section,
        access_point=dataclasses.replace(config.access_point, browser=str(wrapper)))
    session = start_portal(quick, allowed.url(ALLOWED_HOST), TEXTS,
                           extra_args=["--headless", "--remote-debugging-pipe",
                                       RESOLVER_RULES], pass_fds=theirs)
    for fd in theirs:
        os.close(fd)
    try:
        assert wait_until(lambda: allowed.requests[-1:] == ["/"] or "/" in allowed.requests,
                          15)
        answer = devtools.attach()
        assert "error" in answer, "DeveloperToolsAvailability=2 should refuse DevTools"
        # nobody touches it: the strip warns, then closes every window
        assert wait_until(lambda: not devtools.pages(), 15)
    finally:
        devtools.close()
        session.end()
    assert not session.profile.exists() and not session.files.exists()
