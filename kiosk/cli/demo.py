"""`kiosk demo`: the reference API on demo data in this process, a sync, then the kiosk.

Until the touch UI lands, "the kiosk" is a catalogue summary and a search prompt.
"""

from __future__ import annotations

import dataclasses
import sys

from kiosk.config import load_config
from kiosk.server.run import open_db, start_in_thread
from kiosk.store.local_catalogue import LocalCatalogue
from kiosk.store.sync import sync_from_config

DEMO_PORT = 8700


def run_demo(config_file: str | None, *, interactive: bool) -> int:
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
        print(f"{config.kiosk.name}: {info.procedures} procedures in {info.fields} fields, "
              f"{info.forms} forms, local store {config.catalogue_path}")
        for field, count in catalogue.store.fields():
            print(f"  {count:>4}  {field}")
        if interactive:
            _prompt(catalogue, config.search.limit)
    finally:
        server.stop()
    return 0


def _prompt(catalogue: LocalCatalogue, limit: int) -> None:
    print("\nTìm thủ tục (gõ có dấu hoặc không dấu; Ctrl+D để thoát):")
    for line in sys.stdin:
        for hit in catalogue.search(line.strip(), limit)[:10]:
            print(f"  {hit.code:<12} {hit.name}")
        print("> ", end="", flush=True)
