"""Configuration: the example file is valid; bad keys are named; environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, config_path, load_config, parse_config
from kiosk.config.settings import EXAMPLE_CONFIG


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
            '[kiosk]\nlanguage = "fr"\n[printer]\nmodel = 1\n')
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "test.toml", environ={})
    problems = " | ".join(caught.value.problems)
    for name in ("api.base_urll", "api.read_timeout", "api.retries", "kiosk.language",
                 "[printer]"):
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
