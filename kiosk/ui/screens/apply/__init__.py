"""Start an online submission at the kiosk: who applies, the papers, review, send, receipt.

One screen (`screen.ApplyScreen`) shows one step at a time (`state.Step`), each drawn by
its own module, because a person moves back and forth between them. What the flow holds
besides the draft is one dataclass (`state.ApplyState`).
"""

from kiosk.ui.screens.apply.screen import ApplyScreen
from kiosk.ui.screens.apply.state import ApplyState, Step

__all__ = ["ApplyScreen", "ApplyState", "Step"]
