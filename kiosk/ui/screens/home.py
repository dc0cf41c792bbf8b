"""The first screen: four big tasks, in words a first-time visitor understands."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton


class HomeScreen(KioskScreen):
    def refresh(self) -> None:
        t = self.theme
        column = self.page()
        column.add_widget(self.heading(_("Hello! What would you like to do?")))
        narrow = t.width < (1500 if t.large_text else 1100)  # two tiles' words must fit
        tiles = GridLayout(cols=1 if t.portrait or narrow else 2, spacing=t.gap,
                           size_hint_y=None)
        tiles.bind(minimum_height=tiles.setter("height"))
        tall = t.mm(38)
        online = self.services.online
        tiles.add_widget(BigButton(
            _("Look up a procedure\nWhat to bring, how long, how much"), t,
            lambda: self.nav.go("search"), height=tall, action_id="home:search"))
        tiles.add_widget(BigButton(
            _("Browse procedures by field\nBirth, marriage, residence, land, business…"), t,
            lambda: self.nav.go("browse"), height=tall, action_id="home:browse"))
        offline = _("Needs the network, which is down now")
        check = BigButton(
            _("Check my dossier") + "\n" + (_("Scan the QR code on your receipt") if online
                                            else offline), t,
            lambda: self.nav.go("scan"), height=tall, action_id="home:dossier")
        check.enabled = online
        tiles.add_widget(check)
        submit = BigButton(
            _("Submit online") + "\n" + (_("Procedures you can do online") if online
                                         else offline), t,
            lambda: self.nav.go("browse", online_only=True), height=tall,
            action_id="home:online")
        submit.enabled = online
        tiles.add_widget(submit)
        column.add_widget(tiles)
        if self.services.portal_offered:
            portal = BigButton(
                _("Submit on the public service portal") + "\n" + (
                    _("With the portal's own pages, on this screen") if online else offline),
                t, lambda: self.nav.go("portal"), kind="secondary", height=t.mm(24),
                action_id="home:portal")
            portal.enabled = online
            column.add_widget(portal)
        side_by_side = self.services.can_submit and not (t.portrait or t.large_text)
        row = GridLayout(cols=2 if side_by_side and not narrow else 1,
                         spacing=t.gap, size_hint_y=None)
        row.bind(minimum_height=row.setter("height"))
        row.add_widget(BigButton(_("How to use this kiosk · Opening hours · Hotline"), t,
                                 lambda: self.nav.go("help"), kind="secondary",
                                 action_id="home:help"))
        if self.services.can_submit:
            row.add_widget(BigButton(_("Rate our service"), t, lambda: self.nav.go("rate"),
                                     kind="secondary", action_id="home:rate"))
        column.add_widget(row)
