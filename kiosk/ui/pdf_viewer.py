"""A full-screen viewer for a form PDF: one page at a time, zoom by pinch, tap or button.

Many people at the counter are elderly: every action has a big button (pinching and
double-tapping are extras), pages open fitted whole, and a page can never be dragged out of
sight. Zoom 1 is "the whole page fits"; the page can be enlarged up to `ZOOM_MAX` times.
All pages are rendered once per `open()` (at about twice their fitted size, so that 2× zoom
stays sharp) and kept as textures until `close()`.

The pages are drawn by the renderer process (kiosk/ui/pdf_renderer.py), waited for on a
thread of the viewer's own and handed to the UI thread with Kivy's Clock: a hostile PDF
costs the worker its limits, never a frame of the screen. Each page appears as soon as it
is drawn. A PDF (or a page) that cannot be shown puts its reason on screen in big text;
nothing raises into the app.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.graphics.transformation import Matrix
from kivy.input.motionevent import MotionEvent
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scatter import Scatter
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from kiosk.i18n import N_, _
from kiosk.ui.pdf_pages import CANNOT_SHOW, PageImage, PdfError
from kiosk.ui.pdf_renderer import Cancelled, PdfRenderer
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Badge, BigButton, Surface, Text

log = logging.getLogger(__name__)

ZOOM_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0)  # what the zoom buttons step through
ZOOM_MAX = ZOOM_STEPS[-1]
DOUBLE_TAP_ZOOM = 2.0
OVERSAMPLE = 2  # render at twice the screen's size: 2× zoom stays sharp, 4× acceptable
EPSILON = 1e-3  # zoom levels closer than this are the same level
OPENING = N_("Opening the form…")
# A form's first page is usually drawn within a few frames: saying "Opening" at once would
# only flicker. Past this, the person is told why the page is still empty.
OPENING_NOTICE_SECONDS = 0.3
WAIT_SLICE = 0.1  # how often the drawing thread, waiting for the UI, looks for a stop


def zoom_step(zoom: float, direction: int) -> float:
    """The next zoom level up (direction > 0) or down from `zoom`, within 1…ZOOM_MAX."""
    if direction > 0:
        return next((z for z in ZOOM_STEPS if z > zoom + EPSILON), ZOOM_MAX)
    return next((z for z in reversed(ZOOM_STEPS) if z < zoom - EPSILON), 1.0)


def keep_covering(start: float, length: float, area_start: float, area_length: float) -> float:
    """Where a page edge may be along one axis: centred when the page is shorter than the
    area, else no further in than the area's edges (so some page always fills the area)."""
    if length <= area_length:
        return area_start + (area_length - length) / 2
    return min(area_start, max(area_start + area_length - length, start))


def opening_zoom(page: tuple[float, float], room: tuple[float, float]) -> float:
    """The zoom a page opens at: 1 (whole page) in a tall area; in a wide one, the page's
    width fills the area's (a portrait form shown whole in landscape is too small to
    read), within `ZOOM_MAX`. The person drags down to read on, or zooms out to 1."""
    (page_w, page_h), (room_w, room_h) = page, room
    if room_w <= room_h or page_w <= 0 or page_h <= 0:
        return 1.0
    whole = min(room_w / page_w, room_h / page_h)
    return max(1.0, min(room_w / page_w / whole, ZOOM_MAX))


def choose_layout(widths: list[float], room: tuple[float, float], button_height: float,
                  gap: float, aspect: float) -> str:
    """Where the six buttons go in a `room` (width, height) below the title.

    "row": one row below, when they fit side by side. Otherwise "rows" (three above three)
    below, or "column" on the right when that shows a page of height/width `aspect` larger
    (wide, short screens, where two rows would leave a thumbnail).
    """
    room_w, room_h = room
    if sum(widths) + (len(widths) - 1) * gap <= room_w:
        return "row"

    def page_width(w: float, h: float) -> float:
        return max(min(w, h / aspect), 0)

    below = page_width(room_w, room_h - 2 * (button_height + gap))
    column_h = len(widths) * button_height + (len(widths) - 1) * gap
    side = (page_width(room_w - max(widths) - gap, room_h) if column_h <= room_h else 0)
    return "column" if side > below else "rows"


