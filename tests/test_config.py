"""Configuration: the example file is valid; bad keys are named; environment overrides."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, config_text, secrets_text

from kiosk.config import (
    ConfigError,
    config_path,
    load_config,
    parse_config,
    refuse_exposed_secrets,
)
from kiosk.config.pin import PinLock, hash_pin, verify_pin
from kiosk.config.settings import DEMO_SECRETS, EXAMPLE_CONFIG


def test_the_example_config_is_complete_and_valid() -> None:
    config = load_config(str(EXAMPLE_CONFIG), environ={})
    assert config.api.base_url == "http://127.0.0.1:8700/v1"
    assert config.api.key == "demo-kiosk-key"
    assert config.data_dir == (EXAMPLE_CONFIG.parent.parent / "var" / "kiosk").resolve()
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    lines = text.splitlines()
    for i, line in enumerate(lines):  # every key is commented
        if "=" in line and not line.startswith("#"):
            assert lines[i - 1].startswith("#"), f"no comment above {line!r}"


def test_unknown_keys_and_wrong_types_are_reported_by_name() -> None:
    text = ('[api]\nbase_urll = "x"\nread_timeout = "soon"\nretries = true\n'
            '[kiosk]\nlanguage = "fr"\n[printer]\nmodel = 1\n[printers]\n')
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "test.toml", environ={})
    problems = " | ".join(caught.value.problems)
    for name in ("api.base_urll", "api.read_timeout", "api.retries", "kiosk.language",
                 "printer.model", "[printers]"):
        assert name in problems
    assert "test.toml" in str(caught.value)


def test_broken_toml_and_bad_values_are_explained() -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_config("[api\n", environ={})
    with pytest.raises(ConfigError, match=r"api.base_url must be an http"):
        parse_config('[api]\nbase_url = "ftp://x"\n', environ={})
    with pytest.raises(ConfigError, match=r"api.read_timeout must be more than 0"):
        parse_config("[api]\nread_timeout = 0\n", environ={})
    with pytest.raises(ConfigError, match="api must be a table"):
        parse_config('api = "x"\n', environ={})
    with pytest.raises(ConfigError, match=r"scanner.camera_position must be one of"):
        parse_config('[scanner]\ncamera_position = "above"\n', environ={})
    assert parse_config('[scanner]\ncamera_position = "left"\n',
                        environ={}).scanner.camera_position == "left"


def test_the_printer_and_the_fee_account_are_checked() -> None:
    config = parse_config('[printer]\ndevice = "network:10.0.0.9"\npaper_mm = 58\n'
                          '[payment]\nbank_bin = "970415"\naccount = "113366668888"\n',
                          environ={})
    assert (config.printer.device, config.printer.paper_mm) == ("network:10.0.0.9", 58)
    assert parse_config("", environ={}).printer.device == "none"
    with pytest.raises(ConfigError) as caught:
        parse_config('[printer]\ndevice = "lp0"\npaper_mm = 76\n'
                     '[payment]\nbank_bin = "97041"\naccount = "12-34"\n', environ={})
    problems = " | ".join(caught.value.problems)
    for words in ('printer.device: \'lp0\' is not a printer: use "none", "usb:VID:PID"',
                  "printer.paper_mm must be 58 or 80", "payment.bank_bin must be",
                  "payment.account must be"):
        assert words in problems


def test_environment_overrides_and_file_choice(tmp_path: Path) -> None:
    file = tmp_path / "k.toml"
    file.write_text('[kiosk]\ndata_dir = "data"\nname = "Xã Minh Khai"\n', encoding="utf-8")
    config = load_config(str(file), environ={})
    assert config.data_dir == tmp_path / "data"  # relative to the config file
    env = {"KIOSK_CONFIG": str(file), "KIOSK_API_URL": "https://api.example.vn/v1",
           "KIOSK_DATA_DIR": str(tmp_path / "elsewhere")}
    config = load_config(None, environ=env)
    assert config.kiosk.name == "Xã Minh Khai"
    assert config.api.base_url == "https://api.example.vn/v1"
    assert config.catalogue_path == tmp_path / "elsewhere" / "catalogue.sqlite"
    assert config_path("other.toml", env) == Path("other.toml")
    with pytest.raises(ConfigError, match=r"api.base_url"):
        load_config(None, environ={**env, "KIOSK_API_URL": "not a url"})


def test_a_missing_or_binary_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(str(tmp_path / "nope.toml"), environ={})
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(str(binary), environ={})


def test_secrets_live_in_their_own_file(tmp_path: Path) -> None:
    main = tmp_path / "kiosk.toml"
    main.write_text('[kiosk]\nsecrets_file = "s.toml"\n[api]\nkey = "k"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"api.key is a secret"):
        load_config(str(main), environ={})
    main.write_text('[kiosk]\nsecrets_file = "s.toml"\n', encoding="utf-8")
    assert load_config(str(main), environ={}).api.key == ""  # no secrets file yet
    (tmp_path / "s.toml").write_text('[api]\nkey = "k1"\n[outbox]\nkey = "o1"\n',
                                     encoding="utf-8")
    config = load_config(str(main), environ={})
    assert (config.api.key, config.outbox.key) == ("k1", "o1")
    assert config.secrets_source == str(tmp_path / "s.toml")
    other = tmp_path / "other.toml"
    other.write_text('[api]\nkey = "k2"\nbase_url = "http://x/v1"\n[search]\nlimit = 3\n',
                     encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(str(main), environ={"KIOSK_SECRETS": str(other)})
    problems = " | ".join(caught.value.problems)
    assert "api.base_url belongs in the main config" in problems
    assert "[search] is not a section of the secrets file" in problems
    assert str(other) in str(caught.value)


# --- the secrets file and the operator PIN ------------------------------------------------

RIGHT_PIN = "246810"


def kiosk_with_secrets(tmp_path: Path, mode: int, pin_hash: str = "") -> Path:
    """A config file and its secrets file with `mode`; the API is not needed."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(secrets_text() + (f'[operator]\npin_hash = "{pin_hash}"\n'
                                         if pin_hash else ""), encoding="utf-8")
    secrets.chmod(mode)
    config = tmp_path / "kiosk.toml"
    config.write_text(config_text("http://127.0.0.1:9/v1", tmp_path / "data", secrets),
                      encoding="utf-8")
    return config


