"""A form or a filled-in sample, page by page, with zoom."""

from __future__ import annotations

from typing import Any

from kiosk.ui.pdf_viewer import PdfViewer
from kiosk.ui.screens.base import KioskScreen


class ViewerScreen(KioskScreen):
    viewer: PdfViewer | None = None

    def refresh(self) -> None:
        self._release()
        self.clear_widgets()
        self.viewer = PdfViewer(self.theme, self.nav.back, self.services.pdf_renderer)
        self.add_widget(self.viewer)
        self.viewer.open(self.params.get("path", ""), self.params.get("title", ""))

    def on_leave(self, *_: Any) -> None:
        # Only Close freed the pages: left by Home, Back or the idle reset, a viewer kept
        # them (tens of MB, in RAM on a software GPU) until the next form was opened.
        self._release()

    def _release(self) -> None:
        # The viewer being replaced is in reference cycles (as any Kivy widget tree), so
        # without this its pages lived on until Python's cyclic GC got to it.
        if self.viewer is not None:
            self.viewer.release()
