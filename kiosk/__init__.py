"""Touchscreen kiosk for Vietnamese one-stop administrative service centres."""

__version__ = "0.1.0"