def kiosk_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, "-m", "kiosk.cli.main", *args], input=stdin,
                          capture_output=True, text=True, timeout=60, cwd=REPO, env=env,
                          check=False)


@pytest.mark.parametrize("command", ["run", "demo"])
def test_a_secrets_file_everyone_may_read_and_write_is_refused_at_start_with_the_fix(
        tmp_path: Path, command: str) -> None:
    config = kiosk_with_secrets(tmp_path, 0o666)
    refused = kiosk_cli(command, "--config", str(config))
    assert refused.returncode == 2
    secrets = tmp_path / "secrets.toml"
    assert "can be written by every user (mode 0666)" in refused.stderr
    assert f"fix: chmod 0640 {secrets} && chown root:kiosk {secrets}" in refused.stderr
    secrets.chmod(0o640)  # past the secrets, `kiosk run` stops at the missing display
    if command == "run":
        started = kiosk_cli(command, "--config", str(config))
        assert started.returncode == 1 and "no display" in started.stderr


def test_what_is_open_to_others_is_refused_and_the_demo_file_let_through(
        tmp_path: Path) -> None:
    config_file = kiosk_with_secrets(tmp_path, 0o640)
    for mode, how in ((0o644, "read by every user"), (0o660, "written by its group"),
                      (0o602, "written by every user")):
        (tmp_path / "secrets.toml").chmod(mode)
        with pytest.raises(ConfigError, match=how):
            refuse_exposed_secrets(load_config(str(config_file), environ={}))
    for mode in (0o640, 0o600, 0o400):
        (tmp_path / "secrets.toml").chmod(mode)
        refuse_exposed_secrets(load_config(str(config_file), environ={}))
    # the repository's demo secrets: public values, 0644 in a checkout, used by the demo
    demo = load_config(str(EXAMPLE_CONFIG), environ={})
    assert Path(demo.secrets_source) == DEMO_SECRETS
    refuse_exposed_secrets(demo)


def test_a_pin_has_six_to_twelve_digits() -> None:
    for short in ("12345", "1234", ""):
        with pytest.raises(ValueError, match="6 to 12 digits"):
            hash_pin(short)
    with pytest.raises(ValueError):
        hash_pin("1" * 13)
    refused = kiosk_cli("hash-pin", stdin="1234\n")
    assert refused.returncode == 1 and "6 to 12 digits" in refused.stderr
    assert refused.stdout == ""
    made = kiosk_cli("hash-pin", stdin=f"{RIGHT_PIN}\n")
    assert made.returncode == 0 and verify_pin(RIGHT_PIN, made.stdout.strip())
    # a short PIN at the pad is a wrong PIN, even one a hash was made of elsewhere
    lock = PinLock(_short_pin_hash("1234"), max_attempts=3, lockout_seconds=300)
    assert not lock.check("1234") and lock.failures == 1


