"""Drives the real app frame by frame with simulated touches: for the tour and the tests.

Widgets that a person can press carry an `action_id` ("home:search", "key:a", ...); the
driver finds them in the widget tree, scrolls them into view, and touches their centre
through the window, exactly as a finger would.
"""

from __future__ import annotations

import gc
import os
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

from kivy.base import EventLoop
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.effects.scroll import ScrollEffect
from kivy.graphics.opengl import glFinish
from kivy.tests.common import UnitTestTouch
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget
from kivy.weakproxy import WeakProxy

from kiosk.ui.app import KioskApp


class Driver:
    def __init__(self, app: KioskApp) -> None:
        self.app = app
        app._run_prepare()  # what App.run() does before its loop; we run the loop ourselves
        self.frames(6)

    def frames(self, count: int = 3) -> None:
        for _ in range(count):
            EventLoop.idle()
            # Offscreen (SDL's offscreen window is an EGL pbuffer) the buffer swap flushes
            # nothing, so Mesa's llvmpipe piled frame after frame into one scene that holds
            # every texture it drew, deleted ones too, until it referenced 64 MB of them:
            # with screens rebuilt on each visit, RSS swung by up to ~150 MB. A display's
            # swap flushes every frame, and waits for it to be drawn; do the same here.
            # Flushing without waiting let us outrun llvmpipe's rasterizer threads: each
            # flush then took a fresh scene (Mesa allocates one whenever none is free, up
            # to 64, and never frees them), so RSS crept up by ~1 MB per session.
            glFinish()

    def settle(self, seconds: float = 30) -> bool:
        """Draw frames until the app says it has settled (no screen change, no tidy to
        come) and Kivy has nothing left for the next frame (layouts, callbacks of the
        moment): what to wait on after a reset or an action, rather than a frame count."""
        self.frames(1)
        return self.until(lambda: self.app.settled and not _due_now(), seconds)

    def close(self) -> None:
        """Take the app off the window (which stays, for the next app in this process)."""
        self.app.detach()
        self.frames(1)

    def until(self, done: Callable[[], bool], seconds: float = 20) -> bool:
        """Draw frames until `done()` (a worker's answer, a camera frame) or time is up."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if done():
                return True
            self.frames(1)
        return done()

    def until_tidied(self, since: int) -> bool:
        """Draw frames until the app has tidied its memory after a session reset (it waits
        `app.tidy_seconds` for scroll effects to settle); `since` is `app.tidied` before it."""
        return self.until(lambda: self.app.tidied != since, self.app.tidy_seconds + 10)

    @staticmethod
    def alive_with_text(text: str) -> list[str]:
        """Every widget still in memory, on screen or not, whose text contains `text`
        (after a full collection): what a session reset must leave none of. Each is
        described by where it hangs and what holds it, so that a failure says why."""
        gc.collect()
        proxies = (WeakProxy, weakref.ProxyType, weakref.CallableProxyType)
        found = [w for w in gc.get_objects() if type(w) not in proxies
                 and isinstance(w, Widget) and text in str(getattr(w, "text", ""))]
        return [_whereabouts(w, found) for w in found]

    def widgets(self) -> Iterator[Widget]:
        for top in list(Window.children):
            yield from top.walk(restrict=False)

    def find_all(self, action_id: str) -> list[Widget]:
        return [w for w in self.widgets() if getattr(w, "action_id", None) == action_id]

    def find(self, action_id: str) -> Widget:
        found = self.find_all(action_id)
        if not found:
            raise LookupError(f"nothing on screen has action_id {action_id!r}; "
                              f"{self.describe()}")
        return found[0]

    def describe(self) -> str:
        """What the app shows now, for a failure's message: the screen, the overlays up,
        the trees on the window and some of the actions on offer."""
        app = self.app
        overlays = [name for name in ("attract", "night", "pin_pad", "countdown")
                    if getattr(getattr(app, name, None), "visible", False)]
        actions = [w.action_id for w in self.widgets() if getattr(w, "action_id", "")]
        return (f"screen {app.screens.current!r} (history {len(app.history)}), overlays "
                f"{overlays}, window trees {[type(c).__name__ for c in Window.children]}, "
                f"root on window {app.root in Window.children}, actions {actions[:12]}")

    def exists(self, action_id: str) -> bool:
        return bool(self.find_all(action_id))

    def tap(self, action_id: str, hold: float = 0.0) -> None:
        """Touch a widget's centre; `hold` keeps the finger on it that many seconds."""
        self.frames(1)  # lay out whatever the last action put on screen before aiming at it
        widget = self.find(action_id)
        self._into_view(widget)
        x, y = widget.to_window(*widget.center)
        self.tap_at(x, y, hold)

    def tap_at(self, x: float, y: float, hold: float = 0.0) -> None:
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        deadline = time.monotonic() + hold
        self.frames(1)
        while time.monotonic() < deadline:
            self.frames(1)
        touch.touch_up()
        self.frames(1)

    def press_key(self, key: int) -> None:
        """A key on a physical keyboard (or a one-key USB button), by its Kivy key code."""
        Window.dispatch("on_keyboard", key, 0, None, [])
        self.frames(1)

    def type(self, text: str) -> None:
        """Type on the on-screen keyboard, key by key (no accents), switching between the
        letter and the digit layouts as a person would."""
        for char in text:
            key = "key:space" if char == " " else f"key:{char.lower()}"
            if not self.exists(key):
                self.tap("key:digits" if self.exists("key:digits") else "key:letters")
            self.tap(key)

    def scroll_to_end(self) -> None:
        for widget in self.widgets():
            if isinstance(widget, ScrollView) and widget.get_root_window() is not None:
                widget.scroll_y = 0
        self.frames(3)

    def _into_view(self, widget: Widget) -> None:
        parent = widget.parent
        while parent is not None and parent is not Window:  # the window is its own parent
            if isinstance(parent, ScrollView):
                parent.scroll_to(widget, padding=10, animate=False)
                self.frames(2)
                return
            parent = parent.parent

    def screenshot(self, path: Path) -> Path:
        """Save what the window shows now as exactly `path` (Kivy adds a counter)."""
        self.frames(4)
        path.parent.mkdir(parents=True, exist_ok=True)
        taken = Window.screenshot(name=str(path.with_suffix("")) + "-.png")
        os.replace(taken, path)
        return path


def _due_now() -> bool:
    """Kivy's clock holds a one-off callback for the next frame (a layout, a refresh).

    A kinetic scroll effect (which reschedules itself each frame until it comes to rest,
    on a dropped screen too) is not waited for: nothing a test looks at depends on it."""
    for event in Clock.get_events():
        if event.loop or event.timeout > 0:
            continue
        if not isinstance(getattr(event.get_callback(), "__self__", None), ScrollEffect):
            return True
    return False


def _whereabouts(widget: Widget, found: list[Widget]) -> str:
    """A widget's class, the chain of its parents' classes up to the top (the window if
    it is still on it) and the kinds of objects that refer to it: enough to tell a widget
    still on screen from one a callback, a cache or a closure keeps alive."""
    chain, parent = [type(widget).__name__], widget.parent
    while parent is not None and len(chain) < 12:
        chain.append(type(parent).__name__)
        parent = parent.parent if parent is not Window else None
    holders = sorted({type(r).__name__ for r in gc.get_referrers(widget)  # not the search's
                      if r is not found and not isinstance(r, type(sys._getframe()))})
    return f"{' < '.join(chain)}; held by {', '.join(holders)}"
