"""Personal data in free text: citizen ID numbers (CCCD, 12 digits), phone numbers and
e-mail addresses, found and replaced by "[redacted]". Used wherever text may reach a log,
an error message or printed output (kiosk.system.logs, the outbox's refusals, `kiosk
scan`); here, with no I/O, so that every layer above can use it.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# phone numbers as people write them: 0912 345 678, 091.234.5678, 024 3823 4567,
# +84 912 345 678
_PHONE = re.compile(r"(?<![\w.+])(?:\+84[ .-]?|0)\d{2,3}(?:[ .-]?\d{3,4}){2}(?!\d)")
# any bare run of 9 to 12 digits: a phone number, or a CCCD (12); some counters go too,
# which is the safe way to be wrong
_DIGITS = re.compile(r"(?<!\d)\d{9,12}(?!\d)")

def redact(text: str) -> str:
    """`text` without e-mail addresses, phone numbers and CCCD numbers."""
    text = _EMAIL.sub(REDACTED, text)
    text = _PHONE.sub(lambda m: REDACTED if 9 <= sum(c.isdigit() for c in m[0]) <= 12
                      else m[0], text)
    return _DIGITS.sub(REDACTED, text)
