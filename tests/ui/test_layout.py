"""Layout checks at the three panel sizes: touch targets a thumb can hit, no text cut off.

The pixel rule (kiosk/ui/theme.py): a touch target is at least 15 mm, 61 px at the
1080p density of a 21.5-inch panel; body text at least 24 px there.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.layout import Layout
from kivy.uix.scrollview import ScrollView
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget
from support.demo_day import DEMO_DAY
from support.driver import Driver
from support.receipt_image import camera_frame, write_video
from support.tour import choose_field

from kiosk import i18n
from kiosk.ui.widgets import BigButton

SIZES = [(1920, 1080), (1080, 1920), (1280, 800)]


def visible(widget: Widget) -> bool:
    """On screen: attached, not transparent, and inside every scrolling viewport.

    A widget pushed above or below the window counts as visible, so that layouts which
    overflow the screen are caught by `problems`."""
    node: Widget | None = widget
    while node is not None and node is not Window:
        if node.opacity == 0 or getattr(node, "disabled_hidden", False):
            return False
        node = node.parent
    if widget.get_root_window() is None or widget.width <= 0 or widget.height <= 0:
        return False
    x, y = widget.to_window(*widget.pos)
    parent = widget.parent
    while parent is not None and parent is not Window:
        if isinstance(parent, ScrollView):
            py = parent.to_window(*parent.pos)[1]
            if y + widget.height <= py or y >= py + parent.height:
                return False
        parent = parent.parent
    return x < Window.width and x + widget.width > 0


def scrolls(widget: Widget) -> bool:
    """Inside a scrolling or clipping view (or the view itself), where being taller than it
    is fine: a ScrollView, or the form viewer's page area, which clips a zoomed page (a page
    opens at the width of a landscape screen, taller than its area)."""
    node: Widget | None = widget
    while node is not None and node is not Window:
        if isinstance(node, ScrollView | StencilView):
            return True
        node = node.parent
    return False


def in_screen(widget: Widget, driver: Driver) -> bool:
    node: Widget | None = widget
    while node is not None and node is not Window:
        if node is driver.app.screens:
            return True
        node = node.parent
    return False


def problems(driver: Driver) -> list[str]:
    theme = driver.app.theme
    screens = driver.app.screens
    screen_bottom = screens.to_window(*screens.pos)[1]
    screen_top = screen_bottom + screens.height
    found = []
    for w in driver.widgets():
        if not visible(w):
            continue
        name = getattr(w, "action_id", "") or type(w).__name__
        wy = w.to_window(*w.pos)[1]
        if not scrolls(w) and (wy + w.height > Window.height + 1 or wy < -1):
            found.append(f"{name} {str(getattr(w, 'text', ''))[:30]!r}: outside the window "
                         f"(y {wy:.0f}..{wy + w.height:.0f})")
        elif not scrolls(w) and in_screen(w, driver) and wy + w.height > screen_top + 1:
            found.append(f"{name} {str(getattr(w, 'text', ''))[:30]!r}: under the top bar "
                         f"(y {wy:.0f}..{wy + w.height:.0f}, the screen ends at "
                         f"{screen_top:.0f})")
        elif not scrolls(w) and in_screen(w, driver) and wy < screen_bottom - 1:
            # portrait: home, back and the switches are in a bar under the screen
            found.append(f"{name} {str(getattr(w, 'text', ''))[:30]!r}: under the bottom "
                         f"bar (y {wy:.0f}..{wy + w.height:.0f}, the screen starts at "
                         f"{screen_bottom:.0f})")
        pressable = isinstance(w, ButtonBehavior) and getattr(w, "action_id", "")
        if pressable and (w.width < theme.touch - 1 or w.height < theme.touch - 1):
            found.append(f"{name}: {w.width:.0f}x{w.height:.0f} px is under the "
                         f"{theme.touch} px touch target")
        if isinstance(w, Label) and w.text and not w.shorten:
            w.texture_update()
            tw, th = w.texture_size
            if tw > w.width + 2 or th > w.height + 2:
                found.append(f"{name} {w.text[:40]!r}: text {tw:.0f}x{th:.0f} px does not fit "
                             f"in {w.width:.0f}x{w.height:.0f} px")
        if isinstance(w, Label) and w.text and not w.shorten and w.text_size[1] is not None:
            # a fixed box (a button's): Kivy drops the lines beyond it without a sign (it
            # always draws the first, so one line a little taller than the box is not cut)
            needed = wrapped_height(w)
            room = max(w.text_size[1], wrapped_height(w, "Ág"))
            if needed > room + 2:
                found.append(f"{name} {w.text[:40]!r}: its lines need {needed:.0f} px, "
                             f"the box holds {room:.0f} px (the rest is cut off)")
        if isinstance(w, GridLayout) and (w.cols or 1) > 1 and w.children and all(
                isinstance(b, BigButton) for b in w.children):
            # a row of buttons is as tall as its tallest: no short button in a tall row
            buttons = list(reversed(w.children))
            for start in range(0, len(buttons), w.cols):
                heights = {round(b.height) for b in buttons[start:start + w.cols]}
                if max(heights) - min(heights) > 1:
                    found.append(f"{buttons[start].action_id}: buttons of one row are "
                                 f"{sorted(heights)} px tall")
        parent = w.parent
        if isinstance(parent, Layout) and not scrolls(w):
            # a part of fixed height (a QR code, a picture) in a box that has less room
            # than it needs draws over its neighbours
            py = parent.to_window(*parent.pos)[1]
            if wy < py - 2 or wy + w.height > py + parent.height + 2:
                found.append(f"{name} {str(getattr(w, 'text', ''))[:30]!r}: runs out of its "
                             f"{type(parent).__name__} (y "
                             f"{wy:.0f}..{wy + w.height:.0f} in "
                             f"{py:.0f}..{py + parent.height:.0f})")
        if isinstance(w, Label) and w.text and w.font_size < min(theme.text_small, 24) - 0.5:
            found.append(f"{name} {w.text[:30]!r}: font {w.font_size} px is too small")
    return found


def wrapped_height(label: Label, text: str | None = None) -> float:
    """How tall a label's text (or `text` in its font) is when wrapped at its width with
    no limit on height."""
    from kivy.core.text import Label as CoreLabel
    from kivy.core.text.markup import MarkupLabel

    kind = MarkupLabel if label.markup else CoreLabel
    whole = kind(text=label.text if text is None else text, font_size=label.font_size,
                 font_name=label.font_name, bold=label.bold, italic=label.italic,
                 halign=label.halign, line_height=label.line_height,
                 text_size=(label.text_size[0], None))
    whole.refresh()
    return float(whole.texture.height if whole.texture is not None else 0)


def home(d: Driver) -> None:
    d.app.home()


def browse(d: Driver) -> None:
    d.app.go("browse")


def search(d: Driver) -> None:
    d.app.go("search")
    d.settle()
    d.type("dang ky khai")


def search_empty(d: Driver) -> None:
    d.app.go("search")


def detail(d: Driver) -> None:
    d.app.go("detail", code="1.001193")


def detail_long(d: Driver) -> None:
    d.app.go("detail", code="2.000815")


def detail_not_online(d: Driver) -> None:
    """Where and when to go instead, with the opening hours (a long line)."""
    d.app.go("detail", code="2.000884")


def viewer(d: Driver) -> None:
    d.app.go("detail", code="1.001193")
    d.settle()
    code = next(w.action_id for w in d.widgets()
                if str(getattr(w, "action_id", "")).startswith("sample:"))
    d.tap(code)
    d.until(lambda: not d.app.screen.viewer.loading)


def help_screen(d: Driver) -> None:
    d.app.go("help")


def handoff(d: Driver) -> None:
    d.app.go("handoff", code="1.001193")


def countdown(d: Driver) -> None:
    d.app.go("help")
    d.settle()
    d.app.countdown.show(15)


def pin_pad(d: Driver) -> None:
    d.app.pin_pad.show()


_TABLE: list[Path] = []


def _camera_on_a_table(d: Driver) -> None:
    """The kiosk's camera sees a table with nothing on it (a video, made once)."""
    if not _TABLE:
        folder = Path(tempfile.mkdtemp(prefix="layout-camera-"))
        _TABLE.append(write_video(folder / "table.avi", [camera_frame(None)] * 30))
    config = d.app.services.config  # the driver fixture puts the config back
    d.app.services.config = dataclasses.replace(
        config, scanner=dataclasses.replace(config.scanner, camera=str(_TABLE[0])))


