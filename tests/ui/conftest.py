"""The real kiosk app, offscreen, shared by the GUI tests and reset between them.

Kivy has one window per process and reads its settings on first import, so they are set
here, before any test module imports the UI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ui.launch import prepare_kivy

prepare_kivy(width=1920, height=1080, fullscreen=False, offscreen=True)

from support.driver import Driver  # noqa: E402
from support.tour import demo_services  # noqa: E402

from kiosk.config.settings import EXAMPLE_CONFIG, load_config  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402


@pytest.fixture(scope="session")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Driver]:
    config = load_config(str(EXAMPLE_CONFIG), environ={})
    services, stop_api = demo_services(config, Path(tmp_path_factory.mktemp("ui-data")))
    driver = Driver(KioskApp(services))
    yield driver
    services.stop()
    stop_api()


@pytest.fixture
def driver(kiosk: Driver) -> Driver:
    """The app as a new visitor finds it."""
    kiosk.app.reset_session()
    kiosk.frames()
    return kiosk
