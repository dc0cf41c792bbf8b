"""`kiosk serve-api` in a process of its own, for the tests and benchmarks that need a server
they can measure, kill or run with several workers; and a free loopback port."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ApiProcess:
    process: subprocess.Popen[str]
    base_url: str


@contextlib.contextmanager
def serve_api(target: Path | str, workers: int = 1, start_s: float = 60) -> Iterator[ApiProcess]:
    """The reference API on `target` (a SQLite path or a PostgreSQL URL, seeded with the
    demo data when empty) on a free port, answering /v1/health, until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli.main", "serve-api", "--db", str(target),
         "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + start_s
        while True:
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base_url}/health", timeout=2).ok:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read() if process.stdout else ""
                raise RuntimeError(f"kiosk serve-api did not start: {output[-500:]}")
            time.sleep(0.1)
        yield ApiProcess(process, base_url)
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl+C: the workers stop with it
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
