"""Run the reference API: in the foreground for `kiosk serve-api`, or in a thread for the
demo and the tests (on a port the OS picks, when asked for port 0)."""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from kiosk.catalogue.working_days import VIETNAM, Calendar
from kiosk.server.app import Limits, create_app
from kiosk.server.catalogue_files import seed_demo
from kiosk.server.db import ServerDB

# how `serve` tells its worker processes where the data is
DB_ENVIRONMENT = "KIOSK_API_DB"
CALENDAR_ENVIRONMENT = "KIOSK_API_CALENDAR"


def open_db(target: Path | str | None, *, seed: bool = True, today: date | None = None
            ) -> ServerDB:
    """The server database at `target`, a SQLite path or a `postgresql://` URL (a fresh
    temporary SQLite file when None), seeded with the demo data when it holds no catalogue
    yet and `seed` is set."""
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="kiosk-api-")) / "reference-api.sqlite"
    db = ServerDB(target)
    if seed and db.count("procedures") == 0:
        seed_demo(db, today)
    return db


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def _server(db: ServerDB, limits: Limits | None = None,
            calendar: Calendar = VIETNAM) -> uvicorn.Server:
    config = uvicorn.Config(create_app(db, limits, calendar), log_level="warning", access_log=False,
                            timeout_keep_alive=5, lifespan="off")
    return uvicorn.Server(config)


def serve(db: ServerDB, host: str, port: int, workers: int = 1,
          calendar: Calendar = VIETNAM) -> None:
    """Serve until interrupted: in this process, or in `workers` processes sharing the
    listening socket (each opens the database itself; the data layer keeps them
    consistent: transactions and unique keys, nothing held in one process's memory)."""
    if workers <= 1:
        sock = _bind(host, port)
        _server(db, calendar=calendar).run(sockets=[sock])
        return
    os.environ[DB_ENVIRONMENT] = str(db.path) if db.path else db.url
    os.environ[CALENDAR_ENVIRONMENT] = json.dumps({
        "days_off": sorted(map(str, calendar.days_off)),
        "working_days": sorted(map(str, calendar.working_days)),
        "cutoff": calendar.cutoff.strftime("%H:%M")})
    db.close()
    uvicorn.run("kiosk.server.run:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="warning", access_log=False, timeout_keep_alive=5,
                lifespan="off")


def app_from_environment() -> FastAPI:
    """The app of one worker process of `serve`."""
    calendar = json.loads(os.environ.get(CALENDAR_ENVIRONMENT) or "{}")
    return create_app(ServerDB(os.environ[DB_ENVIRONMENT]), calendar=Calendar.of(**calendar))


@dataclass
class RunningServer:
    server: uvicorn.Server
    thread: threading.Thread
    host: str
    port: int
    db: ServerDB

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_in_thread(db: ServerDB, host: str = "127.0.0.1", port: int = 0,
                    limits: Limits | None = None, calendar: Calendar = VIETNAM
                    ) -> RunningServer:
    """`limits`: the rate limits (the defaults of kiosk.server.app.Limits when None);
    `calendar`: the working days appointments count on."""
    sock = _bind(host, port)
    server = _server(db, limits, calendar)
    # no signal handlers of its own: uvicorn installs them only in the main thread
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="reference-api")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the reference API did not start")
        time.sleep(0.01)
    return RunningServer(server, thread, host, sock.getsockname()[1], db)
