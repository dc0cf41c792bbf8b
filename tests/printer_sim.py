"""A network receipt printer on loopback: it keeps every byte it is sent and answers the
ESC/POS real-time status requests (DLE EOT 1, 2, 4) with the bytes a real printer gives
in the state the test sets (ready, cover open, paper out), or not at all."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field

# answers of an Epson-compatible printer: fixed bits 0x12, then the state's bits
READY = {1: 0x12, 2: 0x12, 4: 0x12}
COVER_OPEN = {1: 0x1A, 2: 0x16, 4: 0x12}
PAPER_OUT = {1: 0x1A, 2: 0x32, 4: 0x72}
PAPER_LOW = {1: 0x12, 2: 0x12, 4: 0x1E}
SILENT: dict[int, int] = {}  # a printer that never answers status requests


@dataclass
class NetworkPrinter:
    answers: dict[int, int] = field(default_factory=lambda: dict(READY))
    received: bytearray = field(default_factory=bytearray)
    hung_up: int = 0  # connections the kiosk has closed (a job is whole once it has)

    def __post_init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                self._talk(conn)
            self.hung_up += 1

    def _talk(self, conn: socket.socket) -> None:
        pending = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.received += data
            pending = (pending + data)[-3:]
            # a status request is answered as soon as its three bytes have come
            if pending[:2] == b"\x10\x04" and len(pending) == 3 and pending[2] in self.answers:
                conn.sendall(bytes([self.answers[pending[2]]]))
                pending = b""

    def close(self) -> None:
        # a thread blocked in accept() keeps the socket listening after close(): shutdown
        # wakes it, so the port is really closed when this returns
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self.thread.join(5)