def scan(d: Driver) -> None:
    """The camera's view, the steps beside it and its advice on what it sees."""
    _camera_on_a_table(d)
    d.app.go("scan")
    d.until(lambda: d.app.screen.hint is not None)


def scan_broken(d: Driver) -> None:
    """No camera: the message in the steps' place."""
    d.app.go("scan")
    d.until(lambda: d.app.screen.broken)


def scan_typing(d: Driver) -> None:
    d.app.go("scan")
    d.settle()
    d.tap("scan:type")
    d.type("000.00.20.H29-2011")


def scan_unknown_code(d: Driver) -> None:
    """A whole code the API does not know: its answer where the message goes."""
    d.app.go("scan")
    d.settle()
    d.tap("scan:type")
    d.type("000.00.20.H29-201117-9999")
    d.tap("scan:submit")
    d.until(lambda: not d.app.screen.busy)


def scan_not_a_code(d: Driver) -> None:
    """A typed text that is no code: the screen says so without asking the API."""
    scan_typing(d)
    d.tap("scan:submit")


def scan_pin(d: Driver) -> None:
    """The digit pad for the ID number, with the message that asked for it."""
    from kiosk import i18n
    from kiosk.status.lookup import OUTCOMES

    d.app.go("scan")
    d.settle()
    d.app.screen.mode = "pin"
    d.app.screen.message = i18n._(OUTCOMES["pin_required"])
    d.app.screen.refresh()


