"""Things shown over the current screen: the idle countdown, the attract loop, the
operator's PIN pad, the night cover.

Each is given the layer it goes on, the current theme and callbacks for what it reports
(as the top bar is): none reaches back into the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.widget import Widget

from kiosk.i18n import N_, _
from kiosk.ui.theme import Theme
from kiosk.ui.tile import pictogram
from kiosk.ui.widgets import BigButton, Surface, Text

if TYPE_CHECKING:
    from kiosk.ui.guide_player import GuideVideo

# shown in both languages at once, whatever the current one, so it is not translated
BOTH_LANGUAGES_HINT = "Chạm vào màn hình để bắt đầu · Touch the screen to start"


class Overlay(AnchorLayout):
    """A dimmed layer over the whole window holding one card in the middle."""

    def __init__(self, layer: Widget, theme: Callable[[], Theme]) -> None:
        super().__init__(anchor_x="center", anchor_y="center")
        self.layer = layer  # the window-filling layout it is shown on
        self.theme = theme  # the current one (the window size and the modes change it)
        self.visible = False
        # One backdrop for the overlay's lifetime, bound once: drawing a new one on each
        # show bound two more lambdas every time, and each kept its old Rectangle alive.
        with self.canvas.before:
            self._dim = Color(0, 0, 0, 0)
            self._backdrop = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._fit_backdrop, size=self._fit_backdrop)

    def card(self) -> Surface:
        t = self.theme()
        self.clear_widgets()
        width = min(t.width - 2 * t.padding, t.mm(190))
        card = Surface(orientation="vertical", size_hint=(None, None), width=width,
                       background=t.palette.surface, radius=t.mm(3), padding=t.padding,
                       spacing=t.gap)
        card.bind(minimum_height=card.setter("height"))
        self.add_widget(card)
        return card

    def on_touch_down(self, touch: Any) -> bool:
        super().on_touch_down(touch)
        return True  # nothing under the overlay reacts while it is up

    def _attach(self) -> None:
        if not self.visible:
            self.visible = True
            self.layer.add_widget(self)

    def hide(self) -> None:
        if self.visible:
            self.visible = False
            self.layer.remove_widget(self)

    def draw_backdrop(self, alpha: float = 0.55) -> None:
        self._dim.a = alpha

    def _fit_backdrop(self, *_: Any) -> None:
        self._backdrop.pos, self._backdrop.size = self.pos, self.size


class IdleCountdown(Overlay):
    """"Do you need more time?" with the seconds left, before the session ends."""

    def __init__(self, layer: Widget, theme: Callable[[], Theme], *,
                 on_continue: Callable[[], None], on_reset: Callable[[], None]) -> None:
        super().__init__(layer, theme)
        self.on_continue, self.on_reset = on_continue, on_reset

    def show(self, seconds_left: int) -> None:
        t = self.theme()
        if not self.visible:
            self.draw_backdrop()
            card = self.card()
            card.add_widget(Text(_("Do you need more time?"), size=t.text_title,
                                 color=t.palette.text, bold=True, halign="center"))
            self.seconds = Text("", size=t.text_heading, color=t.palette.text, halign="center")
            card.add_widget(self.seconds)
            card.add_widget(BigButton(_("Yes, continue"), t, self.on_continue,
                                      action_id="idle:continue"))
            card.add_widget(BigButton(_("No, start over"), t, self.on_reset,
                                      kind="secondary", action_id="idle:reset"))
            self._attach()
        self.seconds.text = _("The screen will return to the start in {n} seconds, and what "
                              "you entered will be cleared.").format(n=seconds_left)


class AttractLoop(Overlay):
    """After a long quiet time on the home screen: what the kiosk does, in pictures, one
    at a time, and how to have the screen read aloud (the hold gesture; the voice says
    it too when the touch comes, see SpeechControl.greet)."""

    MESSAGES = (("touch", N_("Touch the screen to start")),
                ("search", N_("Look up an administrative procedure")),
                ("dossier", N_("Check your dossier with the QR code on your receipt")),
                ("forms", N_("See the sample forms before you queue")),
                ("online", N_("Submit your dossier online, here or on your phone")))

    def __init__(self, layer: Widget, theme: Callable[[], Theme],
                 hold_seconds: Callable[[], float | None] = lambda: None) -> None:
        super().__init__(layer, theme)
        # how long to hold a finger still for the speech mode; None: no speech here
        self.hold_seconds = hold_seconds

    def show(self) -> None:
        if self.visible:
            return
        t = self.theme()
        self.draw_backdrop(0.93)  # the pictures, not the tiles behind them
        self.clear_widgets()
        box = BoxLayout(orientation="vertical", size_hint=(0.9, None), spacing=t.gap)
        box.bind(minimum_height=box.setter("height"))
        side = min(t.mm(70), int(t.height * 0.3))
        holder = AnchorLayout(size_hint_y=None, height=side)
        self.picture = Image(texture=pictogram(self.MESSAGES[0][0]), size_hint=(None, None),
                             size=(side, side), fit_mode="contain")
        holder.add_widget(self.picture)
        self.line = Text(_(self.MESSAGES[0][1]), size=t.text_title, color=(1, 1, 1, 1),
                         bold=True, halign="center")
        self.hint = Text(BOTH_LANGUAGES_HINT, size=t.text_body, color=(1, 1, 1, 1),
                         halign="center")
        # the guidance videos show what the kiosk does; without them, a picture a message
        self.video = self._guide_video(box)
        if self.video is None:
            box.add_widget(holder)
        box.add_widget(self.line)
        box.add_widget(self.hint)
        hold = self.hold_seconds()
        if hold is not None:
            icon = t.mm(16)
            speaker = AnchorLayout(size_hint_y=None, height=icon + t.gap)
            speaker.add_widget(Image(texture=pictogram("speech"), size_hint=(None, None),
                                     size=(icon, icon), fit_mode="contain"))
            box.add_widget(speaker)
            self.gesture = Text(_("To hear the screen read aloud, hold a finger still on "
                                  "the screen for {n} seconds.").format(
                                      n=round(hold)),
                                size=t.text_body, color=(1, 1, 1, 1), halign="center")
            box.add_widget(self.gesture)
        self.add_widget(box)
        self.step = 0
        self._attach()
        self.cycle = Clock.schedule_interval(lambda _dt: self.next_message(), 4.0)
        self._pulse()

    def _guide_video(self, box: BoxLayout) -> GuideVideo | None:
        """The guidance videos, one after another and silent, above the invitation, with
        their captions (the first touch ends the loop, as anywhere on it)."""
        from kiosk.guides import available
        from kiosk.ui.guide_player import GuideVideo

        t = self.theme()
        self.guides = available()
        if not self.guides:
            return None
        caption = Text("", size=t.text_body, color=(1, 1, 1, 1), halign="center")
        video = GuideVideo(self.guides[0], size_hint_y=None, height=int(t.height * 0.4),
                           on_step=lambda text: setattr(caption, "text", text),
                           on_end=self._next_guide)
        box.add_widget(video)
        box.add_widget(caption)
        video.play()
        return video

    def _next_guide(self) -> None:
        if self.video is not None and self.visible:
            following = self.guides.index(self.video.guide) + 1
            self.video.show_guide(self.guides[following % len(self.guides)])

    def next_message(self) -> None:
        """The next invitation (every few seconds while the loop is up)."""
        self.step = (self.step + 1) % len(self.MESSAGES)
        name, words = self.MESSAGES[self.step]
        self.line.text = _(words)
        self.picture.texture = pictogram(name)
        self._pulse()

    def _pulse(self) -> None:
        for widget in (self.line, self.picture):
            widget.opacity = 0.2
            Animation(opacity=1, duration=1.2).start(widget)

    def hide(self) -> None:
        if self.visible:
            self.cycle.cancel()
            if self.video is not None:
                self.video.stop()
        super().hide()


class PinPad(Overlay):
    """The operator's way out: a PIN pad, locked for a while after repeated failures."""

    def __init__(self, layer: Widget, theme: Callable[[], Theme], *,
                 seconds_locked: Callable[[], float], on_pin: Callable[[str], bool]) -> None:
        super().__init__(layer, theme)
        self.seconds_locked = seconds_locked
        self.on_pin = on_pin  # True: the right PIN (the pad is closed by then)

    def show(self) -> None:
        t = self.theme()
        self.entered = ""
        self.draw_backdrop(0.7)
        card = self.card()
        card.add_widget(Text(_("Operator PIN"), size=t.text_heading, color=t.palette.text,
                             bold=True, halign="center"))
        self.display = Text("", size=t.text_title, color=t.palette.text, halign="center")
        self.message = Text("", size=t.text_body, color=t.palette.accent, halign="center")
        card.add_widget(self.display)
        card.add_widget(self.message)
        keys = GridLayout(cols=3, spacing=t.gap, size_hint_y=None)
        keys.bind(minimum_height=keys.setter("height"))
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "OK"):
            keys.add_widget(BigButton(_("Delete") if key == "del" else key, t,
                                      lambda k=key: self.press(k),
                                      kind="secondary" if key == "del" else "primary",
                                      action_id=f"pin:{key}"))
        card.add_widget(keys)
        card.add_widget(BigButton(_("Cancel"), t, self.hide, kind="secondary",
                                  action_id="pin:cancel"))
        self._attach()
        self._show_lock()

    def _show_lock(self) -> None:
        locked = self.seconds_locked()
        if locked:
            self.message.text = _("Too many wrong PINs. Try again in {n} minutes.").format(
                n=int(locked // 60) + 1)

    def press(self, key: str) -> None:
        if key == "del":
            self.entered = self.entered[:-1]
        elif key == "OK":
            if self.on_pin(self.entered):
                return
            self.entered = ""
            self.message.text = _("Wrong PIN.")
            self._show_lock()
        elif len(self.entered) < 12:
            self.entered += key
        self.display.text = "•" * len(self.entered)


class NightCover(Overlay):
    """The screen at night: black (and the panel off, if the operator gave a command), with
    a faint line saying that a touch brings it back."""

    def __init__(self, layer: Widget, theme: Callable[[], Theme], *,
                 on_dark: Callable[[], None], on_light: Callable[[], None]) -> None:
        super().__init__(layer, theme)
        self.on_dark, self.on_light = on_dark, on_light  # the panel off and on again

    def show(self) -> None:
        if self.visible:
            return
        t = self.theme()
        self.draw_backdrop(1.0)
        self.clear_widgets()
        self.add_widget(Text(BOTH_LANGUAGES_HINT, size=t.text_body, color=(0.55, 0.55, 0.6, 1),
                             halign="center", size_hint_x=0.9))
        self._attach()
        self.on_dark()

    def hide(self) -> None:
        if self.visible:
            self.on_light()
        super().hide()
