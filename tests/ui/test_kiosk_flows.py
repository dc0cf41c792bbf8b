"""The kiosk as a visitor uses it: real app, offscreen, simulated touches."""

from __future__ import annotations

import dataclasses
import gc
import weakref
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from kivy.core.window import Window
from support.driver import Driver

from kiosk import i18n
from kiosk.config.pin import PinLock
from kiosk.speech.output import AudioStatus
from kiosk.system.logs import RECENT


def screen(driver: Driver) -> str:
    return driver.app.screens.current


def test_browse_then_detail_then_form_viewer(driver: Driver) -> None:
    driver.tap("home:browse")
    assert screen(driver) == "browse"
    driver.tap("field:Hộ tịch")
    driver.tap("procedure:1.001193")
    assert screen(driver) == "detail"
    assert driver.exists("detail:submit")
    form = next(w.action_id for w in driver.widgets()
                if str(getattr(w, "action_id", "")).startswith("form:"))
    driver.tap(form)
    assert screen(driver) == "viewer"
    viewer = driver.app.screen.viewer
    assert driver.until(lambda: not viewer.loading)  # drawn by the renderer process
    assert viewer.page_total >= 1 and viewer.page_index == 0 and viewer.message == ""
    if viewer.page_total > 1:
        driver.tap("viewer:next")
        assert viewer.page_index == 1
    driver.tap("viewer:zoom_in")
    assert viewer.zoom > 1
    driver.tap("viewer:close")
    assert screen(driver) == "detail"
    driver.tap("nav:back")
    assert screen(driver) == "browse"
    driver.tap("nav:home")
    assert screen(driver) == "home"


def test_search_typed_on_the_screen_keyboard(driver: Driver) -> None:
    driver.tap("home:search")
    driver.type("dang ky khai sinh")
    search = driver.app.screen
    assert search.query == "dang ky khai sinh"
    first = search.results.children[-1]  # Kivy lists children last-added first
    assert first.action_id == "procedure:1.001193"
    driver.tap("key:clear")
    driver.type("ket hon")
    driver.tap("tone:huyen")  # a person who knows the accents may add them
    assert search.query == "ket hòn"
    driver.tap("key:clear")
    driver.type("ket")
    driver.tap("mark:circumflex")
    driver.tap("tone:sac")
    assert search.query == "kết"
    driver.tap("key:clear")
    driver.type("qqxyz")
    assert driver.exists("suggest:khai sinh")  # a clear empty state with suggestions
    driver.tap("suggest:khai sinh")
    assert search.results.children[-1].action_id == "procedure:1.001193"


def test_idle_countdown_offers_more_time_then_resets(driver: Driver) -> None:
    app = driver.app
    driver.tap("nav:language")
    assert i18n.language() == "en"
    driver.tap("home:search")
    driver.type("ket hon")
    app.idle.last_touch -= app.idle.idle_seconds + 1
    app.tick()
    assert app.countdown.visible
    driver.tap("idle:continue")
    assert not app.countdown.visible and screen(driver) == "search"
    app.idle.last_touch -= app.idle.idle_seconds + app.idle.countdown_seconds + 1
    app.tick()
    driver.settle()
    assert screen(driver) == "home"
    # the next person starts from fresh screens: nothing typed stays in a widget tree
    assert app.screens.screen_names == ["home"]
    app.go("search")
    assert app.screen.query == ""
    assert i18n.language() == "vi" and app.session.language == "vi"
    assert not app.session.large_text and not app.large_text


def test_after_a_session_no_widget_keeps_what_was_typed(driver: Driver) -> None:
    app = driver.app
    driver.tap("home:search")
    driver.type("ket hon")
    tidied = app.tidied
    app.reset_session()
    # the app tidies once scroll effects have come to rest (Kivy's clock holds them)
    assert driver.until_tidied(tidied)
    assert app.tidied == tidied + 1
    assert driver.alive_with_text("ket hon") == []


def test_escape_alt_f4_and_close_requests_do_not_exit(driver: Driver) -> None:
    assert Window.dispatch("on_keyboard", 27, 0, "", []) is True
    assert Window.dispatch("on_keyboard", 285, 0, "", ["alt"]) is True
    assert Window.dispatch("on_request_close") is True
    driver.settle()
    assert not driver.app.operator_exit