def status(d: Driver) -> None:
    from kiosk.server.catalogue_files import demo_dossiers
    from kiosk.status.words import describe

    dossier = next(x for x, _ in demo_dossiers(DEMO_DAY) if x.status == 5)
    d.app.go("status", view=describe(dossier, DEMO_DAY))


def apply_details(d: Driver) -> None:
    d.app.go("apply", code="1.001193")
    d.settle()
    choose_field(d, "citizen_id")
    d.type("9991")  # a message under the box


def apply_step(step: str) -> Callable[[Driver], None]:
    def show(d: Driver) -> None:
        d.app.go("apply", code="1.001193")
        d.settle()
        d.app.screen.go_step(step)
    show.__name__ = f"apply_{step}"
    return show


def apply_receipt(d: Driver) -> None:
    from kiosk.store.delivery import Delivery

    d.app.go("apply", code="1.001193")
    d.settle()
    d.app.screen.state.delivery = Delivery("k", "K7P-3F9A", "delivered", {
        "dossier_code": "000.00.20.H29-261125-0001", "appointment": "2026-11-28"})
    d.app.screen.go_step("receipt")


def apply_receipt_fee(d: Driver) -> None:
    """The receipt of a dossier that owes a fee: its VietQR panel, scrolled into view."""
    from kiosk.store.delivery import Delivery

    d.app.go("apply", code="1.001193")
    d.frames()
    d.app.screen.state.delivery = Delivery("k", "K7P-3F9B", "delivered", {
        "dossier_code": "000.00.20.H29-261125-0002", "appointment": "2026-11-28",
        "fee": 50000})
    d.app.screen.go_step("receipt")
    d.frames()
    d.scroll_to_end()


def status_fee(d: Driver) -> None:
    """A dossier of this centre's that owes a fee: the VietQR under what to do next."""
    from kiosk.server.catalogue_files import demo_dossiers
    from kiosk.status.words import describe

    agency = d.app.services.config.kiosk.agency
    dossier = next(x for x, _ in demo_dossiers(DEMO_DAY)
                   if x.fee and not x.fee_paid and x.code.startswith(f"{agency}-"))
    d.app.go("status", view=describe(dossier, DEMO_DAY, here_agency=agency))
    d.frames()
    d.scroll_to_end()


def rate(d: Driver) -> None:
    d.app.go("rate", dossier_code="000.00.20.H29-261125-0001")
    d.settle()
    d.tap("rate:overall:2")


def operator(d: Driver) -> None:
    d.app.go("operator")


def operator_staff_calls(d: Driver) -> None:
    from datetime import datetime

    from kiosk.store.staff_calls import StaffCall

    d.app.go("operator")
    d.app.screen.mode = "calls"
    d.app.screen.calls = [StaffCall(7, "ubnd-minh-khai-kiosk-02", "detail", datetime.now(),
                                    True)]
    d.app.screen.refresh()


def queue_areas(d: Driver) -> None:
    d.app.go("queue")
    assert d.until(lambda: d.app.screen.state == "areas", 10)


def queue_ticket(d: Driver) -> None:
    from datetime import datetime

    from kiosk.store.queue_numbers import QueueTicket

    d.app.go("queue")
    d.app.screen.state = "ticket"
    d.app.screen.ticket = QueueTicket(128, "Lao động – Xã hội – Giáo dục – Văn hóa",
                                      ("5", "6"), 14, datetime.now(), "XH")
    d.app.screen.refresh()


def help_staff_called(d: Driver) -> None:
    from datetime import datetime

    d.app.go("help")
    d.app.screen.caller.state = "called"
    d.app.screen.caller.called_at = datetime.now()
    d.app.screen.refresh()


