"""The operator's screen, behind the PIN: how the kiosk is, and what staff can do about it.

Status (version, uptime, configuration, catalogue and last sync, network, outbox), sync
now, a network check, a camera test that shows what it decodes, the tail of the log, the
open calls for staff from every kiosk (closed once seen to), and the two ways out: restart
the kiosk, or leave it for the desktop (systemd does not start it again). Slow work runs in
threads; the screen says what it is doing. The idle reset brings the kiosk back to the
public home screen, so an operator who walks away leaves nothing open.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk import __version__
from kiosk.i18n import _
from kiosk.status.lookup import refusal_words
from kiosk.ui.camera_feed import CameraFeed, preview_image
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Divider, Text

if TYPE_CHECKING:
    from kiosk.store.delivery import Sender
    from kiosk.store.staff_calls import StaffCall
    from kiosk.ui.services import KioskServices

STARTED = time.monotonic()
LOG_LINES = 12
REFUSED_SHOWN = 5  # the latest refused submissions listed; `kiosk outbox` lists them all


class OperatorScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.mode = "status"  # or "camera", "log", "calls"
        self.note = ""
        self.decoded: list[str] = []
        self.worker: CameraFeed | None = None
        self.calls: list[StaffCall] | None = None  # None: not fetched (or not reachable)

    def open(self, **params: Any) -> None:
        super().open(**params)
        self.mode, self.note, self.decoded = "status", "", []
        self._ask_printer()

    def _ask_printer(self) -> None:
        """The printer's state, asked in a thread (a printer gone takes seconds to say so),
        shown in the status when it comes."""
        services = self.services
        if not services.can_print:
            return

        def work() -> None:
            services.printer_state = services.printer.state()
            Clock.schedule_once(lambda _: self.refresh() if self.mode == "status"
                                and self.manager is not None
                                and self.manager.current == self.name else None)

        threading.Thread(target=work, name="printer-state", daemon=True).start()

    def reset(self) -> None:
        super().reset()
        self.stop_camera()
        self.mode, self.note, self.decoded = "status", "", []
        self.calls = None

    def on_leave(self, *_: Any) -> None:
        self.stop_camera()

    def show(self, mode: str) -> None:
        self.mode = mode
        self.refresh()

    def refresh(self) -> None:
        t = self.theme
        page = self.backdrop("horizontal" if not t.portrait else "vertical")
        actions = GridLayout(cols=1 if not t.portrait else 2, spacing=t.mm(2),
                             size_hint=(None, 1) if not t.portrait else (1, None))
        if t.portrait:
            actions.bind(minimum_height=actions.setter("height"))
        else:
            actions.width = t.mm(95)
        for label, run, action in ((_("Status"), lambda: self.show("status"), "status"),
                                   (_("Sync the catalogue now"), self._sync, "sync"),
                                   (_("Check the network"), self._network, "network"),
                                   (_("Test the camera"), lambda: self.show("camera"),
                                    "camera"),
                                   (_("Recent log"), lambda: self.show("log"), "log"),
                                   (_("Calls for staff"), self._fetch_calls, "calls"),
                                   (_("Restart the kiosk"), self._restart, "restart"),
                                   (_("Leave the kiosk (to the desktop)"), self._desktop,
                                    "desktop"),
                                   (_("Back to the kiosk"), self.nav.home, "close")):
            kind = "primary" if action == self.mode else "secondary"
            button = BigButton(label, t, run, kind=kind, height=t.touch,
                               action_id=f"operator:{action}")
            button.shrink_to_fit()  # one line each: the column holds nine of them
            actions.add_widget(button)
        body = BoxLayout(orientation="vertical", spacing=t.gap)
        body.add_widget(Text(_("Operator"), size=t.text_title, color=t.palette.text,
                             bold=True))
        self.message = Text(self.note, size=t.text_body, color=t.palette.accent, bold=True)
        body.add_widget(self.message)
        if self.mode == "camera":
            self._camera(body)
        elif self.mode == "calls":
            self.stop_camera()
            self._calls(self.scrolling_column(body, spacing=t.mm(2)))
        else:
            self.stop_camera()
            column = self.scrolling_column(body, spacing=t.mm(1))
            for line in (self._status() if self.mode == "status" else self._log()):
                column.add_widget(Text(line, size=t.text_small, color=t.palette.text))
        if t.portrait:
            page.add_widget(body)
            page.add_widget(actions)
        else:
            page.add_widget(actions)
            page.add_widget(body)

    # --- what is shown -------------------------------------------------------------------

    def _status(self) -> list[str]:
        services = self.services
        config = services.config
        lines = [_("Version {version}, running for {minutes} minutes").format(
                     version=__version__, minutes=int((time.monotonic() - STARTED) // 60)),
                 _("Kiosk {id}: {name}").format(id=config.kiosk.id, name=config.kiosk.name),
                 _("Configuration: {file}").format(file=config.source),
                 _("Central API: {url}").format(url=config.api.base_url)]
        online = services.online
        lines.append(_("Network: online") if online else _("Network: offline ({reason})")
                     .format(reason=services.connectivity.reason or "?"))
        from kiosk.store.catalogue_store import StoreError

        try:
            info = services.catalogue.store.info()
            lines.append(_("Catalogue: {procedures} procedures, {forms} forms, synced "
                           "{when}").format(procedures=info.procedures, forms=info.forms,
                                            when=_when(info.synced_at)))
        except StoreError as err:
            lines.append(_("Catalogue: not available ({reason})").format(reason=err))
        if services.can_submit:
            from kiosk.store.outbox import OutboxError

            try:
                items = services.outbox.summaries()
                states = [item.state for item in items]
                lines.append(_("Outbox: {n} waiting to be sent, {refused} refused by the "
                               "API").format(n=states.count("waiting"),
                                             refused=states.count("refused")))
                # refused after the person left: staff see it here and by the reference
                for item in [i for i in items if i.state == "refused"][-REFUSED_SHOWN:]:
                    lines.append(_("Refused: {reference} ({day}): {why}").format(
                        reference=item.reference,
                        day=_ago(item.created),
                        why=_(refusal_words(item.api_code))))
                if "quarantined" in states:
                    lines.append(_("Outbox: {n} cannot be read with the outbox key and are "
                                   "set aside; run `kiosk doctor`").format(
                                       n=states.count("quarantined")))
                lines.append(_sender_line(services.sender))
            except OutboxError as err:
                lines.append(_("Outbox: not available ({reason})").format(reason=err))
        else:
            lines.append(_("Online submission at this kiosk is off (kiosk.agency or the "
                           "outbox key is not set)"))
        lines.append(_("Camera: {camera}").format(camera=config.scanner.camera))
        lines.append(_printer_line(services))
        audio = self.services.audio
        lines.append(_("Speech: ready ({detail})").format(detail=audio.detail) if audio.ok
                     else _("Speech: off, the kiosk works silently ({reason})").format(
                         reason=audio.detail))
        return lines

    def _log(self) -> list[str]:
        from kiosk.system.logs import RECENT

        lines = list(RECENT.lines)[-LOG_LINES:]
        return lines or [_("Nothing has been logged yet.")]

    def _calls(self, column: GridLayout) -> None:
        """The open calls for staff from every kiosk, each with a button to close it."""
        t = self.theme
        if self.calls is None:
            return  # the message says why (fetching, or not reachable)
        if not self.calls:
            column.add_widget(Text(_("No open calls for staff."), size=t.text_body,
                                   color=t.palette.text))
        for call in self.calls:
            row = BoxLayout(size_hint_y=None, height=t.touch, spacing=t.gap)
            row.add_widget(Text(_("{time} · kiosk {kiosk} · screen “{screen}”").format(
                time=call.at.strftime("%H:%M"), kiosk=call.kiosk_id, screen=call.screen),
                size=t.text_small, color=t.palette.text))
            close = BigButton(_("Close"), t, lambda c=call.id: self._close_call(c),
                              kind="secondary", size_hint_x=None, height=t.touch,
                              action_id=f"operator:close_call:{call.id}")
            close.hug_text()
            row.add_widget(close)
            column.add_widget(row)

    def _fetch_calls(self) -> None:
        self.mode = "calls"
        self._calls_work(None)

    def _close_call(self, call_id: int) -> None:
        self._calls_work(call_id)

    def _calls_work(self, closing: int | None) -> None:
        """Close a call (if asked), then fetch the open ones, in a thread."""
        from kiosk.store.client import ApiError
        from kiosk.store.staff_calls import close_call, staff_calls

        self._say(_("Asking the central API for calls…"))
        client, me = self.services.api.client, self.services.config.kiosk.id

        def work() -> None:
            try:
                if closing is not None:
                    close_call(client, closing, me)
                calls: list[StaffCall] | None = staff_calls(client)
                text = ""
            except ApiError as err:
                calls, text = None, _("The central API cannot be reached: {reason}").format(
                    reason=err)
            Clock.schedule_once(lambda _: self._calls_came(calls, text))

        threading.Thread(target=work, name="operator-calls", daemon=True).start()

    def _calls_came(self, calls: list[StaffCall] | None, text: str) -> None:
        self.calls = calls
        self._say(text)
        if self.mode == "calls" and self.manager is not None \
                and self.manager.current == self.name:
            self.refresh()

    def _camera(self, body: BoxLayout) -> None:
        t = self.theme
        body.add_widget(Text(_("Hold a QR code in front of the camera: what it reads is "
                               "shown below."), size=t.text_small, color=t.palette.muted))
        self.preview = preview_image()
        body.add_widget(self.preview)
        self.reads = Text("\n".join(self.decoded[-3:]) or " ", size=t.text_small,
                          color=t.palette.text)
        body.add_widget(Divider(t))
        body.add_widget(self.reads)
        if self.worker is None:
            self.worker = CameraFeed.reading_codes(self.services.config.scanner, self._found,
                                                     self._trouble)
            self.worker.start()
        self.worker.view = self.preview

    def _found(self, payloads: list[bytes]) -> None:
        if self.mode != "camera":
            return
        for payload in payloads:
            # shown, never opened: a QR code is only text here
            text = payload.decode("utf-8", "replace")
            self.decoded.append(repr(text[:120]))
        self.decoded = self.decoded[-3:]
        self.reads.text = "\n".join(self.decoded)

    def _trouble(self, broken: bool) -> None:
        if self.worker is not None:
            state, reason = self.worker.worker.status
            self.message.text = _("Camera: {state} ({reason})").format(
                state=state, reason=reason) if broken else ""

    def stop_camera(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    # --- what the operator can do --------------------------------------------------------

    def _say(self, text: str) -> None:
        self.note = text
        if self.manager is not None and self.manager.current == self.name:
            self.message.text = text

    def _sync(self) -> None:
        self._say(_("Syncing the catalogue…"))
        config = self.services.config

        def work() -> None:
            from kiosk.store.client import ApiError
            from kiosk.store.sync import SyncBusy, sync_from_config

            try:
                text = _("Synced: {summary}").format(summary=sync_from_config(config)
                                                     .summary())
            except SyncBusy:
                text = _("A sync is already running; try again in a minute.")
            except (ApiError, OSError) as err:
                text = _("The sync failed: {reason}").format(reason=err)
            Clock.schedule_once(lambda _: self._done(text))

        threading.Thread(target=work, name="operator-sync", daemon=True).start()

    def _network(self) -> None:
        self._say(_("Checking the network…"))
        connectivity = self.services.connectivity

        def work() -> None:
            started = time.monotonic()
            online = connectivity.check()
            ms = int((time.monotonic() - started) * 1000)
            text = _("The central API answered in {ms} ms.").format(ms=ms) if online else \
                _("The central API cannot be reached: {reason}").format(
                    reason=connectivity.reason)
            Clock.schedule_once(lambda _: self._done(text))

        threading.Thread(target=work, name="operator-network", daemon=True).start()

    def _done(self, text: str) -> None:
        self._say(text)
        if self.mode == "status" and self.manager is not None \
                and self.manager.current == self.name:
            self.refresh()

    def _restart(self) -> None:
        self.stop_camera()
        self.nav.leave(restart=True)

    def _desktop(self) -> None:
        self.stop_camera()
        self.nav.leave(restart=False)


def _printer_line(services: KioskServices) -> str:
    if not services.can_print:
        return _("Printer: none (printer.device = none), no print buttons")
    state = services.printer_state
    if state is None:
        return _("Printer: {device}, asking…").format(device=services.config.printer.device)
    if state.can_print:
        return _("Printer: ready ({detail})").format(detail=state.detail)
    return _("Printer: NOT PRINTING, people are shown the QR code instead ({detail})").format(
        detail=state.detail)


def _sender_line(sender: Sender) -> str:
    """When the outbox's sender last ran and last succeeded, and what stopped it."""
    if not sender.running:
        return _("Sending: stopped (restart the kiosk)")
    status = sender.status()
    if status.last_run is None:
        return _("Sending: starting")
    line = _("Sending: last ran {ran}, last success {success}").format(
        ran=_ago(status.last_run), success=_ago(status.last_success))
    if status.problem:
        line += " – " + _("problem: {reason}").format(reason=status.problem)
    return line


def _ago(when: float | None) -> str:
    if when is None:
        return _("never")
    return datetime.fromtimestamp(when).strftime("%d/%m/%Y %H:%M:%S")


def _when(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return stamp or "?"
