"""The real kiosk app, offscreen: a fresh one for each test module, reset for each test.

Kivy has one window per process and reads its settings on first import, so they are set
here, before any test module imports the UI. Each module gets its own app, services,
demo API and data folder (what a module leaves, the next one never sees); each test
gets that app as a new visitor finds it, and whatever a test changes on the app or its
services is put back here, after the test, whether it passed or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.ui.launch import prepare_kivy

WINDOW = (1920, 1080)
prepare_kivy(width=WINDOW[0], height=WINDOW[1], fullscreen=False, offscreen=True)

from kivy.core.window import Window  # noqa: E402
from support.driver import Driver  # noqa: E402
from support.tour import demo_services  # noqa: E402

from kiosk.config.settings import EXAMPLE_CONFIG, load_config  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402

# The quiet before the memory tidy after a reset, and the frames after it, compressed (the
# soak benchmark does the same): each test waits for the tidy, so none falls into the next.
TIDY_SECONDS = GIVE_BACK_SECONDS = 0.05


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Driver]:
    """A fresh app for the module, on its own demo API and data folder."""
    Window.size = WINDOW
    config = load_config(str(EXAMPLE_CONFIG), environ={})
    services, stop_api = demo_services(config, Path(tmp_path_factory.mktemp("ui-data")))
    app = KioskApp(services)
    app.tidy_seconds, app.give_back_seconds = TIDY_SECONDS, GIVE_BACK_SECONDS
    driver = Driver(app)
    driver.settle()
    yield driver
    driver.close()
    services.stop()
    stop_api()


@pytest.fixture
def driver(kiosk: Driver) -> Iterator[Driver]:
    """The app as a new visitor finds it; after the test, the app as it was set up."""
    app = kiosk.app
    services = app.services
    config, online = services.config, services.connectivity.online
    speaker = services.speaker
    sink = speaker.make_sink if speaker is not None else None
    app.reset_session()
    assert kiosk.settle(), "the app did not settle after a reset"
    yield kiosk
    # what tests change on purpose, put back whatever happened in the test
    services.config = config
    services.connectivity.online = online
    if speaker is not None:
        speaker.make_sink = sink
        vars(speaker).pop("say", None)  # a test listening to what is said
        speaker.wait(30)
    app.operator_exit, app.exit_status = False, 0
    app.started_at = datetime.now()
    app.pin_lock.failures, app.pin_lock.locked_until = 0, 0.0
    for overlay in (app.attract, app.night, app.pin_pad, app.countdown):
        overlay.hide()
    if tuple(Window.size) != WINDOW:
        Window.size = WINDOW
    app.reset_session()  # also lets go of a camera a scan screen opened (the next test's
    # fixture waits for the app to settle)