def page_texture(page: PageImage) -> Texture:
    """A GPU texture of the page, upright (PDF rows run top-down, GL rows bottom-up)."""
    texture = Texture.create(size=(page.width, page.height), colorfmt="rgba",
                             bufferfmt="ubyte")
    texture.blit_buffer(page.rgba, colorfmt="rgba", bufferfmt="ubyte")
    texture.flip_vertical()
    return texture


class _Page(Widget):
    """The page image with a thin outline, so a white page stands out on a light screen."""

    def __init__(self, theme: Theme, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._edge = max(1, theme.mm(0.3))
        with self.canvas:
            Color(*theme.palette.muted)
            self._outline = Rectangle()
            Color(1, 1, 1, 1)
            self._image = Rectangle()
        self.bind(pos=self._redraw, size=self._redraw)

    def show(self, texture: Texture | None) -> None:
        self._image.texture = texture
        self.opacity = 1 if texture is not None else 0

    def _redraw(self, *_args: Any) -> None:
        e = self._edge
        self._outline.pos = (self.x - e, self.y - e)
        self._outline.size = (self.width + 2 * e, self.height + 2 * e)
        self._image.pos, self._image.size = self.pos, self.size


class _PageScatter(Scatter):
    """Pinch to zoom and drag to pan, anywhere in the page area (not only on the page)."""

    def __init__(self, viewer: PdfViewer, **kwargs: Any) -> None:
        super().__init__(do_rotation=False, scale_min=1.0, scale_max=ZOOM_MAX,
                         auto_bring_to_front=False, **kwargs)
        self._viewer = viewer

    def collide_point(self, x: float, y: float) -> bool:
        # A finger beside a fitted page should still start a pinch; the area is the target.
        return self.parent is not None and bool(self.parent.collide_point(x, y))

    def on_touch_down(self, touch: MotionEvent) -> bool:
        if not self.collide_point(*touch.pos) or touch.is_mouse_scrolling:
            return False
        if touch.is_double_tap:
            self._viewer.toggle_zoom(touch.pos)
            return True
        return bool(super().on_touch_down(touch))

    def on_transform_with_touch(self, touch: MotionEvent) -> None:
        self._viewer.keep_page_in_view()


class _PageArea(StencilView):
    """Clips the zoomed page to the space between the title and the buttons."""

    def __init__(self, theme: Theme, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(*theme.palette.divider)
            self._fill = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_args: Any) -> None:
        self._fill.pos, self._fill.size = self.pos, self.size


class _Job(threading.Event):
    """One `open()`: set when the viewer no longer wants its pages."""

    def __init__(self) -> None:
        super().__init__()
        # At most one drawn page waits for the UI thread: a page is tens of MB of pixels.
        self.room = threading.Semaphore(1)
        self.done = False


class PdfViewer(Surface):
    """Shows a PDF page by page; `on_close` runs when the person presses Close. The pages
    are drawn by `renderer`."""

    def __init__(self, theme: Theme, on_close: Callable[[], None], renderer: PdfRenderer,
                 **kwargs: Any) -> None:
        p = theme.palette
        super().__init__(orientation="vertical", background=p.background, **kwargs)
        self.theme = theme
        self._on_close = on_close
        self._renderer = renderer
        # One slot per page to show: its texture, or None until it is drawn.
        self._slots: list[Texture | None] = []
        self._index = 0
        self._failed: int | None = None  # the page that could not be shown (later ones go)
        self._reason = ""  # why, as a message id
        self._job: _Job | None = None
        self._waited = False  # the job has taken long enough to say "Opening the form…"
        self.path: Path | None = None

        # the heading size is too much at twice the size: the height is the page's
        self._title = Text("", size=theme.text_body if theme.large_text else theme.text_heading,
                           color=p.header_text, bold=True)
        self._title_bar = Surface(orientation="vertical", background=p.header,
                                  size_hint_y=None, padding=(theme.padding, theme.gap))
        self._title_bar.add_widget(self._title)
        self._title.bind(height=self._fit_title_bar)
        self.add_widget(self._title_bar)

        self._body = body = BoxLayout(orientation="vertical", padding=theme.gap,
                                      spacing=theme.gap)
        self._area = _PageArea(theme)
        self._scatter = _PageScatter(self)
        self._page = _Page(theme)
        self._scatter.add_widget(self._page)
        self._scatter.bind(size=self._page.setter("size"))
        self._area.add_widget(self._scatter)
        self._notice = Text("", size=theme.text_heading, color=p.text, bold=True,
                            halign="center")
        self._area.add_widget(self._notice)
        # said while a zoomed page is cropped: the rest is there, a drag away
        self._drag_hint = Badge("", theme, p.header, p.header_text)
        self._area.add_widget(self._drag_hint)
        self._drag_hint.bind(size=self._place_notice)
        self._area.bind(pos=self._layout_area, size=self._layout_area)
        self._notice.bind(height=self._place_notice)
        body.add_widget(self._area)

        self._prev = BigButton("", theme, self.previous_page, action_id="viewer:prev")
        self._next = BigButton("", theme, self.next_page, action_id="viewer:next")
        # Primary, not secondary: the pale secondary fill is hard to tell from a disabled
        # button, and "cannot zoom out further" must be visible at a glance.
        self._zoom_out = BigButton("", theme, self.zoom_out, action_id="viewer:zoom_out")
        self._zoom_in = BigButton("", theme, self.zoom_in, action_id="viewer:zoom_in")
        # neutral: closing a form is no warning
        self._close = BigButton("", theme, self.close, kind="secondary",
                                action_id="viewer:close")
        self._counter = Label(font_size=theme.text_body, bold=True, color=p.text,
                              halign="center", valign="middle")
        self._counter.bind(size=self._counter.setter("text_size"))
        self._bar = BoxLayout(orientation="vertical", size_hint_y=None, spacing=theme.gap)
        self._layout = ""
        body.add_widget(self._bar)
        self.add_widget(body)
        self.bind(size=self._arrange_buttons)
        self._title_bar.bind(height=self._arrange_buttons)

        self.refresh_texts()
        self._show()

    # --- what tests and the app read ------------------------------------------------

    @property
    def page_index(self) -> int:
        """The page shown, counting from 0 (0 when there is none)."""
        return self._index

    @property
    def page_total(self) -> int:
        """How many pages there are to show, drawn or not yet (0 while nothing is open or
        after the first page failed); a page that failed is the last one."""
        return len(self._slots)

    @property
    def loading(self) -> bool:
        """Pages are still being drawn (or the document opened)."""
        return self._job is not None and not self._job.done

    @property
    def zoom(self) -> float:
        """1 when the whole page fits; up to `ZOOM_MAX`."""
        return float(self._scatter.scale) if self._texture() is not None else 1.0

    @property
    def message(self) -> str:
        """What is shown instead of the page ("Opening the form…", or why it cannot be
        shown), or ""."""
        if self._texture() is not None:
            return ""
        if self._failed is not None and (not self._slots or self._index == self._failed):
            return _(self._reason)
        return _(OPENING) if self.loading and self._waited else ""

    @property
    def title(self) -> str:
        return str(self._title.text)

    # --- actions ----------------------------------------------------------------------

    def open(self, path: str | Path, title: str) -> None:
        """Start drawing the PDF; its first page shows, fitted, as soon as it is drawn (or,
        if it cannot be shown, why). Returns at once."""
        self._release()
        self.path = Path(path)
        self._title.text = title
        t = self.theme
        self._job = job = _Job()
        # The box is the whole screen: the page area is smaller, so the page is at least
        # OVERSAMPLE times its fitted size, within the caps of pdf_pages.
        threading.Thread(target=self._draw, name="pdf-pages", daemon=True,
                         args=(job, self.path, t.width * OVERSAMPLE,
                               t.height * OVERSAMPLE)).start()
        Clock.schedule_once(partial(self._waiting, job), OPENING_NOTICE_SECONDS)
        self._show()

    def close(self) -> None:
        """Free the page textures and hand control back to the app."""
        self.release()
        self._on_close()

    def release(self) -> None:
        """Free the page textures without handing control back (the viewer is left)."""
        self._release()
        self._show()

    def show_page(self, index: int) -> None:
        if self._slots:
            self._index = max(0, min(index, len(self._slots) - 1))
        self._show()

    def next_page(self) -> None:
        self.show_page(self._index + 1)

    def previous_page(self) -> None:
        self.show_page(self._index - 1)

    def zoom_in(self) -> None:
        self.set_zoom(zoom_step(self.zoom, +1))

    def zoom_out(self) -> None:
        self.set_zoom(zoom_step(self.zoom, -1))

    def toggle_zoom(self, at: tuple[float, float] | None = None) -> None:
        """Double tap: enlarge around the finger, or back to the whole page."""
        self.set_zoom(DOUBLE_TAP_ZOOM if self.zoom < 1 + EPSILON else 1.0, at)

    def set_zoom(self, zoom: float, at: tuple[float, float] | None = None) -> None:
        """Zoom so that the point `at` stays put (default: the middle of the page area,
        or the top of the page when it is whole)."""
        if self._texture() is None:
            return
        zoom = max(1.0, min(zoom, ZOOM_MAX))
        factor = zoom / self._scatter.scale
        if at is not None:
            anchor = at
        elif self.zoom < 1 + EPSILON:
            # From the whole page, enlarge around its top edge: reading starts at the top,
            # and someone who cannot drag still gets the beginning of the form.
            anchor = (self._scatter.center_x, self._scatter.top)
        else:
            anchor = self._area.center
        self._scatter.apply_transform(Matrix().scale(factor, factor, factor), anchor=anchor)
        self.keep_page_in_view()

    def keep_page_in_view(self) -> None:
        """Centre the page along a side where it is smaller than the area; elsewhere let
        it cover the area edge to edge, so no drag can lose it."""
        area, scatter = self._area, self._scatter
        (x, y), (w, h) = scatter.bbox
        x = keep_covering(x, w, area.x, area.width)
        y = keep_covering(y, h, area.y, area.height)
        if abs(x - scatter.x) > EPSILON or abs(y - scatter.y) > EPSILON:
            scatter.pos = (x, y)
        self._update_buttons()

    def refresh_texts(self) -> None:
        """Labels in the current language (call after the language changes)."""
        if self.theme.large_text:
            # twice the size: the signs alone, as big as a thumb needs; the words at this
            # size made a column as wide as a third of the page (the page is what is read)
            self._prev.text, self._next.text = "‹", "›"
            self._zoom_out.text, self._zoom_in.text = "−", "+"
        else:
            self._prev.text = "‹ " + _("Previous page")
            self._next.text = _("Next page") + " ›"
            self._zoom_in.text = _("Zoom in") + " +"
            self._zoom_out.text = _("Zoom out") + " −"
        self._close.text = _("Close")
        self._drag_hint.text = _("Drag the page to see the rest")
        self._update_buttons()
        self._layout = ""
        self._arrange_buttons()

    # --- drawing (on the job's own thread: no widget is touched there) ---------------------

    def _draw(self, job: _Job, path: Path, width: int, height: int) -> None:
        index, reason = 0, None
        try:
            with self._renderer.open(path, width, height_px=height, stop=job) as pages:
                self._to_ui(job, self._counted, pages.count)
                for index in range(pages.count):
                    while not job.room.acquire(timeout=WAIT_SLICE):
                        if job.is_set():
                            return
                    self._to_ui(job, self._drawn, index, pages.render(index))
        except Cancelled:
            return
        except PdfError as error:
            log.warning("cannot show %s: %s", path, error)
            reason = error.reason
        except Exception:  # never let one bad form take the kiosk down
            log.exception("cannot show %s", path)
            reason = CANNOT_SHOW
        self._to_ui(job, self._finished, index, reason)

    def _to_ui(self, job: _Job, step: Callable[..., None], *args: Any) -> None:
        """Run `step(*args)` on the UI thread, unless the viewer has moved on by then."""
        def run(_dt: float) -> None:
            if job is self._job and not job.is_set():
                step(*args)
        Clock.schedule_once(run)

    def _waiting(self, job: _Job, _dt: float) -> None:
        if job is self._job and not job.done:
            self._waited = True
            self._notice_message()

    def _counted(self, count: int) -> None:
        self._slots = [None] * count
        self._show()

    def _drawn(self, index: int, page: PageImage) -> None:
        assert self._job is not None
        self._slots[index] = page_texture(page)
        self._job.room.release()
        if index == 0:
            self._arrange_buttons()  # the best place for the buttons depends on its shape
        if index == self._index:
            self._show()
        else:  # a later page: the one on screen stays as the person has zoomed it
            self._update_buttons()

    def _finished(self, index: int, reason: str | None) -> None:
        assert self._job is not None
        self._job.done = True
        shown = self._texture()
        if reason is not None:
            self._failed, self._reason = index, reason
            # Pages drawn before the failure stay; those after it are not tried (a form
            # with a page too costly to draw is not worth the next one's wait).
            self._slots = self._slots[:index + 1] if index > 0 else []
            self._index = min(self._index, max(len(self._slots) - 1, 0))
        if shown is not None and self._texture() is shown:
            self._update_buttons()  # the page on screen stays, zoomed as it is
        else:
            self._show()

    # --- inside -----------------------------------------------------------------------

    def _texture(self) -> Texture | None:
        """The texture of the page shown, if it is drawn."""
        return self._slots[self._index] if self._index < len(self._slots) else None

    def _release(self) -> None:
        if self._job is not None:
            self._job.set()  # its thread stops, and the worker if it is busy with it
            self._job = None
        self._waited = False
        self._slots = []  # Kivy frees the GL textures once nothing refers to them
        self._index = 0
        self._failed, self._reason = None, ""
        self._page.show(None)

    def _show(self) -> None:
        self._page.show(self._texture())
        self._notice_message()
        self._layout_area()

    def _notice_message(self) -> None:
        message = self.message
        self._notice.text = message
        self._notice.opacity = 1 if message else 0

    def _place_notice(self, *_args: Any) -> None:
        self._notice.width = max(self._area.width - 2 * self.theme.padding, 1)
        self._notice.center = self._area.center
        self._drag_hint.center_x = self._area.center_x
        self._drag_hint.y = self._area.y + self.theme.gap

    def _layout_area(self, *_args: Any) -> None:
        """Fit the page whole in the area, centred, at zoom 1."""
        self._place_notice()
        area, scatter = self._area, self._scatter
        scatter.transform = Matrix()
        texture = self._texture()
        if texture is not None:
            room_w = max(area.width - 2 * self.theme.gap, 1)
            room_h = max(area.height - 2 * self.theme.gap, 1)
            fit = min(room_w / texture.width, room_h / texture.height)
            scatter.size = (texture.width * fit, texture.height * fit)
        scatter.pos = (area.center_x - scatter.width / 2, area.center_y - scatter.height / 2)
        self._update_buttons()
        if texture is not None:
            zoom = opening_zoom(scatter.size, (area.width, area.height))
            if zoom > 1 + EPSILON:
                self.set_zoom(zoom)

    def _update_buttons(self) -> None:
        total, zoom, drawn = len(self._slots), self.zoom, self._texture() is not None
        self._prev.enabled = total > 0 and self._index > 0
        self._next.enabled = self._index < total - 1
        self._zoom_in.enabled = drawn and zoom < ZOOM_MAX - EPSILON
        self._zoom_out.enabled = drawn and zoom > 1 + EPSILON
        self._counter.text = (self._page_of().format(n=self._index + 1, total=total)
                              if total else "")
        # Without a page only Close means anything; grey buttons that never work would
        # only make people try them.
        for widget in (self._prev, self._next, self._zoom_in, self._zoom_out):
            widget.opacity = 1 if total else 0
        self._drag_hint.opacity = 1 if drawn and zoom > 1 + EPSILON else 0

    def _page_of(self) -> str:
        """"Page n / total"; "n/total" in large text, as short as the signs beside it."""
        return "{n}/{total}" if self.theme.large_text else _("Page {n} / {total}")

    def _fit_title_bar(self, *_args: Any) -> None:
        self._title_bar.height = self._title.height + 2 * self.theme.gap

    def _natural_width(self, widget: Label, sample: str | None = None) -> float:
        """How wide the widget must be for its label on one line, with the button padding."""
        text = sample if sample is not None else str(widget.text)
        core = CoreLabel(font_size=widget.font_size, bold=True, font_name=widget.font_name)
        # BigButton pads its text by 3 mm; 5 mm a side keeps labels off the rounded edges.
        return max(core.get_extents(text)[0] + 2 * self.theme.mm(5), self.theme.touch)

    @property
    def button_layout(self) -> str:
        """Where the buttons are: "row" (one row below), "rows" (two), or "column" (right)."""
        return self._layout

    def _arrange_buttons(self, *_args: Any) -> None:
        t = self.theme
        navigation = (self._prev, self._counter, self._next)
        tools = (self._zoom_out, self._zoom_in, self._close)
        # The counter is sized for a two-digit page total, so it never changes the layout.
        counter = self._page_of().format(n=88, total=88)
        widths: dict[Widget, float] = {w: self._natural_width(w) for w in navigation + tools
                                       if w is not self._counter}
        widths[self._counter] = self._natural_width(self._counter, counter)
        room = (self.width - 2 * t.gap, self.height - self._title_bar.height - 2 * t.gap)
        texture = self._slots[0] if self._slots else None
        aspect = texture.height / texture.width if texture else 2 ** 0.5  # A4 until known
        layout = choose_layout(list(widths.values()), room, self._prev.height, t.gap, aspect)
        if layout == self._layout:
            return
        self._layout = layout
        height = self._prev.height
        bar = self._bar
        bar.clear_widgets()
        for widget in navigation + tools:
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
        if layout == "column":
            self._body.orientation = "horizontal"
            bar.size_hint = (None, 1)
            bar.width = max(widths.values())
            # Near the bottom of the screen, where a standing person's hand already is.
            for widget in (Widget(), *navigation, *tools):
                if widget in widths:
                    widget.size_hint = (1, None)
                    widget.height = height
                bar.add_widget(widget)
            return
        self._body.orientation = "vertical"
        rows = (navigation + tools,) if layout == "row" else (navigation, tools)
        bar.size_hint = (1, None)
        bar.height = len(rows) * height + (len(rows) - 1) * t.gap
        for row in rows:
            box = BoxLayout(spacing=t.gap, size_hint_y=None, height=height)
            for widget in row:
                # Extra width is shared in proportion to need, so no label gets squeezed.
                widget.size_hint = (widths[widget], 1)
                box.add_widget(widget)
            bar.add_widget(box)
