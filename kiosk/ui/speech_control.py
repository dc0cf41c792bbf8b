"""The kiosk's voice on the screen: "Đọc to", the speech mode, and the spoken warnings.

"Đọc to" (the top bar, every screen) reads the screen once; touching it again stops.
The speech mode is for people who cannot see the screen: once on, every new screen is
read, and a touched button first says its name; touching the same button again chooses
it (a finger exploring the glass must not press whatever it meets); a key chosen on the
on-screen keyboard is followed by what has been typed so far. It is turned on or
off by holding a finger still anywhere for `speech.long_press_seconds`, or with F1 on a
keyboard or a one-key USB button; the first touch that wakes the attract loop says so
aloud. Speech stops when the screen changes, and everything is reset with the session.

It is given the speaker, the speech settings, the visitor's session and callbacks for
what it looks at and what it reports (as the top bar is): it does not reach into the app.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.widget import Widget

from kiosk import i18n
from kiosk.i18n import _
from kiosk.ui.reading import reading_of, spoken_text
from kiosk.ui.widgets import HELD

if TYPE_CHECKING:
    from kiosk.config.settings import SpeechSection
    from kiosk.speech.speaker import Speaker
    from kiosk.ui.session import Session

KEY_F1, KEY_F2 = 282, 283  # speech mode on/off; read the screen / stop
CONFIRM_SECONDS = 10.0  # a second touch on the same button within this time chooses it
STILL_MM = 8  # a finger that moved more than this is scrolling, not holding
RATE_STEP = 20


@dataclass(frozen=True)
class Surroundings:
    """What the speech control looks at, and where it shows what it does."""

    screen: Callable[[], Widget]  # the current screen
    overlay: Callable[[], Widget | None]  # a card up over the screen, if any
    top_bar: Callable[[], Widget]
    mm: Callable[[float], float]  # millimetres on the glass in pixels
    show_mode: Callable[[bool], None]  # the top bar's speed buttons for the speech mode
    show_speaking: Callable[[bool], None]  # "Đọc to" or "Dừng đọc"


class SpeechControl:
    def __init__(self, speaker: Speaker | None, settings: SpeechSection, session: Session,
                 around: Surroundings) -> None:
        self.speaker = speaker
        self.settings = settings
        self.session = session
        self.around = around
        self.armed: tuple[Widget, float] | None = None
        self.hold = settings.long_press_seconds
        self.shown_speaking = False
        self.fingers: set[int] = set()  # touches down now, by uid (for the long press)
        # the touch choosing a key of an on-screen keyboard: its text is read back after
        self.typing: tuple[int | None, Widget | None] = (None, None)
        if self.speaker is not None:
            # the screen asks the speaker a few times a second (a cheap look under its
            # lock) rather than being told from its worker thread
            self.watching = Clock.schedule_interval(self._show_speaking, 0.2)

    @property
    def mode(self) -> bool:
        """The speech mode is on (a state of the visitor's session)."""
        return self.session.speech_mode

    @property
    def available(self) -> bool:
        return self.speaker is not None

    @property
    def speaking(self) -> bool:
        return self.speaker is not None and self.speaker.speaking

    # --- reading -------------------------------------------------------------------------

    def say(self, *texts: str) -> None:
        if self.speaker is not None:
            self.speaker.say(texts, i18n.language())

    def read_screen(self, preface: tuple[str, ...] = ()) -> int:
        """Read what is in front of the person: an overlay's card if one is up, else the
        screen; returns how many pieces will be said."""
        if self.speaker is None:
            return 0
        return self.speaker.say([*preface, *reading_of(self._in_front())], i18n.language())

    def read_or_stop(self) -> None:
        """The "Đọc to" button."""
        if self.speaking:
            self.stop()
        else:
            self.read_screen()

    def stop(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()

    def screen_changed(self) -> None:
        self.stop()
        self.armed = None
        if self.mode:
            # after the frame that lays the new screen out
            Clock.schedule_once(lambda _dt: self.read_screen(), 0)

    def warn_idle(self) -> None:
        if self.settings.speak_timeout_warning:
            self.read_screen()

    def greet(self) -> None:
        """The touch that ends the attract loop: tell whoever cannot see how to hear."""
        self.say(_("Hello. To hear the screen read aloud, hold a finger still on the "
                   "screen for {n} seconds.").format(n=round(self.hold)))

    def _in_front(self) -> Widget:
        return self.around.overlay() or self.around.screen()

    # --- the speech mode -----------------------------------------------------------------

    def set_mode(self, on: bool) -> None:
        if self.speaker is None or on == self.mode:
            return
        self.session.speech_mode = on
        self.armed = None
        self.around.show_mode(on)
        if on:
            self.read_screen(preface=(_(
                "Speech mode is on. Touch a button to hear it, and touch it again to "
                "choose it. To turn speech off, hold a finger still on the screen for {n} "
                "seconds.").format(n=round(self.hold)),))
        else:
            self.say(_("Speech mode is off."))

    def change_rate(self, faster: bool) -> None:
        if self.speaker is None:
            return
        self.speaker.set_rate(self.speaker.voice.rate + (RATE_STEP if faster else -RATE_STEP))
        self.say(_("Faster.") if faster else _("Slower."))

    def forget(self) -> None:
        """The session ended (the session object itself is reset by the app): speech
        off, the top bar without the speed buttons, the voice at its configured speed."""
        self.stop()
        if self.mode:
            self.session.speech_mode = False
            self.around.show_mode(False)
        self.armed = None
        self.typing = (None, None)
        if self.speaker is not None:
            self.speaker.set_rate(self.settings.rate)

    def close(self) -> None:
        """The app is going: nothing more is said or watched."""
        self.stop()
        if self.speaker is not None:
            self.watching.cancel()

    def on_touch_down(self, touch: Any) -> bool:
        """Called for every touch before the screen sees it; True keeps it from the
        screen (the first touch on a button in the speech mode only says its name)."""
        if self.speaker is None:
            return False
        self.fingers.add(touch.uid)
        Clock.schedule_once(partial(self._held, touch, tuple(touch.pos)), self.hold)
        if not self.mode:
            return False
        button, label = self._under(touch.pos)
        if button is None:
            if label is not None:
                self.say(spoken_text(label))
            return False
        if self.armed is not None and self.armed[0] is button \
                and time.monotonic() - self.armed[1] < CONFIRM_SECONDS:
            self.armed = None
            self.typing = (touch.uid, _keyboard_of(button))
            return False  # the second touch: it goes through and chooses
        self.armed = (button, time.monotonic())
        self.say(spoken_text(button), _("Touch again to choose."))
        return True

    def on_touch_up(self, touch: Any) -> bool:
        self.fingers.discard(touch.uid)
        uid, keyboard = self.typing
        if uid == touch.uid and keyboard is not None:
            # after the key has acted (on this touch's release): what is typed so far
            Clock.schedule_once(lambda _dt: self.say(keyboard.text or _("Empty.")), 0)
        self.typing = (None, None)
        return False

    def on_key(self, key: int) -> bool:
        if key == KEY_F1:
            self.set_mode(not self.mode)
            return True
        if key == KEY_F2:
            self.read_or_stop()
            return True
        return False

    def _held(self, touch: Any, start: tuple[float, float], _dt: float) -> None:
        still = max(abs(a - b) for a, b in zip(touch.pos, start, strict=True))
        if touch.uid not in self.fingers or still > self.around.mm(STILL_MM):
            return
        touch.ud[HELD] = True  # the finger chose the mode, not the button it rests on
        self.set_mode(not self.mode)

    def _under(self, pos: tuple[float, float]) -> tuple[Widget | None, Widget | None]:
        """The topmost enabled button and the topmost text under a point."""
        button = label = None
        for widget in self._in_front_or_header():
            if widget.get_root_window() is None or widget.opacity == 0:
                continue
            if not widget.collide_point(*widget.to_widget(*pos)):
                continue
            if isinstance(widget, ButtonBehavior):
                if getattr(widget, "enabled", True) and spoken_text(widget):
                    button = widget
            elif spoken_text(widget):
                label = widget
        return button, label

    def _in_front_or_header(self) -> list[Widget]:
        overlay = self.around.overlay()
        if overlay is not None:
            return list(overlay.walk(restrict=True))
        return [*self.around.top_bar().walk(restrict=True),
                *self.around.screen().walk(restrict=True)]

    def _show_speaking(self, _dt: float) -> None:
        speaking = self.speaking
        if speaking != self.shown_speaking:
            self.shown_speaking = speaking
            self.around.show_speaking(speaking)


def _keyboard_of(widget: Widget) -> Widget | None:
    """The on-screen keyboard a key belongs to (the silent widget holding the text)."""
    node = widget.parent
    while node is not None and node is not node.parent:
        if getattr(node, "silent", False) and isinstance(getattr(node, "text", None), str):
            return node
        node = node.parent
    return None