def portal(d: Driver) -> None:
    d.app.go("portal")


def guide_playing(d: Driver) -> None:
    d.app.go("guide", id="portal")


SCREENS: list[Callable[[Driver], None]] = [
    home, browse, search, search_empty, detail, detail_long, detail_not_online, viewer,
    help_screen, handoff, countdown, pin_pad, scan, scan_broken, scan_typing,
    scan_unknown_code, scan_not_a_code, scan_pin, status,
    apply_details, apply_step("case"), apply_step("papers"), apply_step("review"),
    apply_receipt, apply_receipt_fee, status_fee, operator, rate, operator_staff_calls,
    queue_areas, queue_ticket, help_staff_called, portal, guide_playing]


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def sized(request: pytest.FixtureRequest, driver: Driver) -> Driver:
    """The app at one of the panel sizes (the driver fixture puts the size back, hides
    the overlays and lets go of the camera)."""
    Window.size = request.param
    driver.settle()
    assert driver.app.theme.width == request.param[0]
    return driver


@pytest.mark.parametrize("show", SCREENS, ids=lambda f: f.__name__)
def test_touch_targets_and_text_fit(sized: Driver, show: Callable[[Driver], None]) -> None:
    show(sized)
    sized.settle()
    assert problems(sized) == []


@pytest.mark.parametrize("show", SCREENS, ids=lambda f: f.__name__)
def test_touch_targets_and_text_fit_in_large_text(sized: Driver,
                                                  show: Callable[[Driver], None]) -> None:
    """Every screen again with the text at twice its size (the layouts reflow: words
    wrap, columns stack, nothing is cut and no button shrinks)."""
    sized.tap("nav:large_text")
    assert sized.app.theme.large_text
    assert sized.app.theme.text_body == 2 * dataclasses.replace(
        sized.app.theme, large_text=False).text_body
    show(sized)
    sized.settle()
    assert sized.app.theme.large_text  # the screen did not end the visitor's session
    assert problems(sized) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_high_contrast_and_large_text_still_fit(driver: Driver, size: tuple[int, int]
                                                ) -> None:
    Window.size = size
    driver.settle()
    driver.tap("nav:contrast")
    driver.tap("nav:large_text")
    assert driver.app.theme.high_contrast and driver.app.theme.large_text
    for show in (home, browse, detail, search, apply_details, rate):
        show(driver)
        driver.settle()
        assert problems(driver) == [], show.__name__
    driver.app.reset_session()  # a new visitor gets the usual theme back
    assert not driver.app.theme.high_contrast and not driver.app.theme.large_text
    assert not driver.app.session.high_contrast and not driver.app.session.large_text


def test_the_pixel_rule_at_1080p(driver: Driver) -> None:
    Window.size = (1920, 1080)
    driver.settle()
    theme = driver.app.theme
    assert theme.touch == 61 and theme.text_body >= 24


@pytest.fixture
def faulty(driver: Driver) -> Iterator[tuple[BigButton, Label]]:
    """A button too small and a text cut off, over the help screen (taken off after)."""
    driver.app.go("help")
    driver.settle()
    theme = driver.app.theme
    tiny = BigButton("OK", theme, action_id="test:tiny", size_hint=(None, None))
    cramped = Label(text="Đăng ký khai sinh " * 20, size_hint=(None, None), size=(200, 40),
                    font_size=theme.text_body)
    driver.app.root_layout.add_widget(tiny)
    driver.app.root_layout.add_widget(cramped)
    yield tiny, cramped
    driver.app.root_layout.remove_widget(tiny)
    driver.app.root_layout.remove_widget(cramped)


