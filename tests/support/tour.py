"""The tour (`scripts/dev tour`): the real app on demo data, driven through every screen,
one PNG each.

The reference API runs in this process on loopback; the catalogue is synced into a
temporary folder, so the pictures never depend on the machine's own data.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from kiosk.config import Config
from kiosk.server.run import open_db, start_in_thread
from kiosk.store.sync import sync_from_config
from kiosk.ui.app import KioskApp
from kiosk.ui.services import KioskServices
from support.demo_day import DEMO_DAY
from support.driver import Driver
from support.speech_outputs import PacedSilence, WavFolder

SAMPLE_PROCEDURE = "1.001193"  # Đăng ký khai sinh: forms, samples, online
PLAIN_PROCEDURE = "2.000884"  # Chứng thực chữ ký: not online


def demo_services(config: Config, data_dir: Path, *, api_apart: bool = False
                  ) -> tuple[KioskServices, Callable[[], None]]:
    """Services on a synced copy of the demo catalogue, and how to stop the demo API.

    The API runs in a thread of this process, or with `api_apart` in a process of its own
    (`kiosk serve-api`), as a deployed kiosk has it: the memory benchmarks then measure
    the kiosk alone, not the server's imports, database and requests as well."""
    if api_apart:
        base_url, stop = api_process(data_dir.parent / "api.log")
    else:
        server = start_in_thread(open_db(None, today=DEMO_DAY))
        base_url, stop = server.base_url, server.stop
    config = dataclasses.replace(
        config, api=dataclasses.replace(config.api, base_url=base_url),
        kiosk=dataclasses.replace(config.kiosk, data_dir=str(data_dir)))
    sync_from_config(config)
    services = KioskServices.from_config(config)
    services.speech_output = WavFolder(data_dir / "speech")  # heard in files, not a room
    services.connectivity.check()
    return services, stop


