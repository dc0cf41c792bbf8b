"""A reference API process that dies (SIGKILL, as a power cut would) in the middle of a
submission: run by tests/test_submission_chain.py.

    python api_crash_child.py DB_TARGET CRASH_AT

It serves DB_TARGET on a free loopback port, prints the port, and counts the statements the
data layer runs from then on. CRASH_AT=N kills the process just before statement N (BEGIN
and COMMIT count as statements); CRASH_AT=-N kills it just after statement N, before the
answer leaves. Statement 1 is the first one of the first request the test sends.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from kiosk.server import sql
from kiosk.server.run import open_db, start_in_thread


def main() -> None:
    target, crash_at = sys.argv[1], int(sys.argv[2])
    db = open_db(target if target.startswith("postgresql://") else Path(target))
    server = start_in_thread(db)
    counted = 0
    lock = threading.Lock()
    plain = sql.Connection.execute

    def execute(self: sql.Connection, statement: str, args: Any = ()) -> Any:
        nonlocal counted
        with lock:
            counted += 1
            number = counted
        if number == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)
        result = plain(self, statement, args)
        if -number == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    sql.Connection.execute = execute  # type: ignore[method-assign]
    print(server.port, flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
