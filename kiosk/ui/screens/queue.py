"""Take a queue number: choose the service area (counters grouped as the centre's are), get
the next number from the central API, print it when there is a printer, and show how many
wait before it. Without the central API there is no number: the screen says so and sends
the person to the reception desk (a number made up here would be one the counters never
call, or another person's)."""

from __future__ import annotations

import threading
from typing import Any

from kivy.clock import Clock
from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import _, ngettext
from kiosk.store.queue_numbers import QueueTicket, ServiceArea
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Surface, Text, equal_rows


class QueueScreen(KioskScreen):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._forget()

    def _forget(self) -> None:
        # "loading", "areas", "unavailable", "taking", "ticket", "failed"
        self.state = "loading"
        self.areas: list[ServiceArea] = []
        self.ticket: QueueTicket | None = None
        self.printed: bool | None = False  # None: the ticket is on its way to the printer
        self.asked = 0  # which request an answer belongs to (a late one is dropped)

    def open(self, **params: Any) -> None:
        super().open(**params)
        self._forget()
        self._load_areas()

    def reset(self) -> None:
        super().reset()
        self._forget()

    def _run(self, name: str, work: Any, done: Any) -> None:
        """`work()` in a thread, then `done(result or the ApiError)` on the UI thread, if the
        person is still at this request."""
        from kiosk.store.client import ApiError

        self.asked += 1
        asked = self.asked

        def thread() -> None:
            try:
                result = work()
            except ApiError as err:
                result = err
            Clock.schedule_once(lambda _: asked == self.asked and done(result))

        threading.Thread(target=thread, name=name, daemon=True).start()

    def _load_areas(self) -> None:
        from kiosk.store.queue_numbers import service_areas

        if not self.services.online:
            self.state = "unavailable"
            return
        self.state = "loading"
        client = self.services.api.client
        self._run("queue-areas", lambda: service_areas(client), self._areas_came)

    def _areas_came(self, result: Any) -> None:
        if isinstance(result, list) and result:
            self.state, self.areas = "areas", result
        else:
            self.state = "unavailable"
        self._show()

    def take(self, area: ServiceArea) -> None:
        from kiosk.store.queue_numbers import take_number

        if self.state != "areas":
            return  # a second tap while the first number is on its way
        self.state = "taking"
        self._show()
        client = self.services.api.client
        self._run("queue-number", lambda: take_number(client, area.code), self._number_came)

    def _number_came(self, result: Any) -> None:
        if isinstance(result, QueueTicket):
            self.state, self.ticket = "ticket", result
            self.services.usage.count("queue_number")
            if self.services.prints_queue_tickets:
                # the number is on screen at once; a printer that does not answer holds its
                # own thread up to its time-out ([printer] timeout), not the screen
                self.printed = None
                self._run("queue-ticket-print",
                          lambda: self.services.print_queue_ticket(result), self._printed)
        else:
            self.state = "failed"
        self._show()

    def _printed(self, printed: bool) -> None:
        self.printed = printed
        self._show()

    def _show(self) -> None:
        if self.manager is not None and self.manager.current == self.name:
            self.refresh()

    # --- what is shown -------------------------------------------------------------------

    def refresh(self) -> None:
        t = self.theme
        column = self.page()
        if self.state == "ticket" and self.ticket is not None:
            self._ticket(column, self.ticket)
            return
        column.add_widget(Text(_("Take a queue number"), size=t.text_title,
                               color=t.palette.text, bold=True))
        if self.state in ("unavailable", "failed"):
            column.add_widget(self.body(
                _("No number can be given now: the kiosk cannot reach the centre's queue "
                  "system.") if self.state == "failed" else
                _("Queue numbers need the network, which is down now.")))
            column.add_widget(self.body(_("Please ask at the reception desk; staff will give "
                                          "you a number.")))
            column.add_widget(BigButton(_("Try again"), t, self.retry, action_id="queue:retry"))
            return
        if self.state in ("loading", "taking"):
            column.add_widget(self.body(_("Getting your number…") if self.state == "taking"
                                        else _("Loading the counters…")))
            return
        column.add_widget(self.body(_("Choose the area of your errand. Each area has its own "
                                      "counters and numbers.")))
        grid = GridLayout(cols=1 if t.portrait or t.width < 1500 else 2, spacing=t.gap,
                          size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for area in self.areas:
            waiting = ngettext("{n} number waiting", "{n} numbers waiting",
                               area.waiting).format(n=area.waiting) \
                if area.waiting else _("nobody waiting")
            lines = [area.name, _counters(area.counters) + " · " + waiting]
            if any(f not in area.name for f in area.fields):  # more than the name says
                lines.append(", ".join(area.fields))
            button = BigButton("\n".join(lines), t, lambda a=area: self.take(a),
                               height=t.mm(34), action_id=f"queue:area:{area.code}")
            button.grow_to_text()  # a long area name in large text: more lines, not cut
            grid.add_widget(button)
        column.add_widget(equal_rows(grid))
        if grid.cols == 1:
            self._fill(column, grid)

    def _fill(self, column: GridLayout, grid: GridLayout) -> None:
        """One column (portrait, large text): the areas share the height the screen has
        to spare, each up to a tile's height, rather than sit over half a blank screen."""
        t = self.theme
        scroll = column.parent
        buttons = [b for b in grid.children if isinstance(b, BigButton)]
        given = {"extra": 0.0}

        def fill(*_: Any) -> None:
            natural = column.height - len(buttons) * given["extra"]
            spare = scroll.height - natural
            given["extra"] = extra = max(0.0, min(spare / max(len(buttons), 1), t.mm(40)))
            for button in buttons:
                button.at_least = button.grown_height() + extra

        column.bind(height=fill)
        scroll.bind(height=fill)

    def _ticket(self, column: GridLayout, ticket: QueueTicket) -> None:
        t = self.theme
        card = Surface(orientation="vertical", size_hint_y=None, radius=t.mm(2),
                       padding=t.mm(5), spacing=t.mm(2), background=t.palette.primary)
        card.bind(minimum_height=card.setter("height"))
        colour = t.palette.primary_text
        card.add_widget(Text(_("Your number"), size=t.text_heading, color=colour,
                             halign="center"))
        card.add_widget(Text(f"{ticket.number:03d}", size=int(t.text_title * 3), color=colour,
                             bold=True, halign="center"))
        card.add_widget(Text(ticket.area_name, size=t.text_heading, color=colour, bold=True,
                             halign="center"))
        card.add_widget(Text(_counters(ticket.counters), size=t.text_heading, color=colour,
                             halign="center"))
        column.add_widget(card)
        column.add_widget(self.body(
            _("Nobody is waiting before you.") if ticket.waiting == 0 else
            ngettext("{n} person is waiting before you.",
                     "{n} people are waiting before you.",
                     ticket.waiting).format(n=ticket.waiting)))
        column.add_widget(self.body(_("Taken at {time}, {day}.").format(
            time=ticket.issued_at.strftime("%H:%M"),
            day=ticket.issued_at.strftime("%d/%m/%Y")), muted=True))
        if self.printed is not False:  # printing, or printed
            column.add_widget(self.body(_("Your ticket is printing below the screen.")))
        else:
            if self.services.prints_queue_tickets:
                column.add_widget(self.body(_("The ticket could not be printed.")))
            column.add_widget(self.body(_("Please remember your number: watch the display "
                                          "and listen for it to be called.")))
        column.add_widget(BigButton(_("Done"), t, self.nav.home, action_id="queue:done"))

    def retry(self) -> None:
        self._forget()
        self._load_areas()
        self.refresh()


def _counters(counters: tuple[str, ...]) -> str:
    return ngettext("Counter {counters}", "Counters {counters}",
                    len(counters)).format(counters=", ".join(counters))