def _end_with_parent() -> None:
    """In the API's process before it runs: a SIGTERM when the process that started it
    ends, however it ends (a benchmark stopped with kill leaves no server behind). Linux's
    prctl(PR_SET_PDEATHSIG); elsewhere nothing."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def api_process(log: Path, seconds: float = 60) -> tuple[str, Callable[[], None]]:
    """The reference API on the demo data in a process of its own (`kiosk serve-api` on a
    free loopback port, its output in `log`): its base URL once it answers, and how to
    stop it."""
    with socket.socket() as probe:  # a port free now; the server takes it a moment later
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kiosk = Path(sys.executable).with_name("kiosk")
    with log.open("wb") as out:
        process = subprocess.Popen([str(kiosk), "serve-api", "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT,
                                   preexec_fn=_end_with_parent)
    base_url = f"http://127.0.0.1:{port}/v1"

    def stop() -> None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=2):
                return base_url, stop
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                stop()
                raise RuntimeError(f"the reference API did not start ({error}); see {log}"
                                   ) from None
            time.sleep(0.1)


MODES = {"large-text": "nav:large_text", "contrast": "nav:contrast"}


def choose_field(d: Driver, name: str) -> None:
    """Make the apply step's box `name` the one the keyboard types into, as a person
    would: by touching it, or where large text shows one box alone, by its arrows."""
    if d.exists(f"field:{name}"):
        d.tap(f"field:{name}")
        return
    for _ in d.app.screen.draft.fields:
        if d.app.screen.state.field == name:
            return
        d.tap("apply:field-after")
    raise LookupError(f"no box {name!r} in the apply step")


class Tour:
    def __init__(self, config: Config, out: Path, width: int, height: int,
                 procedures: tuple[str, ...] = (), modes: tuple[str, ...] = ()) -> None:
        self.config = config
        self.out = out
        self.size = (width, height)
        self.procedures = procedures  # extra detail screens, top and bottom
        self.modes = modes  # MODES switched on for the whole walk (each new visitor too)
        self.shots: list[Path] = []

    def run(self) -> list[Path]:
        with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as data:
            # print buttons show: the printer is a file in the tour's folder
            config = dataclasses.replace(self.config, printer=dataclasses.replace(
                self.config.printer, device=f"file:{Path(data) / 'printer.bin'}"))
            services, stop_api = demo_services(config, Path(data))
            app = KioskApp(services)
            self.driver = Driver(app)
            try:
                self._walk(app, stop_api)
            finally:
                services.stop()
                stop_api()
        return self.shots

    def _modes(self, app: KioskApp) -> None:
        """Large text and contrast, switched on by their buttons (a plain tour only: a
        tour in a mode has them on all the way)."""
        d = self.driver
        d.tap("nav:large_text")
        self.shot("home-large-text")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail-large-text")
        d.tap("nav:large_text")
        d.tap("nav:contrast")
        self.shot("detail-high-contrast")
        app.home()
        d.frames()
        self.shot("home-high-contrast")
        d.tap("nav:large_text")
        self.shot("home-high-contrast-large-text")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail-high-contrast-large-text")

    def _reset(self, app: KioskApp) -> None:
        """The next visitor: the session forgets its modes, so the tour's are switched on
        again, by their buttons, as a person would."""
        app.reset_session()
        self.driver.frames()
        self._switch_modes_on()

    def _switch_modes_on(self) -> None:
        for mode in self.modes:
            self.driver.tap(MODES[mode])

    def _speech(self, app: KioskApp) -> None:
        """"Đọc to" while it reads (the button becomes "Dừng đọc"), and the speech mode
        with its speed buttons in the top bar."""
        d = self.driver
        speaker = app.speech.speaker
        assert speaker is not None, app.services.audio.detail
        heard = speaker.make_sink
        speaker.make_sink = PacedSilence  # it reads for as long as it would aloud
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        d.tap("nav:speak")
        d.until(lambda: app.header.speaking)
        self.shot("detail-reading-aloud")
        app.speech.stop()
        speaker.make_sink = heard
        app.home()
        d.frames()
        app.speech.set_mode(True)
        d.until(lambda: not app.header.speaking)
        self.shot("home-speech-mode")

    def _dossiers(self, app: KioskApp) -> None:
        """The receipt scanner on a demo video, and the status screens it leads to."""
        from datetime import date

        from kiosk.catalogue.dossier import Status
        from kiosk.server.catalogue_files import demo_dossiers
        from support.receipt_image import receipt_video

        d = self.driver
        dossiers = [(x, pin) for x, pin in demo_dossiers(DEMO_DAY) if not pin]
        normal = next(x for x, _ in dossiers if x.status == Status.PROCESSING
                      and not x.is_overdue(date.today()))
        late = next(x for x, _ in dossiers if x.is_overdue(date.today())
                    and not x.status.is_closed)
        more = next(x for x, _ in dossiers if x.status == Status.SUPPLEMENT_REQUESTED)
        agency = app.services.config.kiosk.agency  # the centre's account: its dossiers
        fee = next(x for x, _ in dossiers if x.fee and not x.fee_paid
                   and x.code.startswith(f"{agency}-"))
        self.normal_code = normal.code
        video = receipt_video(self.out / "receipt.avi",
                              f"https://dichvucong.gov.vn/p/tra-cuu?ma_ho_so={normal.code}",
                              normal.code, empty_frames=40, receipt_frames=400)
        scanner = dataclasses.replace(app.services.config.scanner, camera=str(video))
        app.services.config = dataclasses.replace(app.services.config, scanner=scanner)
        try:
            app.go("scan")
            self.driver.until(lambda: app.screen.preview.texture is not None)
            self.shot("scan")
            self.driver.until(lambda: app.screens.current == "status")
            self.shot("status-normal")
            for name, dossier in (("status-overdue", late), ("status-supplement", more)):
                self._type_code(app, dossier.code)
                d.tap("scan:submit")
                self.driver.until(lambda: app.screens.current == "status")
                self.shot(name)
            self._type_code(app, fee.code)  # a fee to pay: the VietQR under what to do
            d.tap("scan:submit")
            self.driver.until(lambda: app.screens.current == "status")
            d.frames()
            d.scroll_to_end()
            self.shot("status-fee-vietqr")
            self._type_code(app, "000.00.20.H29-201117-9999")
            self.shot("scan-typing-code")
            d.tap("scan:submit")
            self.driver.until(lambda: "…" not in app.screen.note.text)
            self.shot("scan-unknown-code")
            # a dossier with a PIN: the digit pad for the ID number (số định danh cá nhân)
            locked = next(x for x, pin in demo_dossiers(DEMO_DAY) if pin)
            self._type_code(app, locked.code)
            d.tap("scan:submit")
            self.driver.until(lambda: app.screen.mode == "pin")
            for digit in "0011":
                d.tap(f"digit:{digit}")
            self.shot("scan-id-number-pad")
        finally:
            self._reset(app)  # stops the camera before its video goes
            app.services.config = dataclasses.replace(
                app.services.config, scanner=dataclasses.replace(scanner, camera="0"))
            (self.out / "receipt.avi").unlink(missing_ok=True)

    def _portal(self, app: KioskApp) -> None:
        """"Nộp hồ sơ trên Cổng dịch vụ công": the screen before (with a page photographed
        from a demo video), the kiosk while the browser has the screen, and after. The
        browser is a stand-in process (Chromium cannot be pictured offscreen) and the
        policy goes to a folder of the tour's own."""
        from kiosk.access_point.policy import install_policy
        from support.document_photos import document_photo
        from support.receipt_image import write_video

        d = self.driver
        kept = app.services.config
        stand_in = self.out / "browser-stand-in"
        stand_in.write_text("#!/bin/sh\nexec sleep 60\n")
        stand_in.chmod(0o755)
        video = write_video(self.out / "paper.avi",
                            [document_photo("cluttered", 3).image] * 40)
        with tempfile.TemporaryDirectory(prefix="kiosk-tour-portal-") as folder:
            app.services.config = dataclasses.replace(
                kept, scanner=dataclasses.replace(kept.scanner, camera=str(video)),
                access_point=dataclasses.replace(
                    kept.access_point, browser=str(stand_in),
                    policy_dir=str(Path(folder) / "policies"),
                    files_dir=str(Path(folder) / "files")))
            install_policy(app.services.config)
            try:
                d.tap("home:portal")
                self.shot("portal")
                d.tap("portal:photo")
                self.driver.until(lambda: app.screen.preview.texture is not None)
                self.shot("portal-camera")
                d.tap("portal:take")
                self.driver.until(lambda: app.screen.mode == "start")
                self.shot("portal-paper-kept")
                d.tap("portal:national")
                self.shot("portal-open")
                d.tap("portal:end")
                self.shot("portal-ended")
            finally:
                self._reset(app)  # ends the stand-in and the camera
                app.services.config = kept
                stand_in.unlink(missing_ok=True)
                video.unlink(missing_ok=True)

    def _type_code(self, app: KioskApp, code: str) -> None:
        """"Check my dossier", typing instead of scanning: the code typed, not yet sent."""
        app.go("scan")
        self.driver.frames()
        self.driver.tap("scan:type")
        self.driver.type(code)

    def _submission(self, app: KioskApp, queued: bool = False) -> str:
        """Start an online submission: details (with a message), papers (one photographed
        from a demo video of a page on a table), review, receipt."""
        from kiosk.submission.draft import may_bring_original
        from support.document_photos import document_photo
        from support.receipt_image import write_video

        d = self.driver
        prefix = "apply-offline" if queued else "apply"
        if not queued:
            self.shot("apply-details")
            d.tap("apply:idcard")  # the ID card's QR fills the details
            d.frames()
            self.shot("apply-idcard")
            d.tap("apply:idcard-back")
        choose_field(d, "citizen_id")
        d.type("9991")
        if not queued:
            self.shot("apply-details-message")
        for name, value in (("full_name", "NGUYEN THI HOA"), ("citizen_id", "025190012345"),
                            ("date_of_birth", "05091990"), ("phone", "0912345678"),
                            ("address", "xom Dong, xa Minh Khai, Phu Tho")):
            choose_field(d, name)
            d.tap("key:clear")
            d.type(value)
        if not queued:
            self.shot("apply-details-filled")
        d.tap("apply:next")
        if d.exists("apply:name-plain"):  # typed without marks: asked, once
            if not queued:
                self.shot("apply-name-question")
            d.tap("apply:name-plain")
        if app.screen.state.step == "case":
            if not queued:
                self.shot("apply-case")
            d.tap("case:0")
        draft = app.services.draft
        assert draft is not None
        if not queued:
            self.shot("apply-papers")
            video = write_video(self.out / "page.avi",
                                [document_photo("cluttered", 3).image] * 40)
            scanner = app.services.config.scanner
            app.services.config = dataclasses.replace(
                app.services.config, scanner=dataclasses.replace(scanner, camera=str(video)))
            try:
                d.tap("paper:photo:0")
                self.driver.until(lambda: app.screen.views["camera"].preview.texture
                                  is not None)
                self.shot("apply-camera")
                d.tap("camera:take")
                self.driver.until(lambda: app.screen.state.shot is not None)
                self.shot("apply-camera-page")
                d.tap("camera:keep")
            finally:
                app.screen.stop_camera()
                app.services.config = dataclasses.replace(app.services.config,
                                                          scanner=scanner)
                (self.out / "page.avi").unlink(missing_ok=True)
        for i in draft.missing_documents():
            if may_bring_original(draft.components[i]):
                d.tap(f"paper:bring:{i}")
        if not queued:
            self.shot("apply-papers-done")
        d.tap("apply:next")
        d.tap("apply:consent")
        if not queued:
            self.shot("apply-review")
        d.tap("apply:send")
        if app.screen.state.step == "repeat":  # the same person sent it before
            self.shot(f"{prefix}-repeat")
            d.tap("apply:repeat:yes")
        self.driver.until(lambda: app.screen.state.step == "receipt")
        self.shot(f"{prefix}-receipt")
        if not queued:
            self._print(app, "apply:print", "apply-receipt")
        delivery = app.screen.state.delivery
        reference = delivery.reference if delivery else ""
        d.tap("apply:done")
        return reference

    def _print(self, app: KioskApp, action: str, name: str) -> None:
        """Tap a print button, wait for the printer's answer, and keep a picture of what
        was printed (the same drawing the printer got) in tickets/."""
        from kiosk.printing.raster import render

        d = self.driver
        panel = next(w for w in d.widgets() if getattr(w, "action_id", "") == action).parent
        d.tap(action)
        d.until(lambda: panel.state is not None)
        self.shot(f"{name}-printed" if panel.state.can_print else f"{name}-printer-fault")
        ticket = app.services.last_ticket
        if ticket is not None and panel.state.can_print:
            folder = self.out / "tickets"
            folder.mkdir(exist_ok=True)
            render(ticket, app.services.config.printer.paper_mm).save(
                folder / f"ticket-{ticket.kind}.png")

    def _printer_fault(self, app: KioskApp) -> None:
        """The printer gone: the person is told and sent to the on-screen QR code."""
        from kiosk.printing.device import ReceiptPrinter
        from kiosk.printing.spec import PrinterSpec

        services = app.services
        working = services.printer
        services.printer = ReceiptPrinter(PrinterSpec("file", str(self.out / "gone" / "lp0")))
        try:
            app.go("detail", code=SAMPLE_PROCEDURE)
            self.driver.frames()
            self._print(app, "detail:print", "detail")
        finally:
            services.printer = working

    def _queue_ticket(self) -> None:
        """The queue ticket's layout with a sample number (the queue screens print it)."""
        from datetime import datetime

        from kiosk.printing.raster import render
        from kiosk.printing.tickets import QueueTicket, queue_ticket

        folder = self.out / "tickets"
        folder.mkdir(exist_ok=True)
        sample = QueueTicket("A-027", "Tư pháp – Hộ tịch", 4, datetime.now().replace(
            second=0, microsecond=0), ("Quầy 1", "Quầy 2"))
        render(queue_ticket(sample, self.config.kiosk.name),
               self.config.printer.paper_mm).save(folder / "ticket-queue.png")

    def shot(self, name: str) -> None:
        path = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        self.shots.append(self.driver.screenshot(path))

    def _walk(self, app: KioskApp, stop_api: Callable[[], None]) -> None:
        d = self.driver
        self._switch_modes_on()
        self.shot("home")
        d.tap("home:browse")
        self.shot("browse")
        if not d.exists("level:province"):  # large text on a short screen: a field first
            d.tap(next(w.action_id for w in d.widgets()
                       if str(getattr(w, "action_id", "")).startswith("field:")))
            self.shot("browse-field")
        d.tap("level:province")
        self.shot("browse-province")
        app.home()
        d.frames()
        d.tap("home:online")
        self.shot("browse-online")
        app.home()
        d.frames()
        d.tap("home:search")
        self.shot("search-empty")
        d.type("dang ky khai sinh")
        self.shot("search-typed")
        d.tap("key:clear")
        d.type("viet")
        d.tap("mark:circumflex")
        d.tap("tone:nang")
        self.shot("search-keyboard-marks")
        d.tap("key:clear")
        d.type("qqxyz")
        self.shot("search-nothing-found")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail")
        d.scroll_to_end()
        self.shot("detail-end")
        d.tap("detail:legal")
        d.scroll_to_end()
        self.shot("detail-legal-basis")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self._print(app, "detail:print", "detail")
        self._printer_fault(app)
        self._queue_ticket()
        for code in self.procedures:
            app.go("detail", code=code)
            d.frames()
            self.shot(f"procedure-{code}")
            d.scroll_to_end()
            self.shot(f"procedure-{code}-end")
        app.go("detail", code=PLAIN_PROCEDURE)
        d.frames()
        self.shot("detail-not-online")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        form = next(w.action_id for w in d.widgets()
                    if str(getattr(w, "action_id", "")).startswith("form:"))
        d.tap(form)
        d.until(lambda: not app.screen.viewer.loading)
        self.shot("viewer-form")
        app.back()
        d.frames()
        sample = next(w.action_id for w in d.widgets()
                      if str(getattr(w, "action_id", "")).startswith("sample:"))
        d.tap(sample)
        d.until(lambda: not app.screen.viewer.loading)
        self.shot("viewer-sample")
        d.tap("viewer:next")
        d.tap("viewer:zoom_in")
        self.shot("viewer-sample-page2-zoom")
        d.tap("viewer:close")
        d.tap("detail:submit")
        self._submission(app)
        app.go("handoff", code=SAMPLE_PROCEDURE)
        self.driver.until(lambda: app.screen.link is not None, 10)
        self.shot("handoff-online")
        app.home()
        d.frames()
        d.tap("home:rate")
        d.tap("rate:overall:3")
        d.tap("rate:staff:3")
        self.shot("rate")
        d.tap("rate:send")
        self.driver.until(lambda: app.screen.sent)
        self.shot("rate-thanks")
        app.home()
        d.frames()
        d.tap("home:queue")
        self.driver.until(lambda: app.screen.state == "areas", 10)
        self.shot("queue-areas")
        d.tap("queue:area:HT")
        self.driver.until(lambda: app.screen.state == "ticket", 10)
        self.shot("queue-ticket")
        app.home()
        d.frames()
        d.tap("home:help")
        self.shot("help")
        d.scroll_to_end()
        self.shot("help-end")
        if d.find_all("help:guide:portal"):
            d.tap("help:guide:portal")
            self.driver.until(lambda: app.screen.video.texture is not None)
            self.shot("guide-playing")
            app.back()
            d.frames()
        app.home()
        d.frames()
        if app.services.portal_offered:
            self._portal(app)
        app.go("help")
        d.frames()
        d.tap("help:call_staff")
        self.driver.until(lambda: app.screen.caller.state == "called", 10)
        self.shot("help-staff-called")
        app.idle.last_touch -= app.idle.idle_seconds + 1
        app.tick()
        self.shot("idle-countdown")
        d.tap("idle:continue")
        app.home()
        d.frames()
        place = app.header.place
        for _ in range(5):
            d.tap_at(*place.to_window(*place.center))
        self.shot("operator-pin")
        for key in "1234":
            d.tap(f"pin:{key}")
        d.tap("pin:OK")
        self.shot("operator-pin-wrong")
        for key in "246810":  # the demo PIN (config/secrets.toml)
            d.tap(f"pin:{key}")
        d.tap("pin:OK")
        self.shot("operator")
        d.tap("operator:log")
        self.shot("operator-log")
        d.tap("operator:calls")
        self.driver.until(lambda: app.screen.calls is not None, 10)
        self.shot("operator-staff-calls")
        d.tap("operator:close")
        app.idle.last_touch -= app.idle.attract_seconds + 1
        app.tick()
        self.shot("attract")
        d.tap_at(10, 10)
        if not self.modes:
            self._modes(app)
        self._reset(app)
        self._speech(app)
        self._reset(app)
        d.frames()
        d.tap("nav:language")
        self.shot("home-english")
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail-english")
        self._reset(app)
        self._dossiers(app)
        self._reset(app)
        stop_api()
        app.go("scan")
        d.frames()
        d.tap("scan:type")
        d.type(self.normal_code)
        d.tap("scan:submit")
        self.driver.until(lambda: "…" not in app.screen.note.text)
        self.shot("scan-lookup-offline")
        self._reset(app)
        app.services.connectivity.check()
        app.tick()
        app.home()
        d.frames()
        self.shot("home-offline")
        app.go("queue")
        d.frames()
        self.shot("queue-offline")
        app.go("help")
        d.frames()
        d.tap("help:call_staff")
        self.shot("help-staff-call-offline")
        app.home()
        d.frames()
        app.go("detail", code=SAMPLE_PROCEDURE)
        d.frames()
        self.shot("detail-offline")
        d.tap("detail:submit")
        reference = self._submission(app, queued=True)
        app.go("scan")  # the slip's reference, while the dossier waits to be sent
        d.frames()
        d.tap("scan:type")
        d.type(reference)
        d.tap("scan:submit")
        self.driver.until(lambda: app.screens.current == "status")
        self.shot("status-waiting-to-be-sent")
