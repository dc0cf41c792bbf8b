"""Browse the catalogue by field (lĩnh vực) and by level, a page of rows at a time."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.catalogue.model import Procedure
from kiosk.i18n import _
from kiosk.store.catalogue_store import StoreError
from kiosk.ui.formatting import level_name
from kiosk.ui.procedure_row import ProcedureRow
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton

PAGE = 25  # rows shown before "show more": long lists overwhelm first-time users


class BrowseScreen(KioskScreen):
    def open(self, **params: Any) -> None:
        super().open(**params)
        self.shown = PAGE

    def reset(self) -> None:
        super().reset()
        self.shown = PAGE

    def refresh(self) -> None:
        t = self.theme
        store = self.services.catalogue.store
        try:
            fields = store.fields()
        except StoreError:
            fields = []
        field = self.params.get("field") or (fields[0][0] if fields else None)
        level = self.params.get("level")
        online_only = bool(self.params.get("online_only"))
        # large text on a narrow landscape panel: the fields above the list, as in portrait
        stacked = t.portrait or (t.large_text and t.width < 1500)
        page = self.backdrop("vertical" if stacked else "horizontal")
        choices = self.scrolling_column(page, spacing=t.mm(2))
        side = choices.parent
        if stacked:
            side.size_hint_y = 0.32
        else:
            side.size_hint_x = 0.34
        choices.add_widget(self.heading(_("Field")))
        for name, count in fields:
            button = BigButton(f"{name} ({count})", t,
                               lambda n=name: self._choose(field=n),
                               kind="primary" if name == field else "secondary",
                               action_id=f"field:{name}")
            button.font_size = t.text_small
            button.grow_to_text()
            choices.add_widget(button)
        main = BoxLayout(orientation="vertical", spacing=t.gap)
        levels = GridLayout(cols=3, size_hint_y=None, spacing=t.mm(2))
        levels.bind(minimum_height=levels.setter("height"))
        for code, label in ((None, _("All levels")), ("commune", level_name("commune")),
                            ("province", level_name("province"))):
            button = BigButton(label, t, lambda c=code: self._choose(level=c),
                               kind="primary" if code == level else "secondary",
                               action_id=f"level:{code or 'all'}")
            button.font_size = t.text_small
            button.grow_to_text()
            levels.add_widget(button)
        main.add_widget(levels)
        if online_only:
            main.add_widget(self.body(_("Showing only procedures you can submit online."),
                                      muted=True))
        page.add_widget(main)
        rows = self.scrolling_column(main, spacing=t.mm(2))
        procedures = self._procedures(field, level, online_only)
        for procedure in procedures[:self.shown]:
            rows.add_widget(ProcedureRow(procedure, t, self._open))
        if not procedures:
            rows.add_widget(self.body(_("No procedures here. Choose another field or level."),
                                      muted=True))
        if len(procedures) > self.shown:
            rows.add_widget(BigButton(
                _("Show more ({n} more)").format(n=len(procedures) - self.shown), t,
                self._more, kind="secondary", action_id="browse:more"))

    def _procedures(self, field: str | None, level: str | None, online_only: bool
                    ) -> list[Procedure]:
        try:
            found = self.services.catalogue.store.procedures(
                None if online_only else field, level)
        except StoreError:
            return []
        return [p for p in found if p.is_online] if online_only else found

    def _choose(self, **change: Any) -> None:
        self.params = {**self.params, **change}
        if "field" in change:
            self.params["online_only"] = False
        self.shown = PAGE
        self.refresh()

    def _more(self) -> None:
        self.shown += PAGE
        self.refresh()

    def _open(self, procedure: Procedure) -> None:
        self.nav.go("detail", code=procedure.code)
