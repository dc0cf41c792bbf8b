"""Check my dossier: hold the receipt's QR code to the camera, or type the code.

The camera worker reads and decodes frames in its own thread; this screen only shows the
newest frame (a live preview with a framing guide) and reacts to what the worker found.
The look-up runs in a thread too, so the screen never freezes while the network answers.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import numpy as np
from kivy.clock import Clock, ClockEvent
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.widget import Widget

from kiosk.assets import ASSETS
from kiosk.i18n import N_, _, language
from kiosk.scanner.framing import Hint, look
from kiosk.scanner.receipt import NOT_RECEIPT, read_receipt, read_receipts
from kiosk.status.lookup import OUTCOMES, Lookup, look_up, look_up_reference
from kiosk.status.words import describe
from kiosk.submission.reference import normalise_reference
from kiosk.ui.camera_arrow import camera_arrow
from kiosk.ui.camera_feed import CameraFeed, preview_image
from kiosk.ui.code_pad import CodePad
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BigButton, Frame, Surface, Text, typed_box

RECEIPT_PICTURE = ASSETS / "scan" / "receipt.png"  # drawn by scripts/draw_receipt_illustration.py
ADVICE_SECONDS = 0.3  # how often the frames are looked at for advice
HINTS: dict[Hint | None, str] = {
    None: N_("Starting the camera…"),
    Hint.DARK: N_("Too dark: hold the paper where there is more light."),
    Hint.MOVING: N_("Hold still for a moment."),
    Hint.NOTHING: N_("Show the QR code (1) or the barcode (2) to the camera."),
    Hint.FAR: N_("Bring it closer: about a hand's width from the camera."),
    Hint.GOOD: N_("Good: hold it there, the kiosk is reading it…"),
}
FOUND = N_("Code found.")
# large text on a landscape screen: the steps in fewer words, and "nothing seen yet" as
# news rather than the first step again (both fit beside the camera at twice the size)
SHORT_STEPS = (N_("Hold the code (1) or (2) in the green square."),
               N_("Keep it still: the kiosk reads it."))
SHORT_NOTHING = N_("No code seen yet.")

# wrong PINs or ID numbers one person may type in a session before being sent to the
# counter; fewer than the central API allows a kiosk per dossier (5 in 15 minutes), so one
# person's mistakes leave the next person at this kiosk some tries
SESSION_ATTEMPTS = 3
ID_DIGITS = 12


class ScanScreen(KioskScreen):
    """Modes: "camera" (scan the QR or barcode), "code" (type it), "pin" (a digit pad for
    the applicant's ID number, số định danh cá nhân, or the receipt's lookup PIN)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.worker: Any = None
        self.mode = "camera"
        self.code = ""
        self.reference = ""  # the kiosk's own slip, for a submission that waited to be sent
        self.typed = ""
        self.message = ""
        self.message_language = ""  # the language `message` was said in
        self.busy = False
        # the ID number from the portal's QR (personal data: only for this session)
        self.citizen_id = ""
        self.failures = 0  # wrong PINs and ID numbers in this session
        self.broken = False  # the camera does not work: its message stays
        self.hint: Hint | None = None  # the latest advice from the frames
        self._previous: np.ndarray | None = None  # the last frame looked at, shrunk
        self._advice: ClockEvent | None = None

    def open(self, **params: Any) -> None:
        super().open(**params)
        self._clear()

    def reset(self) -> None:
        super().reset()
        self.stop_camera()
        self._clear()
        self.failures = 0  # a new person

    def _clear(self) -> None:
        self.mode, self.code, self.reference, self.typed = "camera", "", "", ""
        self.message, self.busy, self.citizen_id = "", False, ""

    def on_leave(self, *_: Any) -> None:
        self.stop_camera()

    # --- building ------------------------------------------------------------------------

    def refresh(self) -> None:
        t = self.theme
        page = self.backdrop("vertical")
        # the keyboard needs the room when typing, and the guide in large text on a short
        # screen (the home tile said where the person is going)
        if self.mode == "camera" and not t.cramped:
            page.add_widget(Text(_("Check my dossier"), size=t.text_title,
                                 color=t.palette.text, bold=True))
        if self.message_language != language():
            self.message = ""  # said in the language just left
        self.message_language = language()
        self.note = Text(self.message, size=t.text_body, color=t.palette.accent)
        if self.mode == "camera":
            self._camera_view(page)
        else:
            self._typing_view(page)
        if self.note.parent is None:
            page.add_widget(self.note)
        if self.mode != "camera" and not (self.mode == "code" and t.cramped):
            page.add_widget(Widget())  # the spare height goes below, not above the field
        if self.mode == "camera":
            self.start_camera()
        else:
            self.stop_camera()

    def _camera_view(self, page: Surface) -> None:
        t = self.theme
        position = self.services.config.scanner.camera_position
        arrow = camera_arrow(t, position)
        if arrow is not None and position == "top":
            page.add_widget(arrow)
        body = BoxLayout(orientation="vertical" if t.portrait else "horizontal", spacing=t.gap)
        if arrow is not None and position == "left":
            body.add_widget(arrow)
        stage = FloatLayout()
        self.preview = preview_image(size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        stage.add_widget(self.preview)
        guide = AnchorLayout(size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        side = min(t.width, t.height) * (0.25 if t.portrait else 0.3)
        self.target = Frame(t.palette.online, width=max(3, t.mm(1.2)), size_hint=(None, None),
                            size=(side, side))
        guide.add_widget(self.target)
        stage.add_widget(guide)
        body.add_widget(stage)
        if t.portrait:  # as tall as the camera's picture, the rest for the guide
            self._fit_stage(stage, body)
        # the words at twice the size get the wider share of a landscape screen
        help_box = BoxLayout(orientation="vertical", spacing=t.gap, size_hint=(
            (1, 1) if t.portrait else (1.2, 1) if t.large_text else (0.5, 1)))
        lines: tuple[str, ...] = (
            _("1. Find the QR code (1) or the barcode (2) on your receipt (giấy hẹn trả kết "
              "quả)."),
            _("2. Hold it inside the green square, about a hand's width from the camera."),
            _("3. Keep it still for a moment. The kiosk reads it by itself."))
        picture = Image(source=str(RECEIPT_PICTURE), fit_mode="contain")
        if t.large_text and t.portrait:
            # the picture above the words, which scroll if they must
            column = self.scrolling_column(help_box, spacing=t.mm(1))
            self.how_to: Widget = column.parent  # the scroll view around the words
            picture.size_hint_y, picture.height = None, t.mm(45)
            column.add_widget(picture)
            for line in lines:
                column.add_widget(Text(line, size=t.text_small, color=t.palette.text))
        else:
            size = t.text_heading if t.portrait else t.text_body
            picture.size_hint_x = 0.4 if t.portrait else 0.5
            if t.large_text:
                # the words at twice the size: fewer of them (the picture shows where the
                # codes are), beside the picture, all in view without scrolling
                lines = tuple(_(line) for line in SHORT_STEPS)
                size, picture.size_hint_x = t.text_small, 0.35
            # the picture of a receipt beside the words: where the codes are on the paper,
            # its top level with theirs (portrait has height to spare below them)
            guide_row = BoxLayout(spacing=t.gap)
            if t.portrait:
                side = BoxLayout(orientation="vertical", size_hint_x=picture.size_hint_x)
                picture.size_hint = (1, None)
                picture.bind(width=lambda w, width: setattr(w, "height", width * 1.4))
                side.add_widget(picture)
                side.add_widget(Widget())
                guide_row.add_widget(side)
            else:
                guide_row.add_widget(picture)
            steps = BoxLayout(orientation="vertical", spacing=t.mm(1))
            for line in lines:
                steps.add_widget(Text(line, size=size, color=t.palette.text))
            steps.add_widget(Widget())
            guide_row.add_widget(steps)
            if not t.portrait and not t.large_text:
                self._shorten_when_short(steps, size)
            help_box.add_widget(guide_row)
            self.how_to = guide_row
        self.help_box, self.spare = help_box, Widget()
        # what the camera sees now, in words: the feedback a person acts on
        feedback = Surface(orientation="vertical", size_hint_y=None, padding=t.mm(3),
                           background=t.palette.secondary, radius=t.mm(2))
        feedback.bind(minimum_height=feedback.setter("height"))
        self.camera_state = Text(_(HINTS[None]), size=t.text_body if t.large_text
                                 else t.text_heading, color=t.palette.secondary_text,
                                 bold=True)
        feedback.add_widget(self.camera_state)
        help_box.add_widget(feedback)
        help_box.add_widget(BigButton(_("Type the code instead"), t, self._type_instead,
                                      kind="secondary", action_id="scan:type"))
        body.add_widget(help_box)
        if arrow is not None and position == "right":
            body.add_widget(arrow)
        page.add_widget(body)
        if arrow is not None and position == "bottom":
            page.add_widget(arrow)

    def _shorten_when_short(self, steps: BoxLayout, size: int) -> None:
        """A short landscape screen (1280x800) has no room beside the camera for the
        three steps in full under a long piece of advice: then the steps in fewer words,
        and in full again when the room comes back (each layout pass decides again: the
        first ones run before the screen has its size)."""
        colour = self.theme.palette.text
        full = [w for w in reversed(steps.children) if isinstance(w, Text)]
        short = [Text(_(line), size=size, color=colour) for line in SHORT_STEPS]

        def needed(lines: list[Text]) -> float:
            for line in lines:
                if line.parent is None:  # measured at the width it would have
                    line.width = steps.width
                line.texture_update()
            return sum(line.height for line in lines) + steps.spacing * (len(lines) - 1)

        def fit(*_args: Any) -> None:  # (not `_`: that is gettext here)
            lines = full if needed(full) <= steps.height + 1 else short
            if lines[0].parent is None:
                steps.clear_widgets()
                for line in lines:
                    steps.add_widget(line)
                steps.add_widget(Widget())

        later = Clock.create_trigger(fit)  # once the lines have been measured
        steps.bind(size=later)
        later()

    def _fit_stage(self, stage: FloatLayout, body: BoxLayout) -> None:
        """On a portrait screen the camera's picture (wider than tall) fills the width;
        a stage taller than the picture left empty bands above and below it, and the guide
        squeezed under them."""
        stage.size_hint_y = None

        def fit(*_: Any) -> None:
            tw, th = self.preview.texture_size if self.preview.texture is not None \
                else (4, 3)  # until the first frame: the usual camera's shape
            stage.height = min(stage.width * th / max(tw, 1), body.height * 0.55)

        stage.bind(width=fit)
        body.bind(height=fit)
        self.preview.bind(texture_size=fit)
        fit()

    def _typing_view(self, page: Surface) -> None:
        if self.mode == "pin":
            self._digit_pad(page)
            return
        t = self.theme
        asking = _("Type the dossier code printed on your receipt, or the reference on "
                   "the kiosk's slip:")
        if t.cramped:  # the pad needs the height
            page.spacing = t.mm(2)
            # no room for a message under the pad as well (at 2x the question went under
            # the top bar): the message takes the question's line, nothing moves
            self.note.font_size = t.text_small
            if not self.message:
                self.note.text, self.note.color = asking, t.palette.text
            page.add_widget(self.note)
            # the spare height under the words: an answer a line longer than the question
            # takes it, and the pad stays where the finger is
            page.add_widget(Widget())
        else:
            page.add_widget(self.body(asking))
        box, self.shown = typed_box(t, self.typed or " ")
        page.add_widget(box)
        row = BoxLayout(size_hint_y=None, height=t.button, spacing=t.gap)
        row.add_widget(BigButton(_("Look it up"), t, self._submit_typed,
                                 action_id="scan:submit"))
        if self.mode == "code":
            row.add_widget(BigButton(_("Scan the QR code instead"), t, self._scan_instead,
                                     kind="secondary", action_id="scan:camera"))
        page.add_widget(row)
        # only what a dossier code or a slip's reference holds: digits, A-Z, dot, dash
        page.add_widget(CodePad(t, self._typing, self.typed))

    def _say(self, message: str) -> None:
        """A message under the camera or the pad (or, when cramped, over the pad in the
        question's place); kept for a rebuild of the screen in the same language."""
        self.message = message
        self.note.text, self.note.color = message, self.theme.palette.accent

    def _digit_pad(self, page: Surface) -> None:
        """The ID number or PIN on a digit pad, shown as dots while typed: the screen
        faces the room. Large text on a short landscape screen: the words and the number
        on the left, the pad on the right (stacked, they ran off the top)."""
        t = self.theme
        beside = t.cramped and not t.portrait
        words: BoxLayout | Surface = page
        if beside:
            row = BoxLayout(spacing=t.gap)
            words = BoxLayout(orientation="vertical", spacing=t.mm(2))
            row.add_widget(words)
            page.add_widget(row)
        asking = _("Type your personal identification number (số định danh cá nhân, 12 "
                   "digits), or the lookup PIN printed on your receipt:")
        words.add_widget(Text(asking, size=t.text_small, color=t.palette.text) if beside
                         else self.body(asking))
        box, self.shown = typed_box(t, masked(self.typed))
        words.add_widget(box)
        keys = GridLayout(cols=3, spacing=t.gap, size_hint=(None, None),
                          width=min(t.width * 0.8, t.button * 6))
        keys.bind(minimum_height=keys.setter("height"))
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "OK"):
            label = _("Delete") if key == "del" else _("Look it up") if key == "OK" else key
            button = BigButton(label, t, lambda k=key: self.press(k),
                               kind="secondary" if key == "del" else "primary",
                               action_id="scan:submit" if key == "OK" else f"digit:{key}")
            button.shrink_to_fit()  # "Tra cứu" in a third of the pad, in large text too
            keys.add_widget(button)
        holder = AnchorLayout(size_hint_y=None)
        keys.bind(height=holder.setter("height"))
        holder.add_widget(keys)
        if beside:  # the row as tall as the taller side; the spare height goes below it
            holder.size_hint = (None, 1)
            holder.width = keys.width
            row.add_widget(holder)
            row.size_hint_y = None

            def fit(*_: Any) -> None:
                row.height = max(keys.height, words.minimum_height)

            keys.bind(height=fit)
            words.bind(minimum_height=fit)
        else:
            page.add_widget(holder)
        words.add_widget(BigButton(_("Scan the QR code instead"), t, self._scan_instead,
                                   kind="secondary", action_id="scan:camera"))
        if beside:
            fit()

    def press(self, key: str) -> None:
        if key == "del":
            self.typed = self.typed[:-1]
        elif key == "OK":
            self._submit_typed()
            return
        elif len(self.typed) < ID_DIGITS:
            self.typed += key
        self.shown.text = masked(self.typed)

    # --- camera --------------------------------------------------------------------------

    def start_camera(self) -> None:
        if self._advice is None:
            self._advice = Clock.schedule_interval(self._advise, ADVICE_SECONDS)
        if self.worker is not None:
            self.worker.view = self.preview
            return
        self.broken, self._previous = False, None
        self.worker = CameraFeed.reading_codes(self.services.config.scanner, self.found,
                                               self._trouble)
        self.worker.view = self.preview
        self.worker.start()

    def stop_camera(self) -> None:
        if self._advice is not None:
            self._advice.cancel()
            self._advice = None
        self._previous = None
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def _trouble(self, broken: bool) -> None:
        self.broken = broken
        if broken:
            self.camera_state.text = _("The camera is not working right now. You can type "
                                       "the code instead.")
        # how to hold a receipt to a camera that does not work only misleads (and its
        # room goes to the message, which at twice the size takes three lines); a blank
        # takes its place, so that the button under it does not move under a finger
        how_to, shown = self.how_to, self.how_to.parent is not None
        top = len(self.help_box.children)
        if broken and shown:
            self.help_box.remove_widget(how_to)
            self.help_box.add_widget(self.spare, index=top - 1)
        elif not broken and not shown:
            self.help_box.remove_widget(self.spare)
            self.help_box.add_widget(how_to, index=top - 1)
        self.target.opacity = 0 if broken else 1  # no square to hold a code in

    def _advise(self, _dt: float) -> None:
        """What the camera sees, in words: too dark, hold still, closer, or good."""
        if self.worker is None or self.broken or self.busy or self.mode != "camera":
            return
        frame = self.worker.latest_frame()
        if frame is None:
            return
        seen, self._previous = look(frame, self._previous)
        self.hint = seen.hint
        t = self.theme
        short = t.large_text and not t.portrait and seen.hint == Hint.NOTHING
        self.camera_state.text = _(SHORT_NOTHING if short else HINTS[seen.hint])

    # --- what was found or typed ---------------------------------------------------------

    def found(self, payloads: list[bytes]) -> None:
        if self.busy or self.mode != "camera" or self.manager is None \
                or self.manager.current != self.name:
            return
        receipt = read_receipts(payloads, self.services.receipt_rules)
        self.camera_state.text = _(FOUND)
        if receipt.code or receipt.reference:
            self.code, self.reference = receipt.code or "", receipt.reference or ""
            self.citizen_id = receipt.citizen_id or ""
            self._look_up(None, self.citizen_id or None)
            return
        # never opened, never fetched: the person is told and nothing is requested
        self._say(_(receipt.refusal or NOT_RECEIPT) + " " + _(
            "Please use the QR code on your receipt, or type the code."))

    def _typing(self, text: str) -> None:
        self.typed = text.strip().upper() if self.mode == "code" else text.strip()
        self.shown.text = self.typed or " "

    def _submit_typed(self) -> None:
        if self.mode == "pin":
            typed, self.typed = self.typed, ""
            self.shown.text = masked("")
            if len(typed) == ID_DIGITS:
                self._look_up(None, typed, again=True)
            elif 4 <= len(typed) <= 8:
                self._look_up(typed)
            else:
                self._say(_("Type the 12 digits of your personal identification "
                            "number, or the 4 to 8 digits of the lookup PIN."))
            return
        reference = normalise_reference(self.typed)
        receipt = read_receipt(self.typed, self.services.receipt_rules)
        if not receipt.code and not reference:
            self._say(_("This is not a dossier code. It looks like "
                        "000.00.20.H29-201117-0001, or a slip's reference like "
                        "K7P-3F9A."))
            return
        self.code, self.reference = receipt.code or "", reference or ""
        self._look_up(None)

    def _look_up(self, pin: str | None, citizen_id: str | None = None,
                 again: bool = False) -> None:
        if pin is None and not again:  # a PIN or number asked for afterwards continues it
            self.services.usage.count("dossier_lookup")
        self.busy = True
        self._say(_("Looking up your dossier…"))
        code, reference, api = self.code, self.reference, self.services.api
        local = self.services.local_submission

        def work() -> None:
            result = look_up_reference(api, reference, local) if reference and not code \
                else look_up(api, code, pin, citizen_id)
            Clock.schedule_once(lambda _: self._answer(result))

        threading.Thread(target=work, name="dossier-lookup", daemon=True).start()

    def _answer(self, result: Lookup) -> None:
        self.busy = False
        if self.manager is None or self.manager.current != self.name:
            return  # the person left (or the session ended) while we waited
        if result.dossier is not None:
            self.stop_camera()
            self.nav.go("status", view=describe(result.dossier, date.today(),
                                                 self.services.config.working_calendar,
                                                 self.services.config.kiosk.agency),
                        reference=result.reference)
            return
        if result.outcome in ("waiting", "refused"):
            self.stop_camera()
            self.nav.go("status", submission=result)
            return
        if result.outcome == "offline":
            self.services.connectivity.report_down()  # so the top bar says it too
        if result.outcome in ("pin_incorrect", "not_found_with_id"):
            self.failures += 1
        if result.outcome in ("pin_required", "pin_incorrect", "not_found_with_id", "too_many"):
            if self.failures >= SESSION_ATTEMPTS or result.outcome == "too_many":
                self.mode, self.typed = "camera", ""
                self.message = _(OUTCOMES["too_many"])
            else:
                self.mode, self.typed = "pin", ""
                self.message = _(result.message)
            self.refresh()
            return
        self._say(_(result.message))

    def _type_instead(self) -> None:
        self.mode, self.typed, self.message = "code", "", ""
        self.refresh()

    def _scan_instead(self) -> None:
        self.mode, self.typed, self.message = "camera", "", ""
        self.refresh()


def masked(typed: str) -> str:
    """Dots for the digits typed, and how many of 12: nobody behind reads the number."""
    return f"{'•' * len(typed)}  ({len(typed)}/{ID_DIGITS})" if typed else " "
