"""The first screen: the kiosk's tasks as big tiles with pictures, filling the screen.

The tiles come from `HOME_TILES`, a list of specs: a new service (a queue number, the
internet access point) is one more entry. The most used tasks are the heaviest and get
the most room; what needs the network reads the one network status every screen reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView

from kiosk.i18n import N_, _
from kiosk.ui.network_status import NetworkStatus
from kiosk.ui.screens.base import KioskScreen, beside_bar, scroll_bar
from kiosk.ui.services import KioskServices
from kiosk.ui.tile import PictureTile


def _always(_: Any) -> bool:
    return True


@dataclass(frozen=True)
class TileSpec:
    key: str  # its action id is "home:<key>"
    title: str  # message ids (N_), translated when drawn
    note: str | Callable[[NetworkStatus], str]  # the line under the title
    pictogram: str  # assets/pictograms/<name>.png
    screen: str  # where it leads, with `params`
    params: dict[str, Any] = field(default_factory=dict)
    weight: int = 2  # 3: the most used, 2: main tasks, 1: the small row at the bottom
    usable: Callable[[NetworkStatus], bool] = _always  # greyed out (with its note) if not
    shown: Callable[[KioskServices], bool] = _always  # not on this kiosk at all


HOME_TILES: list[TileSpec] = [
    TileSpec("search", N_("Look up a procedure"), N_("What to bring, how long, how much"),
             "search", "search", weight=3),
    TileSpec("dossier", N_("Check my dossier"), lambda net: net.look_up_note, "dossier",
             "scan", weight=3, usable=lambda net: net.can_look_up),
    TileSpec("browse", N_("Browse procedures by field"),
             N_("Birth, marriage, residence, land, business…"), "browse", "browse"),
    TileSpec("online", N_("Submit online"), lambda net: net.submit_note, "online", "browse",
             params={"online_only": True}, usable=lambda net: net.can_submit),
    TileSpec("queue", N_("Take a queue number"), lambda net: net.queue_note, "queue", "queue",
             usable=lambda net: net.up),
    TileSpec("portal", N_("Submit on the public service portal"),
             lambda net: net.portal_note, "internet", "portal", usable=lambda net: net.up,
             shown=lambda services: services.portal_offered),
    TileSpec("help", N_("How to use this kiosk"), N_("Opening hours · Hotline"), "help",
             "help", weight=1),
    TileSpec("rate", N_("Rate our service"), "", "rate", "rate", weight=1,
             shown=lambda services: services.can_submit),
]


class HomeScreen(KioskScreen):
    def refresh(self) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        page.add_widget(self.heading(_("Hello! What would you like to do?")))
        self.scroll = ScrollView(do_scroll_x=False, bar_width=scroll_bar(t))
        page.add_widget(self.scroll)
        self.column = column = GridLayout(cols=1, spacing=t.gap, size_hint_y=None)
        column.bind(minimum_height=column.setter("height"))
        self.scroll.add_widget(column)
        net = self.services.network
        specs = [s for s in HOME_TILES if s.shown(self.services)]
        main = [s for s in specs if s.weight >= 2]
        minor = [s for s in specs if s.weight < 2]
        one_column = t.large_text and (t.portrait or t.width < 1500)  # words need the width
        cols = 1 if one_column else 2
        self.rows: list[tuple[BoxLayout, int]] = []
        for start in range(0, len(main), cols):
            self._row(column, main[start:start + cols], net)
        minor_cols = 1 if one_column else 2 if t.portrait else max(len(minor), 1)
        for start in range(0, len(minor), minor_cols):
            self._row(column, minor[start:start + minor_cols], net)
        self.scroll.bind(size=self._fit)
        self._fit()

    def _row(self, column: GridLayout, specs: list[TileSpec], net: NetworkStatus) -> None:
        t = self.theme
        row = BoxLayout(spacing=t.gap, size_hint_y=None)
        for spec in specs:
            note = spec.note(net) if callable(spec.note) else spec.note
            tile = PictureTile(_(spec.title), _(note) if note else "", spec.pictogram, t,
                               partial(self.nav.go, spec.screen, **spec.params),
                               kind="primary" if spec.weight >= 2 else "secondary",
                               action_id=f"home:{spec.key}")
            tile.size_hint_y = 1  # as tall as its row
            tile.enabled = spec.usable(net)
            row.add_widget(tile)
        column.add_widget(row)
        self.rows.append((row, max(s.weight for s in specs)))

    def _fit(self, *_: Any) -> None:
        """Share the screen's height among the rows by weight; a row whose words need
        more than its share gets what it needs, the others share the rest (and only when
        the words need more than the screen does the page scroll)."""
        t = self.theme
        if not self.rows:
            return
        self.column.padding = 0
        if self._share(0) > self.scroll.height + 1:  # it scrolls: clear of the scroll bar
            self.column.padding = beside_bar(t)
            self._share(self.column.padding[2])

    def _share(self, bar: int) -> float:
        """Give the rows their heights in the scroll's width less `bar`; how tall the
        column is then."""
        t = self.theme
        needs = {}
        for row, _weight in self.rows:
            tiles = row.children
            width = (self.scroll.width - bar - t.gap * (len(tiles) - 1)) / max(len(tiles), 1)
            needs[row] = max([t.touch] + [tile.needed_height(width) for tile in tiles])
        left = max(self.scroll.height - t.gap * (len(self.rows) - 1), 0)
        sharing = list(self.rows)
        while sharing:
            total = sum(weight for _, weight in sharing)
            short = [(row, weight) for row, weight in sharing
                     if needs[row] > left * weight / total]
            if not short:
                break
            for row, weight in short:
                row.height = needs[row]
                left -= needs[row]
                sharing.remove((row, weight))
        total = sum(weight for _, weight in sharing) or 1
        for row, weight in sharing:
            row.height = max(left * weight / total, needs[row])
        return sum(row.height for row, _ in self.rows) + t.gap * (len(self.rows) - 1)

    def network_changed(self) -> None:
        self.refresh()