def test_the_operator_screen_needs_the_pin_and_locks_after_failures(driver: Driver,
                                                              monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = driver.app
    stopped: list[bool] = []
    monkeypatch.setattr(app, "stop", lambda *a: stopped.append(True))
    place = app.header.place
    for _ in range(4):
        driver.tap_at(*place.to_window(*place.center))
    assert not app.pin_pad.visible  # four taps are not the gesture
    driver.tap_at(*place.to_window(*place.center))
    assert app.pin_pad.visible
    for _ in range(app.pin_lock.max_attempts):
        for key in "1111":
            driver.tap(f"pin:{key}")
        driver.tap("pin:OK")
    assert not stopped and app.pin_lock.seconds_locked() > 0
    # the lockout is kept in the data folder: a kiosk started again now is locked too
    assert PinLock.from_config(app.services.config).seconds_locked() > 0
    for key in "246810":  # the right PIN, but locked out now
        driver.tap(f"pin:{key}")
    driver.tap("pin:OK")
    assert not stopped
    app.pin_lock.locked_until = 0
    for key in "246810":
        driver.tap(f"pin:{key}")
    driver.tap("pin:OK")
    assert not stopped and app.screens.current == "operator" and not app.pin_pad.visible
    shown = [str(getattr(w, "text", "")) for w in driver.widgets()]
    assert i18n._("Operator") in shown
    # when the outbox's sender last ran (or that it is starting), on the status page
    sending = (i18n._("Sending: last ran {ran}, last success {success}").split("{")[0],
               i18n._("Sending: starting"))
    assert any(text.startswith(sending) for text in shown)
    driver.tap("operator:desktop")
    assert stopped and app.operator_exit and app.exit_status == 64


def test_the_operator_screen_syncs_checks_the_network_and_shows_the_log(
        driver: Driver, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = driver.app
    stopped: list[bool] = []
    monkeypatch.setattr(app, "stop", lambda *a: stopped.append(True))
    app.go("operator")
    driver.settle()
    words = " ".join(str(getattr(w, "text", "")) for w in driver.widgets())
    assert "demo-kiosk-01" in words and i18n._("Network: online") in words
    assert i18n._("Speech: ready ({detail})").split("(")[0] in words
    # a kiosk without a sound card says so on the operator's screen
    monkeypatch.setitem(app.services.__dict__, "audio", AudioStatus(False, "no sound card"))
    app.screen.refresh()
    driver.settle()
    words = " ".join(str(getattr(w, "text", "")) for w in driver.widgets())
    assert i18n._("Speech: off, the kiosk works silently ({reason})").format(
        reason="no sound card") in words
    driver.tap("operator:network")
    assert driver.until(lambda: "ms" in app.screen.message.text)
    driver.tap("operator:sync")
    assert driver.until(lambda: app.screen.note.startswith(i18n._("Synced: {summary}")
                                                           .split("{")[0]))
    driver.tap("operator:log")
    assert app.screen.mode == "log"
    shown = {str(getattr(w, "text", "")) for w in driver.widgets()}
    assert shown & {*RECENT.lines, i18n._("Nothing has been logged yet.")}
    driver.tap("operator:restart")
    assert stopped and app.operator_exit and app.exit_status == 0


def test_at_night_the_screen_sleeps_a_touch_wakes_it_and_the_restart_waits_for_quiet(
        driver: Driver, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = driver.app
    services = app.services
    original = services.config
    now = datetime.now()
    marker = tmp_path / "panel"
    display = dataclasses.replace(
        original.display, sleep_from=(now - timedelta(hours=1)).strftime("%H:%M"),
        sleep_until=(now + timedelta(hours=1)).strftime("%H:%M"),
        sleep_command=f"touch {marker}-off", wake_command=f"touch {marker}-on")
    services.config = dataclasses.replace(original, display=display)
    stopped: list[bool] = []
    monkeypatch.setattr(app, "stop", lambda *a: stopped.append(True))
    # the config, the start time and the cover are put back by the driver fixture
    app.idle.last_touch -= app.idle.attract_seconds + 1
    app.tick()
    assert app.night.visible and not app.attract.visible
    assert driver.until(lambda: Path(f"{marker}-off").exists(), 5)
    driver.tap_at(10, 10)
    assert not app.night.visible and app.screens.current == "home"
    assert driver.until(lambda: Path(f"{marker}-on").exists(), 5)
    # daytime, the restart time passed while someone was using the kiosk: it waits
    # for the quiet home screen, then restarts
    services.config = dataclasses.replace(original, maintenance=dataclasses.replace(
        original.maintenance, restart_at=(now - timedelta(minutes=1)).strftime("%H:%M")))
    app.started_at = now - timedelta(hours=2)
    app.go("help")
    app.idle.last_touch -= app.idle.idle_seconds - 5
    app.tick()
    assert not stopped
    app.home()
    app.idle.last_touch -= app.idle.attract_seconds + 1
    app.tick()
    assert stopped and app.exit_status == 0


def test_offline_keeps_browse_and_search_and_says_what_needs_the_network(
        driver: Driver, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = driver.app
    connectivity = app.services.connectivity

    def down() -> bool:  # what the background check finds while the network is down
        connectivity.online = False
        return False

    monkeypatch.setattr(connectivity, "check", down)
    down()  # the driver fixture puts the state back
    app.tick()
    app.home()
    driver.settle()
    texts = [str(getattr(w, "text", "")) for w in driver.widgets()]
    assert i18n._("No network") in texts
    # this kiosk takes submissions: home offers what the detail offers, and says how
    net = app.services.network
    assert net.takes_submissions and not net.up
    assert driver.find("home:online").enabled and driver.find("home:dossier").enabled
    assert i18n._(net.submit_note) in driver.find("home:online").text
    assert i18n._(net.look_up_note) in driver.find("home:dossier").text
    driver.tap("home:search")
    driver.type("khai sinh")
    assert driver.app.screen.results.children[-1].action_id.startswith("procedure:")
    driver.app.go("detail", code="1.001193")
    driver.settle()
    # this kiosk takes submissions: its outbox keeps them until the network is back
    assert driver.find("detail:submit").enabled


def test_the_attract_loop_cycles_its_messages_and_a_touch_ends_it(driver: Driver) -> None:
    app = driver.app
    app.idle.last_touch -= app.idle.attract_seconds + 1
    app.tick()
    assert app.attract.visible
    first, picture = app.attract.line.text, app.attract.picture.texture
    # how to hear the screen, on the loop itself (the voice says it at the touch)
    assert app.attract.gesture.text == i18n._(
        "To hear the screen read aloud, hold a finger still on the screen for {n} "
        "seconds.").format(n=3)
    app.attract.next_message()
    assert app.attract.line.text != first
    assert app.attract.picture.texture is not picture  # each message its own picture
    driver.tap_at(10, 10)
    assert not app.attract.visible and screen(driver) == "home"


def _open_form(driver: Driver, form: str) -> weakref.ref:
    """Open a form in the viewer, wait for its pages; a weak reference to the screen (no
    frame or closure of the test's keeps the screen itself)."""
    driver.tap(form)
    viewer = driver.app.screen
    assert viewer.name == "viewer" and driver.until(lambda: not viewer.viewer.loading)
    assert viewer.viewer.page_total >= 1 and viewer.viewer.message == ""
    return weakref.ref(viewer)


def test_a_viewer_left_is_released_and_built_afresh_on_the_next_visit(driver: Driver) -> None:
    # left, the viewer goes with its widget tree and page textures (in the heap on a
    # software GPU); the next form opened gets a new one that works as the first did
    app = driver.app
    app.go("detail", code="1.001193")
    driver.frames()
    form = next(w.action_id for w in driver.widgets()
                if str(getattr(w, "action_id", "")).startswith("form:"))
    first = _open_form(driver, form)
    driver.tap("viewer:close")
    driver.frames(2)
    assert screen(driver) == "detail"
    assert "viewer" not in app.screens.screen_names
    # nothing holds the old screen, its tree or its pages (a scroll effect's clock event
    # does for a moment: collected once it has run out)
    assert driver.until(lambda: gc.collect() >= 0 and first() is None)
    again = _open_form(driver, form)
    assert again() is not None and again() is app.screen
    driver.tap("viewer:close")
    assert screen(driver) == "detail"
    driver.tap("nav:back")  # the history is as it was: the viewer went, not its caller
    assert screen(driver) == "home"


def test_the_search_words_cache_is_empty_after_a_session(driver: Driver) -> None:
    # the words typed are the last person's: the search's cache of word matches does not
    # keep them for the next one
    app = driver.app
    driver.tap("home:search")
    driver.type("ket hon")
    index = app.services.catalogue.index
    assert index._match.cache_info().currsize > 0
    tidied = app.tidied
    app.reset_session()
    assert driver.until_tidied(tidied)
    assert index._match.cache_info().currsize == 0


def test_home_pictograms_get_their_mipmaps_right_after_the_first_frame(
        driver: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    # mipmaps are made on the CPU by a software renderer (~40 ms for home's eight): the
    # first frame shows the plain pictures, the next ones the mipmapped (drawn small, a
    # picture without them shimmers)
    from kiosk.ui import tile

    monkeypatch.setattr(tile, "_first_frame_drawn", False)  # as in a kiosk just started
    monkeypatch.setattr(tile, "_smooth", {})
    driver.app.screen.refresh()
    tiles = [w for w in driver.widgets() if isinstance(w, tile.PictureTile)]
    assert tiles and not any(t._icon.texture.mipmap for t in tiles)
    driver.frames(3)
    assert all(t._icon.texture.mipmap for t in tiles)
    assert tile.pictogram("browse").mipmap  # and every picture asked for from then on
