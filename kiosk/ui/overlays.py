"""Things shown over the current screen: the idle countdown, the attract loop, the
operator's PIN pad."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import N_, _
from kiosk.system.schedule import run_quietly
from kiosk.ui.widgets import BigButton, Surface, Text

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp
    from kiosk.ui.guide_player import GuideVideo

# shown in both languages at once, whatever the current one, so it is not translated
BOTH_LANGUAGES_HINT = "Chạm vào màn hình để bắt đầu · Touch the screen to start"


class Overlay(AnchorLayout):
    """A dimmed layer over the whole window holding one card in the middle."""

    def __init__(self, app: KioskApp) -> None:
        super().__init__(anchor_x="center", anchor_y="center")
        self.app = app
        self.visible = False
        # One backdrop for the overlay's lifetime, bound once: drawing a new one on each
        # show bound two more lambdas every time, and each kept its old Rectangle alive.
        with self.canvas.before:
            self._dim = Color(0, 0, 0, 0)
            self._backdrop = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._fit_backdrop, size=self._fit_backdrop)

    def card(self) -> Surface:
        t = self.app.theme
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
            self.app.root_layout.add_widget(self)

    def hide(self) -> None:
        if self.visible:
            self.visible = False
            self.app.root_layout.remove_widget(self)

    def draw_backdrop(self, alpha: float = 0.55) -> None:
        self._dim.a = alpha

    def _fit_backdrop(self, *_: Any) -> None:
        self._backdrop.pos, self._backdrop.size = self.pos, self.size


class IdleCountdown(Overlay):
    """"Do you need more time?" with the seconds left, before the session ends."""

    def show(self, seconds_left: int) -> None:
        t = self.app.theme
        if not self.visible:
            self.draw_backdrop()
            card = self.card()
            card.add_widget(Text(_("Do you need more time?"), size=t.text_title,
                                 color=t.palette.text, bold=True, halign="center"))
            self.seconds = Text("", size=t.text_heading, color=t.palette.text, halign="center")
            card.add_widget(self.seconds)
            card.add_widget(BigButton(_("Yes, continue"), t, self.app.keep_going,
                                      action_id="idle:continue"))
            card.add_widget(BigButton(_("No, start over"), t, self.app.reset_session,
                                      kind="secondary", action_id="idle:reset"))
            self._attach()
        self.seconds.text = _("The screen will return to the start in {n} seconds, and what "
                              "you entered will be cleared.").format(n=seconds_left)


class AttractLoop(Overlay):
    """After a long quiet time on the home screen: a gentle invitation to touch."""

    MESSAGES = (N_("Touch the screen to start"), N_("Look up an administrative procedure"),
                N_("Check your dossier with the QR code on your receipt"),
                N_("See the sample forms before you queue"))

    def show(self) -> None:
        if self.visible:
            return
        t = self.app.theme
        self.draw_backdrop(0.8)
        self.clear_widgets()
        box = BoxLayout(orientation="vertical", size_hint=(0.9, None), spacing=t.gap)
        box.bind(minimum_height=box.setter("height"))
        self.line = Text(_(self.MESSAGES[0]), size=t.text_title, color=(1, 1, 1, 1),
                         bold=True, halign="center")
        self.hint = Text(BOTH_LANGUAGES_HINT, size=t.text_body, color=(1, 1, 1, 1),
                         halign="center")
        self.video = self._guide_video(box)
        box.add_widget(self.line)
        box.add_widget(self.hint)
        self.add_widget(box)
        self.step = 0
        self._attach()
        self.cycle = Clock.schedule_interval(self._next, 4.0)
        self._pulse()

    def _guide_video(self, box: BoxLayout) -> GuideVideo | None:
        """The guidance videos, one after another and silent, above the invitation, with
        their captions (the first touch ends the loop, as anywhere on it)."""
        from kiosk.guides import available
        from kiosk.ui.guide_player import GuideVideo

        t = self.app.theme
        self.guides = available()
        if not self.guides:
            return None
        caption = Text("", size=t.text_body, color=(1, 1, 1, 1), halign="center")
        video = GuideVideo(self.guides[0], size_hint_y=None, height=int(t.height * 0.45),
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

    def _next(self, dt: float) -> None:
        self.step = (self.step + 1) % len(self.MESSAGES)
        self.line.text = _(self.MESSAGES[self.step])
        self._pulse()

    def _pulse(self) -> None:
        self.line.opacity = 0.2
        Animation(opacity=1, duration=1.2).start(self.line)

    def hide(self) -> None:
        if self.visible:
            self.cycle.cancel()
            if self.video is not None:
                self.video.stop()
        super().hide()


class PinPad(Overlay):
    """The operator's way out: a PIN pad, locked for a while after repeated failures."""

    def show(self) -> None:
        t = self.app.theme
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
        locked = self.app.pin_lock.seconds_locked()
        if locked:
            self.message.text = _("Too many wrong PINs. Try again in {n} minutes.").format(
                n=int(locked // 60) + 1)

    def press(self, key: str) -> None:
        if key == "del":
            self.entered = self.entered[:-1]
        elif key == "OK":
            if self.app.operator_sign_in(self.entered):
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

    def show(self) -> None:
        if self.visible:
            return
        t = self.app.theme
        self.draw_backdrop(1.0)
        self.clear_widgets()
        self.add_widget(Text(BOTH_LANGUAGES_HINT, size=t.text_body, color=(0.55, 0.55, 0.6, 1),
                             halign="center", size_hint_x=0.9))
        self._attach()
        run_quietly(self.app.services.config.display.sleep_command)

    def hide(self) -> None:
        if self.visible:
            run_quietly(self.app.services.config.display.wake_command)
        super().hide()
