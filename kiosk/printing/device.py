"""The receipt printer: which one (the config's `printer.device`), whether it can print
now, and printing a ticket on it through python-escpos.

`device` is "none" (no printer: no print buttons), "usb:VID:PID" (hex, as `lsusb` shows
them), "serial:/dev/ttyUSB0[:BAUD]", "network:HOST[:PORT]" (port 9100 unless given) or
"file:/path" (a device node such as /dev/usb/lp0, or a file that collects the bytes).

Before each print the printer is asked how it is (ESC/POS real-time status, DLE EOT):
offline, cover open, paper out. A printer that does not answer those questions (a file,
some cheap models) is taken as ready, and a failed write still reports the fault. Every
failure comes back as a PrinterState, never an exception: the screen says it in the
person's language and offers the on-screen QR code instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from PIL import Image

from kiosk.printing.layout import Ticket
from kiosk.printing.raster import render
from kiosk.printing.spec import PRINTABLE_DOTS, PrinterSpec
from kiosk.printing.tickets import QueueTicket, queue_ticket

log = logging.getLogger(__name__)

Condition = Literal["off", "ready", "paper_low", "paper_out", "cover_open", "offline",
                    "absent", "failed"]
# real-time status requests (DLE EOT n) and the bits of their one-byte answers
ASK_PRINTER, ASK_OFFLINE_CAUSE, ASK_PAPER = b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"
OFFLINE_BIT = 0x08  # in the printer status: offline
COVER_OPEN_BIT = 0x04  # in the offline cause
PAPER_END_BITS = 0x60  # in the paper status: paper end sensor
PAPER_NEAR_END_BITS = 0x0C  # in the paper status: near-end sensor


@dataclass(frozen=True)
class PrinterState:
    """How the printer is: `condition` for the screens, `detail` for the operator and
    `kiosk doctor` (English, no personal data)."""

    condition: Condition
    detail: str = ""

    @property
    def can_print(self) -> bool:
        return self.condition in ("ready", "paper_low")


class PrinterFault(Exception):
    def __init__(self, state: PrinterState) -> None:
        super().__init__(state.detail)
        self.state = state


class ReceiptPrinter:
    """One printer, opened for each job and closed after it (a printer switched off and on
    again, or a network printer restarted, works again at the next print)."""

    def __init__(self, spec: PrinterSpec, paper_mm: int = 80, profile: str = "",
                 timeout: float = 3.0) -> None:
        self.spec = spec
        self.paper_mm = paper_mm
        self.profile = profile
        self.timeout = timeout
        # one job at a time: a queue ticket and a receipt asked for at once must not mix
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, section: Any) -> ReceiptPrinter:
        """From the config's [printer] section (checked when the file was read)."""
        return cls(PrinterSpec.parse(section.device), section.paper_mm, section.profile,
                   section.timeout)

    @property
    def enabled(self) -> bool:
        return self.spec.kind != "none"

    def state(self) -> PrinterState:
        """Ask the printer how it is (opens and closes it; prints nothing)."""
        return self._job(lambda device, state: state)

    def print_ticket(self, ticket: Ticket) -> PrinterState:
        """Print the ticket if the printer can; the state it was found in (or failed in)."""

        def job(device: Any, state: PrinterState) -> PrinterState:
            send(device, ticket, self.paper_mm)
            log.info("printed %s on %s", ticket.kind, self.spec.kind)
            return state

        return self._job(job)

    def _job(self, work: Callable[[Any, PrinterState], PrinterState]) -> PrinterState:
        """Open the printer, ask how it is, and when it can print, do `work` on it; close
        it. One job at a time; every failure comes back as a state."""
        if not self.enabled:
            return PrinterState("off", "no printer configured (printer.device = none)")
        with self._lock:
            try:
                device = self._open()
            except PrinterFault as fault:
                return fault.state
            try:
                state = self._ask(device)
                return work(device, state) if state.can_print else state
            except (OSError, _escpos_errors()) as err:
                return PrinterState("failed", f"{self.spec}: the print did not go through "
                                              f"({_reason(err)})")
            finally:
                _close(device)

    def _open(self) -> Any:
        from escpos import printer

        spec = self.spec
        try:
            if spec.kind == "usb":
                vendor, product = (int(i, 16) for i in spec.target.split(":"))
                device = printer.Usb(vendor, product, timeout=int(self.timeout * 1000),
                                     profile=self.profile or None)
            elif spec.kind == "serial":
                device = printer.Serial(spec.target, baudrate=spec.port, timeout=self.timeout,
                                        profile=self.profile or None)
            elif spec.kind == "network":
                device = printer.Network(spec.target, spec.port, timeout=self.timeout,
                                         profile=self.profile or None)
            else:
                device = printer.File(spec.target, profile=self.profile or None)
            device.open()
        except (OSError, ValueError, _escpos_errors()) as err:
            raise PrinterFault(PrinterState("absent", f"{spec}: cannot be reached "
                                                      f"({_reason(err)})")) from None
        _fit_profile(device, self.paper_mm)
        return device

    def _ask(self, device: Any) -> PrinterState:
        """The printer's real-time status; ready when it does not answer such questions."""
        if self.spec.kind == "file":
            return PrinterState("ready", f"{self.spec}: writes without status answers")
        try:
            online = _ask_byte(device, ASK_PRINTER)
            if online is None:
                return PrinterState("ready", f"{self.spec}: connected (no status answers)")
            if online & OFFLINE_BIT:
                cause = _ask_byte(device, ASK_OFFLINE_CAUSE) or 0
                if cause & COVER_OPEN_BIT:
                    return PrinterState("cover_open", f"{self.spec}: the cover is open")
            paper = _ask_byte(device, ASK_PAPER)
        except (OSError, _escpos_errors()) as err:
            return PrinterState("absent", f"{self.spec}: stopped answering ({_reason(err)})")
        if paper is not None and paper & PAPER_END_BITS == PAPER_END_BITS:
            return PrinterState("paper_out", f"{self.spec}: out of paper")
        if online & OFFLINE_BIT:
            return PrinterState("offline", f"{self.spec}: offline (status {online:#04x})")
        if paper is not None and paper & PAPER_NEAR_END_BITS == PAPER_NEAR_END_BITS:
            return PrinterState("paper_low", f"{self.spec}: paper nearly used up")
        return PrinterState("ready", f"{self.spec}: ready")


