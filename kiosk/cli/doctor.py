"""`kiosk doctor [--json]`: check that this machine can run the kiosk, and say how to fix
what cannot.

One line per check (PASS, WARN or FAIL, its name, what was found), the fix indented under
each warning and failure, then a count. Exit 0 when nothing failed (warnings allowed), 1
when something did. The checks themselves are in kiosk/system/doctor.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from kiosk.cli.exits import EXIT_FAILED, EXIT_OK
from kiosk.system.doctor import Check

DESCRIPTION = ("Check this kiosk: config and secrets, the central API and its key, the clock, "
               "the local catalogue, camera, display, disk space, fonts, speech, the receipt "
               "printer and the outbox; print the fix for each problem. Exit 1 if any check "
               "fails.")

MARKS = {"pass": "✔ PASS", "warn": "! WARN", "fail": "✘ FAIL"}
ASCII_MARKS = {"pass": "+ PASS", "warn": "! WARN", "fail": "x FAIL"}


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add `doctor` to `kiosk`'s subcommands; `common` carries --config."""
    p = subparsers.add_parser("doctor", parents=[common], help=DESCRIPTION,
                              description=DESCRIPTION)
    p.set_defaults(run=cmd_doctor)
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of {name, status, detail, fix}")
    return p


def cmd_doctor(args: argparse.Namespace) -> int:
    from kiosk.system.doctor import run_checks

    checks = run_checks(getattr(args, "config", None))
    if args.json:
        print(json.dumps([dataclasses.asdict(c) for c in checks], ensure_ascii=False,
                         indent=1))
    else:
        write_report(checks, sys.stdout)
    return EXIT_FAILED if any(c.status == "fail" for c in checks) else EXIT_OK


def write_report(checks: Sequence[Check], out: TextIO) -> None:
    utf8 = (getattr(out, "encoding", None) or "").lower().replace("-", "") == "utf8"
    if not utf8 and hasattr(out, "reconfigure"):
        # a Vietnamese kiosk name on an ASCII terminal must not end the report
        out.reconfigure(errors="replace")
    marks, arrow = (MARKS, "→") if utf8 else (ASCII_MARKS, "->")
    width = max(len(c.name) for c in checks)
    for c in checks:
        out.write(f"{marks[c.status]}  {c.name:<{width}}  {c.detail}\n")
        if c.status != "pass" and c.fix:
            out.write(f"        {arrow} fix: {c.fix}\n")
    counts = {status: sum(c.status == status for c in checks) for status in MARKS}
    warnings = "warning" if counts["warn"] == 1 else "warnings"
    out.write(f"{counts['pass']} passed, {counts['warn']} {warnings}, {counts['fail']} failed\n")
    out.flush()
