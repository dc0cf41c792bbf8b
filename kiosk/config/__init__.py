"""Configuration: which file, its keys, their checks."""

from kiosk.config.settings import (
    Config,
    ConfigError,
    config_path,
    load_config,
    parse_config,
    refuse_exposed_secrets,
    with_secrets,
)

__all__ = ["Config", "ConfigError", "config_path", "load_config", "parse_config",
           "refuse_exposed_secrets", "with_secrets"]
