"""Fill the English catalogue's new messages: the message ids are English already.

`scripts/dev i18n` runs it after updating the catalogues, so only Vietnamese needs a
translator; `tests/test_i18n.py` then checks that nothing is left untranslated.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).resolve().parents[1] / "kiosk/locale/en/LC_MESSAGES/kiosk.po"


def main() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    filled = 0
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):  # ngettext: one form per English form
            forms = tuple(text or message.id[min(i, len(message.id) - 1)]
                          for i, text in enumerate(message.string))
            if forms != tuple(message.string):
                message.string = forms
                filled += 1
            if forms == tuple(message.id):  # the ids are the English: nothing to doubt
                message.flags.discard("fuzzy")
        elif not message.string:
            message.string = message.id
            filled += 1
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalogue, omit_header=True, sort_output=True, width=76)
    print(f"{CATALOGUE.name} (en): {filled} new messages filled from their ids",
          file=sys.stderr)


if __name__ == "__main__":
    main()
