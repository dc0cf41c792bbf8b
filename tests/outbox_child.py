"""A kiosk process that sends one submission and may be killed on the way (SIGKILL, as a
power cut would): run by tests/test_outbox.py.

    python outbox_child.py CONFIG CRASH_AT [KIND]

CRASH_AT: before_commit (in Outbox.put, before anything is written), after_commit (the
item is on disk, no request made), after_request (the API has answered, the kiosk has not
recorded it), or none. KIND: submission (the default; its key is made from its content) or
rating (a key of its own, as two people may give the same rating). Prints the Delivery as
JSON when it lives to tell.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import asdict
from datetime import date
from typing import Any

from kiosk.config import load_config
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.delivery import Sender
from kiosk.store.outbox import Outbox, content_key

SUBMISSION = {"procedure_code": "1.001193", "agency": "000.00.10.H29",
              "applicant": {"full_name": "Nguyễn Thị Hoa", "citizen_id": "001190012345",
                            "phone": "0912345678"},
              "documents": [{"component": "to-khai", "pages": 1}]}
RATING = {"agency": "000.00.20.H29", "overall": 3, "criteria": {"staff": 3, "trips": 2},
          "dossier_code": None}


def die(*_: Any, **__: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    config = load_config(sys.argv[1])
    crash_at = sys.argv[2]
    if crash_at == "before_commit":
        Outbox.put = die  # type: ignore[method-assign]
    elif crash_at == "after_commit":
        ApiClient.post = die  # type: ignore[method-assign]
    elif crash_at == "after_request":
        real = ApiClient.post

        def answered_then_die(self: ApiClient, *args: Any, **kwargs: Any) -> Any:
            real(self, *args, **kwargs)
            die()
        ApiClient.post = answered_then_die  # type: ignore[method-assign]
    outbox = Outbox.from_config(config)
    sender = Sender(outbox, ApiClient(ClientSettings.from_config(config)))
    wait = config.outbox.answer_wait_seconds
    if len(sys.argv) > 3 and sys.argv[3] == "rating":
        delivery = sender.send("rating", RATING, wait=wait)
    else:
        key = content_key("submission", SUBMISSION, f"{config.kiosk.id}/{date.today()}")
        delivery = sender.send("submission", SUBMISSION, key, wait=wait)
    print(json.dumps(asdict(delivery), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
