"""What the apply flow knows besides the draft: which step is shown and what that step
is holding (a photo waiting for "keep it", the ID card read, the delivery's answer).

Plain data, so a session object can hold it next to the draft and forget both at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.printing.tickets import Paper
    from kiosk.scanner.page import PageResult
    from kiosk.store.delivery import Delivery
    from kiosk.store.outbox import EarlierSubmission
    from kiosk.submission.id_card import IdCard


class Step(StrEnum):
    DETAILS = "details"  # the applicant's fields, on the on-screen keyboard
    IDCARD = "idcard"  # the ID card's QR fills the details, once confirmed
    CASE = "case"  # which case (trường hợp) of the procedure: the papers depend on it
    PAPERS = "papers"  # each paper: photograph it, or bring the original
    CAMERA = "camera"  # a page photographed, straightened and shown before it is kept
    REVIEW = "review"  # everything at a glance, the fee, the date, the consent
    REPEAT = "repeat"  # the same person sent this procedure here within a day
    SENDING = "sending"
    RECEIPT = "receipt"


# the steps a person is told the number of ("Step 2 of 3"); the others belong to one
NUMBERED = (Step.DETAILS, Step.PAPERS, Step.REVIEW)
PART_OF = {Step.CASE: Step.PAPERS, Step.IDCARD: Step.DETAILS, Step.CAMERA: Step.PAPERS}


@dataclass
class ApplyState:
    step: Step = Step.DETAILS
    field: str = ""  # the field being typed into
    component: int = 0  # the paper being photographed
    shot: PageResult | None = None  # a page waiting for "keep it / take it again"
    note: str = ""  # a message for the step shown
    delivery: Delivery | None = None
    earlier: EarlierSubmission | None = None  # for the "repeat" step
    # what the ID card's QR held, until the person confirms it (personal data)
    card: IdCard | None = dataclasses.field(default=None, repr=False)
    # the name has no Vietnamese marks: asked whether it is written that way ("asking"),
    # and what the person answered ("plain": yes, it is)
    name_question: str = ""
    # back to the review after an "Edit" there, rather than through every step again
    return_to_review: bool = False
    # the papers the person chose to bring to the counter (their names, nothing personal),
    # kept for the receipt after the draft is forgotten
    bring_at_counter: tuple[str, ...] = ()
    # the papers with originals the person photographed or brings, for the printed receipt
    originals: tuple[Paper, ...] = ()
