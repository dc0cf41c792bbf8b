"""The kiosk tells the central API it is alive, and hands over its usage counts.

Every `heartbeat.interval_minutes` (the first about a minute after start, when the screen is
up and the network check has run) a daemon thread posts to /v1/heartbeats: the version, how
long the app has run, when the catalogue was last synced, the free disk in the data folder,
the camera's state, and the pending usage batch. The batch leaves the kiosk only when the
API has answered for it; otherwise the next heartbeat sends it again, with the same id, and
the server counts it once. The UI thread never waits for any of this.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.config import Config
from kiosk.config.camera import is_device
from kiosk.store.catalogue_store import CatalogueStore, StoreError
from kiosk.store.client import ApiBadAnswer, ApiClient, ApiError, ClientSettings
from kiosk.store.usage import UsageBatch, UsageLog

log = logging.getLogger(__name__)

MB = 1024 * 1024
FIRST_DELAY = 60.0


def camera_state(source: str) -> str:
    """"file" for a video or image-sequence source; for a device, "present" or "missing"
    as its node is there or not. The camera is not opened: the scan screen may hold it."""
    if not is_device(source):
        return "file"
    return "present" if Path(f"/dev/video{int(source)}").exists() else "missing"


def free_disk_mb(path: Path) -> float | None:
    try:
        return round(shutil.disk_usage(path).free / MB, 1)
    except OSError:
        return None


def last_sync(path: Path) -> str | None:
    """When the local catalogue was last synced (ISO time), None when there is none."""
    store = CatalogueStore(path)
    try:
        return store.info().synced_at or None
    except (StoreError, sqlite3.Error):
        return None
    finally:
        store.close()  # its own connection: the UI's store is not shared across threads


def build_heartbeat(config: Config, uptime_s: float, batch: UsageBatch | None
                    ) -> dict[str, Any]:
    body: dict[str, Any] = {
        "version": __version__, "uptime_s": round(uptime_s, 1),
        "interval_s": config.heartbeat.interval_minutes * 60,
        "last_sync": last_sync(config.catalogue_path),
        "free_disk_mb": free_disk_mb(config.data_dir),
        "camera": camera_state(config.scanner.camera)}
    if batch is not None:
        body["batch_id"] = batch.id
        body["usage"] = [count.to_dict() for count in batch.counts]
    return body


class Heartbeat:
    """The running kiosk's heartbeat thread; `beat()` sends one heartbeat now."""

    def __init__(self, config: Config, usage: UsageLog, client: ApiClient | None = None, *,
                 interval: float | None = None, first_delay: float = FIRST_DELAY) -> None:
        self.config, self.usage = config, usage
        self.client = client or ApiClient(ClientSettings.from_config(config))
        self.interval = interval or config.heartbeat.interval_minutes * 60.0
        self.first_delay = first_delay
        self.started = time.monotonic()
        self.sent = 0  # heartbeats the API has taken
        self.last_error = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> bool:
        """Send one heartbeat with the pending usage batch; True when the API took it."""
        batch = self.usage.take_batch()
        body = build_heartbeat(self.config, time.monotonic() - self.started, batch)
        try:
            # asking for an answer body: the client takes only JSON as a sign of the API
            answer = self.client.post("heartbeats", body,
                                      headers={"Prefer": "return=representation"})
            if batch is not None and answer.json().get("batch_id") != batch.id:
                raise ApiBadAnswer("the central API's answer does not confirm the usage batch")
        except ApiError as err:
            if not self.last_error:  # once per outage, not every interval
                log.warning("heartbeat not delivered (%s); usage counts wait for the next "
                            "one", err.reason)
            self.last_error = err.reason
            return False
        if batch is not None:
            self.usage.acknowledge(batch.id)
        self.sent += 1
        self.last_error = ""
        log.debug("heartbeat delivered (%d usage rows)", len(batch.counts) if batch else 0)
        return True

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
            self._thread.start()

    def stop(self, wait: float = 0.0) -> None:
        """Stop the thread; with `wait`, wait that long for a heartbeat in flight."""
        self._stop.set()
        if self._thread is not None and wait > 0:
            self._thread.join(wait)

    def _run(self) -> None:
        pause = self.first_delay
        while not self._stop.wait(pause):
            try:
                self.beat()
            except Exception:  # a bug here must not end the heartbeats for months
                log.exception("heartbeat failed")
            pause = self.interval
