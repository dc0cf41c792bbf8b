""""Nộp hồ sơ trên Cổng dịch vụ công": the public service portals in the guarded browser.

Before: what will happen, the papers photographed here that the portal's upload dialog
will offer (and a camera to photograph more), and a button per portal. While the browser
has the screen: the kiosk holds its own idle time-out (the browser's strip has one) and
checks each second whether the browser has ended. After: everything from the session is
gone, and the screen says so.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.access_point.files import Paper
from kiosk.access_point.session import (
    PortalSession,
    PortalUnavailable,
    StripTexts,
    start_portal,
    unavailable_reason,
)
from kiosk.i18n import _
from kiosk.ui.camera_feed import CameraFeed, capture_page_later, preview_image
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Text

PAGE_BYTES = 400_000  # a page as the portal takes it (they refuse files of a few MB)


class PortalScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.mode = "start"  # "start" | "camera" | "open" | "ended"
        self.photos: list[bytes] = []  # pages photographed on this screen (JPEG)
        self.session: PortalSession | None = None
        self.note = ""
        self.camera: CameraFeed | None = None
        self._watch: ClockEvent | None = None

    def open(self, **params: Any) -> None:
        super().open(**params)
        if self.session is None:
            self.mode, self.note = "start", ""

    def reset(self) -> None:
        super().reset()
        self.end()
        self.photos.clear()
        self.stop_camera()
        self.mode, self.note = "start", ""

    def on_leave(self, *_: Any) -> None:
        self.stop_camera()

    def refresh(self) -> None:
        if self.mode != "camera":
            self.stop_camera()
        {"start": self._start, "camera": self._camera, "open": self._open,
         "ended": self._ended}[self.mode]()

    # --- before ----------------------------------------------------------------------

    def papers(self) -> list[Paper]:
        """The papers to offer: those photographed for a submission started here, then the
        ones photographed on this screen."""
        papers = []
        draft = self.services.draft
        if draft is not None:
            papers += [Paper(draft.components[i].name, tuple(answer.pages))
                       for i, answer in sorted(draft.documents.items()) if answer.pages]
        papers += [Paper(_("Paper {n}").format(n=n), (page,))
                   for n, page in enumerate(self.photos, start=1)]
        return papers

    def _start(self) -> None:
        t = self.theme
        access = self.services.config.access_point
        column = self.page()
        column.add_widget(self.heading(_("Submit on the public service portal")))
        for line in (_("The portal opens on this screen. It can only show the public service "
                       "portals and their log-in (VNeID)."),
                     _("Touch “End” at the top of the portal when you are done. If nobody "
                       "touches the screen for a while, it ends by itself."),
                     _("Afterwards everything is deleted: your log-in, what you typed and "
                       "the files.")):
            column.add_widget(self.body(line))
        pages = sum(len(p.pages) for p in self.papers())
        column.add_widget(self.heading(_("Your papers")))
        column.add_widget(self.body(
            _("{n} pages photographed here: the portal's “upload” button finds them, as PDF "
              "and as pictures.").format(n=pages) if pages else
            _("When the portal asks for a paper, you can photograph it here first.")))
        column.add_widget(BigButton(_("Photograph a paper"), t, self._photograph,
                                    kind="secondary", action_id="portal:photo"))
        reason = unavailable_reason(self.services.config)
        if reason or not self.services.online:
            column.add_widget(self.body(
                _("The portal cannot be opened at this kiosk right now. Staff at the counter "
                  "can help you submit online."), muted=True))
        if self.note:
            column.add_widget(Text(self.note, size=t.text_body, color=t.palette.accent,
                                   bold=True))
        national = BigButton(_("Open the National Public Service Portal"), t,
                             lambda: self._launch(access.national_url),
                             action_id="portal:national")
        national.enabled = not reason and self.services.online
        column.add_widget(national)
        if access.province_url:
            province = BigButton(_("Open the province's public service portal"), t,
                                 lambda: self._launch(access.province_url),
                                 action_id="portal:province")
            province.enabled = national.enabled
            column.add_widget(province)

    def _launch(self, url: str) -> None:
        texts = StripTexts(end=_("End"), note=_("Public service portal · at the kiosk"),
                           more=_("Yes, continue"),
                           warning=_("Do you need more time? The portal closes in {n} "
                                     "seconds and everything is deleted."))
        try:
            self.session = start_portal(self.services.config, url, texts,
                                        papers=self.papers())
        except (PortalUnavailable, OSError):
            self.note = _("The portal could not be opened. Please ask the staff.")
            self.refresh()
            return
        self.mode = "open"
        self._watch = Clock.schedule_interval(self.tick, 1.0)
        self.refresh()

    # --- while the browser has the screen ---------------------------------------------

    def _open(self) -> None:
        t = self.theme
        column = self.page()
        column.add_widget(self.heading(_("The portal is open")))
        column.add_widget(self.body(_("Touch “End” at the top of the portal when you are "
                                      "done. Everything you entered there and your files "
                                      "are then deleted.")))
        column.add_widget(BigButton(_("End"), t, self.end, kind="accent",
                                    action_id="portal:end"))

    def tick(self, _dt: float = 0) -> None:
        """What the screen does each second while the browser is open (ends the session
        when the browser has gone); tests call it now instead of waiting."""
        session = self.session
        if session is None:
            return
        if session.over():
            self.end()
        else:
            self.nav.keep_going()  # the browser's strip keeps the time-out meanwhile

    def end(self) -> None:
        """End the browser, if open, and wipe what it had."""
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if self.session is not None:
            self.session.end()
            self.session = None
            self.photos.clear()
            self.mode = "ended"
            if self.manager is not None and self.manager.current == self.name:
                self.refresh()

    def _ended(self) -> None:
        t = self.theme
        column = self.page()
        column.add_widget(self.heading(_("The portal session has ended")))
        column.add_widget(self.body(_("Your log-in, what you entered and the files were "
                                      "deleted from this kiosk.")))
        column.add_widget(BigButton(_("Back to the start"), t, self.nav.home,
                                    action_id="portal:home"))

    # --- photographing a paper --------------------------------------------------------

    def _photograph(self) -> None:
        self.mode, self.note = "camera", ""
        self.refresh()

    def _camera(self) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        page.add_widget(self.heading(_("Photograph a paper")))
        body = BoxLayout(orientation="vertical" if t.portrait else "horizontal",
                         spacing=t.gap)
        self.preview = preview_image()
        body.add_widget(self.preview)
        side = BoxLayout(orientation="vertical", spacing=t.gap,
                         size_hint=(0.4, 1) if not t.portrait else (1, 0.45))
        side.add_widget(self.body(_("Lay the page flat on the table with all four corners "
                                    "in the picture, then touch “Take the photo”.")))
        self.camera_note = Text(self.note, size=t.text_body, color=t.palette.accent,
                                bold=True)
        side.add_widget(self.camera_note)
        side.add_widget(Widget())
        side.add_widget(BigButton(_("Take the photo"), t, self._take,
                                  action_id="portal:take"))
        side.add_widget(BigButton(_("Back"), t, self._back_to_start, kind="secondary",
                                  action_id="portal:camera-back"))
        body.add_widget(side)
        page.add_widget(body)
        if self.camera is None:
            self.camera = CameraFeed(self.services.config.scanner)
            self.camera.start()
        self.camera.view = self.preview

    def stop_camera(self) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera = None

    def _back_to_start(self) -> None:
        self.mode = "start"
        self.refresh()

    def _take(self) -> None:
        frame = self.camera.latest_frame() if self.camera is not None else None
        if frame is None:
            self.camera_note.text = _("The camera has no picture yet. Please wait a moment.")
            return
        self.camera_note.text = _("Looking for the page…")
        capture_page_later(frame, PAGE_BYTES, self._taken)

    def _taken(self, result: Any) -> None:
        if self.mode != "camera":
            return  # the person has gone on meanwhile
        if result is None:
            self.camera_note.text = _("The page's edges could not be found. Put the page on a "
                                      "darker surface, with all four corners in the "
                                      "picture, and try again.")
            return
        self.photos.append(result.jpeg)
        self.mode = "start"
        self.note = _("Page kept.")
        self.refresh()
