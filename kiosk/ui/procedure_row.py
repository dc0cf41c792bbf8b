"""One procedure in a list: its name, how long it takes, what it costs, online or not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.catalogue.model import Procedure
from kiosk.i18n import _
from kiosk.ui.formatting import channel_fees, processing_time, summary_channel
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Surface, Tag, Text


class ProcedureRow(ButtonBehavior, Surface):
    def __init__(self, procedure: Procedure, theme: Theme,
                 on_open: Callable[[Procedure], None], **kwargs: Any) -> None:
        p = theme.palette
        super().__init__(orientation="vertical", size_hint_y=None, background=p.surface,
                         radius=theme.mm(2), padding=theme.mm(4), spacing=theme.mm(1.5),
                         **kwargs)
        self.procedure = procedure
        self.action_id = f"procedure:{procedure.code}"
        self._on_open = on_open
        self.add_widget(Text(procedure.name, size=theme.text_body, color=p.text, bold=True))
        channel = summary_channel(procedure)
        facts = BoxLayout(size_hint_y=None, spacing=theme.gap)
        line = Text(_("Time: {time} · Fee: {fee}").format(time=processing_time(channel),
                                                          fee=channel_fees(channel)),
                    size=theme.text_small, color=p.muted)
        facts.add_widget(line)
        if procedure.is_online:
            badge = Tag(_("Can be done online"), theme)
            holder = BoxLayout(size_hint_x=None)
            holder.add_widget(badge)
            badge.bind(width=lambda _, width: setattr(holder, "width", width))
            badge.texture_update()  # its width now, for the line beside it
            facts.add_widget(holder)
        line.bind(height=lambda *_: setattr(facts, "height", max(line.height, theme.mm(10))))
        self.add_widget(facts)
        self.bind(minimum_height=self.setter("height"))
        self.height = max(self.minimum_height, theme.touch)

    def on_release(self) -> None:
        self._on_open(self.procedure)
