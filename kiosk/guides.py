"""The guidance videos: how to look a procedure up, check a dossier with the receipt, and
submit on the portal. Each is a series of the kiosk's own screens (the tour's pictures)
with a caption per screen, so that the videos show the kiosk as it is.

The captions are not drawn into the pictures: the player shows them in the person's
language, large, and can read them aloud. Both the script that makes the videos
(scripts/make_guide_videos.py) and the player count frames with the numbers below, so a
frame's caption is its step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.assets import ASSETS
from kiosk.i18n import N_

GUIDES_DIR = ASSETS / "guides"
FPS = 1  # still screens: one frame a second is enough, and keeps the files small
STEP_SECONDS = 4
FRAMES_PER_STEP = FPS * STEP_SECONDS
SIZE = (640, 400)  # the 1280x800 tour, halved


@dataclass(frozen=True)
class Step:
    shot: str  # the tour's picture, by name ("search-typed" for 05-search-typed.png)
    caption: str  # N_() text, translated when shown


@dataclass(frozen=True)
class Guide:
    id: str
    title: str
    steps: tuple[Step, ...]

    @property
    def video(self) -> Path:
        return GUIDES_DIR / f"{self.id}.mp4"

    def step_at(self, frame: int) -> Step:
        return self.steps[min(frame // FRAMES_PER_STEP, len(self.steps) - 1)]


GUIDES = (
    Guide("search", N_("How to look up a procedure"), (
        Step("home", N_("On the first screen, touch “Look up a procedure”.")),
        Step("search-empty", N_("Type a few words on the screen keyboard, with or without "
                                "accents.")),
        Step("search-typed", N_("The procedures that match appear as you type. Touch "
                                "one.")),
        Step("detail", N_("You see what to bring, how long it takes and what it costs.")),
        Step("viewer-sample", N_("Look at the form and a filled-in sample before you "
                                 "queue.")),
    )),
    Guide("receipt", N_("How to check your dossier with the receipt"), (
        Step("home", N_("On the first screen, touch “Check my dossier”.")),
        Step("scan", N_("Hold the QR code on your receipt up to the camera.")),
        Step("status-normal", N_("The kiosk shows where your dossier is and when the "
                                 "result is due.")),
        Step("scan-typing-code", N_("No QR code? Type the dossier code from the receipt "
                                    "instead.")),
    )),
    Guide("portal", N_("How to submit on the public service portal"), (
        Step("home", N_("On the first screen, touch “Submit on the public service "
                        "portal”.")),
        Step("portal", N_("Read what will happen. Photograph the papers the portal will "
                          "ask for.")),
        Step("portal-camera", N_("Lay the paper flat with its four corners in the picture "
                                 "and take the photo.")),
        Step("portal-paper-kept", N_("Then open the portal. Your photos are ready in its "
                                     "upload dialog.")),
        Step("portal-open", N_("When you are done, touch “End” at the top of the "
                               "portal.")),
        Step("portal-ended", N_("Everything from your session is deleted from the "
                                "kiosk.")),
    )),
)


def guide(guide_id: str) -> Guide:
    return next(g for g in GUIDES if g.id == guide_id)


def available() -> list[Guide]:
    """The guides whose video is on this machine."""
    return [g for g in GUIDES if g.video.is_file()]
