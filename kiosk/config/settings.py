"""The kiosk's configuration: a TOML file read into plain frozen values.

Which file: `--config FILE`, else `KIOSK_CONFIG`, else `/etc/kiosk/kiosk.toml`, else the
example `config/kiosk.toml` beside the code (the demo setup). `KIOSK_API_URL` and
`KIOSK_DATA_DIR` override `api.base_url` and `kiosk.data_dir`.

Secrets (the API key, the operator PIN's hash, the outbox key) live in a second file,
`kiosk.secrets_file` (`KIOSK_SECRETS` overrides it), readable by root and the kiosk only;
the main config, which anyone may read, refuses them. Unknown keys, values of the wrong
type and values out of range are reported by their dotted name, all at once, so an
operator fixes the file in one go. Relative paths are relative to the config file's folder.

Each section is a frozen pydantic dataclass: its fields' types and bounds (`Field(ge=...)`)
are checked by pydantic, strictly (`retries = true` is not 1), whenever a section is made,
from the file or by `dataclasses.replace`. A new key: a field with its default, a comment
and, where it has one, its range in `Annotated[..., Field(...)]` in its section here, then
the key, commented, in config/kiosk.toml. Rules across keys are in `_check`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import tomllib
import typing
from dataclasses import field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import annotated_types
import pydantic
from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass

from kiosk.catalogue.working_days import Calendar
from kiosk.config.clock import parse_clock
from kiosk.payment.vietqr import Payee
from kiosk.printing.spec import PRINTABLE_DOTS, PrinterSpec
from kiosk.speech.voice import FASTEST, SLOWEST, VOICES

SYSTEM_CONFIG = Path("/etc/kiosk/kiosk.toml")
EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "kiosk.toml"
# the demo's secrets, public by design (a git checkout makes it 0644): let through as it is
DEMO_SECRETS = EXAMPLE_CONFIG.with_name("secrets.toml")


# every section: strict types (`retries = true` is not 1), no unknown keys
STRICT = ConfigDict(strict=True, extra="forbid")


class ConfigError(ValueError):
    """The config file cannot be used; `problems` lists each bad key with what is wrong."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


@dataclass(frozen=True, config=STRICT)
class KioskSection:
    name: str = "Bộ phận Một cửa"
    id: str = "kiosk"
    language: str = "vi"
    data_dir: str = "/var/lib/kiosk"
    secrets_file: str = "/etc/kiosk/secrets.toml"
    # the agency that receives dossiers submitted at this kiosk; "" turns submission off
    agency: str = ""


@dataclass(frozen=True, config=STRICT)
class HelpSection:
    hotline: str = ""
    opening_hours: str = ""
    # where a procedure opens on a person's phone (its QR code); {code} is replaced
    procedure_url: str = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}"


@dataclass(frozen=True, config=STRICT)
class SessionSection:
    idle_seconds: Annotated[int, Field(ge=10)] = 90
    countdown_seconds: Annotated[int, Field(ge=5)] = 20
    attract_seconds: int = 300


@dataclass(frozen=True, config=STRICT)
class DisplaySection:
    fullscreen: bool = True
    diagonal_inches: Annotated[float, Field(ge=0, le=100, description="0: unknown")] = 0.0
    width: int = 1280
    height: int = 800
    # the screen sleeps from sleep_from to sleep_until ("HH:MM"; empty: never)
    sleep_from: str = ""
    sleep_until: str = ""
    # commands that turn the panel off and on (no shell), e.g. "wlopm --off *"
    sleep_command: str = ""
    wake_command: str = ""


@dataclass(frozen=True, config=STRICT)
class MaintenanceSection:
    # restart the kiosk once a day at this time ("HH:MM", when nobody is using it)
    restart_at: str = ""


@dataclass(frozen=True, config=STRICT)
class OperatorSection:
    pin_hash: str = ""
    max_attempts: int = 5
    lockout_minutes: int = 5


CAMERA_POSITIONS = ("top", "bottom", "left", "right", "")


@dataclass(frozen=True, config=STRICT)
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


