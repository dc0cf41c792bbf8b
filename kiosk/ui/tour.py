"""`kiosk tour`: the real app on demo data, driven through every screen, one PNG each.

The reference API runs in this process on loopback; the catalogue is synced into a
temporary folder, so the pictures never depend on the machine's own data.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.config import Config
from kiosk.server.run import open_db, start_in_thread
from kiosk.store.sync import sync_from_config
from kiosk.ui.app import KioskApp
from kiosk.ui.driver import Driver
from kiosk.ui.services import KioskServices

SAMPLE_PROCEDURE = "1.001193"  # Đăng ký khai sinh: forms, samples, online
PLAIN_PROCEDURE = "2.000884"  # Chứng thực chữ ký: not online


def demo_services(config: Config, data_dir: Path) -> tuple[KioskServices, Callable[[], None]]:
    """Services on a synced copy of the demo catalogue, and how to stop the demo API."""
    server = start_in_thread(open_db(None))
    config = dataclasses.replace(
        config, api=dataclasses.replace(config.api, base_url=server.base_url),
        kiosk=dataclasses.replace(config.kiosk, data_dir=str(data_dir)))
    sync_from_config(config)
    services = KioskServices.from_config(config)
    services.connectivity.check()
    return services, server.stop


class Tour:
    def __init__(self, config: Config, out: Path, width: int, height: int) -> None:
        self.config = config
        self.out = out
        self.size = (width, height)
        self.shots: list[Path] = []

    def run(self) -> list[Path]:
        with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as data:
            services, stop_api = demo_services(self.config, Path(data))
            app = KioskApp(services)
            self.driver = Driver(app)
            try:
                self._walk(app, stop_api)
            finally:
                services.stop()
                stop_api()
        return self.shots

    def shot(self, name: str) -> None:
        path = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        self.shots.append(self.driver.screenshot(path))

    def _walk(self, app: KioskApp, stop_api: Callable[[], None]) -> None:
        d = self.driver
        self.shot("home")
        d.tap("home:browse")
        self.shot("browse")
        d.tap("level:province")
        self.shot("browse-province")
        app.home()
        d.frames()
        d.tap("home:online")
        self.shot("browse-online")
        app.home()
        d.frames()
        d.tap("home:search")
        self.shot("search-empty")
        d.type("dang ky khai sinh")
        self.shot("search-typed")
        d.tap("key:clear")
        d.type("viet")
        d.tap("mark:circumflex")
        d.tap("tone:nang")
        self.shot("search-keyboard-marks")
        d.tap("key:clear")
        d.type("qqxyz")
        self.shot("search-nothing-found")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail")
        d.scroll_to_end()
        self.shot("detail-end")
        d.tap("detail:legal")
        d.scroll_to_end()
        self.shot("detail-legal-basis")
        app.go("detail", code=PLAIN_PROCEDURE)
        d.frames()
        self.shot("detail-not-online")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        form = next(w.action_id for w in d.widgets()
                    if str(getattr(w, "action_id", "")).startswith("form:"))
        d.tap(form)
        self.shot("viewer-form")
        app.back()
        d.frames()
        sample = next(w.action_id for w in d.widgets()
                      if str(getattr(w, "action_id", "")).startswith("sample:"))
        d.tap(sample)
        self.shot("viewer-sample")
        d.tap("viewer:next")
        d.tap("viewer:zoom_in")
        self.shot("viewer-sample-page2-zoom")
        d.tap("viewer:close")
        d.tap("detail:submit")
        self.shot("handoff-online")
        app.home()
        d.frames()
        d.tap("home:help")
        self.shot("help")
        app.idle.last_touch -= app.idle.idle_seconds + 1
        app._every_second(0)
        self.shot("idle-countdown")
        d.tap("idle:continue")
        app.home()
        d.frames()
        place = app.header.place
        for _ in range(5):
            d.tap_at(*place.to_window(*place.center))
        self.shot("operator-pin")
        for key in "1234":
            d.tap(f"pin:{key}")
        d.tap("pin:OK")
        self.shot("operator-pin-wrong")
        d.tap("pin:cancel")
        app.idle.last_touch -= app.idle.attract_seconds + 1
        app._every_second(0)
        self.shot("attract")
        d.tap_at(10, 10)
        d.tap("nav:large_text")
        self.shot("home-large-text")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail-large-text")
        app.reset_session()
        d.frames()
        d.tap("nav:language")
        self.shot("home-english")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail-english")
        app.reset_session()
        stop_api()
        app.services.connectivity.check()
        app._every_second(0)
        app.home()
        d.frames()
        self.shot("home-offline")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail-offline")
