"""Continue online on your own phone: the procedure's page on the public service portal."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout

from kiosk.i18n import _
from kiosk.store.catalogue_store import StoreError
from kiosk.ui.qr import QrImage
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Text


class HandoffScreen(KioskScreen):
    def refresh(self) -> None:
        t = self.theme
        column = self.page()
        try:
            procedure = self.services.catalogue.procedure(self.params.get("code", ""))
        except StoreError:
            procedure = None
        if procedure is None:
            column.add_widget(self.heading(_("This procedure is not in the catalogue.")))
            return
        column.add_widget(Text(_("Submit “{name}” online").format(name=procedure.name),
                               size=t.text_title, color=t.palette.text, bold=True))
        for line in (_("1. Open the camera on your phone and point it at the code below."),
                     _("2. Tap the link that appears: the procedure opens on the public "
                       "service portal."),
                     _("3. Log in with your VNeID account and follow the steps. You can "
                       "photograph your papers with the phone."),
                     _("Staff at the counter can help you if you get stuck.")):
            column.add_widget(self.body(line))
        holder = AnchorLayout(size_hint_y=None, height=t.mm(80))
        holder.add_widget(QrImage(self.services.procedure_url(procedure), t.mm(75)))
        column.add_widget(holder)
        column.add_widget(BigButton(_("Back to the procedure"), t, self.nav.back,
                                    kind="secondary", action_id="handoff:back"))