@dataclass(frozen=True, config=STRICT)
class ApiSection:
    base_url: str = "http://127.0.0.1:8700/v1"
    key: str = ""
    connect_timeout: Annotated[float, Field(gt=0)] = 3.0
    read_timeout: Annotated[float, Field(gt=0)] = 10.0
    total_timeout: Annotated[float, Field(gt=0)] = 30.0
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    max_response_mb: Annotated[float, Field(gt=0)] = 64.0


@dataclass(frozen=True, config=STRICT)
class OutboxSection:
    key: str = ""  # from the secrets file: encrypts what waits to be sent
    # pauses between tries of an item the API did not take: doubling from the first
    retry_first_seconds: float = 15.0
    retry_max_seconds: float = 900.0
    # how long the screen waits for the API's answer before saying "queued"
    answer_wait_seconds: Annotated[float, Field(gt=0)] = 8.0


@dataclass(frozen=True, config=STRICT)
class SyncSection:
    interval_minutes: int = 30
    page_size: Annotated[int, Field(ge=1, le=5000)] = 500
    forms_cache_mb: float = 200.0
    max_form_mb: float = 20.0


@dataclass(frozen=True, config=STRICT)
class SearchSection:
    limit: Annotated[int, Field(ge=1)] = 20


@dataclass(frozen=True, config=STRICT)
class HeartbeatSection:
    # minutes between heartbeats (with the usage counts) to the central API
    interval_minutes: Annotated[int, Field(ge=1, le=1440)] = 10


@dataclass(frozen=True, config=STRICT)
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
    long_press_seconds: Annotated[float, Field(ge=1, le=10)] = 3.0


@dataclass(frozen=True, config=STRICT)
class CalendarSection:
    # the province's own changes to Vietnam's public holidays and swaps (ISO dates)
    days_off: list[str] = field(default_factory=list)
    working_days: list[str] = field(default_factory=list)
    # a dossier received at or after this time counts from the next working day
    cutoff: str = "15:00"


@dataclass(frozen=True, config=STRICT)
class PrinterSection:
    # "none" | "usb:VID:PID" | "serial:/dev/ttyUSB0[:BAUD]" | "network:HOST[:PORT]" |
    # "file:/path"; "none" hides every print button
    device: str = "none"
    # the roll's width in mm: 58 or 80
    paper_mm: Annotated[int, Field(ge=58, le=80)] = 80
    # a python-escpos printer profile name (e.g. "TM-T88V"); "" = the library's default
    profile: str = ""
    # seconds to wait for the printer to connect or answer
    timeout: Annotated[float, Field(gt=0, le=60)] = 3.0


@dataclass(frozen=True, config=STRICT)
class PaymentSection:
    # the centre's account for fees paid by VietQR; an empty account shows no fee QR
    bank_bin: str = ""
    account: str = ""
    account_name: str = ""


@dataclass(frozen=True, config=STRICT)
class AccessPointSection:
    # "Nộp hồ sơ trên Cổng dịch vụ công": the portal in a guarded Chromium (docs/deploy.md)
    enabled: bool = True
    national_url: str = "https://dichvucong.gov.vn"
    # the province's own portal (e.g. https://dichvucong.<province>.gov.vn); "" = none
    province_url: str = ""
    # hosts the browser may open besides those two (their subdomains too): the login
    # (VNeID); every other address is refused by the browser's policy
    allowed_hosts: list[str] = field(default_factory=lambda: [
        "dichvucong.gov.vn", "vneid.gov.vn", "sso.dancuquocgia.gov.vn"])
    browser: str = "chromium"
    # the session folder: the papers offered to the portal, and its downloads; emptied
    # after each session ("" = portal-files in the data folder)
    files_dir: str = ""
    # where Chromium reads managed policies (Debian's chromium package)
    policy_dir: str = "/etc/chromium/policies/managed"
    # the longest a portal session may last, however busy
    max_minutes: Annotated[int, Field(ge=1, le=240)] = 30


@dataclasses.dataclass(frozen=True)
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
    printer: PrinterSection = field(default_factory=PrinterSection)
    payment: PaymentSection = field(default_factory=PaymentSection)
    access_point: AccessPointSection = field(default_factory=AccessPointSection)
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
    def portal_files_dir(self) -> Path:
        return Path(self.access_point.files_dir or self.data_dir / "portal-files")

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


