"""The kiosk's configuration: a TOML file read into plain frozen values.

Which file: `--config FILE`, else `KIOSK_CONFIG`, else `/etc/kiosk/kiosk.toml`, else the
example `config/kiosk.toml` beside the code (the demo setup). `KIOSK_API_URL` and
`KIOSK_DATA_DIR` override `api.base_url` and `kiosk.data_dir`.

Secrets (the API key, the operator PIN's hash, the outbox key) live in a second file,
`kiosk.secrets_file` (`KIOSK_SECRETS` overrides it), readable by root and the kiosk only;
the main config, which anyone may read, refuses them. Unknown keys and values of
the wrong type are reported by their dotted name, all at once, so an operator fixes the
file in one go. Relative paths are relative to the config file's folder.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.catalogue.working_days import Calendar
from kiosk.speech.voice import FASTEST, SLOWEST, VOICES
from kiosk.system.schedule import parse_clock

SYSTEM_CONFIG = Path("/etc/kiosk/kiosk.toml")
EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "kiosk.toml"
# the demo's secrets, public by design (a git checkout makes it 0644): let through as it is
DEMO_SECRETS = EXAMPLE_CONFIG.with_name("secrets.toml")


class ConfigError(ValueError):
    """The config file cannot be used; `problems` lists each bad key with what is wrong."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


@dataclass(frozen=True)
class KioskSection:
    name: str = "Bộ phận Một cửa"
    id: str = "kiosk"
    language: str = "vi"
    data_dir: str = "/var/lib/kiosk"
    secrets_file: str = "/etc/kiosk/secrets.toml"
    # the agency that receives dossiers submitted at this kiosk; "" turns submission off
    agency: str = ""


@dataclass(frozen=True)
class HelpSection:
    hotline: str = ""
    opening_hours: str = ""
    # where a procedure opens on a person's phone (its QR code); {code} is replaced
    procedure_url: str = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}"


@dataclass(frozen=True)
class SessionSection:
    idle_seconds: int = 90
    countdown_seconds: int = 20
    attract_seconds: int = 300


@dataclass(frozen=True)
class DisplaySection:
    fullscreen: bool = True
    diagonal_inches: float = 0.0
    width: int = 1280
    height: int = 800
    # the screen sleeps from sleep_from to sleep_until ("HH:MM"; empty: never)
    sleep_from: str = ""
    sleep_until: str = ""
    # commands that turn the panel off and on (no shell), e.g. "wlopm --off *"
    sleep_command: str = ""
    wake_command: str = ""


@dataclass(frozen=True)
class MaintenanceSection:
    # restart the kiosk once a day at this time ("HH:MM", when nobody is using it)
    restart_at: str = ""


@dataclass(frozen=True)
class OperatorSection:
    pin_hash: str = ""
    max_attempts: int = 5
    lockout_minutes: int = 5


CAMERA_POSITIONS = ("top", "bottom", "left", "right", "")


@dataclass(frozen=True)
class ScannerSection:
    # a device index ("0") or a video file / image-sequence pattern ("/x/frame_%03d.png")
    camera: str = "0"
    # where the camera sits around the screen, so the scan screen points at it:
    # "top", "bottom", "left", "right", or "" (not said: no arrow)
    camera_position: str = "top"
    width: int = 1280
    height: int = 720
    frame_budget_ms: int = 60
    retry_seconds: float = 3.0
    # receipt QR codes: a bare dossier code, or a URL on one of these hosts
    receipt_hosts: list[str] = field(default_factory=lambda: ["dichvucong.gov.vn"])
    receipt_param: str = "ma_ho_so"
    # 0: the code is never in the path; N: the Nth path segment; -1: the last one
    receipt_path_segment: int = -1
    # the province portal's look-up URL (https://<host>/portaldvc/tra-cuu?SGT=..&MHS=..)
    # is read on hosts under these domains
    portal_domains: list[str] = field(default_factory=lambda: ["gov.vn"])
    code_pattern: str = (r"^[0-9A-Z]{1,4}(\.[0-9A-Z]{1,4}){1,4}-[0-9]{6}-[0-9]{4,6}$")
    max_payload: int = 512


@dataclass(frozen=True)
class ApiSection:
    base_url: str = "http://127.0.0.1:8700/v1"
    key: str = ""
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    retries: int = 2
    max_response_mb: float = 64.0


