"""A procedure in the order a person needs it: what you get, who may apply, what to
bring, where and how (time and fees), the steps, conditions, and the legal basis."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.utils import escape_markup

from kiosk.catalogue.model import Component, Procedure
from kiosk.i18n import _, language
from kiosk.store.catalogue_store import StoreError
from kiosk.ui.formatting import (
    channel_fees,
    copies_text,
    expected_today,
    level_names,
    method_name,
    money,
    processing_time,
    summary_channel,
)
from kiosk.ui.printouts import PrintPanel, checklist_ticket
from kiosk.ui.procedure_text import FORM_NOT_YET, FORM_NOTES, text_pieces
from kiosk.ui.qr import QrImage
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Surface, Tag, Text

LONG_NAME = 60  # letters: a procedure name longer than this is set smaller in large text


class DetailScreen(KioskScreen):
    def open(self, **params: Any) -> None:
        if params.get("code") != self.params.get("code"):  # back from a form: the same view
            self.services.usage.count("procedure_viewed", params.get("code", ""))
        super().open(**params)
        self.legal_open = False

    def reset(self) -> None:
        super().reset()
        self.legal_open = False

    def refresh(self) -> None:
        t = self.theme
        procedure = self._procedure()
        outer = self.backdrop("vertical" if t.portrait else "horizontal")
        column = self.scrolling_column(outer)
        if procedure is None:
            column.add_widget(self.heading(_("This procedure is not in the catalogue.")))
            return
        glance_at = self._content(column, procedure)
        outer.add_widget(self._actions(procedure, column, glance_at))

    def _procedure(self) -> Procedure | None:
        try:
            return self.services.catalogue.procedure(self.params.get("code", ""))
        except StoreError:
            return None

    def _content(self, column: GridLayout, p: Procedure) -> int:
        """The procedure's text into `column`; how many widgets, counted from the top,
        end with the summary (time, fee, where)."""
        t = self.theme
        # at twice the size the title's letters are 22 mm tall: a long name (some run to
        # 150 letters) took six lines, half of a portrait screen's room for the text, and a
        # short one three lines beside the side column at 1280x800. In large text the name
        # is set as a heading, a long one as bold body text (as tall as a usual title).
        size = t.text_title if not t.large_text else \
            t.text_body if len(p.name) > LONG_NAME else t.text_heading
        column.add_widget(Text(p.name, size=size, color=t.palette.text, bold=True))
        column.add_widget(self.body(_("Code {code} · {field} · {levels}").format(
            code=p.code, field=", ".join(p.fields), levels=level_names(p)), muted=True))
        if language() != "vi":
            column.add_widget(self.body(_("The procedure's own texts are in Vietnamese, as "
                                          "the office publishes them."), muted=True))
        if p.demo:
            column.add_widget(self.body(_("Demo data: ask the staff at the counter to "
                                          "confirm."), muted=True))
        column.add_widget(self._at_a_glance(p))
        glance_at = len(column.children)
        self._section(column, _("What you receive"), [p.result or _("Not stated")])
        self._section(column, _("Who can apply"), list(p.applicants) or [_("Not stated")])
        column.add_widget(self.heading(_("What to bring")))
        if self.services.can_print:  # to prepare at home: papers, fees, time, place
            column.add_widget(PrintPanel(
                _("Print this list"), t, self.services,
                lambda: checklist_ticket(p, self.services), "detail:print"))
        for case in p.cases:
            if case.name and len(p.cases) > 1:
                column.add_widget(self.body(case.name, bold=True))
            for number, component in enumerate(case.components, 1):
                column.add_widget(self._component(number, component))
        column.add_widget(self.heading(_("Where and how")))
        if p.agency.receiving_address:
            column.add_widget(self.body(_("Hand in at: {place}").format(
                place=p.agency.receiving_address)))
        column.add_widget(self.body(_("Handled by: {agency}").format(agency=p.agency.executing)))
        for channel in p.channels:
            card = self._card()
            card.add_widget(self.body(f"{method_name(channel.method)} — "
                                      f"{processing_time(channel)}", bold=True))
            for piece in text_pieces(channel.time_note):
                card.add_widget(self.body(piece, muted=True))
            if channel.time is not None:  # a time given only in words has no date
                card.add_widget(self.body(expected_today(
                    channel, datetime.now(), self.services.config.working_calendar)))
            for fee in channel.fees:
                card.add_widget(self.body(f"{money(fee.amount)}"
                                          f"{': ' + fee.description if fee.description else ''}"))
            if not channel.fees:
                card.add_widget(self.body(_("Free")))
            column.add_widget(card)
        self._section(column, _("Steps"), [f"{i}. {s}" if not s[:1].isdigit() and
                                           not s.lower().startswith("bước") else s
                                           for i, s in enumerate(p.steps, 1)])
        if p.conditions:
            self._section(column, _("Conditions"), list(p.conditions))
        if p.legal_basis:
            label = (_("Hide legal basis") if self.legal_open else
                     _("Show legal basis ({n} documents)").format(n=len(p.legal_basis)))
            column.add_widget(BigButton(label, t, self._toggle_legal, kind="secondary",
                                        action_id="detail:legal"))
            if self.legal_open:
                for doc in p.legal_basis:
                    when = f" ({doc.date:%d/%m/%Y})" if doc.date else ""
                    column.add_widget(self.body(f"{doc.number} — {doc.title}{when}"
                                                f"{', ' + doc.issuer if doc.issuer else ''}"))
        return glance_at

    def _at_a_glance(self, p: Procedure) -> Surface:
        """What a person decides by, before the long paper list: how long, what it costs,
        where to hand it in (the in-person channel, else the first)."""
        t = self.theme
        card = self._card()
        channel = summary_channel(p)
        rows = [(_("Time"), processing_time(channel)), (_("Fee"), channel_fees(channel)),
                (_("Where"), self._where(p))]
        for label, value in rows:
            card.add_widget(Text(f"[b]{label}:[/b] {escape_markup(value)}", markup=True,
                                 size=t.text_body, color=t.palette.text))
        return card

    def _where(self, p: Procedure) -> str:
        return p.agency.receiving_address or p.agency.executing or self.services.config.kiosk.name

    def _section(self, column: GridLayout, title: str, lines: list[str]) -> None:
        column.add_widget(self.heading(title))
        for line in lines:  # long real texts in pieces: one huge label is drawn blank
            for piece in text_pieces(line):
                column.add_widget(self.body(piece))

    def _card(self) -> Surface:
        t = self.theme
        card = Surface(orientation="vertical", size_hint_y=None, background=t.palette.surface,
                       radius=t.mm(2), padding=t.mm(4), spacing=t.mm(2))
        card.bind(minimum_height=card.setter("height"))
        return card

    def _component(self, number: int, component: Component) -> Surface:
        t = self.theme
        card = self._card()
        card.add_widget(self.body(f"{number}. {component.name}", bold=True))
        need = _("Required") if component.required else _("If it applies to you")
        card.add_widget(self.body(f"{copies_text(component)} · {need}", muted=True))
        buttons = BoxLayout(size_hint_y=None, height=t.button, spacing=t.gap)
        for code, sample, label in ((component.form, False, _("View the form")),
                                    (component.sample, True, _("View a filled-in sample"))):
            if not code:
                continue
            path = self.services.form_pdf(code, sample)
            button = BigButton(label if path else self._no_form(code, sample), t,
                               lambda c=code, s=sample: self._view(c, s),
                               kind="primary" if sample else "secondary",
                               action_id=f"{'sample' if sample else 'form'}:{code}")
            button.enabled = path is not None
            buttons.add_widget(button)
        if buttons.children:
            card.add_widget(buttons)
        return card

    def _no_form(self, code: str, sample: bool) -> str:
        """Why a form (or its filled-in sample) cannot be opened: not fetched yet, or (no
        PDF at all, e.g. a Word template that could not be converted) to be asked for at
        the counter."""
        state = self.services.form_state(code, sample).state
        return _(FORM_NOTES.get(state, FORM_NOTES[FORM_NOT_YET]))

    def _actions(self, p: Procedure, column: GridLayout, glance_at: int) -> BoxLayout:
        t = self.theme
        side = BoxLayout(orientation="vertical", spacing=t.gap, size_hint=(None, 1)
                         if not t.portrait else (1, None))
        if t.portrait:
            side.orientation = "horizontal"
            side.height = t.mm(110 if t.large_text else 75)  # the QR under its words
        else:
            side.width = t.mm(85)
        # at a kiosk that takes submissions, the outbox keeps them until the network is back;
        # elsewhere the person continues on their phone, which needs the network
        here = self.services.can_submit
        net = self.services.network  # the same answer home's "Submit online" gives
        if p.is_online and net.can_submit:
            start = BigButton(_("Start online submission"), t,
                              lambda: self.nav.go("apply" if here else "handoff",
                                                  code=p.code),
                              height=t.mm(30), action_id="detail:submit")
            start.grow_to_text()  # three lines in large text on a narrow side column
            side.add_widget(start)
        elif t.large_text and not t.portrait:
            # where and when to go, under the summary: at twice the size it is too tall
            # for the side column, where it ran over the QR code
            column.add_widget(self._go_in_person(p),
                              index=len(column.children) - glance_at)
        else:
            # not a grey button: where and when to go instead
            side.add_widget(self._go_in_person(p))
        qr_box = BoxLayout(orientation="vertical", spacing=t.mm(1))
        if p.is_online:
            badge_row = AnchorLayout(anchor_x="center", size_hint_y=None, height=t.mm(12))
            tag = Tag(_("Can be done online"), t, max_width=t.mm(80))
            tag.bind(height=lambda _, h: setattr(badge_row, "height", max(h, t.mm(12))))
            badge_row.add_widget(tag)
            qr_box.add_widget(badge_row)
        qr_box.add_widget(Text(_("Scan to open this procedure on your phone"),
                               size=t.text_small, color=t.palette.text, halign="center"))
        holder = AnchorLayout(anchor_x="center", anchor_y="center")
        holder.add_widget(QrImage(self.services.procedure_url(p), t.mm(48)))
        qr_box.add_widget(holder)
        side.add_widget(qr_box)
        if t.portrait:
            # the code keeps its own height under however many lines of words (in English
            # at 2x the caption took three lines and ran into the code)
            holder.size_hint_y, holder.height = None, t.mm(50)
            qr_box.size_hint_y = None
            qr_box.bind(minimum_height=qr_box.setter("height"))
            # a row under the text: as tall as its tallest part (in large text the
            # counter's hours ran over the text above)
            least = side.height

            def fit(*_: Any) -> None:
                side.height = max([least] + [c.height for c in side.children
                                             if c.size_hint_y is None])

            for child in side.children:
                child.bind(height=fit)
            fit()
        return side

    def _go_in_person(self, p: Procedure) -> Surface:
        t = self.theme
        card = self._card()
        card.size_hint_y = None
        why = (_("Not offered online: hand it in at the counter.") if not p.is_online else
               _("The network is down now: hand it in at the counter, or try again later."))
        card.add_widget(Text(why, size=t.text_body, color=t.palette.text, bold=True))
        card.add_widget(Text(_("Where: {place}").format(place=self._where(p)),
                             size=t.text_small, color=t.palette.text))
        hours = self.services.config.help.opening_hours
        if hours:
            card.add_widget(Text(_("When: {hours}").format(hours=hours), size=t.text_small,
                                 color=t.palette.text))
        return card

    def _toggle_legal(self) -> None:
        self.legal_open = not self.legal_open
        self.refresh()

    def _view(self, code: str, sample: bool) -> None:
        path = self.services.form_pdf(code, sample)
        if path is not None:
            title = self.services.form_title(code)
            self.nav.go("viewer", path=str(path),
                        title=(_("Sample: {title}") if sample else "{title}").format(
                            title=title))
