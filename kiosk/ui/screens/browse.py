"""Browse the catalogue by field (lĩnh vực) and by level, a page of rows at a time."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.catalogue.model import Procedure
from kiosk.i18n import _
from kiosk.store.catalogue_store import StoreError
from kiosk.ui.formatting import level_name
from kiosk.ui.procedure_row import ProcedureRow
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import BigButton, equal_rows

PAGE = 25  # rows shown before "show more": long lists overwhelm first-time users


def one_step_at_a_time(theme: Theme) -> bool:
    """Large text on a short landscape panel (1280x800): the fields beside or above the
    list left a sliver for each, so the field is chosen first, on a screen of its own,
    then its procedures fill the screen (with a button to choose another field)."""
    return theme.large_text and not theme.portrait and theme.height < 1000


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
        if one_step_at_a_time(t):
            page = self.backdrop("vertical")
            if self.params.get("choosing") or not (self.params.get("field") or online_only):
                self._field_grid(page, fields, self.params.get("field"))
                return
            label = _("Choose a field") if online_only else \
                _("Field: {field} · Change").format(field=field)
            button = BigButton(label, t, self._choose_field, kind="secondary",
                               action_id="browse:fields")
            button.font_size = t.text_small
            button.grow_to_text()
            page.add_widget(button)
            self._list(page, field, level, online_only)
            return
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
            choices.add_widget(self._field_button(name, count, field))
        self._list(page, field, level, online_only)

    def _field_button(self, name: str, count: int, chosen: str | None) -> BigButton:
        t = self.theme
        button = BigButton(f"{name} ({count})", t, lambda n=name: self._choose(field=n),
                           kind="primary" if name == chosen else "secondary",
                           action_id=f"field:{name}")
        button.font_size = t.text_small
        button.grow_to_text()
        return button

    def _field_grid(self, page: Widget, fields: list[tuple[str, int]],
                    chosen: str | None) -> None:
        """The fields alone on the screen, two a row: the first of two steps."""
        t = self.theme
        column = self.scrolling_column(page, spacing=t.mm(2))
        column.add_widget(self.heading(_("Choose a field")))
        grid = GridLayout(cols=2, size_hint_y=None, spacing=t.mm(2))
        grid.bind(minimum_height=grid.setter("height"))
        for name, count in fields:
            grid.add_widget(self._field_button(name, count, chosen))
        column.add_widget(equal_rows(grid))

    def _list(self, page: Widget, field: str | None, level: str | None,
              online_only: bool) -> None:
        """The levels and the field's procedures, a page of rows at a time."""
        t = self.theme
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
        main.add_widget(equal_rows(levels))
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
        self.params = {**self.params, "choosing": False, **change}
        if "field" in change:
            self.params["online_only"] = False
        self.shown = PAGE
        self.refresh()

    def _choose_field(self) -> None:
        self.params = {**self.params, "choosing": True}
        self.refresh()

    def _more(self) -> None:
        self.shown += PAGE
        self.refresh()

    def _open(self, procedure: Procedure) -> None:
        self.nav.go("detail", code=procedure.code)
