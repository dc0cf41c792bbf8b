"""Start the Kivy app: fullscreen for production, a window for the demo, offscreen for the
tour and the tests. Kivy reads its settings when first imported, so everything here
happens before the first Kivy import."""

from __future__ import annotations

import os

from kiosk.config import Config


def prepare_kivy(*, width: int, height: int, fullscreen: bool, offscreen: bool) -> None:
    """Settings Kivy only honours before its window exists."""
    os.environ["KIVY_NO_ARGS"] = "1"  # our CLI's arguments are not Kivy's
    os.environ.setdefault("KIVY_NO_FILELOG", "1")  # logs go to the journal, not ~/.kivy
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    # Kivy's own log mode replaces sys.stderr, which would swallow our one-line errors
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    # SDL would turn SIGTERM and SIGINT into a window-close request, which the kiosk
    # refuses: systemd and Ctrl+C could then never stop it
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"
    if offscreen:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
    from kivy.config import Config as KivyConfig

    KivyConfig.set("kivy", "exit_on_escape", "0")
    KivyConfig.set("kivy", "keyboard_mode", "system")  # our own keyboard, never Kivy's
    KivyConfig.set("input", "mouse", "mouse,disable_multitouch")
    KivyConfig.set("postproc", "double_tap_time", "400")  # older hands tap more slowly
    KivyConfig.set("graphics", "width", str(width))
    KivyConfig.set("graphics", "height", str(height))
    KivyConfig.set("graphics", "resizable", "0" if fullscreen else "1")
    KivyConfig.set("graphics", "borderless", "1" if fullscreen else "0")
    KivyConfig.set("graphics", "fullscreen", "auto" if fullscreen else "0")


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_app(config: Config, *, fullscreen: bool) -> int:
    """Run the kiosk until it is stopped; returns the exit status the operator chose."""
    prepare_kivy(width=config.display.width, height=config.display.height,
                 fullscreen=fullscreen, offscreen=False)
    from kiosk.ui.app import KioskApp
    from kiosk.ui.services import KioskServices

    app = KioskApp(KioskServices.from_config(config))
    app.run()
    return app.exit_status

