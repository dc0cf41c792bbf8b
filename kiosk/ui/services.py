"""What the screens need from the rest of the kiosk, gathered in one place by the app.

No Kivy here: the services are the catalogue, connectivity, and the cached form PDFs.
Each is made on first use, so the home screen is drawn before requests, numpy and the
search index are loaded (start-up time on cheap hardware).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Config
from kiosk.ui.network_status import NetworkStatus
from kiosk.ui.session import Session

if TYPE_CHECKING:
    from kiosk.catalogue.model import Procedure
    from kiosk.printing.device import PrinterState, ReceiptPrinter
    from kiosk.printing.layout import Ticket
    from kiosk.scanner.receipt import ReceiptRules
    from kiosk.speech.output import AudioStatus, Sink
    from kiosk.speech.speaker import Speaker
    from kiosk.store.catalogue_store import FormFile
    from kiosk.store.central_api import CentralApi
    from kiosk.store.connectivity import Connectivity
    from kiosk.store.delivery import Sender
    from kiosk.store.forms_cache import FormsCache
    from kiosk.store.heartbeat import Heartbeat
    from kiosk.store.local_catalogue import LocalCatalogue
    from kiosk.store.outbox import EarlierSubmission, LocalState, Outbox
    from kiosk.store.queue_numbers import QueueTicket
    from kiosk.store.usage import UsageLog
    from kiosk.submission.draft import Draft
    from kiosk.ui.pdf_renderer import PdfRenderer
    from kiosk.ui.procedure_text import FormState


log = logging.getLogger(__name__)


@dataclass
class KioskServices:
    config: Config
    # where speech goes instead of the sound card (tests write WAV files, the tour nothing)
    speech_output: Callable[[], Sink] | None = None
    # prints a queue ticket on the kiosk's receipt printer (raises when it cannot); None:
    # the receipt printer ([printer]) when one is configured, else the
    # screen asks the person to remember the number
    queue_ticket_printer: Callable[[QueueTicket], None] | None = None
    # the last ticket sent to the printer and how the printer was then (operator screen)
    last_ticket: Ticket | None = field(default=None, init=False, repr=False)
    printer_state: PrinterState | None = field(default=None, init=False, repr=False)
    # the visitor's state (language, modes, the submission being put together)
    session: Session = field(default_factory=Session)
    _sender: Sender | None = field(default=None, init=False, repr=False)
    _sender_lock: threading.Lock = field(default_factory=threading.Lock, init=False,
                                         repr=False)

    def __post_init__(self) -> None:
        from kiosk.system import holidays_apart

        self.session.default_language = self.session.language = self.config.kiosk.language
        holidays_apart.use()  # the holidays package's ~15 MB stay out of the kiosk

    @classmethod
    def from_config(cls, config: Config) -> KioskServices:
        return cls(config)

    @property
    def draft(self) -> Draft | None:
        """The submission being put together by the person at the screen."""
        return self.session.draft

    @cached_property
    def catalogue(self) -> LocalCatalogue:
        from kiosk.store.local_catalogue import LocalCatalogue

        return LocalCatalogue(self.config.catalogue_path, self.config.kiosk.agency)

    @cached_property
    def connectivity(self) -> Connectivity:
        from kiosk.store.client import ClientSettings
        from kiosk.store.connectivity import Connectivity

        return Connectivity(ClientSettings.from_config(self.config))

    @cached_property
    def api(self) -> CentralApi:
        from kiosk.store.central_api import CentralApi
        from kiosk.store.client import ApiClient, ClientSettings

        return CentralApi(ApiClient(ClientSettings.from_config(self.config)))

    @cached_property
    def receipt_rules(self) -> ReceiptRules:
        from kiosk.scanner.receipt import ReceiptRules

        return ReceiptRules.from_config(self.config.scanner)

    @cached_property
    def forms(self) -> FormsCache:
        from kiosk.store.forms_cache import FormsCache

        sync = self.config.sync
        return FormsCache(self.config.forms_dir, int(sync.forms_cache_mb * 1024 * 1024),
                          int(sync.max_form_mb * 1024 * 1024))

    @cached_property
    def pdf_renderer(self) -> PdfRenderer:
        """Draws form PDFs in a worker process under memory and time limits (started on
        the first form shown, again after a hostile PDF)."""
        from kiosk.ui.pdf_renderer import PdfRenderer

        return PdfRenderer()

    @cached_property
    def outbox(self) -> Outbox:
        """Raises OutboxError when it cannot be used (no key in the secrets file)."""
        from kiosk.store.outbox import Outbox

        return Outbox.from_config(self.config)

    @property
    def sender(self) -> Sender:
        """The outbox's delivery thread, started on first use. The UI thread and the
        submission and rating threads may ask at once: one sender, whoever asks first."""
        from kiosk.store.client import ApiClient, ClientSettings
        from kiosk.store.delivery import Sender

        with self._sender_lock:
            if self._sender is None:
                sender = Sender(self.outbox, ApiClient(ClientSettings.from_config(self.config)))
                sender.start()
                self._sender = sender
            return self._sender

    def start_delivery(self) -> None:
        """Send what an earlier run left in the outbox (after a power cut, say)."""
        from kiosk.store.outbox import OutboxError

        if self.can_submit:
            try:
                self.sender.nudge()
            except OutboxError as err:
                log.error("outbox unavailable: %s", err)

    def local_submission(self, reference: str) -> LocalState | None:
        """A submission of this kiosk's still in its outbox, by its slip reference: waiting
        to be sent, or refused by the central API (None: not here, or no outbox)."""
        from kiosk.store.outbox import OutboxError

        if not self.can_submit:
            return None
        try:
            return self.outbox.local_state(reference)
        except OutboxError as err:
            log.error("outbox unavailable: %s", err)
            return None

    def earlier_submission(self, payload: dict[str, Any]) -> EarlierSubmission | None:
        """The same person's submission of the same procedure here within a day (the
        screen asks before a second one); None when there is none or the outbox is off."""
        from kiosk.store.outbox import OutboxError

        try:
            return self.outbox.earlier_submission(payload)
        except OutboxError as err:
            log.error("outbox unavailable: %s", err)
            return None

    @cached_property
    def usage(self) -> UsageLog:
        """Anonymous counts; counting never raises (a full disk drops the count)."""
        from kiosk.store.usage import UsageLog

        return UsageLog(self.config.usage_path)

    @cached_property
    def heartbeat(self) -> Heartbeat:
        from kiosk.store.heartbeat import Heartbeat

        return Heartbeat(self.config, self.usage)

    def start_heartbeat(self) -> None:
        """Tell the central API, every heartbeat.interval_minutes, that this kiosk is alive,
        with its usage counts."""
        self.heartbeat.start()

    @property
    def can_submit(self) -> bool:
        """This kiosk takes submissions and ratings (an agency is set and the outbox has its
        key)."""
        return bool(self.config.kiosk.agency and self.config.outbox.key)

    @property
    def portal_offered(self) -> bool:
        """The portal access point is on and its browser installed (whether its policy is
        in place, the portal screen and `kiosk doctor` say)."""
        from kiosk.access_point.session import browser_path

        return self.config.access_point.enabled and browser_path(self.config) is not None

    def start_draft(self, procedure: Procedure) -> Draft:
        from kiosk.submission.draft import Draft

        self.forget_draft()
        draft = self.session.draft = Draft(procedure)
        return draft

    def forget_draft(self) -> None:
        """Completion, cancel or the idle time-out: the person's data goes."""
        self.session.forget_draft()

    @property
    def online(self) -> bool:
        """False until the first network check has answered yes."""
        return self.network.up

    @property
    def network(self) -> NetworkStatus:
        """What works now, for every screen alike (see kiosk.ui.network_status)."""
        checked = self.__dict__.get("connectivity")
        return NetworkStatus(checked.online if checked else None, self.can_submit)

    def form_pdf(self, code: str, sample: bool) -> Path | None:
        """The cached PDF of a form (or of its filled-in sample), if this kiosk has it."""
        found = self._form_file(code)
        if found is None:
            return None
        return self.forms.path(found.sample_sha256 if sample else found.sha256)

    def form_state(self, code: str, sample: bool = False) -> FormState:
        """Whether a form's PDF (or its filled-in sample's) is here, still to come, or not
        to be had at the kiosk."""
        from kiosk.ui.procedure_text import FORM_AT_COUNTER, FORM_NOT_YET, FORM_ON_KIOSK
        from kiosk.ui.procedure_text import FormState as State

        found = self._form_file(code)
        checksum = (found.sample_sha256 if sample else found.sha256) if found else ""
        if found is None or not checksum:
            return State(code, found.form.title if found else code, FORM_AT_COUNTER)
        return State(code, found.form.title,
                     FORM_ON_KIOSK if self.forms.path(checksum) else FORM_NOT_YET)

    def form_title(self, code: str) -> str:
        found = self._form_file(code)
        return found.form.title if found else code

    def _form_file(self, code: str) -> FormFile | None:
        from kiosk.store.catalogue_store import StoreError

        try:
            return self.catalogue.store.form_file(code)
        except StoreError:
            return None

    def procedure_url(self, procedure: Procedure) -> str:
        return self.config.help.procedure_url.format(code=procedure.code)

    @property
    def prints_queue_tickets(self) -> bool:
        return self.queue_ticket_printer is not None or self.can_print

    def print_queue_ticket(self, ticket: QueueTicket) -> bool:
        """Print a queue ticket; False when there is no printer or it failed (the number
        stays on the screen either way). The queue screen calls it in a thread of its own,
        the number already shown: the printer's time-out ([printer] timeout, 3 s) bounds
        the wait."""
        hook = self.queue_ticket_printer or (self._print_queue_ticket if self.can_print
                                             else None)
        if hook is None:
            return False
        try:
            hook(ticket)
        except Exception as err:  # a device's fault must not end the person's visit
            log.error("queue ticket not printed: %s", err)
            return False
        return True

    def _print_queue_ticket(self, ticket: QueueTicket) -> None:
        from kiosk.printing.device import print_queue_ticket
        from kiosk.printing.tickets import QueueTicket as PrintedNumber

        printed = PrintedNumber(str(ticket.number), ticket.area_name, ticket.waiting,
                                ticket.issued_at, ticket.counters)
        state = print_queue_ticket(self.printer, printed, self.config.kiosk.name)
        self.printer_state = state
        if not state.can_print:
            raise RuntimeError(state.detail)

    @cached_property
    def printer(self) -> ReceiptPrinter:
        from kiosk.printing.device import ReceiptPrinter

        return ReceiptPrinter.from_config(self.config.printer)

    @property
    def can_print(self) -> bool:
        """A printer is configured (`printer.device` is not "none"): print buttons show."""
        return self.config.printer.device.strip().lower() != "none"

    def print_ticket(self, ticket: Ticket, done: Callable[[PrinterState], None]) -> None:
        """Print in a thread (a printer may take seconds to answer); `done` gets the
        printer's state, on that thread."""
        self.last_ticket = ticket
        printer = self.printer

        def work() -> None:
            state = printer.print_ticket(ticket)
            self.printer_state = state
            if not state.can_print:
                log.warning("printer: %s", state.detail)
            done(state)

        threading.Thread(target=work, name="printer", daemon=True).start()

    def fee_qr(self, amount: int | None, purpose: str) -> str | None:
        """The VietQR text for paying `amount` VND to the centre with `purpose` (a dossier
        code), or None when no account is configured or there is no amount."""
        from kiosk.payment.vietqr import Payee, payload

        payment = self.config.payment
        if not payment.account or not amount:
            return None
        return payload(Payee(payment.bank_bin, payment.account, payment.account_name),
                       amount, purpose)

    @cached_property
    def audio(self) -> AudioStatus:
        """Whether speech can be heard on this kiosk, and if not, why (operator screen)."""
        from kiosk.speech.output import AudioStatus, audio_status
        from kiosk.speech.voice import espeak_path

        if not self.config.speech.enabled:
            return AudioStatus(False, "speech.enabled is false in the config")
        if self.speech_output is not None:
            if espeak_path() is None:
                return AudioStatus(False, "espeak-ng is not installed (apt install espeak-ng)")
            return AudioStatus(True, "speech written to files (test output)")
        return audio_status(self.config.speech.device)

    @cached_property
    def speaker(self) -> Speaker | None:
        """The voice, or None where speech cannot be heard (the kiosk then stays silent
        and offers no read-aloud)."""
        if not self.audio.ok:
            log.warning("speech off: %s", self.audio.detail)
            return None
        from kiosk.speech.output import PlayerSink
        from kiosk.speech.speaker import Speaker
        from kiosk.speech.voice import Voice

        speech = self.config.speech
        output = self.speech_output or (lambda: PlayerSink(speech.device))
        return Speaker(Voice(speech.dialect, speech.rate), output)

    def stop(self) -> None:
        if "speaker" in self.__dict__ and self.speaker is not None:
            self.speaker.stop()
        if "connectivity" in self.__dict__:
            self.connectivity.stop()
        if self._sender is not None:
            self._sender.stop()
        if "heartbeat" in self.__dict__:
            self.heartbeat.stop()
        if "pdf_renderer" in self.__dict__:
            self.pdf_renderer.stop()
