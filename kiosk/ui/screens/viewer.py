"""A form or a filled-in sample, page by page, with zoom."""

from __future__ import annotations

from kiosk.ui.pdf_viewer import PdfViewer
from kiosk.ui.screens.base import KioskScreen


class ViewerScreen(KioskScreen):
    def refresh(self) -> None:
        self.clear_widgets()
        self.viewer = PdfViewer(self.theme, self.nav.back)
        self.add_widget(self.viewer)
        self.viewer.open(self.params.get("path", ""), self.params.get("title", ""))
