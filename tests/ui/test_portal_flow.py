"""The portal access point on the kiosk's screens: from home to the open browser and back,
everything of the session wiped. The browser here is a stand-in process (the real
Chromium under the policy is tests/test_portal_browser.py); the policy is installed into
a folder of the test's own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.driver import Driver

from kiosk.access_point.policy import install_policy


@pytest.fixture
def portal(driver: Driver, tmp_path: Path) -> Iterator[Driver]:
    services = driver.app.services
    kept = services.config
    stand_in = tmp_path / "browser"
    stand_in.write_text("#!/bin/sh\nexec sleep 120\n")
    stand_in.chmod(0o755)
    services.config = dataclasses.replace(kept, access_point=dataclasses.replace(
        kept.access_point, browser=str(stand_in), policy_dir=str(tmp_path / "policies"),
        files_dir=str(tmp_path / "files")))
    yield driver
    driver.app.reset_session()
    services.config = kept


def test_without_its_policy_the_portal_is_not_opened(portal: Driver) -> None:
    portal.tap("home:portal")
    assert portal.app.screens.current == "portal"
    assert not portal.find("portal:national").enabled


def test_portal_opens_holds_the_kiosk_and_ends_wiped(portal: Driver) -> None:
    app = portal.app
    install_policy(app.services.config)
    portal.tap("home:portal")
    assert portal.find("portal:national").enabled
    portal.tap("portal:national")
    screen = app.screen
    session = screen.session
    assert screen.mode == "open" and session is not None and session.running
    assert (session.profile / "kiosk-strip" / "settings.js").is_file()
    # the kiosk's own idle time-out waits while the browser has the screen
    app.idle.last_touch -= app.idle.idle_seconds + app.idle.countdown_seconds + 1
    screen.tick()
    app.tick()
    assert app.screens.current == "portal" and screen.session is session
    portal.tap("portal:end")
    assert screen.mode == "ended" and not session.running
    assert not session.profile.exists() and not session.files.exists()
    portal.tap("portal:home")
    assert app.screens.current == "home"


def test_a_browser_that_exits_ends_the_session(portal: Driver) -> None:
    app = portal.app
    install_policy(app.services.config)
    portal.tap("home:portal")
    portal.tap("portal:national")
    session = app.screen.session
    assert session is not None
    session.process.terminate()  # as when "Kết thúc" closes Chromium
    session.process.wait(10)
    app.screen.tick()
    assert app.screen.mode == "ended" and app.screen.session is None
    assert not session.profile.exists()
