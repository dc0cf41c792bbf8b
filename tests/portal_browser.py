"""For the portal browser's tests: two loopback web servers under made-up host names, and
a small client of Chromium's DevTools protocol over --remote-debugging-pipe (fd 3 in,
fd 4 out; messages are JSON ended by a NUL byte)."""

from __future__ import annotations

import contextlib
import json
import os
import select
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ALLOWED_HOST = "portal.test"
BLOCKED_HOST = "elsewhere.test"
RESOLVER_RULES = "--host-resolver-rules=MAP *.test 127.0.0.1"
DOWNLOAD_NAME = "bien-nhan.pdf"


class Site:
    """A web server on loopback that remembers the paths asked for; /bien-nhan.pdf is a
    download, everything else a page titled "<tag> page"."""

    def __init__(self, tag: str) -> None:
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                if self.path == "/" + DOWNLOAD_NAME:
                    body = b"%PDF-1.4\n% a receipt\n"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Disposition",
                                     f"attachment; filename={DOWNLOAD_NAME}")
                else:
                    body = (f"<html><head><title>{tag} page</title></head>"
                            f"<body><p>{tag}</p></body></html>").encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def pipe_browser(folder: Path) -> tuple[Path, tuple[int, int], tuple[int, int]]:
    """A wrapper that starts Chromium with the DevTools pipe on fds 3 and 4 (which the
    browser insists on), from two pipes the test passes down; returns the wrapper, the
    fds to pass and the test's own ends (write, read)."""
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    wrapper = folder / "chromium-with-pipe"
    wrapper.write_text(f'#!/bin/bash\nexec chromium "$@" 3<&{to_browser_r} 4>&{from_browser_w}\n')
    wrapper.chmod(0o755)
    return wrapper, (to_browser_r, from_browser_w), (to_browser_w, from_browser_r)


class DevTools:
    def __init__(self, write_fd: int, read_fd: int, timeout: float = 20.0) -> None:
        self.write_fd, self.read_fd = write_fd, read_fd
        self.timeout = timeout
        self.buffer = b""
        self.number = 0
        self.session = ""

    def call(self, method: str, params: dict[str, Any] | None = None,
             page: bool = True) -> dict[str, Any]:
        """Send a command (to the attached page unless `page` is false) and return its
        answer: {"result": ...} or {"error": ...}."""
        self.number += 1
        message: dict[str, Any] = {"id": self.number, "method": method,
                                   "params": params or {}}
        if page and self.session:
            message["sessionId"] = self.session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                answer = json.loads(raw)
                if answer.get("id") == self.number:
                    return answer
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.read_fd], [], [], left)[0]:
                raise TimeoutError(f"no answer to {method}")
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                raise EOFError("the browser closed the DevTools pipe")
            self.buffer += chunk

    def pages(self) -> list[dict[str, Any]]:
        targets = self.call("Target.getTargets", page=False)["result"]["targetInfos"]
        return [t for t in targets if t["type"] == "page"]

    def attach(self) -> dict[str, Any]:
        """Attach to the first page; the answer (an error when DevTools are refused)."""
        answer = self.call("Target.attachToTarget",
                           {"targetId": self.pages()[0]["targetId"], "flatten": True},
                           page=False)
        self.session = answer.get("result", {}).get("sessionId", "")
        return answer

    def evaluate(self, expression: str) -> Any:
        answer = self.call("Runtime.evaluate", {"expression": expression,
                                                "awaitPromise": True, "userGesture": True})
        return answer["result"]["result"].get("value")

    def close(self) -> None:
        for fd in (self.write_fd, self.read_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
