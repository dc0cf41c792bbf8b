"""How to use the kiosk, when the counters are open, and whom to call."""

from __future__ import annotations

from kiosk.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton


class HelpScreen(KioskScreen):
    def refresh(self) -> None:
        t = self.theme
        help_config = self.services.config.help
        column = self.page()
        column.add_widget(self.heading(_("How to use this kiosk")))
        for line in (_("Touch a big button to choose. There is no need to press hard."),
                     _("To find a procedure, type a few words on the screen keyboard, with or "
                       "without accents, for example “khai sinh” or “ket hon”."),
                     _("Each procedure shows what to bring, how long it takes and what it "
                       "costs. You can look at the forms and at filled-in samples."),
                     _("“‹ Back” returns to the previous screen; “⌂ Home” to the start."),
                     _("“A+ Large text” makes the writing bigger."),
                     _("If nobody touches the screen for a while, it returns to the start and "
                       "clears what was entered.")):
            column.add_widget(self.body(line))
        column.add_widget(self.heading(_("Opening hours")))
        column.add_widget(self.body(help_config.opening_hours or
                                    _("Ask at the reception desk.")))
        column.add_widget(self.heading(_("Hotline")))
        column.add_widget(self.body(help_config.hotline or _("Ask at the reception desk.")))
        column.add_widget(BigButton(_("Look up a procedure"), t, lambda: self.nav.go("search"),
                                    action_id="help:search"))
