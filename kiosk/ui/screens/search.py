"""Search as you type, on a keyboard made for people who have never typed Vietnamese."""

from __future__ import annotations

from typing import Any

from kivy.uix.gridlayout import GridLayout

from kiosk.catalogue.model import Procedure
from kiosk.i18n import _
from kiosk.store.catalogue_store import StoreError
from kiosk.ui.keyboard import VietnameseKeyboard
from kiosk.ui.procedure_row import ProcedureRow
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, equal_rows, typed_box

SUGGESTIONS = ("khai sinh", "kết hôn", "chứng thực bản sao", "hộ kinh doanh", "tạm trú",
               "sổ đỏ", "xây nhà", "trợ cấp người cao tuổi")
SHOWN = 12


class SearchScreen(KioskScreen):
    query = ""
    found = True  # whether the query shown found something
    counted = ""  # the last query counted, so coming back to its results counts it once

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        # rows are kept while the theme and language stay, so each key press only
        # rearranges rows instead of building a dozen widgets again
        self.rows: dict[str, ProcedureRow] = {}

    def reset(self) -> None:
        self.on_pre_leave()  # a person who walked away from a query still counts it
        super().reset()
        self.query = self.counted = ""
        self.rows.clear()

    def refresh(self) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        box, self.typed = typed_box(t)
        page.add_widget(box)
        self.results = self.scrolling_column(page, spacing=t.mm(2))
        self.keyboard = VietnameseKeyboard(t, self.on_text, size_hint_y=None)
        # as tall as its keys need, a little more on a tall portrait screen
        self.keyboard.bind(minimum_height=lambda *_: setattr(
            self.keyboard, "height", max(self.keyboard.minimum_height, t.height * 0.3)))
        self.keyboard.height = max(self.keyboard.minimum_height, t.height * 0.3)
        self.keyboard.text = self.query
        page.add_widget(self.keyboard)
        self.rows.clear()  # built for the previous language or text size
        self.show_results()

    def on_text(self, text: str) -> None:
        self.query = text
        self.show_results()

    def show_results(self) -> None:
        t = self.theme
        self.typed.text = self.query or _("Type the name of a procedure…")
        self.typed.color = t.palette.text if self.query else t.palette.muted
        self.results.clear_widgets()
        if not self.query.strip():
            self._suggest(_("For example:"))
            return
        try:
            hits = self.services.catalogue.search(self.query, SHOWN)
            procedures = [p for p in (self.services.catalogue.procedure(h.code) for h in hits)
                          if p is not None]
        except StoreError:
            self.results.add_widget(self.body(_("The catalogue is not on this kiosk yet. "
                                                "Please ask at the counter.")))
            return
        for procedure in procedures:
            row = self.rows.get(procedure.code)
            if row is None:
                row = self.rows[procedure.code] = ProcedureRow(procedure, t, self._open)
            self.results.add_widget(row)
        self.found = bool(procedures)
        if not procedures:
            self._suggest(_("Nothing found for “{query}”. Check the spelling, use fewer "
                            "words, or try one of these:").format(query=self.query))

    def _suggest(self, intro: str) -> None:
        t = self.theme
        self.results.add_widget(self.body(intro, muted=True))
        chips = GridLayout(cols=2 if t.portrait or t.width < 1500 else 4, spacing=t.mm(2),
                           size_hint_y=None)
        chips.bind(minimum_height=chips.setter("height"))
        for word in SUGGESTIONS:
            chip = BigButton(word, t, lambda w=word: self._pick(w), kind="secondary",
                             action_id=f"suggest:{word}")
            chip.grow_to_text()  # two lines in large text rather than cut
            chips.add_widget(chip)
        self.results.add_widget(equal_rows(chips))
        self.results.add_widget(BigButton(_("Browse by field instead"), t,
                                          lambda: self.nav.go("browse"), kind="secondary",
                                          action_id="search:browse"))

    def _pick(self, word: str) -> None:
        self.keyboard.text = word
        self.on_text(word)

    def _open(self, procedure: Procedure) -> None:
        self.nav.go("detail", code=procedure.code)

    def open(self, **params: Any) -> None:
        super().open(**params)
        if "query" in params:
            self.query = params["query"]

    def on_pre_leave(self, *_: Any) -> None:
        # a search counts once the person leaves its results (a result opened, home, back,
        # the time-out), not at every key press; the words typed are never stored
        if self.query.strip() and self.query != self.counted:
            self.counted = self.query
            self.services.usage.count_search(self.found)


