"""One person's portal session: Chromium in kiosk mode with a fresh profile, watched
until it ends, then wiped.

The browser takes the screen (cage shows the newest window; on plain X, `--kiosk` covers
the kiosk's window) and the kiosk comes back when it exits. It exits when the person
touches "Kết thúc" on the strip the kiosk's small extension adds to every page, when the
strip's idle time-out runs out, or when the kiosk ends it (the session's time limit, the
kiosk's own reset). Afterwards the profile (cookies, history, cache, the log-in) and the
session folder (papers offered, files downloaded) are deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.access_point.files import Paper, empty_folder, offer_papers
from kiosk.access_point.policy import policy_problem
from kiosk.config import Config

EXTENSION = Path(__file__).resolve().parent / "extension"
PROFILE_PREFIX = "kiosk-portal-"
STOP_SECONDS = 5.0


class PortalUnavailable(RuntimeError):
    """The portal cannot be opened safely here (no browser, or no policy to guard it)."""


@dataclass(frozen=True)
class StripTexts:
    """The strip's words, in the kiosk's language at the time the session starts."""

    end: str
    note: str
    more: str
    warning: str  # with {n}: the seconds left


def browser_path(config: Config) -> str | None:
    return shutil.which(config.access_point.browser)


def unavailable_reason(config: Config, policy: dict[str, Any] | None = None) -> str:
    """"" when a guarded session can start, else why not (for the operator's log and
    `kiosk doctor`)."""
    if not config.access_point.enabled:
        return "the portal access point is off (access_point.enabled = false)"
    if browser_path(config) is None:
        return f"the browser {config.access_point.browser!r} is not installed"
    return policy_problem(config, policy)


def _extension(profile: Path, texts: StripTexts, idle_seconds: int,
               countdown_seconds: int) -> Path:
    """A copy of the strip extension with this session's settings, inside the profile
    (so it goes with it)."""
    target = profile / "kiosk-strip"
    shutil.copytree(EXTENSION, target)
    settings = {"idleSeconds": idle_seconds, "countdownSeconds": countdown_seconds,
                "texts": {"end": texts.end, "note": texts.note, "more": texts.more,
                          "warning": texts.warning}}
    (target / "settings.js").write_text(
        "globalThis.KIOSK_SETTINGS = " + json.dumps(settings, ensure_ascii=False) + ";\n",
        encoding="utf-8")
    return target


def browser_command(browser: str, profile: Path, extension: Path, url: str,
                    extra_args: Sequence[str] = ()) -> list[str]:
    command = [browser, "--kiosk", f"--user-data-dir={profile}",
               f"--disk-cache-dir={profile / 'cache'}", "--no-first-run",
               "--no-default-browser-check", "--disable-sync", "--password-store=basic",
               f"--load-extension={extension}", f"--disable-extensions-except={extension}",
               # Chromium keeps --load-extension behind this feature since version 137
               "--disable-features=DisableLoadExtensionCommandLineSwitch,Translate"]
    if os.geteuid() == 0:
        # Chromium's sandbox refuses root; the kiosk runs as its own user (tests as root)
        command.append("--no-sandbox")
    return [*command, *extra_args, url]


def sweep(files_dir: Path) -> None:
    """What a crashed kiosk may have left: old profiles in the temp folder and papers in
    the session folder."""
    for old in Path(tempfile.gettempdir()).glob(PROFILE_PREFIX + "*"):
        shutil.rmtree(old, ignore_errors=True)
    if files_dir.exists():
        shutil.rmtree(files_dir, ignore_errors=True)


@dataclass
class PortalSession:
    process: subprocess.Popen[bytes]
    profile: Path
    files: Path
    deadline: float  # time.monotonic() after which the kiosk ends it
    offered: list[Path] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def over(self, now: float | None = None) -> bool:
        """The browser has exited, or the session's time is up."""
        return not self.running or (now or time.monotonic()) >= self.deadline

    def end(self) -> None:
        """Stop the browser (all its processes) and delete the profile and the files."""
        if self.running:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        wipe(self.profile, self.files)


def wipe(profile: Path, files: Path) -> None:
    shutil.rmtree(profile, ignore_errors=True)
    if files.exists():
        shutil.rmtree(files, ignore_errors=True)


def start_portal(config: Config, url: str, texts: StripTexts, *,
                 papers: Sequence[Paper] = (), extra_args: Sequence[str] = (),
                 policy: dict[str, Any] | None = None,
                 pass_fds: Sequence[int] = ()) -> PortalSession:
    """Open `url` in the guarded browser; raise PortalUnavailable when it cannot be
    guarded (no browser, no policy or another one: never an open browser). `policy` and
    `pass_fds` are for tests (the policy they installed; the DevTools pipe)."""
    reason = unavailable_reason(config, policy)
    if reason:
        raise PortalUnavailable(reason)
    browser = browser_path(config)
    assert browser is not None
    files = config.portal_files_dir
    sweep(files)
    empty_folder(files)
    profile = Path(tempfile.mkdtemp(prefix=PROFILE_PREFIX))
    try:
        offered = offer_papers(files, papers)
        extension = _extension(profile, texts, config.session.idle_seconds,
                               config.session.countdown_seconds)
        # its own process group, so that the browser's processes end together
        process = subprocess.Popen(
            browser_command(browser, profile, extension, url, extra_args),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=tuple(pass_fds), start_new_session=True)
    except BaseException:
        wipe(profile, files)
        raise
    deadline = time.monotonic() + config.access_point.max_minutes * 60
    return PortalSession(process, profile, files, deadline, offered)
