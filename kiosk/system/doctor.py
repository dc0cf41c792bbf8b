"""`kiosk doctor`: is this machine ready to run the kiosk? Checks only, no printing.

Each check is a function returning one `Check`: "pass", "warn" (the kiosk works, but look at
it) or "fail" (the kiosk cannot do its job), with a one-line detail and, when not passing,
the fix in words an IT officer can act on. `run_checks` runs them all in order. The checks
read and never change anything: no file is created where the kiosk keeps its data (a file
made by root there could stop the kiosk user from writing it later), apart from a temporary
file to prove the data folder is writable, removed at once.
"""

from __future__ import annotations

import dataclasses
import glob
import grp
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from kiosk.assets import ASSETS
from kiosk.config import Config, ConfigError, config_path, load_config, parse_config

if TYPE_CHECKING:
    from kiosk.store.outbox import SenderStatus

Status = Literal["pass", "warn", "fail"]
KIOSK_USER = "kiosk"  # the user systemd/install.sh creates to run the screen
MB = 1024 * 1024
AGAIN = "fix what is above, then run `kiosk doctor` again"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


def skipped(name: str, why: str) -> Check:
    """A check that could not run because an earlier one failed: a warning, so the
    operator sees it was not forgotten, without counting the same fault twice."""
    return Check(name, "warn", f"not checked: {why}", AGAIN)


# --- config and secrets ------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """What reading the config gave: the config (without secrets if those failed)."""

    checks: list[Check]
    config: Config | None
    secrets_ok: bool


