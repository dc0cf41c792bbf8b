"""How to use the kiosk, when the counters are open, and whom to call; and a button that
calls a staff member to the kiosk (recorded at the central API, which staff watch)."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.staff_call import StaffCaller
from kiosk.ui.widgets import BigButton


class HelpScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.caller = StaffCaller(self.services, self._show)

    def reset(self) -> None:
        """The call is the person's: it stays on help until the session ends."""
        super().reset()
        self.caller.forget()

    def _show(self) -> None:
        if self.manager is not None and self.manager.current == self.name:
            self.refresh()

    def refresh(self) -> None:
        t = self.theme
        help_config = self.services.config.help
        column = self.page()
        # first: a person who is stuck should not have to read on to find a person
        self.caller.add_to(column, t, self.params.get("came_from", "help"))
        column.add_widget(self.heading(_("How to use this kiosk")))
        for line in (_("Touch a big button to choose. There is no need to press hard."),
                     _("To find a procedure, type a few words on the screen keyboard, with or "
                       "without accents, for example “khai sinh” or “ket hon”."),
                     _("Each procedure shows what to bring, how long it takes and what it "
                       "costs. You can look at the forms and at filled-in samples."),
                     _("“‹ Back” returns to the previous screen; “Home” to the start."),
                     _("“A+ Large text” makes the writing bigger; “Contrast” shows yellow "
                       "and white on black."),
                     _("If nobody touches the screen for a while, it returns to the start and "
                       "clears what was entered.")):
            column.add_widget(self.body(line))
        if self.services.speaker is not None:
            hold = round(self.services.config.speech.long_press_seconds)
            column.add_widget(self.body(_(
                "“Read aloud” reads the screen out loud. For someone who cannot see the "
                "screen: hold a finger still anywhere on it for {n} seconds. Then each "
                "screen is read out, a button says its name when touched, and touching it "
                "again chooses it. Hold a finger still again to stop.").format(n=hold)))
        if self.services.portal_offered:
            column.add_widget(self.heading(_("Submit on the public service portal")))
            column.add_widget(self.body(_(
                "Without a smartphone, you can submit on the public service portal here: "
                "the kiosk opens it on this screen, with the papers you photograph here "
                "ready to upload. Touch “End” at the top when you are done.")))
            column.add_widget(BigButton(_("Submit on the public service portal"), t,
                                        lambda: self.nav.go("portal"), kind="secondary",
                                        action_id="help:portal"))
        from kiosk.guides import available

        guides = available()
        if guides:
            column.add_widget(self.heading(_("Guidance videos")))
            for g in guides:
                column.add_widget(BigButton(_(g.title), t,
                                            lambda gid=g.id: self.nav.go("guide", id=gid),
                                            kind="secondary", action_id=f"help:guide:{g.id}"))
        column.add_widget(self.heading(_("Opening hours")))
        column.add_widget(self.body(help_config.opening_hours or
                                    _("Ask at the reception desk.")))
        column.add_widget(self.heading(_("Hotline")))
        column.add_widget(self.body(help_config.hotline or _("Ask at the reception desk.")))
        column.add_widget(BigButton(_("Look up a procedure"), t, lambda: self.nav.go("search"),
                                    action_id="help:search"))