# what pydantic's type errors mean, in the operator's words
_TYPE_NAMES = {"int_type": "a whole number", "float_type": "a number", "string_type": "text",
               "bool_type": "true or false", "list_type": "a list of text"}
_BOUNDS = {annotated_types.Gt: "more than {}", annotated_types.Ge: "at least {}",
           annotated_types.Lt: "less than {}", annotated_types.Le: "at most {}"}


def _section_values(cls: type, raw: Any, prefix: str, problems: list[str],
                    secrets: bool = False) -> dict[str, Any]:
    """The keys of one section that are right; what is wrong with the others goes to
    `problems`, one line per key, by its dotted name."""
    if not isinstance(raw, dict):
        problems.append(f"{prefix} must be a table ([{prefix}])")
        return {}
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if ((prefix, key) in SECRETS) != secrets and key in known:
            problems.append(f"{prefix}.{key} is a secret: it belongs in the secrets file "
                            "(kiosk.secrets_file), which only root and the kiosk can read"
                            if not secrets else f"{prefix}.{key} belongs in the main config")
        else:
            values[key] = value
    try:
        cls(**values)
    except pydantic.ValidationError as err:
        wrong: dict[str, str] = {}
        for error in err.errors():
            key = str(error["loc"][0])
            wrong.setdefault(key, _problem(cls, key, error, values.get(key)))
        problems.extend(f"{prefix}.{key} {text}" for key, text in wrong.items())
        values = {k: v for k, v in values.items() if k not in wrong}
    return values


def _problem(cls: type, key: str, error: Any, value: Any) -> str:
    if error["type"] == "unexpected_keyword_argument":
        return "is not a known setting"
    if error["type"] in _TYPE_NAMES:
        wanted = "a list of text" if len(error["loc"]) > 1 else _TYPE_NAMES[error["type"]]
        return f"must be {wanted}, not {type(value).__name__} {value!r}"
    declared = cls.__pydantic_fields__[key]  # type: ignore[attr-defined]  # pydantic adds it
    bounds = {type(m): getattr(m, type(m).__name__.lower()) for m in declared.metadata
              if type(m) in _BOUNDS}
    hint = f" ({declared.description})" if declared.description else ""
    if annotated_types.Ge in bounds and annotated_types.Le in bounds:
        return f"must be between {bounds[annotated_types.Ge]:g} and " \
               f"{bounds[annotated_types.Le]:g}{hint}"
    if bounds:
        return "must be " + " and ".join(_BOUNDS[kind].format(f"{limit:g}")
                                         for kind, limit in bounds.items()) + hint
    return str(error["msg"])


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
    if "{code}" not in config.help.procedure_url:
        problems.append("help.procedure_url must contain {code}")
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
    access = config.access_point
    for name, address in (("national_url", access.national_url),
                          ("province_url", access.province_url)):
        parts = urlsplit(address)
        if (address or name == "national_url") and (parts.scheme not in ("http", "https")
                                                    or not parts.hostname):
            problems.append(f"access_point.{name} must be an http(s) URL, not {address!r}")
    for host in access.allowed_hosts:
        if not _DOMAIN.fullmatch(host.strip().lower()):
            problems.append(f"access_point.allowed_hosts: {host!r} is not a host name like "
                            "vneid.gov.vn")
    if access.files_dir and not Path(access.files_dir).is_absolute():
        problems.append("access_point.files_dir must be an absolute path, or empty")
    try:
        PrinterSpec.parse(config.printer.device)
    except ValueError as err:
        problems.append(f"printer.device: {err}")
    if config.printer.paper_mm not in PRINTABLE_DOTS:
        problems.append("printer.paper_mm must be 58 or 80")
    if config.payment.account or config.payment.bank_bin:
        payee = Payee(config.payment.bank_bin, config.payment.account)
        problems += [f"payment.{problem}" for problem in payee.problems()]
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
    overrides: dict[str, dict[str, Any]] = {"api": {}, "kiosk": {}}
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