def load(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Loaded:
    """The config file and the secrets file, each with its own verdict."""
    path = config_path(explicit, environ)
    try:
        config = load_config(explicit, environ)
    except ConfigError as err:
        main = _main_config(path, environ)
        if isinstance(main, ConfigError):
            return Loaded([Check("config", "fail", f"{main.source}: {'; '.join(main.problems)}",
                                 _config_fix(path, main))], None, False)
        # the main file is fine, so the error was the secrets file's
        return Loaded([_config_passed(main),
                       Check("secrets", "fail", f"{err.source}: {'; '.join(err.problems)}",
                             f"correct {err.source}: it holds only [api] key, [operator] "
                             "pin_hash and [outbox] key (run `kiosk doctor` as root if it "
                             "says permission denied)")], main, False)
    return Loaded([_config_passed(config), check_secrets_file(config)], config, True)


def _main_config(path: Path, environ: Mapping[str, str] | None) -> Config | ConfigError:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        return ConfigError(str(path), [f"cannot be read ({err.strerror or err})"])
    except UnicodeDecodeError:
        return ConfigError(str(path), ["is not UTF-8 text"])
    try:
        return parse_config(text, str(path), path.resolve().parent, environ)
    except ConfigError as err:
        return err


def _config_passed(config: Config) -> Check:
    return Check("config", "pass", f"{config.source}: kiosk {config.kiosk.id!r}, "
                                   f"API {config.api.base_url}")


def _config_fix(path: Path, err: ConfigError) -> str:
    if not path.exists():
        return (f"give the config file with --config FILE, or create {path} "
                "(systemd/install.sh writes one)")
    return f"correct these keys in {path}; every key is explained in config/kiosk.toml"


def check_secrets_file(config: Config) -> Check:
    """The secrets file was found and only root and the kiosk can read it (the same rule
    `kiosk run` refuses to start by; see kiosk.config.settings.secrets_exposure)."""
    from kiosk.config.settings import is_demo_secrets, secrets_exposure, tighten_secrets

    path = config.secrets_source
    if not path:
        return Check("secrets", "fail", f"no secrets file at {config.kiosk.secrets_file}",
                     f"create {config.kiosk.secrets_file} with [api] key, [operator] "
                     "pin_hash and [outbox] key (systemd/install.sh writes one), then "
                     f"chmod 0640 and chown root:{KIOSK_USER} it")
    try:
        st = os.stat(path)
        mode, how = secrets_exposure(path)
    except OSError as err:
        return Check("secrets", "fail", f"{path} cannot be examined ({err.strerror})",
                     "run `kiosk doctor` as root")
    owner = f"{_user_name(st.st_uid)}:{_group_name(st.st_gid)}"
    seen = f"{path} (mode {mode:04o}, {owner})"
    tighten = tighten_secrets(path)
    if is_demo_secrets(path):
        return Check("secrets", "warn", f"{seen} is the demo's secrets file: its keys and "
                                        "PIN are public, fit for the demo only",
                     "on a kiosk in a public hall, use a secrets file of its own "
                     "(systemd/install.sh writes /etc/kiosk/secrets.toml) and point "
                     "kiosk.secrets_file at it")
    if how:
        # anyone on the machine could read the API key and the outbox key (which guards
        # people's submissions), or write a PIN hash of their own; `kiosk run` refuses it
        return Check("secrets", "fail", f"{seen} {how}: the kiosk refuses to start with it",
                     tighten)
    if not user_can(path, KIOSK_USER, os.R_OK):
        return Check("secrets", "fail", f"{seen}: the user {KIOSK_USER} cannot read it, so "
                                        "the kiosk would start without its keys", tighten)
    return Check("secrets", "pass", seen)


def check_operator_pin(config: Config) -> Check:
    if not config.operator.pin_hash:
        return Check("operator PIN", "warn",
                     f"no [operator] pin_hash in {config.secrets_source or 'the secrets file'}:"
                     " nobody can leave the kiosk from the screen",
                     "run `kiosk hash-pin`, type the PIN, and put the line it prints in "
                     "[operator] pin_hash of the secrets file")
    scheme = config.operator.pin_hash.split("$")
    return Check("operator PIN", "pass", f"set ({scheme[0]}, {scheme[1]} rounds)")


def check_outbox_key(config: Config) -> Check:
    from cryptography.fernet import Fernet

    where = config.secrets_source or "the secrets file"
    new_key = ("make one with `python3 -c 'import base64, secrets; print(base64."
               "urlsafe_b64encode(secrets.token_bytes(32)).decode())'` and put it in "
               f"[outbox] key of {where}")
    if not config.outbox.key:
        return Check("outbox key", "fail", f"no [outbox] key in {where}: what people send "
                                           "cannot be kept while the network is down", new_key)
    try:
        Fernet(config.outbox.key.encode())
    except ValueError:
        return Check("outbox key", "fail", f"[outbox] key in {where} is not 32 bytes of "
                                           "URL-safe base64",
                     "if the kiosk ever ran with a good key, put that one back (items "
                     f"waiting in the outbox need it); else {new_key}")
    return Check("outbox key", "pass", "present and valid")


# --- the central API and the clock -------------------------------------------------------


@dataclass
class ApiProbe:
    """One look at the central API, shared by the API, key, clock and catalogue checks."""

    host: str
    health_ms: float | None = None
    server_version: str = ""
    error: Exception | None = None  # from /health: the API cannot be reached or used
    catalogue: dict[str, Any] | None = None
    etag: str = ""
    key_error: Exception | None = None  # from the authenticated request
    date: str | None = None  # the Date header of an answer
    local_time: datetime | None = None  # this machine's UTC time when that answer came

    @property
    def reached(self) -> bool:
        return self.health_ms is not None


def probe_api(config: Config) -> ApiProbe:
    """GET health, then GET catalogue with the key. One try each: the doctor reports what it
    sees now, where the kiosk would retry."""
    from kiosk.store.client import ApiClient, ApiError, ClientSettings

    settings = dataclasses.replace(ClientSettings.from_config(config), retries=0)
    client = ApiClient(settings)
    probe = ApiProbe(client.host)
    try:
        started = time.monotonic()
        before = datetime.now(UTC)
        try:
            answer = client.get("health")
            health = answer.json()
        except ApiError as err:
            probe.error = err
            return probe
        probe.health_ms = (time.monotonic() - started) * 1000
        # the server's Date is stamped somewhere in between: take the middle
        probe.local_time = before + (datetime.now(UTC) - before) / 2
        probe.date = answer.headers.get("Date")
        if isinstance(health, dict):
            probe.server_version = str(health.get("version", ""))[:40]
        if not config.api.key:
            return probe
        try:
            answer = client.get("catalogue")
            body = answer.json()
            probe.catalogue = body if isinstance(body, dict) else {}
            probe.etag = answer.headers.get("ETag", "")
        except ApiError as err:
            probe.key_error = err
    finally:
        client.close()
    return probe


def check_api(probe: ApiProbe, config: Config) -> Check:
    if probe.reached:
        version = f", server version {probe.server_version}" if probe.server_version else ""
        return Check("central API", "pass",
                     f"{probe.host} answered in {probe.health_ms:.0f} ms{version}")
    reason = getattr(probe.error, "reason", str(probe.error))
    return Check("central API", "fail", reason, _api_fix(probe.error, config))


def _api_fix(err: Exception | None, config: Config) -> str:
    from kiosk.store.client import (
        ApiBadAnswer,
        ApiNotFound,
        ApiServerError,
        ApiTimeout,
        ApiUnreachable,
    )

    url, source = config.api.base_url, config.source
    if isinstance(err, ApiNotFound):
        return (f"api.base_url ({url}) in {source} is probably wrong: it must end with the "
                "API's version path, e.g. https://kiosk.example.gov.vn/v1")
    if isinstance(err, ApiBadAnswer):
        return ("the network may send this kiosk to a login page (captive portal) or a proxy: "
                f"ask whoever runs the network to let it reach {urlsplit(url).netloc} "
                "directly; if the address moved from http to https, write https in "
                f"api.base_url in {source}")
    if isinstance(err, ApiServerError):
        return "the central API itself is failing: tell the province's IT team"
    if isinstance(err, ApiUnreachable | ApiTimeout):
        return (f"check the network cable or Wi-Fi, and api.base_url ({url}) in {source}; "
                "the central API may also be down")
    return f"check api.base_url ({url}) in {source}"


def check_api_key(probe: ApiProbe, config: Config) -> Check:
    from kiosk.store.client import ApiAuthError

    secrets = config.secrets_source or config.kiosk.secrets_file
    if not config.api.key:
        return Check("API key", "fail", f"no [api] key in {secrets}",
                     f"put this kiosk's API key (issued by the province for kiosk id "
                     f"{config.kiosk.id!r}) in [api] key of {secrets}")
    if not probe.reached:
        return skipped("API key", "the central API could not be reached")
    if isinstance(probe.key_error, ApiAuthError):
        return Check("API key", "fail", probe.key_error.reason,
                     f"check [api] key in {secrets}: it must be the key the province issued "
                     f"for kiosk id {config.kiosk.id!r}")
    if probe.key_error is not None:
        return Check("API key", "fail", getattr(probe.key_error, "reason",
                                                str(probe.key_error)),
                     _api_fix(probe.key_error, config))
    count = (probe.catalogue or {}).get("procedures")
    return Check("API key", "pass", "accepted" + (f" (the catalogue has {count} procedures)"
                                                  if isinstance(count, int) else ""))


def check_clock(date_header: str | None, local: datetime | None, *, warn_after: float = 60,
                fail_after: float = 600) -> Check:
    """This machine's clock against the central API's `Date`. TLS certificates and the dates
    printed on receipts need a right clock."""
    if local is None:
        return skipped("clock", "the central API could not be reached")
    try:
        server = parsedate_to_datetime(date_header or "")
    except (TypeError, ValueError):
        server = None
    if server is None or server.tzinfo is None:
        return Check("clock", "warn", "the central API's answer has no usable Date header, so "
                                      "this clock could not be compared",
                     "check this clock by hand: `timedatectl status`")
    # Date has whole seconds: the server's time was somewhere in the second after it
    skew = (local - server).total_seconds() - 0.5
    size = abs(skew)
    if size < 1.5:
        detail = "within a second of the central API's clock"
    else:
        detail = (f"{_duration(size)} {'ahead of' if skew > 0 else 'behind'} the central "
                  "API's clock")
    fix = ("turn on time sync: `timedatectl set-ntp true`, then `timedatectl status` should "
           "say `System clock synchronized: yes` (the kiosk needs to reach a time server, "
           "UDP port 123)")
    if size > fail_after:
        return Check("clock", "fail", f"{detail}: secure connections and the dates on "
                                      "receipts go wrong", fix)
    if size > warn_after:
        return Check("clock", "warn", detail, fix)
    return Check("clock", "pass", detail)


# --- the local catalogue and the outbox --------------------------------------------------


def check_catalogue(config: Config, probe: ApiProbe | None, *, now: datetime | None = None,
                    max_age: timedelta = timedelta(days=3)) -> Check:
    """The local store is there and current. A sync that finds nothing new leaves the store
    as it is, so its age alone says little: when the API answered, the versions are
    compared instead; the age counts only when the API cannot be asked."""
    from kiosk.store.catalogue_store import CatalogueStore, StoreError

    path = config.catalogue_path
    resync = "run `kiosk sync` (on an installed kiosk: `systemctl start kiosk-sync`)"
    if not path.exists():
        return Check("catalogue", "fail", f"no local catalogue at {path}: the kiosk has "
                                          "nothing to show while the network is down", resync)
    store = CatalogueStore(path)
    try:
        info, meta = store.info(), store.meta()
    except StoreError as err:
        return Check("catalogue", "fail", str(err), resync)
    finally:
        store.close()
    if info.procedures == 0:
        return Check("catalogue", "fail", f"the local catalogue at {path} is empty", resync)
    now = now or datetime.now(UTC)
    when = _synced(info.synced_at, now)
    what = f"{info.procedures} procedures, {info.forms} forms, last changed {when}"
    if probe is not None and probe.etag and probe.etag == meta.get("etag"):
        return Check("catalogue", "pass", f"{what}; the same version as the central API")
    source = info.source.rstrip("/")
    if source and source != config.api.base_url.rstrip("/"):
        return Check("catalogue", "warn", f"{what}; it came from {source}, not from the "
                                          f"configured API {config.api.base_url}", resync)
    if probe is not None and probe.etag:
        count = (probe.catalogue or {}).get("procedures")
        return Check("catalogue", "warn",
                     f"{what}; the central API now has another version"
                     + (f" ({count} procedures)" if isinstance(count, int) else ""),
                     f"the kiosk syncs every {config.sync.interval_minutes} minutes; if this "
                     f"stays, look at `journalctl -u kiosk-sync`, or {resync}")
    synced = _parse_time(info.synced_at)
    if synced is None or now - synced > max_age:
        return Check("catalogue", "warn", f"{what}, and the central API could not be asked "
                                          "whether it changed since",
                     f"get the central API working (above), then {resync}")
    return Check("catalogue", "pass", f"{what} (not compared: the central API was not asked)")


def check_outbox(config: Config, *, now: float | None = None, max_wait: float = 3600,
                 sender_silent: float = 1800) -> Check:
    """What waits in the outbox, whether the outbox key reads all of it, and when the
    kiosk's sender last went through it (it records each round in the outbox file)."""
    from kiosk.store.outbox import Outbox, OutboxError

    if not config.outbox_path.exists():
        return Check("outbox", "pass", "empty (nothing has been sent from this kiosk yet)")
    try:
        outbox = Outbox.from_config(config)
        items = outbox.summaries()
        unreadable = outbox.unreadable()
        sender = outbox.sender_status()
    except OutboxError as err:
        return Check("outbox", "fail", str(err), f"check the outbox key and that "
                                                 f"{config.data_dir} is writable")
    now = time.time() if now is None else now
    ran = f"; sender: {sender_summary(sender, now)}" if sender is not None else ""
    if unreadable:
        references = ", ".join(item.reference for item in unreadable[:5])
        more = f" and {len(unreadable) - 5} more" if len(unreadable) > 5 else ""
        return Check("outbox", "fail", f"{len(unreadable)} of {len(items)} items cannot be "
                                       f"read with the outbox key ({references}{more}); they "
                                       f"are kept, encrypted, and never sent{ran}",
                     unreadable_fix(config))
    if not items:
        return Check("outbox", "pass", f"empty: everything has reached the central API{ran}")
    refused = sum(item.refused for item in items)
    waiting = [item for item in items if not item.refused]
    oldest = now - min(item.created for item in items)
    detail = f"{len(items)} waiting, the oldest for {_duration(oldest)}"
    if refused:
        return Check("outbox", "warn", f"{detail}; {refused} refused by the central API{ran}",
                     "`kiosk outbox` lists them: staff must look at the refused ones (the "
                     "reference is on the person's slip)")
    # no record: no sender has run on this file yet (nothing to say about one)
    last_run = sender.last_run if sender is not None else None
    if waiting and last_run is not None and now - last_run > sender_silent:
        return Check("outbox", "warn", f"{detail}; the kiosk's sender last ran "
                                       f"{_duration(now - last_run)} ago",
                     "is the kiosk running? (`systemctl status kiosk`, `journalctl -u kiosk "
                     "-b`); `kiosk outbox flush` sends them now")
    if oldest > max_wait:
        return Check("outbox", "warn", detail + ran, "`kiosk outbox` shows the last error of "
                     "each; `kiosk outbox flush` sends them now once the central API answers")
    return Check("outbox", "pass", f"{detail} (sent when the central API answers){ran}")


def sender_summary(status: SenderStatus, now: float) -> str:
    """"last ran 2 min ago, last success ..., last delivery ... (last problem: ...)"."""
    def ago(when: float | None) -> str:
        return "never" if when is None else f"{_duration(max(0.0, now - when))} ago"

    line = (f"last ran {ago(status.last_run)}, last success {ago(status.last_success)}, "
            f"last delivery {ago(status.last_delivery)}")
    return line + (f" (last problem: {status.problem})" if status.problem else "")


def unreadable_fix(config: Config) -> str:
    """What to do about outbox items the key cannot read (`kiosk doctor`, `kiosk outbox`)."""
    secrets = config.secrets_source or config.kiosk.secrets_file
    return ("if [outbox] key in " + secrets + " was changed, put back the key they were "
            "written with and run `kiosk outbox flush`; an item that still cannot be read is "
            "damaged: ask the person (the reference is on their slip) to send it again at "
            "the counter, then `kiosk outbox discard REFERENCE`")


# --- camera, display, disk, fonts --------------------------------------------------------


def check_camera(source: str, *, width: int = 1280, height: int = 720, timeout: float = 3.0,
                 service_active: Callable[[], bool | None] | None = None) -> Check:
    """The configured camera gives a picture within `timeout` seconds."""
    from kiosk.scanner.camera import describe_source, is_device

    source = source.strip()
    what = describe_source(source)
    setting = f"scanner.camera is {source!r}"
    if is_device(source):
        node = Path(f"/dev/video{int(source)}")
        if not node.exists():
            return Check("camera", "fail", f"{setting} but {node} does not exist: no camera "
                                           "is connected",
                         "plug the QR camera in (USB) and check `ls /dev/video*`; if it is "
                         "another number, set scanner.camera to it")
        if not os.access(node, os.R_OK | os.W_OK):
            return Check("camera", "fail", f"{node} is there but this user cannot open it",
                         "run `kiosk doctor` as root, or add the user to the group video")
        if not user_can(str(node), KIOSK_USER, os.R_OK | os.W_OK):
            return Check("camera", "fail", f"{node} is there but the user {KIOSK_USER} "
                                           "cannot open it",
                         f"usermod -aG {_group_name(node.stat().st_gid)} {KIOSK_USER}")
    elif "%" in source:
        if not Path(source).parent.is_dir():
            return Check("camera", "fail", f"{setting} but the folder {Path(source).parent} "
                                           "does not exist",
                         "set scanner.camera to a camera number (\"0\") or an existing file")
    else:
        path = Path(source)
        if not path.is_file():
            return Check("camera", "fail", f"{setting} but {path} does not exist",
                         "set scanner.camera to a camera number (\"0\") or an existing file")
        if not os.access(path, os.R_OK):
            return Check("camera", "fail", f"{path} cannot be read by this user",
                         f"chmod a+r {path}")
    got, reason = first_frame(source, width, height, timeout)
    if got is not None:
        return Check("camera", "pass", f"{what} gave a {got[1]}x{got[0]} picture")
    if is_device(source) and (service_active or kiosk_service_active)():
        return Check("camera", "warn", f"{what} gave no picture ({reason}); the running kiosk "
                                       "may be using it",
                     "stop the kiosk (`systemctl stop kiosk`), run `kiosk doctor` again, "
                     "then `systemctl start kiosk`")
    return Check("camera", "fail", f"{what} gave no picture ({reason})",
                 "unplug the camera and plug it in again; try another USB port"
                 if is_device(source) else "the file may be damaged or not a video")


def first_frame(source: str, width: int, height: int, timeout: float
                ) -> tuple[tuple[int, int] | None, str]:
    """((height, width) of the first picture, "") or (None, why not). A broken camera can
    block a read for ever: the read runs in a daemon thread that is abandoned after
    `timeout`."""
    from kiosk.scanner.camera import CameraUnavailable, open_source

    outcome: list[tuple[tuple[int, int] | None, str]] = []

    def read() -> None:
        try:
            capture = open_source(source, width, height)
        except CameraUnavailable as err:
            outcome.append((None, str(err)))
            return
        except Exception as err:
            outcome.append((None, f"cannot be opened: {err}"))
            return
        try:
            if not capture.isOpened():
                outcome.append((None, "cannot be opened"))
                return
            ok, frame = capture.read()
            if not ok or frame is None or frame.size == 0:
                outcome.append((None, "opened, but reading a picture failed"))
            else:
                outcome.append(((int(frame.shape[0]), int(frame.shape[1])), ""))
        finally:
            capture.release()

    thread = threading.Thread(target=read, name="doctor-camera", daemon=True)
    thread.start()
    thread.join(timeout)
    return outcome[0] if outcome else (None, f"no picture within {timeout:g} s")


def kiosk_service_active() -> bool | None:
    """Is systemd's kiosk.service running? None when there is no systemd to ask."""
    if not Path("/run/systemd/system").is_dir() or not shutil.which("systemctl"):
        return None
    try:
        done = subprocess.run(["systemctl", "is-active", "kiosk.service"],
                              capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() == "active"


def check_display(environ: Mapping[str, str] | None = None, *,
                  x11_dir: Path = Path("/tmp/.X11-unix"), dri_dir: Path = Path("/dev/dri"),
                  service_active: Callable[[], bool | None] = kiosk_service_active) -> Check:
    """`kiosk run` needs a screen: an X or Wayland display in this environment, or a
    graphics card that cage (the kiosk's compositor) can draw on."""
    env = os.environ if environ is None else environ
    found: list[str] = []
    missing: list[str] = []
    display = env.get("DISPLAY", "")
    if display:
        host, _, rest = display.rpartition(":")
        number = rest.split(".")[0]
        if host not in ("", "unix"):
            found.append(f"DISPLAY={display} (a display on another machine, e.g. SSH "
                         "forwarding)")
        elif (x11_dir / f"X{number}").exists():
            found.append(f"X display {display} ({x11_dir / f'X{number}'})")
        else:
            missing.append(f"DISPLAY={display} but {x11_dir / f'X{number}'} does not exist "
                           "(no X server is running)")
    wayland = env.get("WAYLAND_DISPLAY", "")
    if wayland:
        runtime = env.get("XDG_RUNTIME_DIR", "")
        socket = Path(wayland) if wayland.startswith("/") else Path(runtime or "/") / wayland
        if socket.exists():
            found.append(f"Wayland display {wayland} ({socket})")
        else:
            missing.append(f"WAYLAND_DISPLAY={wayland} but {socket} does not exist")
    if not display and not wayland:
        missing.append("DISPLAY and WAYLAND_DISPLAY are not set")
    cards = sorted(p.name for p in dri_dir.glob("card*")) if dri_dir.is_dir() else []
    card_text = f"graphics card {', '.join(cards)} in {dri_dir}" if cards else ""
    if found:
        return Check("display", "pass", "; ".join(found + ([card_text] if cards else [])))
    shell = " in this SSH shell" if env.get("SSH_CONNECTION") else " here"
    if service_active():
        return Check("display", "warn", f"no display{shell} ({'; '.join(missing)}), but "
                                        "kiosk.service is active with a screen of its own",
                     "nothing to do if the kiosk is on screen; if not, see `systemctl status "
                     "kiosk` and `journalctl -u kiosk -b`")
    if cards:
        return Check("display", "pass", f"no display{shell}, but a {card_text} for cage, the "
                                        "kiosk's compositor (`systemctl start kiosk`)")
    return Check("display", "fail", f"no display: {'; '.join(missing)}, and no graphics card "
                                    f"in {dri_dir}",
                 "on an installed kiosk, `systemctl start kiosk` starts cage, which gives the "
                 "kiosk its screen; no /dev/dri/card* means the graphics driver is missing "
                 "(see docs/deploy.md, The X alternative). In a source checkout, "
                 "`scripts/dev tour` needs no display")


def check_disk(path: Path, *, fail_below: int = 200 * MB, warn_below: int = 1024 * MB) -> Check:
    """Room and write access where the kiosk keeps its catalogue, forms and outbox."""
    existing = Path(path)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    where = str(path) if existing == Path(path) else f"{path} (not made yet; {existing})"
    try:
        free = shutil.disk_usage(existing).free
    except OSError as err:
        return Check("disk", "fail", f"{where} cannot be examined ({err.strerror})",
                     f"check that {existing} is mounted")
    try:
        handle, name = tempfile.mkstemp(dir=existing, prefix=".kiosk-doctor-")
        os.close(handle)
        os.unlink(name)
    except OSError as err:
        return Check("disk", "fail", f"cannot write in {existing} ({err.strerror})",
                     f"chown -R {KIOSK_USER}:{KIOSK_USER} {existing}")
    if not user_can(str(existing), KIOSK_USER, os.W_OK | os.X_OK):
        return Check("disk", "fail", f"the user {KIOSK_USER} cannot write in {existing}",
                     f"chown -R {KIOSK_USER}:{KIOSK_USER} {existing}")
    detail = f"{_size(free)} free in {where}"
    room = ("make room on that disk (`du -xh / | sort -h | tail` shows what is big; "
            "`journalctl --vacuum-size=200M` trims the journal); a smaller "
            "sync.forms_cache_mb also helps")
    if free < fail_below:
        return Check("disk", "fail", f"{detail}: less than {_size(fail_below)}, syncs and "
                                     "the outbox can fail", room)
    if free < warn_below:
        return Check("disk", "warn", f"{detail}: less than {_size(warn_below)}", room)
    return Check("disk", "pass", detail + " (writable)")


def check_speech(config: Config) -> Check:
    """The voice (espeak-ng with the configured Vietnamese voice), the player and a sound
    output the kiosk user may open. Without them the kiosk works, silently."""
    from kiosk.speech.output import audio_status
    from kiosk.speech.voice import VOICES, espeak_path

    speech = config.speech
    if not speech.enabled:
        return Check("speech", "pass", "turned off in the config (speech.enabled = false)")
    program = espeak_path()
    if program is None:
        return Check("speech", "fail", "espeak-ng is not installed: no read-aloud",
                     "apt install espeak-ng")
    voice = VOICES[("vi", speech.dialect)]
    try:
        listed = subprocess.run([program, "--voices=vi"], capture_output=True, text=True,
                                timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired) as err:
        return Check("speech", "fail", f"espeak-ng does not run ({err})",
                     "apt install --reinstall espeak-ng espeak-ng-data")
    if not any(line.split()[1:2] == [voice] for line in listed.splitlines()):
        return Check("speech", "fail", f"espeak-ng has no {speech.dialect} Vietnamese voice "
                                       f"({voice})", "apt install --reinstall espeak-ng-data")
    status = audio_status(speech.device)
    if not status.ok:
        fix = ("apt install alsa-utils" if "aplay" in status.detail else
               "connect speakers or a USB sound card (`aplay -l` lists outputs); set "
               "speech.device if it is not the default")
        return Check("speech", "warn", f"{status.detail}: the kiosk works silently, without "
                                       "read-aloud", fix)
    outputs = sorted(glob.glob("/dev/snd/pcmC*D*p"))
    if outputs and not user_can(outputs[0], KIOSK_USER, os.W_OK):
        return Check("speech", "fail", f"the user {KIOSK_USER} cannot open {outputs[0]}",
                     f"usermod -aG audio {KIOSK_USER}")
    return Check("speech", "pass", f"voice {voice} at {speech.rate} words a minute; "
                                   f"{status.detail}")


PRINTER_FIXES = {
    "paper_out": "put in a new paper roll",
    "paper_low": "have a new paper roll ready",
    "cover_open": "close the printer's cover",
    "offline": "check the printer's error light; switch it off and on",
}


def check_printer(config: Config) -> Check:
    """The receipt printer answers and can print (asked without printing anything). The
    kiosk works without it: the print buttons then say why and show the QR code."""
    from kiosk.printing.device import ReceiptPrinter

    printer = ReceiptPrinter.from_config(config.printer)
    state = printer.state()
    if state.condition == "off":
        return Check("printer", "pass", "none configured (printer.device = none): no print "
                                        "buttons")
    if state.condition == "ready":
        return Check("printer", "pass", state.detail)
    if state.condition in PRINTER_FIXES:
        return Check("printer", "warn" if state.can_print else "fail", state.detail,
                     PRINTER_FIXES[state.condition])
    kind = printer.spec.kind
    fix = {"usb": "plug the printer in and switch it on; `lsusb` must list "
                  f"{printer.spec.target}; the kiosk user needs the USB device's "
                  "permission (a udev rule)",
           "serial": f"connect the printer to {printer.spec.target}; the kiosk user must be "
                     "in the dialout group",
           "network": f"switch the printer on; {printer.spec.target} port "
                      f"{printer.spec.port} must answer from this machine",
           "file": f"check that {printer.spec.target} exists and the kiosk may write it"}
    return Check("printer", "fail", state.detail, fix.get(kind, "set printer.device"))


def vietnamese_letters() -> str:
    """Every precomposed letter Vietnamese writes: the 12 vowels with each of the 5 tone
    marks (and none), both cases, and đ/Đ."""
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    letters = [unicodedata.normalize("NFC", v + t) for v in vowels + vowels.upper()
               for t in tones]
    return "".join(letters) + "đĐ"


def missing_glyphs(font_path: Path, text: str) -> list[str]:
    """The characters of `text` the font has no glyph for. FreeType draws a missing
    character with the font's .notdef glyph (a box, or nothing), so a character counts as
    present when its drawing is neither empty nor that box."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(font_path), 32)
    notdef = font.getmask("\U0010fffd")  # a private-use code point no font here draws
    notdef_key = (notdef.getbbox(), bytes(notdef))
    missing = []
    for char in dict.fromkeys(text):
        mask = font.getmask(char)
        box = mask.getbbox()
        if not box or (box, bytes(mask)) == notdef_key:
            missing.append(char)
    return missing


def kivy_fonts_dir() -> Path | None:
    """Kivy's bundled fonts, found without importing Kivy (which would start its logging,
    read its config and look for a window)."""
    spec = importlib.util.find_spec("kivy")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "fonts"


def check_fonts(kivy_fonts: Path | None = None, symbol_font: Path | None = None) -> Check:
    """The UI's text font (Kivy's Roboto, regular and bold) covers Vietnamese; the keyboard's
    symbol font (DejaVu) has ⌫."""
    kivy_fonts = kivy_fonts or kivy_fonts_dir()
    symbol_font = symbol_font or ASSETS / "fonts" / "DejaVuSans-Bold.ttf"
    if kivy_fonts is None:
        return Check("fonts", "fail", "Kivy is not installed, and with it its Roboto font",
                     "reinstall the app (systemd/install.sh, or `scripts/dev setup`)")
    letters = vietnamese_letters()
    problems, good = [], []
    for name in ("Roboto-Regular.ttf", "Roboto-Bold.ttf"):
        path = kivy_fonts / name
        if not path.is_file():
            problems.append(f"{path} is missing")
            continue
        lacking = missing_glyphs(path, letters)
        if lacking:
            problems.append(f"{name} cannot draw {''.join(lacking[:20])}")
        else:
            good.append(name)
    if problems:
        return Check("fonts", "fail", "; ".join(problems) + ": Vietnamese text shows boxes",
                     "reinstall Kivy in the app's venv: `pip install --force-reinstall "
                     "'kivy>=2.3,<2.4'`")
    detail = f"{' and '.join(good)} draw all {len(letters)} Vietnamese letters"
    if not symbol_font.is_file() or missing_glyphs(symbol_font, "⌫"):
        return Check("fonts", "warn", f"{detail}; {symbol_font} is missing or has no ⌫ (the "
                                      "keyboard's delete key shows its word only)",
                     f"restore {symbol_font} from the app's files (reinstall the app)")
    return Check("fonts", "pass", f"{detail}; {symbol_font.name} has the keyboard's ⌫")


def check_portal_browser(config: Config) -> Check:
    """The portal access point: Chromium installed, and the managed policy installed as the
    config asks (else the kiosk does not open the portal at all: never an unguarded
    browser)."""
    from kiosk.access_point.policy import allowed_hosts, policy_problem
    from kiosk.access_point.session import browser_path

    access = config.access_point
    if not access.enabled:
        return Check("portal browser", "pass",
                     "the portal access point is off (access_point.enabled = false)")
    browser = browser_path(config)
    if browser is None:
        return Check("portal browser", "warn", f"{access.browser!r} is not installed: the "
                     "kiosk does not offer the portal", "apt install chromium")
    try:
        version = subprocess.run([browser, "--version"], capture_output=True, text=True,
                                 timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as err:
        return Check("portal browser", "fail", f"{browser} does not run ({err})",
                     "apt install --reinstall chromium")
    problem = policy_problem(config)
    if problem:
        return Check("portal browser", "warn", f"{version or browser}; {problem}: the kiosk "
                     "does not open the portal", "as root: kiosk portal-policy --install")
    hosts = len(allowed_hosts(config))  # the installed policy's, as it matches the config
    return Check("portal browser", "pass", f"{version or browser}; policy in place "
                                           f"({hosts} allowed hosts, no dev tools, "
                                           "no printing)")


# --- all of them -------------------------------------------------------------------------


def run_checks(explicit: str | None = None, environ: Mapping[str, str] | None = None
               ) -> list[Check]:
    loaded = load(explicit, environ)
    checks = list(loaded.checks)
    config = loaded.config
    if config is None:
        # nothing else can be checked without the config, except what needs none
        return [*checks, check_display(environ), check_fonts()]
    if loaded.secrets_ok:
        checks += [check_operator_pin(config), check_outbox_key(config)]
        key_ok = checks[-1].status == "pass"
    else:
        key_ok = False
        checks += [skipped("operator PIN", "the secrets file could not be read"),
                   skipped("outbox key", "the secrets file could not be read")]
    probe = probe_api(config)
    checks += [check_api(probe, config),
               check_api_key(probe, config) if loaded.secrets_ok
               else skipped("API key", "the secrets file could not be read"),
               check_clock(probe.date, probe.local_time),
               check_catalogue(config, probe),
               check_camera(config.scanner.camera, width=config.scanner.width,
                            height=config.scanner.height),
               check_display(environ),
               check_disk(config.data_dir),
               check_fonts(),
               check_speech(config),
               check_printer(config),
               check_portal_browser(config),
               check_outbox(config) if key_ok
               else skipped("outbox", "there is no usable outbox key")]
    return checks


# --- helpers -----------------------------------------------------------------------------


def user_can(path: str, user: str, mode: int) -> bool:
    """Whether `user` may access `path` with `mode` (os.R_OK, W_OK, X_OK), from the file's
    permission bits. True when there is no such user (a development machine) or when it is
    the user running this: os.access has answered for that one."""
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return True
    if account.pw_uid == os.getuid() or account.pw_uid == 0:
        return True
    try:
        st = os.stat(path)
    except OSError:
        return False
    groups = {account.pw_gid} | {g.gr_gid for g in grp.getgrall() if user in g.gr_mem}
    if st.st_uid == account.pw_uid:
        shift = 6
    elif st.st_gid in groups:
        shift = 3
    else:
        shift = 0
    allowed = (st.st_mode >> shift) & 0o7
    return allowed & mode == mode  # R_OK, W_OK, X_OK are 4, 2, 1, like the bits


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _size(size: float) -> str:
    return f"{size / 1024 / MB:.1f} GB" if size >= 1024 * MB else f"{size / MB:.0f} MB"


def _duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def _parse_time(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except (ValueError, TypeError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _synced(synced_at: str, now: datetime) -> str:
    when = _parse_time(synced_at)
    if when is None:
        return "at an unknown time"
    return f"{when:%Y-%m-%d %H:%M} UTC ({_duration((now - when).total_seconds())} ago)"