def send(device: Any, ticket: Ticket, paper_mm: int = 80) -> Image.Image:
    """Write the ticket on an open python-escpos printer (any kind, the Dummy too): reset,
    the ticket as a raster picture, feed and cut. The picture is returned."""
    picture = render(ticket, paper_mm)
    _fit_profile(device, paper_mm)
    device.hw("INIT")
    device.image(picture, impl="bitImageRaster")
    device.cut()
    flush = getattr(device, "flush", None)
    if callable(flush):
        flush()
    return picture


def print_queue_ticket(printer: ReceiptPrinter, ticket: QueueTicket,
                       centre: str = "") -> PrinterState:
    """Print a queue number (the queue screens call this); the printer's state after."""
    return printer.print_ticket(queue_ticket(ticket, centre))


def _ask_byte(device: Any, question: bytes) -> int | None:
    """One real-time status byte, or None when the printer gives no answer in time."""
    try:
        answer = device.query_status(question)
    except (TimeoutError, NotImplementedError):
        return None
    return answer[0] if answer else None


def _no_answer() -> tuple[type[BaseException], ...]:
    """What a printer that does not answer status questions raises: a socket or USB read
    timing out, or a file that cannot be read at all."""
    found: list[type[BaseException]] = [TimeoutError, NotImplementedError]
    try:
        from usb.core import USBTimeoutError

        found.append(USBTimeoutError)
    except ImportError:  # pyusb comes with python-escpos[usb]; without it no USB printer
        pass
    return tuple(found)


def _fit_profile(device: Any, paper_mm: int) -> None:
    """Tell the library the paper's width when the printer profile does not (the default
    profile's "Unknown" makes it print a note on stdout for every picture)."""
    data = device.profile.profile_data
    width = data.get("media", {}).get("width", {})
    if width.get("pixels") in (None, "Unknown"):
        media = {**data.get("media", {}),
                 "width": {"mm": paper_mm, "pixels": PRINTABLE_DOTS.get(paper_mm, 576)}}
        device.profile.profile_data = {**data, "media": media}


def _close(device: Any) -> None:
    try:
        device.close()
    except (OSError, AttributeError, _escpos_errors()):
        pass  # already gone: nothing to give back


def _escpos_errors() -> type[Exception]:
    from escpos.exceptions import Error

    return Error


def _reason(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    text = lines[-1] if lines else type(err).__name__
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]  # the library's messages close a bracket they never opened
    return text[:200]
