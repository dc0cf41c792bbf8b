"""`kiosk demo`: the reference API on demo data in this process, a sync, then the kiosk in
a window. Without a display it says so and points to `scripts/dev tour`."""

from __future__ import annotations

import dataclasses

from kiosk.config import load_config
from kiosk.server.run import open_db, start_in_thread
from kiosk.store.local_catalogue import LocalCatalogue
from kiosk.store.sync import sync_from_config
from kiosk.ui.launch import has_display, run_app

DEMO_PORT = 8700


def run_demo(config_file: str | None) -> int:
    config = load_config(config_file)
    db = open_db(None)
    try:
        server = start_in_thread(db, "127.0.0.1", DEMO_PORT)
    except OSError:  # 8700 is taken (perhaps by `kiosk serve-api`): any free port will do
        server = start_in_thread(db, "127.0.0.1", 0)
    config = dataclasses.replace(config, api=dataclasses.replace(config.api,
                                                                 base_url=server.base_url))
    try:
        result = sync_from_config(config)
        print(f"Demo central API at {server.base_url}; {result.summary()}")
        catalogue = LocalCatalogue(config.catalogue_path)
        info = catalogue.store.info()
        catalogue.close()
        print(f"{config.kiosk.name}: {info.procedures} procedures in {info.fields} fields, "
              f"{info.forms} forms, local store {config.catalogue_path}")
        if not has_display():
            print("No display here (DISPLAY and WAYLAND_DISPLAY are not set), so the kiosk "
                  "window cannot open. To see every screen as pictures, run "
                  "scripts/dev tour (in a source checkout).")
            return 0
        print("Opening the kiosk in a window. Operator exit: tap the place name 5 times, "
              "then the PIN (demo PIN 246810).", flush=True)
        run_app(config, fullscreen=False)
    finally:
        server.stop()
    return 0
