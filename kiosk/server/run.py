"""Run the reference API: in the foreground for `kiosk serve-api`, or in a thread for the
demo and the tests (on a port the OS picks, when asked for port 0)."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import uvicorn

from kiosk.server.app import Limits, create_app
from kiosk.server.catalogue_files import seed_demo
from kiosk.server.db import ServerDB


def open_db(path: Path | None, *, seed: bool = True, today: date | None = None) -> ServerDB:
    """The server database at `path` (a fresh temporary one when None), seeded with the demo
    data when it holds no catalogue yet and `seed` is set."""
    if path is None:
        path = Path(tempfile.mkdtemp(prefix="kiosk-api-")) / "reference-api.sqlite"
    db = ServerDB(path)
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


def serve(db: ServerDB, host: str, port: int) -> None:
    """Serve until interrupted."""
    sock = _bind(host, port)
    _server(db).run(sockets=[sock])


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
