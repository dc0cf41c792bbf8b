"""Which receipt printer the config names (`printer.device`), and the paper's width in
printer dots. No I/O and no imports beyond the standard library: the config reads this."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["none", "usb", "serial", "network", "file"]
# printable width in dots at 203 dpi: 48 mm of a 58 mm roll, 72 mm of an 80 mm roll
PRINTABLE_DOTS = {58: 384, 80: 576}
FORMS = ('"none", "usb:VID:PID", "serial:/dev/ttyUSB0[:BAUD]", "network:HOST[:PORT]" or '
         '"file:/path"')
_HEX = re.compile(r"(0x)?[0-9a-fA-F]{1,4}")


@dataclass(frozen=True)
class PrinterSpec:
    """Where the printer is, as `printer.device` says."""

    kind: Kind
    target: str = ""  # the path, host or "VID:PID"
    port: int = 9100  # network: the TCP port; serial: the baud rate

    @classmethod
    def parse(cls, text: str) -> PrinterSpec:
        """Raise ValueError naming the accepted forms when `text` is none of them."""
        kind, _, rest = text.strip().partition(":")
        kind = kind.lower()
        if kind == "none" and not rest:
            return cls("none")
        if kind == "usb":
            ids = rest.split(":")
            if len(ids) == 2 and all(_HEX.fullmatch(i) for i in ids):
                return cls("usb", ":".join(i.lower().removeprefix("0x") for i in ids))
        elif kind == "serial" and rest.startswith("/"):
            path, _, baud = rest.partition(":")
            if not baud or baud.isdigit():
                return cls("serial", path, int(baud or 9600))
        elif kind == "network" and rest:
            host, sep, port = rest.rpartition(":")
            if not sep:
                host, port = rest, ""
            if host and (not port or (port.isdigit() and 0 < int(port) < 65536)):
                return cls("network", host, int(port or 9100))
        elif kind == "file" and rest.startswith("/"):
            return cls("file", rest)
        raise ValueError(f"{text!r} is not a printer: use {FORMS}")

    def __str__(self) -> str:
        if self.kind == "none":
            return "none"
        if self.kind in ("network", "serial"):
            return f"{self.kind}:{self.target}:{self.port}"
        return f"{self.kind}:{self.target}"