def _short_pin_hash(pin: str) -> str:
    """The hash an older `kiosk hash-pin` (4 digits allowed) made: same format."""
    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, 1000)
    return f"pbkdf2_sha256$1000${salt.hex()}${digest.hex()}"


PIN_CHILD = """
import sys
from kiosk.config import load_config
from kiosk.config.pin import PinLock
lock = PinLock.from_config(load_config(sys.argv[1], environ={}))
for pin in sys.argv[2:]:
    lock.check(pin)
print(lock.failures, round(lock.seconds_locked()))
"""


def test_the_pin_lockout_survives_a_restart(tmp_path: Path) -> None:
    config_file = kiosk_with_secrets(tmp_path, 0o640, hash_pin(RIGHT_PIN))
    (tmp_path / "data").mkdir()

    def kiosk_process(*pins: str) -> str:  # one run of the kiosk, then the power goes
        done = subprocess.run([sys.executable, "-c", PIN_CHILD, str(config_file), *pins],
                              capture_output=True, text=True, timeout=60, cwd=REPO,
                              check=True)
        return done.stdout.split("\n")[0]

    assert kiosk_process("111111", "222222") == "2 0"  # two wrong PINs, then a restart
    assert kiosk_process() == "2 0"  # still counted
    assert kiosk_process("333333", "444444", "555555") == "0 300"  # the fifth locks
    config = load_config(str(config_file), environ={})
    restarted = PinLock.from_config(config)
    assert restarted.seconds_locked() > 0 and not restarted.check(RIGHT_PIN)
    state = (tmp_path / "data" / "operator-pin.json").read_text(encoding="utf-8")
    assert RIGHT_PIN not in state and "pbkdf2" not in state  # counts and a time only
    # once the lockout is over the right PIN opens, and the count starts again
    later = PinLock(config.operator.pin_hash, 5, 300, clock=lambda: time.time() + 301,
                    state_file=config.data_dir / "operator-pin.json")
    assert later.check(RIGHT_PIN)
    assert PinLock.from_config(config).seconds_locked() == 0
    # a clock set back cannot lock for longer than one lockout
    back = PinLock(config.operator.pin_hash, 5, 300, clock=lambda: time.time() - 86400)
    back.locked_until = time.time()
    assert back.seconds_locked() == 300


def test_every_bad_value_is_named_at_once_with_what_it_must_be() -> None:
    """Types and ranges are declared on the sections (pydantic checks them); the operator
    reads every problem of the file in one message, each by its dotted key."""
    text = ('[api]\nretries = 11\nconnect_timeout = 0\nread_timeout = "soon"\n'
            '[session]\nidle_seconds = 3\n[display]\ndiagonal_inches = -1\n'
            '[scanner]\nportal_domains = ["gov.vn", 3]\n[sync]\npage_size = 0\n'
            '[speech]\nlong_press_seconds = 20\n[outbox]\nanswer_wait_seconds = 0\n')
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "k.toml", environ={})
    assert set(caught.value.problems) == {
        "api.retries must be between 0 and 10",
        "api.connect_timeout must be more than 0",
        "api.read_timeout must be a number, not str 'soon'",
        "session.idle_seconds must be at least 10",
        "display.diagonal_inches must be between 0 and 100 (0: unknown)",
        "scanner.portal_domains must be a list of text, not list ['gov.vn', 3]",
        "sync.page_size must be between 1 and 5000",
        "speech.long_press_seconds must be between 1 and 10",
        "outbox.answer_wait_seconds must be more than 0",
    }


def test_a_section_changed_in_code_is_checked_as_the_file_is() -> None:
    import dataclasses

    import pydantic

    from kiosk.config.settings import ApiSection

    api = ApiSection()
    assert dataclasses.replace(api, read_timeout=5).read_timeout == 5.0  # 5 is a number
    with pytest.raises(pydantic.ValidationError):
        dataclasses.replace(api, retries=50)
    with pytest.raises(pydantic.ValidationError):
        dataclasses.replace(api, retries=True)  # not 1