@dataclass(frozen=True)
class OutboxSection:
    key: str = ""  # from the secrets file: encrypts what waits to be sent
    # pauses between tries of an item the API did not take: doubling from the first
    retry_first_seconds: float = 15.0
    retry_max_seconds: float = 900.0
    # how long the screen waits for the API's answer before saying "queued"
    answer_wait_seconds: float = 8.0


@dataclass(frozen=True)
class SyncSection:
    interval_minutes: int = 30
    page_size: int = 500
    forms_cache_mb: float = 200.0
    max_form_mb: float = 20.0


@dataclass(frozen=True)
class SearchSection:
    limit: int = 20


@dataclass(frozen=True)
class HeartbeatSection:
    # minutes between heartbeats (with the usage counts) to the central API
    interval_minutes: int = 10


@dataclass(frozen=True)
class SpeechSection:
    # "Đọc to" on every screen and the speech mode (espeak-ng through the sound card)
    enabled: bool = True
    # the Vietnamese voice: northern, central or southern
    dialect: str = "northern"
    # words per minute to start with (people can make it slower or faster)
    rate: int = 150
    # ALSA device for `aplay -D` ("" = the system's default output)
    device: str = ""
    # say the idle warning aloud too (for people who cannot see it)
    speak_timeout_warning: bool = True
    # holding a finger still this long anywhere turns the speech mode on or off
    long_press_seconds: float = 3.0


@dataclass(frozen=True)
class CalendarSection:
    # the province's own changes to Vietnam's public holidays and swaps (ISO dates)
    days_off: list[str] = field(default_factory=list)
    working_days: list[str] = field(default_factory=list)
    # a dossier received at or after this time counts from the next working day
    cutoff: str = "15:00"


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    api: ApiSection = field(default_factory=ApiSection)
    sync: SyncSection = field(default_factory=SyncSection)
    search: SearchSection = field(default_factory=SearchSection)
    help: HelpSection = field(default_factory=HelpSection)
    session: SessionSection = field(default_factory=SessionSection)
    display: DisplaySection = field(default_factory=DisplaySection)
    operator: OperatorSection = field(default_factory=OperatorSection)
    scanner: ScannerSection = field(default_factory=ScannerSection)
    outbox: OutboxSection = field(default_factory=OutboxSection)
    heartbeat: HeartbeatSection = field(default_factory=HeartbeatSection)
    maintenance: MaintenanceSection = field(default_factory=MaintenanceSection)
    speech: SpeechSection = field(default_factory=SpeechSection)
    calendar: CalendarSection = field(default_factory=CalendarSection)
    source: str = "<defaults>"
    secrets_source: str = ""  # the secrets file read, or "" when there was none

    @property
    def working_calendar(self) -> Calendar:
        """Appointments and overdue days count on this (checked when the file is read)."""
        return Calendar.of(self.calendar.days_off, self.calendar.working_days,
                           self.calendar.cutoff)

    @property
    def data_dir(self) -> Path:
        return Path(self.kiosk.data_dir)

    @property
    def catalogue_path(self) -> Path:
        return self.data_dir / "catalogue.sqlite"

    @property
    def forms_dir(self) -> Path:
        return self.data_dir / "forms"

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox.sqlite"

    @property
    def usage_path(self) -> Path:
        return self.data_dir / "usage.sqlite"


_DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")

# (section, key) pairs that only the secrets file may hold
SECRETS = {("api", "key"), ("operator", "pin_hash"), ("outbox", "key")}


_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


def _section_values(cls: type, raw: Any, prefix: str, problems: list[str],
                    secrets: bool = False) -> dict[str, Any]:
    if not isinstance(raw, dict):
        problems.append(f"{prefix} must be a table ([{prefix}])")
        return {}
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if ((prefix, key) in SECRETS) != secrets and key in known:
            problems.append(f"{prefix}.{key} is a secret: it belongs in the secrets file "
                            "(kiosk.secrets_file), which only root and the kiosk can read"
                            if not secrets else f"{prefix}.{key} belongs in the main config")
            continue
        if key not in known:
            problems.append(f"{prefix}.{key} is not a known setting")
            continue
        wanted = hints[key]
        if typing.get_origin(wanted) is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{prefix}.{key} must be a list of text, not {value!r}")
            else:
                values[key] = value
            continue
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        # bool is an int in Python, but `retries = true` is a mistake worth naming
        if not isinstance(value, wanted) or (wanted is not bool and isinstance(value, bool)):
            problems.append(f"{prefix}.{key} must be {_TYPE_NAMES.get(wanted, wanted)}, "
                            f"not {type(value).__name__} {value!r}")
            continue
        values[key] = value
    return values


