"""Run the reference API: in the foreground for `kiosk serve-api`, or in a thread for the
demo and the tests (on a port the OS picks, when asked for port 0)."""

from __future__ import annotations

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

from kiosk.server.app import Limits, create_app
from kiosk.server.catalogue_files import seed_demo
from kiosk.server.db import ServerDB

# how `serve` tells its worker processes where the data is
DB_ENVIRONMENT = "KIOSK_API_DB"


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


def _server(db: ServerDB, limits: Limits | None = None) -> uvicorn.Server:
    config = uvicorn.Config(create_app(db, limits), log_level="warning", access_log=False,
                            timeout_keep_alive=5, lifespan="off")
    return uvicorn.Server(config)


def serve(db: ServerDB, host: str, port: int, workers: int = 1) -> None:
    """Serve until interrupted: in this process, or in `workers` processes sharing the
    listening socket (each opens the database itself; the data layer keeps them
    consistent: transactions and unique keys, nothing held in one process's memory)."""
    if workers <= 1:
        sock = _bind(host, port)
        _server(db).run(sockets=[sock])
        return
    os.environ[DB_ENVIRONMENT] = str(db.path) if db.path else db.url
    db.close()
    uvicorn.run("kiosk.server.run:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="warning", access_log=False, timeout_keep_alive=5,
                lifespan="off")


def app_from_environment() -> FastAPI:
    """The app of one worker process of `serve`."""
    return create_app(ServerDB(os.environ[DB_ENVIRONMENT]))


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
                    limits: Limits | None = None) -> RunningServer:
    """`limits`: the rate limits (the defaults of kiosk.server.app.Limits when None)."""
    sock = _bind(host, port)
    server = _server(db, limits)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="reference-api")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the reference API did not start")
        time.sleep(0.01)
    return RunningServer(server, thread, host, sock.getsockname()[1], db)
