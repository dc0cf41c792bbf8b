"""A network receipt printer on loopback: it keeps every byte it is sent and answers the
ESC/POS real-time status requests (DLE EOT 1, 2, 4) with the bytes a real printer gives
in the state the test sets (ready, cover open, paper out), or not at all. And reading
printed bytes back: the raster pictures they hold, the QR codes on them."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field

import zxingcpp
from PIL import Image

# answers of an Epson-compatible printer: fixed bits 0x12, then the state's bits
READY = {1: 0x12, 2: 0x12, 4: 0x12}
COVER_OPEN = {1: 0x1A, 2: 0x16, 4: 0x12}
PAPER_OUT = {1: 0x1A, 2: 0x32, 4: 0x72}
PAPER_LOW = {1: 0x12, 2: 0x12, 4: 0x1E}
SILENT: dict[int, int] = {}  # a printer that never answers status requests
CUT = b"\x1dV"  # GS V: cut the paper
RASTER = b"\x1dv0"  # GS v 0: a raster picture


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


def pictures(data: bytes) -> Image.Image:
    """The raster pictures (GS v 0) in printer bytes, stacked as the paper shows them."""
    parts = []
    at = data.find(RASTER)
    while at >= 0:
        width_bytes = data[at + 4] | data[at + 5] << 8
        height = data[at + 6] | data[at + 7] << 8
        size = width_bytes * height
        bits = data[at + 8:at + 8 + size]
        # raster data: 1 = a black dot; PIL's mode "1" raw: 1 = white, so invert
        parts.append(Image.frombytes("1", (width_bytes * 8, height),
                                     bytes(255 - b for b in bits)))
        at = data.find(RASTER, at + 8 + size)
    assert parts, "no raster picture in the bytes"
    paper = Image.new("1", (parts[0].width, sum(p.height for p in parts)), 1)
    y = 0
    for part in parts:
        paper.paste(part, (0, y))
        y += part.height
    return paper


def qr_texts(picture: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(picture.convert("L"))]