def _check(config: Config, problems: list[str]) -> None:
    url = urlsplit(config.api.base_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        problems.append(f"api.base_url must be an http(s) URL, not {config.api.base_url!r}")
    if config.kiosk.language not in ("vi", "en"):
        problems.append("kiosk.language must be vi or en")
    if ("vi", config.speech.dialect) not in VOICES:
        problems.append("speech.dialect must be northern, central or southern")
    if not SLOWEST <= config.speech.rate <= FASTEST:
        problems.append(f"speech.rate must be between {SLOWEST} and {FASTEST} words per "
                        "minute")
    if not 1 <= config.speech.long_press_seconds <= 10:
        problems.append("speech.long_press_seconds must be between 1 and 10")
    for name in ("connect_timeout", "read_timeout", "total_timeout", "max_response_mb"):
        if getattr(config.api, name) <= 0:
            problems.append(f"api.{name} must be more than 0")
    if not 0 <= config.api.retries <= 10:
        problems.append("api.retries must be between 0 and 10")
    if not 1 <= config.sync.page_size <= 5000:
        problems.append("sync.page_size must be between 1 and 5000")
    if config.search.limit < 1:
        problems.append("search.limit must be at least 1")
    if "{code}" not in config.help.procedure_url:
        problems.append("help.procedure_url must contain {code}")
    if config.session.idle_seconds < 10 or config.session.countdown_seconds < 5:
        problems.append("session.idle_seconds must be at least 10 and "
                        "session.countdown_seconds at least 5")
    if not 0 <= config.display.diagonal_inches <= 100:
        problems.append("display.diagonal_inches must be between 0 (unknown) and 100")
    for domain in config.scanner.portal_domains:
        # at least two labels: "vn" alone would let every .vn site through
        if not _DOMAIN.fullmatch(domain.strip().strip(".").lower()):
            problems.append(f"scanner.portal_domains: {domain!r} is not a domain like gov.vn")
    if config.scanner.camera_position not in CAMERA_POSITIONS:
        problems.append("scanner.camera_position must be one of "
                        + ", ".join(repr(p) for p in CAMERA_POSITIONS))
    try:
        re.compile(config.scanner.code_pattern)
    except re.error as err:
        problems.append(f"scanner.code_pattern is not a valid pattern ({err})")
    if config.operator.pin_hash and config.operator.pin_hash.count("$") != 3:
        problems.append("operator.pin_hash must be made by `kiosk hash-pin`")
    if not 0 < config.outbox.retry_first_seconds <= config.outbox.retry_max_seconds:
        problems.append("outbox.retry_first_seconds must be more than 0 and at most "
                        "outbox.retry_max_seconds")
    for name, value in (("display.sleep_from", config.display.sleep_from),
                        ("display.sleep_until", config.display.sleep_until),
                        ("maintenance.restart_at", config.maintenance.restart_at)):
        try:
            parse_clock(value)
        except ValueError:
            problems.append(f"{name} must be a time of day like 22:00, or empty")
    if bool(config.display.sleep_from.strip()) != bool(config.display.sleep_until.strip()):
        problems.append("display.sleep_from and display.sleep_until go together")
    if config.outbox.answer_wait_seconds <= 0:
        problems.append("outbox.answer_wait_seconds must be more than 0")
    if not 1 <= config.heartbeat.interval_minutes <= 1440:
        problems.append("heartbeat.interval_minutes must be between 1 and 1440")
    try:
        calendar = config.working_calendar
    except ValueError as err:
        problems.append(f"calendar: {err}")
    else:
        if calendar.days_off & calendar.working_days:
            problems.append("calendar.days_off and calendar.working_days share "
                            + ", ".join(sorted(map(str, calendar.days_off
                                                   & calendar.working_days))))


def parse_config(text: str, source: str = "<text>", base_dir: Path | None = None,
                 environ: typing.Mapping[str, str] | None = None) -> Config:
    """Read config TOML text; raise ConfigError naming every bad key."""
    environ = os.environ if environ is None else environ
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(source, [f"not valid TOML ({err})"]) from None
    problems: list[str] = []
    sections: dict[str, Any] = {}
    hints = typing.get_type_hints(Config)
    for name, value in raw.items():
        if name not in hints or name == "source":
            problems.append(f"[{name}] is not a known section")
            continue
        sections[name] = hints[name](**_section_values(hints[name], value, name, problems))
    config = Config(**sections, source=source)
    overrides: dict[str, dict[str, str]] = {"api": {}, "kiosk": {}}
    if environ.get("KIOSK_API_URL"):
        overrides["api"]["base_url"] = environ["KIOSK_API_URL"]
    if environ.get("KIOSK_DATA_DIR"):
        overrides["kiosk"]["data_dir"] = environ["KIOSK_DATA_DIR"]
    data_dir = Path(overrides["kiosk"].get("data_dir", config.kiosk.data_dir)).expanduser()
    if not data_dir.is_absolute():
        data_dir = (base_dir or Path.cwd()) / data_dir
    overrides["kiosk"]["data_dir"] = str(data_dir.resolve())
    secrets_file = Path(environ.get("KIOSK_SECRETS") or config.kiosk.secrets_file).expanduser()
    if not secrets_file.is_absolute():
        secrets_file = (base_dir or Path.cwd()) / secrets_file
    overrides["kiosk"]["secrets_file"] = str(secrets_file.resolve())
    config = dataclasses.replace(
        config, api=dataclasses.replace(config.api, **overrides["api"]),
        kiosk=dataclasses.replace(config.kiosk, **overrides["kiosk"]))
    _check(config, problems)
    if problems:
        raise ConfigError(source, problems)
    return config


def with_secrets(config: Config, text: str, source: str = "<secrets>") -> Config:
    """The config with the secrets file's values; raise ConfigError naming bad keys."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(source, [f"not valid TOML ({err})"]) from None
    problems: list[str] = []
    replaced: dict[str, Any] = {}
    sections = {section for section, _ in SECRETS}
    for name, value in raw.items():
        if name not in sections:
            problems.append(f"[{name}] is not a section of the secrets file")
            continue
        section = getattr(config, name)
        values = _section_values(type(section), value, name, problems, secrets=True)
        replaced[name] = dataclasses.replace(section, **values)
    config = dataclasses.replace(config, **replaced, secrets_source=source)
    _check(config, problems)
    if problems:
        raise ConfigError(source, problems)
    return config


def secrets_exposure(path: str | Path) -> tuple[int, str]:
    """The secrets file's mode and, when it is open to more than root and the kiosk's
    group (0640 root:kiosk), how: whoever can read it has the API key and the key to
    people's waiting submissions; whoever can write it can set an operator PIN of their
    own. Raises OSError when the file cannot be examined."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & stat.S_IWOTH:
        return mode, "can be written by every user"
    if mode & stat.S_IROTH:
        return mode, "can be read by every user"
    if mode & stat.S_IWGRP:
        return mode, "can be written by its group"
    return mode, ""


def tighten_secrets(path: str | Path) -> str:
    return f"chmod 0640 {path} && chown root:kiosk {path}"


def is_demo_secrets(path: str | Path) -> bool:
    return Path(path).resolve() == DEMO_SECRETS


def refuse_exposed_secrets(config: Config) -> None:
    """Raise ConfigError, with the fix, when the secrets file others may read or write is
    about to be used by the running kiosk. The repository's demo file is let through: its
    values are public anyway, and a checkout cannot keep it 0640."""
    path = config.secrets_source
    if not path or is_demo_secrets(path):
        return
    try:
        mode, how = secrets_exposure(path)
    except OSError as err:
        raise ConfigError(path, [f"cannot be examined ({err.strerror or err})"]) from None
    if how:
        raise ConfigError(path, [f"{how} (mode {mode:04o}), so the kiosk does not start with "
                                 f"it; fix: {tighten_secrets(path)}"])


def config_path(explicit: str | None = None,
                environ: typing.Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get("KIOSK_CONFIG"):
        return Path(environ["KIOSK_CONFIG"])
    return SYSTEM_CONFIG if SYSTEM_CONFIG.exists() else EXAMPLE_CONFIG


def load_config(explicit: str | None = None,
                environ: typing.Mapping[str, str] | None = None) -> Config:
    path = config_path(explicit, environ)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(str(path), [f"cannot be read ({err.strerror or err})"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), ["is not UTF-8 text"]) from None
    config = parse_config(text, str(path), path.resolve().parent, environ)
    secrets = Path(config.kiosk.secrets_file)
    try:
        secrets_text = secrets.read_text(encoding="utf-8")
    except FileNotFoundError:
        return config  # no key, no PIN: `kiosk doctor` says what is missing
    except OSError as err:
        raise ConfigError(str(secrets), [f"cannot be read ({err.strerror or err})"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(secrets), ["is not UTF-8 text"]) from None
    return with_secrets(config, secrets_text, str(secrets))
