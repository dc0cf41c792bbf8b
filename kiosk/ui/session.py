"""The visitor's session: what the person at the screen chose, switched on or typed.

One object holds it, so that the end of a visit (the idle time-out, "No, start over",
the quiet after Home) forgets all of it in one place: `reset()`. Screens and the top bar
read it; the app applies it (the language to gettext, the modes to the theme). No Kivy
here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.submission.draft import Draft


@dataclass
class Session:
    default_language: str = "vi"
    language: str = ""  # "" until set: the default language
    large_text: bool = False
    high_contrast: bool = False
    speech_mode: bool = False  # every screen read aloud, a button's name before it acts
    # the submission being put together (personal data: cleared, not just dropped)
    draft: Draft | None = None

    def __post_init__(self) -> None:
        self.language = self.language or self.default_language

    def forget_draft(self) -> None:
        """Completion, cancel or the end of the visit: the person's data goes."""
        if self.draft is not None:
            self.draft.clear()
            self.draft = None

    def reset(self) -> None:
        """The person has left: the next one finds the kiosk as it was set up."""
        self.forget_draft()
        self.language = self.default_language
        self.large_text = self.high_contrast = self.speech_mode = False