def test_the_checks_catch_a_small_button_and_cut_off_text(
        driver: Driver, faulty: tuple[BigButton, Label]) -> None:
    tiny, cramped = faulty
    theme = driver.app.theme
    driver.settle()
    tiny.size = (theme.touch // 2, theme.touch // 2)
    cramped.pos = (300, 300)
    driver.settle()
    found = " | ".join(problems(driver))
    assert "test:tiny" in found and "touch target" in found
    assert "does not fit" in found
    # a button's words wrapped onto more lines than its height holds: cut, and caught
    tiny.size = (theme.touch * 3, theme.touch)
    tiny.text = "Đăng ký khai sinh " * 4
    driver.settle()
    assert "test:tiny" in " | ".join(p for p in problems(driver) if "the rest is cut" in p)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_top_bar_always_says_offline_and_online_where_it_has_room(
        driver: Driver, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    Window.size = size
    driver.settle()
    app = driver.app
    header = app.header
    connectivity = app.services.connectivity  # its state is put back by the driver fixture
    state = {"online": False}  # what the background check finds, as the test says

    def check() -> bool:
        connectivity.online = state["online"]
        return connectivity.online

    monkeypatch.setattr(connectivity, "check", check)

    def badge() -> str:
        return " ".join(w.text for w in header.status.walk(restrict=True)
                        if isinstance(w, Label) and visible(w))

    check()
    app.tick()  # the top bar follows what the check found
    driver.settle()
    assert badge() == "Mất mạng"
    assert driver.find("home:online").enabled  # the outbox keeps what is sent offline
    shown = next(w for w in header.status.walk(restrict=True) if isinstance(w, Label))
    assert header.status.width == shown.width > 0  # its box holds it: nothing drawn over
    assert problems(driver) == []
    state["online"] = True
    check()
    app.tick()
    driver.settle()
    # the narrow one-row bar keeps its room for the place's name: being online is no news
    assert badge() == ("" if size == (1280, 800) else "Có mạng")
    assert (header.status.width == 0) == (size == (1280, 800))


LONG_PROCEDURE = "1.001978"  # the demo's long real procedure: four cases, long steps


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_long_real_procedure_renders_whole_in_large_text(driver: Driver,
                                                            size: tuple[int, int]) -> None:
    from kiosk.ui.procedure_text import text_pieces

    Window.size = size
    driver.settle()
    driver.tap("nav:large_text")
    driver.app.go("detail", code=LONG_PROCEDURE)
    driver.settle()
    procedure = driver.app.services.catalogue.procedure(LONG_PROCEDURE)
    assert procedure is not None
    assert problems(driver) == []
    labels = [w for w in driver.widgets() if isinstance(w, Label) and w.text]
    shown = "\n".join(w.text for w in labels)  # steps get their number in front
    for text in (*procedure.steps, *procedure.conditions, procedure.channels[0].time_note):
        for piece in text_pieces(text):  # every piece of every section is on the screen
            assert piece in shown, piece[:60]
    for label in labels:  # and drawn: no texture beyond what a small GPU can hold
        label.texture_update()
        assert 0 < label.texture_size[1] <= 4096, label.text[:60]
    driver.scroll_to_end()
    driver.settle()
    assert problems(driver) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_name_in_large_text_leaves_the_screen_to_the_procedure(driver: Driver,
                                                                 size: tuple[int, int]) -> None:
    """At twice the size, the longest name of the demo (150 letters) took six lines, and a
    short one three lines at 1280x800."""
    Window.size = size
    driver.settle()
    driver.tap("nav:large_text")
    for code in (LONG_PROCEDURE, "2.000815"):
        driver.app.go("detail", code=code)
        driver.settle()
        name = driver.app.services.catalogue.procedure(code).name
        [title] = [w for w in driver.widgets() if getattr(w, "text", None) == name]
        # at the title's size: 36% of 1080x1920's screen, 42% of 1920x1080's; as bold
        # body text 11% and 12%, and 34% of 1280x800's (four lines beside the side column)
        assert title.height < driver.app.screens.height * 0.35, (code, title.height)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_tiles_fill_the_screen_with_pictures_most_used_largest(
        driver: Driver, size: tuple[int, int]) -> None:
    from kiosk.ui.screens.home import HOME_TILES
    from kiosk.ui.tile import PictureTile

    Window.size = size
    driver.frames(3)
    home(driver)
    driver.frames(3)
    tiles = {w.action_id: w for w in driver.widgets() if isinstance(w, PictureTile)}
    shown = [f"home:{s.key}" for s in HOME_TILES if s.shown(driver.app.services)]
    assert sorted(tiles) == sorted(shown)
    scroll = driver.app.screen.scroll
    bottom = min(w.to_window(*w.pos)[1] for w in tiles.values())
    top = max(w.to_window(*w.pos)[1] + w.height for w in tiles.values())
    assert top - bottom >= 0.95 * scroll.height  # no half-empty screen
    heaviest = [tiles[f"home:{s.key}"] for s in HOME_TILES if s.weight == 3]
    lightest = [tiles[f"home:{s.key}"] for s in HOME_TILES if s.weight == 1
                and f"home:{s.key}" in tiles]
    assert min(w.width * w.height for w in heaviest) > max(w.width * w.height
                                                            for w in lightest)
    assert problems(driver) == []


PORTRAIT_NAVIGATION = ("nav:home", "nav:back", "nav:large_text", "nav:contrast",
                       "nav:language")


@pytest.mark.parametrize("modes", [(), ("nav:large_text",), ("nav:contrast",),
                                   ("nav:large_text", "nav:contrast")],
                         ids=["usual", "2x", "contrast", "2x-contrast"])
@pytest.mark.parametrize("show", [help_screen, detail, apply_details, scan, viewer],
                         ids=lambda f: f.__name__)
def test_portrait_navigation_stays_in_the_bottom_bar(
        driver: Driver, modes: tuple[str, ...], show: Callable[[Driver], None]) -> None:
    """Portrait: home, back and the switches at the bottom, within reach from a
    wheelchair, at the same size in large text and contrast, never covering the screen."""
    Window.size = (1080, 1920)
    driver.settle()
    for mode in modes:
        driver.tap(mode)
    show(driver)
    driver.settle()
    bar = driver.app.header.bottom
    assert bar.height > 0 and bar.opacity == 1
    screens = driver.app.screens
    assert screens.to_window(*screens.pos)[1] >= bar.to_window(*bar.pos)[1] + bar.height - 1
    usual_touch = driver.app.theme.touch
    for action in PORTRAIT_NAVIGATION:
        button = driver.find(action)
        assert button.to_window(*button.pos)[1] + button.height < Window.height / 8, action
        assert button.height >= usual_touch and button.parent is bar, action
    assert problems(driver) == []


def test_portrait_navigation_is_in_a_bar_at_the_bottom(driver: Driver) -> None:
    Window.size = (1080, 1920)
    driver.frames(3)
    help_screen(driver)
    driver.frames(3)
    for action in PORTRAIT_NAVIGATION:
        button = driver.find(action)
        assert button.to_window(*button.pos)[1] + button.height < Window.height / 8, action
    assert problems(driver) == []
    Window.size = (1920, 1080)  # landscape: the same buttons in the top bar
    driver.frames(3)
    button = driver.find("nav:home")
    assert button.to_window(*button.pos)[1] > Window.height * 0.9
    assert driver.app.header.bottom.height == 0


def test_a_switch_that_is_on_is_lit_and_says_so(driver: Driver) -> None:
    from kiosk import i18n

    Window.size = (1920, 1080)
    driver.frames(2)
    switch = driver.find("nav:large_text")
    assert i18n._("On") not in switch.text
    driver.tap("nav:large_text")
    driver.tap("nav:contrast")
    palette = driver.app.theme.palette
    for action in ("nav:large_text", "nav:contrast"):
        switch = driver.find(action)
        assert switch.text.endswith("\n" + i18n._("On")), action
        assert tuple(switch.fill) == palette.switched_on
    assert problems(driver) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_place_name_is_whole_in_the_top_bar(driver: Driver, size: tuple[int, int]
                                                ) -> None:
    """With home, back and help in the bar (the narrowest it gets), the place's name is not
    cut to "…": it fits on one line, or takes the time's line too."""
    from kivy.core.text import Label as CoreLabel

    Window.size = size
    driver.settle()
    detail(driver)
    driver.settle()
    place = driver.app.header.place
    assert place.text == driver.app.services.config.kiosk.name
    for action in ("nav:home", "nav:back", "nav:help"):
        assert driver.find(action).get_root_window() is not None, action
    one_line = CoreLabel(font_size=place.font_size, bold=True).get_extents(place.text)[0]
    if one_line <= place.width:
        assert place.shorten and driver.app.header.clock.opacity == 1
    else:  # two lines, each within the bar's width, and nothing beyond them
        place.texture_update()
        assert not place.shorten and place.max_lines == 2
        assert place.texture_size[0] <= place.width + 1
        whole = CoreLabel(text=place.text, font_size=place.font_size, bold=True,
                          text_size=(place.width, None))
        whole.refresh()  # every line the name needs, with no limit: all of them drawn
        assert whole.texture.height <= place.texture_size[1] + 1
        assert driver.app.header.clock.opacity == 0
    assert problems(driver) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_box_typed_into_is_whole_above_the_keyboard_in_large_text(
        driver: Driver, size: tuple[int, int]) -> None:
    """Large text: the box the keyboard types into (its label, what was typed and a
    two-line message) is whole between the top bar and the row with "Next", which stays
    above the keyboard; where one box is all that fits, it is shown alone."""
    from kiosk.ui.screens.apply.state import Step

    Window.size = size
    driver.settle()
    driver.tap("nav:large_text")
    apply_details(driver)
    driver.settle()
    view = driver.app.screen.views[Step.DETAILS]
    box, keyboard = view.typed_into, view.keyboard
    shown, said = view.shown["citizen_id"]
    assert shown.text == "9991" and said.text  # the message is under it
    assert shown.parent is box and said.parent is box and visible(said)
    scroll = box.parent
    while not isinstance(scroll, ScrollView):
        scroll = scroll.parent
    bottom = scroll.to_window(*scroll.pos)[1]
    y = box.to_window(*box.pos)[1]
    assert bottom - 1 <= y and y + box.height <= bottom + scroll.height + 1
    next_button = driver.find("apply:next")
    ny = next_button.to_window(*next_button.pos)[1]
    assert bottom >= ny + next_button.height
    assert ny >= keyboard.to_window(*keyboard.pos)[1] + keyboard.height
    assert problems(driver) == []
    if view.alone:  # the arrows reach the other boxes, around and back
        fields = [f.name for f in driver.app.screen.draft.fields]
        for name in fields[2:] + fields[:2]:
            driver.tap("apply:field-after")
            assert driver.app.screen.state.field == name
        driver.tap("apply:field-before")
        assert driver.app.screen.state.field == fields[0]
        assert problems(driver) == []


def apply_details_untouched(d: Driver) -> None:
    d.app.go("apply", code="1.001193")


@pytest.mark.parametrize("show", [apply_details, apply_details_untouched],
                         ids=lambda f: f.__name__)
def test_the_details_boxes_reach_the_buttons_in_portrait(
        driver: Driver, show: Callable[[Driver], None]) -> None:
    """Portrait: the boxes share the height the keyboard leaves (no blank band between
    them and the row with "Next", nor above the title)."""
    from kiosk.ui.screens.apply.details import FieldBox

    Window.size = (1080, 1920)
    driver.settle()
    show(driver)
    driver.settle()
    theme = driver.app.theme
    boxes = [w for w in driver.widgets() if isinstance(w, FieldBox)]
    lowest = min(b.to_window(*b.pos)[1] for b in boxes)
    next_button = driver.find("apply:next")
    top_of_bar = next_button.to_window(*next_button.pos)[1] + next_button.height
    assert lowest - top_of_bar <= 2 * theme.gap
    screens = driver.app.screens
    top = screens.to_window(*screens.pos)[1] + screens.height
    highest = max(w.to_window(*w.pos)[1] + w.height for w in driver.widgets()
                  if isinstance(w, Label) and w.text and in_screen(w, driver))
    assert top - highest <= theme.padding + theme.gap
    assert problems(driver) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_tiles_stay_clear_of_the_scroll_bar_in_large_text(
        driver: Driver, size: tuple[int, int]) -> None:
    from kiosk.ui.tile import PictureTile

    Window.size = size
    driver.settle()
    driver.tap("nav:large_text")
    home(driver)
    driver.settle()
    scroll = driver.app.screen.scroll
    tiles = [w for w in driver.widgets() if isinstance(w, PictureTile)]
    if driver.app.screen.column.height > scroll.height + 1:  # it scrolls: a bar shows
        edge = scroll.to_window(scroll.right - scroll.bar_width, 0)[0]
        for tile in tiles:
            assert tile.to_window(tile.right, 0)[0] <= edge + 1, tile.action_id
    assert problems(driver) == []


def test_a_dossier_without_its_procedure_name_shows_the_name_from_the_catalogue(
        driver: Driver) -> None:
    """The office sent only the procedure's code: the title is the procedure's name from
    the kiosk's catalogue; the code is on a small line of its own."""
    from kiosk.server.catalogue_files import demo_dossiers
    from kiosk.status.words import describe

    dossier = next(x for x, _ in demo_dossiers(DEMO_DAY) if x.status == 5)
    assert not dossier.procedure_name  # as the office sent it: a code only
    driver.app.go("status", view=describe(dossier, DEMO_DAY))
    driver.settle()
    procedure = driver.app.services.catalogue.procedure(dossier.procedure_code)
    assert procedure is not None
    texts = [w for w in driver.widgets() if isinstance(w, Label) and w.text
             and in_screen(w, driver)]
    title = next(w for w in texts if w.text == procedure.name)
    assert title.font_size == driver.app.theme.text_heading
    code = next(w for w in texts if dossier.procedure_code in w.text)
    assert code.font_size < title.font_size and code is not title
    assert problems(driver) == []


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_scan_steps_are_all_in_view_in_large_text(driver: Driver,
                                                       size: tuple[int, int]) -> None:
    """Large text on a landscape screen: the steps beside the receipt's picture are read
    whole, not through a scrolling slit."""
    from kiosk import i18n
    from kiosk.ui.screens.scan import SHORT_STEPS

    Window.size = size
    driver.settle()
    driver.tap("nav:large_text")
    scan(driver)
    driver.settle()
    labels = {w.text: w for w in driver.widgets() if isinstance(w, Label) and w.text}
    for step in SHORT_STEPS:
        label = labels[i18n._(step)]
        assert visible(label) and not scrolls(label), step
    assert not any(isinstance(w, ScrollView) for w in driver.widgets()
                   if in_screen(w, driver))
    assert problems(driver) == []


def test_the_question_about_a_name_takes_the_keyboards_place_where_one_box_fits(
        driver: Driver) -> None:
    """Large text at 1280x800: the box alone, and the question about a name typed without
    marks where the keyboard was (it is answered by a button); both whole on screen."""
    from kiosk.ui.screens.apply.state import Step

    Window.size = (1280, 800)
    driver.settle()
    driver.tap("nav:large_text")
    driver.app.go("apply", code="1.001193")
    driver.settle()
    choose_field(driver, "full_name")
    driver.type("NGUYEN THI HOA")
    screen = driver.app.screen
    screen.state.name_question = "asking"  # as "Next" asks once every box is right
    screen.refresh()
    driver.settle()
    view = screen.views[Step.DETAILS]
    assert view.alone and view.keyboard.parent is None
    for action in ("apply:name-fix", "apply:name-plain"):
        button = driver.find(action)
        y = button.to_window(*button.pos)[1]
        assert y >= 0 and visible(button), action
    assert problems(driver) == []
    driver.tap("apply:name-fix")  # back to the name, with the keyboard
    assert screen.state.field == "full_name" and view.keyboard.parent is not None


def test_the_status_buttons_are_at_the_foot_in_portrait(driver: Driver) -> None:
    """Portrait: "Done" and "Rate" sit just above the bottom bar, not in the middle of a
    half-blank screen under a short text."""
    Window.size = (1080, 1920)
    driver.settle()
    status(driver)
    driver.settle()
    done = driver.find("status:done")
    screens = driver.app.screens
    bottom = screens.to_window(*screens.pos)[1]
    assert done.to_window(*done.pos)[1] - bottom <= driver.app.theme.padding + 1
    assert not scrolls(done) and problems(driver) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_english_at_large_text_still_fits(driver: Driver, size: tuple[int, int]) -> None:
    """English words run longer than Vietnamese ones: the screens with the most words of
    the kiosk's own, in English at 2x (the QR's caption once took three lines there and
    ran into the code)."""
    Window.size = size
    driver.settle()
    driver.tap("nav:language")
    driver.tap("nav:large_text")
    assert i18n.language() == "en" and driver.app.theme.large_text
    for show in (home, detail, scan, status, help_screen, apply_details):
        show(driver)
        driver.settle()
        assert problems(driver) == [], show.__name__


def test_the_scan_steps_are_in_full_where_they_fit(driver: Driver) -> None:
    """Beside the camera the three steps in full; in fewer words only where the full
    ones do not fit (1280x800, under the camera's advice)."""
    from kiosk.ui.screens.scan import SHORT_STEPS

    full = i18n._("3. Keep it still for a moment. The kiosk reads it by itself.")
    for size, whole in (((1920, 1080), True), ((1280, 800), False), ((1920, 1080), True)):
        Window.size = size
        driver.settle()
        scan(driver)
        driver.settle()
        shown = [str(getattr(w, "text", "")) for w in driver.widgets()]
        assert (full in shown) == whole, size
        assert (i18n._(SHORT_STEPS[1]) in shown) != whole, size
        assert problems(driver) == []
        driver.app.home()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_message_on_the_code_screen_moves_no_key_and_keeps_to_its_language(
        driver: Driver, size: tuple[int, int]) -> None:
    """The answer to "Look it up" appears without moving the pad under the finger (at 2x
    on 1280x800 it takes the question's line), and goes when the language changes."""
    Window.size = size
    driver.settle()
    driver.tap("nav:large_text")
    scan_typing(driver)
    driver.settle()

    def where(action_id: str) -> tuple[float, float]:
        widget = driver.find(action_id)
        return widget.to_window(*widget.pos)

    keys = {key: where(key) for key in ("key:1", "key:z", "scan:submit")}
    driver.tap("scan:submit")
    driver.settle()
    scan = driver.app.screen
    said = scan.note.text
    assert said.startswith("Đây không phải mã hồ sơ.")
    assert {key: where(key) for key in keys} == keys
    assert problems(driver) == []
    driver.tap("nav:language")
    driver.settle()
    assert said not in [str(getattr(w, "text", "")) for w in driver.widgets()]
