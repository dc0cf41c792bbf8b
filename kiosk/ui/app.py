"""The kiosk app: wires the screens to the services, and keeps the kiosk a kiosk.

It owns navigation (with a back stack), the session (idle countdown, reset to home with
everything cleared and the default language), the lockdown (Escape, Alt+F4 and window
close requests are ignored; the operator leaves through a hidden gesture and a PIN), and
the theme (rebuilt when the window size or the text size changes). It does little else:
each screen builds itself from the services it is given.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk import i18n
from kiosk.config.clock import parse_clock
from kiosk.config.pin import PinLock
from kiosk.system import memory
from kiosk.system.schedule import in_window, restart_due, run_quietly
from kiosk.ui.header import Header
from kiosk.ui.idle import IdleTimer
from kiosk.ui.overlays import AttractLoop, IdleCountdown, NightCover, PinPad
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.services import KioskServices
from kiosk.ui.session import Session
from kiosk.ui.speech_control import SpeechControl, Surroundings
from kiosk.ui.theme import Theme
from kiosk.ui.watchdog import UiWatchdog

# Screens other than home are built on first use: their modules (search index, PDF
# renderer, QR codes) need not load before the first frame.
SCREENS = {"browse": ("kiosk.ui.screens.browse", "BrowseScreen"),
           "search": ("kiosk.ui.screens.search", "SearchScreen"),
           "detail": ("kiosk.ui.screens.detail", "DetailScreen"),
           "viewer": ("kiosk.ui.screens.viewer", "ViewerScreen"),
           "handoff": ("kiosk.ui.screens.handoff", "HandoffScreen"),
           "help": ("kiosk.ui.screens.help", "HelpScreen"),
           "scan": ("kiosk.ui.screens.scan", "ScanScreen"),
           "status": ("kiosk.ui.screens.status", "StatusScreen"),
           "apply": ("kiosk.ui.screens.apply", "ApplyScreen"),
           "operator": ("kiosk.ui.screens.operator", "OperatorScreen"),
           "rate": ("kiosk.ui.screens.rating", "RatingScreen"),
           "queue": ("kiosk.ui.screens.queue", "QueueScreen"),
           "portal": ("kiosk.ui.screens.portal", "PortalScreen"),
           "guide": ("kiosk.ui.screens.guide", "GuideScreen")}
# Screens whose whole state is in their parameters (a back to them builds them again as
# they were): left, they are dropped with their widget trees and textures (in the heap on
# a software GPU) and built afresh on the next visit; the others keep what a person chose
# or typed there (a query, a draft's step, a call for staff) until the session ends.
RELEASED_ON_LEAVE = frozenset({"viewer", "scan", "status", "handoff", "guide"})
TIDY_SECONDS = 4.0  # after a reset, once the screen has settled (scroll effects and fades)
GIVE_BACK_SECONDS = 0.5  # a few frames, in which Kivy deletes the dead textures' GL storage
SECRET_TAPS = 5  # taps on the place name within SECRET_WINDOW seconds open the PIN pad
SECRET_WINDOW = 3.0
KEY_ESCAPE, KEY_F4 = 27, 285
EXIT_TO_DESKTOP = 64  # systemd/kiosk.service: RestartPreventExitStatus=64


class KioskApp(App):
    title = "Kiosk"
    tidy_seconds = TIDY_SECONDS  # the soak benchmark compresses this quiet in time
    give_back_seconds = GIVE_BACK_SECONDS  # and the UI tests both

    def __init__(self, services: KioskServices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        config = services.config
        # the visitor's state: language, modes, draft (reset in forget_visitor)
        self.session: Session = services.session
        self.theme = self._theme()
        self.history: list[tuple[str, dict[str, Any]]] = []
        self.idle = IdleTimer(config.session.idle_seconds, config.session.countdown_seconds,
                              config.session.attract_seconds)
        self.pin_lock = PinLock.from_config(config)
        self.secret_taps: list[float] = []
        self.operator_exit = False
        self.exit_status = 0  # what `kiosk run` exits with
        self.started_at = datetime.now()
        self.forgotten_at = self.idle.last_touch  # nobody to forget before the first touch
        self.tidied = 0  # times memory was tidied after a session (the benchmark waits on it)
        self.timers: list[Any] = []  # the clock's repeating and start-up events, to cancel
        self.tidy_due = False  # a reset's memory tidy is still to come
        i18n.set_language(self.session.language)

    @property
    def large_text(self) -> bool:
        return self.session.large_text

    @property
    def high_contrast(self) -> bool:
        return self.session.high_contrast

    # --- building ------------------------------------------------------------------------

    def _theme(self) -> Theme:
        return Theme.for_window(int(Window.width), int(Window.height),
                                self.services.config.display.diagonal_inches,
                                self.session.large_text, self.session.high_contrast)

    def build(self) -> FloatLayout:
        self.root_layout = FloatLayout()
        shell = BoxLayout(orientation="vertical")
        self.speech = SpeechControl(
            self.services.speaker, self.services.config.speech, self.session,
            Surroundings(screen=lambda: self.screen, overlay=self._card_up,
                         top_bar=lambda: self.header, mm=lambda mm: self.theme.mm(mm),
                         show_mode=lambda on: self.header.show_speech_mode(on),
                         show_speaking=lambda on: self.header.show_speaking(on)))
        speaks = self.speech.available  # no read-aloud button where nothing can be heard
        self.header = Header(self.theme, self.services.config.kiosk.name, on_home=self.home,
                             on_back=self.back, on_language=self.set_language,
                             on_large_text=self.toggle_large_text,
                             on_contrast=self.toggle_high_contrast,
                             on_secret_tap=self.secret_tap,
                             on_speak=self.speech.read_or_stop if speaks else None,
                             on_rate=self.speech.change_rate if speaks else None,
                             on_help=self.open_help,
                             on_speech_mode=lambda: self.speech.set_mode(False))
        self.screens = ScreenManager(transition=NoTransition())
        self.screens.add_widget(HomeScreen("home", self, self.services))
        shell.add_widget(self.header)
        shell.add_widget(self.screens)
        shell.add_widget(self.header.bottom)  # portrait: home, back and the switches
        self.root_layout.add_widget(shell)
        layer, theme = self.root_layout, lambda: self.theme
        self.countdown = IdleCountdown(layer, theme, on_continue=self.keep_going,
                                       on_reset=self.reset_session)
        self.attract = AttractLoop(
            layer, theme, lambda: self.speech.hold if self.speech.available else None)
        self.night = NightCover(layer, theme, on_dark=self._panel_off,
                                on_light=self._panel_on)
        self.pin_pad = PinPad(layer, theme, seconds_locked=self.pin_lock.seconds_locked,
                              on_pin=self.operator_sign_in)
        Window.bind(**self._window_handlers())
        return self.root_layout

    def _window_handlers(self) -> dict[str, Any]:
        return {"on_request_close": self._refuse_close, "on_keyboard": self._on_key,
                "size": self._on_resize, "on_touch_down": self._on_any_touch,
                "on_touch_up": self._on_any_touch_up}

    def _card_up(self) -> Any:
        """The card over the screen that speech reads instead of it, if one is up."""
        for overlay in (self.countdown, self.pin_pad):
            if overlay.visible:
                return overlay
        return None

    def _panel_off(self) -> None:
        run_quietly(self.services.config.display.sleep_command)

    def _panel_on(self) -> None:
        run_quietly(self.services.config.display.wake_command)

    def on_start(self) -> None:
        # (home was built when the screen manager entered it, and a resize rebuilds it:
        # building it again here cost a tenth of a second before the first frame)
        self.watchdog = UiWatchdog.start()  # systemd: READY=1 after the first frame, pings
        Window.bind(on_flip=self._first_frame_drawn)

    def _first_frame_drawn(self, *_: Any) -> None:
        """What the first frame does not need starts after it: timers counted from
        start-up came due before it on a loaded machine (the network check loads the
        HTTP stack, ~0.1-0.3 s)."""
        from kiosk.access_point.session import sweep

        Window.unbind(on_flip=self._first_frame_drawn)
        sweep(self.services.config.portal_files_dir)  # what a crash left of a portal session
        self.timers += [Clock.schedule_interval(self._every_second, 1.0),
                        Clock.schedule_once(lambda _: self.services.connectivity.start(), 0.5),
                        Clock.schedule_once(lambda _: self.services.start_delivery(), 2.0),
                        Clock.schedule_once(lambda _: self.services.start_heartbeat(), 3.0)]

    def on_stop(self) -> None:
        self.watchdog.stop()
        self.services.stop()

    def detach(self) -> None:
        """Take the app off the window and the clock without closing the window (a
        process has one; the next app in the same process gets it: tests, the tour).
        The services are the caller's to stop."""
        for event in self.timers:
            event.cancel()
        Clock.unschedule(self._tidy)
        Clock.unschedule(self._give_back)
        Window.unbind(**self._window_handlers())
        Window.unbind(on_flip=self._first_frame_drawn)
        self.speech.close()
        self.attract.hide()
        self.night.hide()
        self.watchdog.stop()
        Window.remove_widget(self.root)
        if App.get_running_app() is self:
            App._running_app = None

    @property
    def screen(self) -> KioskScreen:
        return self.screens.current_screen

    # --- navigation ----------------------------------------------------------------------

    def go(self, name: str, **params: Any) -> None:
        current = self.screen
        self.history.append((current.name, dict(current.params)))
        self._show(name, params)

    def back(self) -> None:
        if not self.history:
            self.home()
            return
        name, params = self.history.pop()
        self._show(name, params)

    def open_help(self) -> None:
        """Help from any screen; a call for staff made there names the screen."""
        self.go("help", came_from=self.screens.current)

    def home(self) -> None:
        self.history.clear()
        self._show("home", {})

    def _screen(self, name: str) -> KioskScreen:
        if not self.screens.has_screen(name):
            module, cls = SCREENS[name]
            screen = getattr(importlib.import_module(module), cls)(name, self, self.services)
            if name in RELEASED_ON_LEAVE:
                screen.bind(on_leave=self._release)
            self.screens.add_widget(screen)
        return self.screens.get_screen(name)

    def _show(self, name: str, params: dict[str, Any]) -> None:
        self.speech.screen_changed()
        target = self._screen(name)
        target.open(**params)
        if self.screens.current == name:
            target.refresh()
        else:
            self.screens.current = name
        self.header.at_home = name == "home"
        self.header.at_help = name == "help"
        self.header.rebuild(self.theme)

    # --- session -------------------------------------------------------------------------

    def reset_session(self) -> None:
        """A person has left: forget everything they did and greet the next one."""
        self.idle.touch()
        self.forget_visitor()

    def forget_visitor(self) -> None:
        """Everything the last person typed, chose or switched on goes, and the kiosk is
        back at home in its default language (without counting as a touch, so the attract
        loop still starts on time)."""
        self.forgotten_at = self.idle.last_touch
        for screen in self.screens.screens:
            screen.reset()
        self.speech.forget()
        self.services.catalogue.forget_words()  # what they searched for, cached
        self.session.reset()  # the language, the modes, the draft: all of it, here
        self.countdown.hide()
        i18n.set_language(self.session.language)
        self.theme = self._theme()
        self.home()
        self._drop_hidden_screens()
        self.tidy_due = True
        Clock.unschedule(self._tidy)  # one tidy, after the last of quick resets
        Clock.unschedule(self._give_back)
        Clock.schedule_once(self._tidy, self.tidy_seconds)

    def _drop_hidden_screens(self) -> None:
        """The next person starts from fresh screens: nothing typed or shown stays in a
        widget tree, and the old trees' memory can be reclaimed."""
        for screen in list(self.screens.screens):
            if screen.name != self.screens.current:
                self._drop(screen)
        # a finished transition still holds the screen it left (and cannot let go of it)
        self.screens.transition = NoTransition()

    def _release(self, screen: KioskScreen) -> None:
        """A screen of RELEASED_ON_LEAVE was left (its own on_leave stops its camera or
        video): the next visit builds it afresh."""
        if screen.manager is self.screens and screen.name != self.screens.current:
            self._drop(screen)
            if not self.screens.transition.is_active:  # it holds the screen it left
                self.screens.transition = NoTransition()

    def _drop(self, screen: KioskScreen) -> None:
        self.screens.remove_widget(screen)
        # whatever still holds a piece of the old tree for a moment (Kivy's clock runs a
        # scroll effect to its end) holds no words of the last person's
        for widget in screen.walk(restrict=True):
            if isinstance(getattr(widget, "text", None), str):
                widget.text = ""

    def _tidy(self, _dt: float) -> None:
        if self.screens.current == "home" and not self.history:
            memory.collect()
            Clock.schedule_once(self._give_back, self.give_back_seconds)
        else:
            self.tidy_due = False  # someone is using the kiosk already: no pause for them

    def _give_back(self, _dt: float) -> None:
        memory.give_back()
        self.tidied += 1
        self.tidy_due = False

    @property
    def settled(self) -> bool:
        """Nothing under way that the next touch could land in the middle of: no screen
        change, no memory tidy to come after a reset (tests and the tour wait on it)."""
        return not self.tidy_due and not self.screens.transition.is_active

    def set_language(self, language: str) -> None:
        self.session.language = language
        i18n.set_language(language)
        self._rebuild()

    def toggle_large_text(self) -> None:
        self.session.large_text = not self.session.large_text
        self.theme = self._theme()
        self._rebuild()

    def toggle_high_contrast(self) -> None:
        self.session.high_contrast = not self.session.high_contrast
        self.theme = self._theme()
        self._rebuild()

    def _rebuild(self) -> None:
        self.header.rebuild(self.theme)
        self.screen.refresh()

    def _on_resize(self, *_: Any) -> None:
        self.theme = self._theme()
        self._rebuild()

    def _on_any_touch(self, _: Any, touch: Any) -> bool:
        self.idle.touch()
        if self.attract.visible or self.night.visible:
            if self.attract.visible:
                self.speech.greet()
            self.attract.hide()
            self.night.hide()
            self.speech.on_touch_down(touch)  # a finger held on from here still counts
            return True  # the touch that wakes the kiosk does nothing else
        return self.speech.on_touch_down(touch)

    def _on_any_touch_up(self, _: Any, touch: Any) -> bool:
        return self.speech.on_touch_up(touch)

    def tick(self) -> None:
        """What the app does each second (the clock, the network badge, the idle time-out,
        the attract loop, the night), now: for tests and the tour, instead of waiting."""
        self._every_second(0)

    def _every_second(self, dt: float) -> None:
        self.header.tick()
        if self.header.online != self.services.connectivity.online:
            self.header.show_online(self.services.connectivity.online)
            self.screen.network_changed()  # the tiles agree with the top bar
        state = self.idle.state(at_home=self.screens.current == "home")
        if state.kind == "countdown":
            warn = not self.countdown.visible
            self.countdown.show(state.seconds_left)
            if warn:
                self.speech.warn_idle()
        elif state.kind == "expired":
            self.reset_session()
        elif state.kind == "left":
            self._forget_once()
        elif state.kind == "attract":
            self._forget_once()
            if self._night():
                self.attract.hide()
                self.night.show()
            elif self._restart_due():
                self.leave(restart=True)
            else:
                self.night.hide()
                self.attract.show()
        elif self.countdown.visible:
            self.countdown.hide()

    def _forget_once(self) -> None:
        """Home and Done do not reset the session (the person may still be reading): the
        quiet afterwards does, once per walk-away."""
        if self.forgotten_at != self.idle.last_touch:
            self.forget_visitor()

    def _night(self) -> bool:
        display = self.services.config.display
        return in_window(datetime.now().time(), parse_clock(display.sleep_from),
                         parse_clock(display.sleep_until))

    def _restart_due(self) -> bool:
        """The nightly restart, taken only on an idle home screen (nobody is cut off)."""
        at = parse_clock(self.services.config.maintenance.restart_at)
        return restart_due(datetime.now(), self.started_at, at)

    def keep_going(self) -> None:
        self.idle.touch()
        self.countdown.hide()

    # --- lockdown ------------------------------------------------------------------------

    def _install_settings_keys(self, window: Any) -> None:
        """Kivy's F1 settings panel is not installed: a keyboard left on a kiosk must not
        open it (and F1 is the speech mode's key)."""

    def _refuse_close(self, *_: Any, **__: Any) -> bool:
        return not self.operator_exit  # True stops the window from closing

    def _on_key(self, _: Any, key: int, __: int, ___: Any, modifiers: list[str]) -> bool:
        self.idle.touch()
        if self.speech.on_key(key):
            return True
        # swallowed: a kiosk has no way out for the public
        return key == KEY_ESCAPE or (key == KEY_F4 and "alt" in modifiers)

    def secret_tap(self) -> None:
        now = Clock.get_boottime()
        self.secret_taps = [t for t in self.secret_taps if now - t < SECRET_WINDOW] + [now]
        if len(self.secret_taps) >= SECRET_TAPS:
            self.secret_taps.clear()
            self.pin_pad.show()

    def operator_sign_in(self, pin: str) -> bool:
        """The right PIN opens the operator's screen (the idle reset closes it again)."""
        if not self.pin_lock.check(pin):
            return False
        self.pin_pad.hide()
        self.go("operator")
        return True

    def leave(self, restart: bool) -> None:
        """The operator stops the kiosk: to be started again (systemd's Restart=always
        does it), or for the desktop (an exit status systemd is told not to restart on)."""
        self.operator_exit = True
        self.exit_status = 0 if restart else EXIT_TO_DESKTOP
        self.stop()
