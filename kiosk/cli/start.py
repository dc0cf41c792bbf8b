"""The `kiosk` command's entry point: the UI's commands first set up their memory
allocators (kiosk/system/allocator.py), before the rest of the CLI is imported and before
any thread starts: Python's allocator is chosen as the interpreter starts (the process
runs again with PYTHONMALLOC set), glibc fixes its arena limit once threads need more."""

from __future__ import annotations

import sys

UI_COMMANDS = ("run", "demo")  # long-running: the allocator matters there


def main() -> int:
    if sys.argv[1:2] and sys.argv[1] in UI_COMMANDS:
        from kiosk.system import allocator

        allocator.set_up()
    from kiosk.cli.main import main as cli

    return cli()
