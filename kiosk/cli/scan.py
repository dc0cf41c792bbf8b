"""`kiosk scan FILE... [--json]`: read receipt QR codes and barcodes from images and videos
with the kiosk's own decode pipeline, and say which dossier code each one carries.

For staff checking a receipt printer, and for tests and benchmarks. Per input it prints
{file, payloads, dossier_code, reference, error, ms}: one JSON object per line with --json,
else one readable line. `error` says why a file could not be read, or why the code found
is not a receipt. ID numbers (the portal URL's `SGT`) are personal data: they are masked
in the payloads and never printed. Exit 0 when every file was read (found a code or not),
1 when any could not be read. Nothing a code holds is ever opened or fetched.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk.cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, reason

if TYPE_CHECKING:
    from kiosk.scanner.receipt import ReceiptRules


DESCRIPTION = ("Read receipt QR codes and barcodes from image or video files with the "
               "kiosk's decode pipeline and print the dossier code each one carries (ID "
               "numbers in them are masked).")


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add `scan` to `kiosk`'s subcommands; `common` carries --config."""
    p = subparsers.add_parser("scan", parents=[common], help=DESCRIPTION,
                              description=DESCRIPTION)
    p.set_defaults(run=cmd_scan)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="image (PNG, JPEG, ...), video (MP4, AVI, ...) or image-sequence "
                        "pattern (frame_%%03d.png); a video is read up to the first frame "
                        "with a QR code, at most 300 frames")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object per file: {file, payloads, dossier_code, "
                        "reference, error, ms}; reference: a kiosk slip's reference; error: "
                        "why the file could not be read or the code is not a receipt")
    p.add_argument("--budget", type=float, metavar="MS",
                   help="milliseconds per frame, as the camera has (scanner.frame_budget_ms);"
                        " default: no limit, every decoding step is tried")
    return p


def cmd_scan(args: argparse.Namespace) -> int:
    # imported here so that `kiosk --help` does not load OpenCV
    from kiosk.config import load_config
    from kiosk.scanner.receipt import ReceiptRules

    rules = ReceiptRules.from_config(load_config(getattr(args, "config", None)).scanner)
    budget = getattr(args, "budget", None)
    failed = False
    for name in args.files:
        report = scan_file(name, rules, budget)
        failed |= report.error is not None
        print(report.to_json() if args.json else report.line(), flush=True)
    return EXIT_FAILED if failed else EXIT_OK


@dataclass
class ScanReport:
    """What one input held; `refusal` (why the code is not a receipt) goes in the JSON's
    `error` (in English, as the reasons are written); `payloads` are already masked."""

    file: str
    payloads: list[str] = field(default_factory=list)
    dossier_code: str | None = None
    error: str | None = None
    ms: float = 0.0
    refusal: str | None = None
    reference: str | None = None

    def to_json(self) -> str:
        return json.dumps({"file": self.file, "payloads": self.payloads,
                           "dossier_code": self.dossier_code, "reference": self.reference,
                           "error": self.error or self.refusal, "ms": self.ms},
                          ensure_ascii=False)

    def line(self) -> str:
        if self.error:
            return f"{self.file}: cannot be read: {self.error}"
        if not self.payloads:
            return f"{self.file}: no QR code ({self.ms} ms)"
        texts = ", ".join(repr(t) for t in self.payloads)
        verdict = self.dossier_code or (f"slip reference {self.reference}" if self.reference
                                        else f"not a receipt ({self.refusal})")
        return f"{self.file}: {verdict}  QR: {texts}  ({self.ms} ms)"


def scan_file(name: str, rules: ReceiptRules, budget_ms: float | None = None) -> ScanReport:
    """Decode one input and read its receipt; never raises for a bad file."""
    from kiosk.scanner.decode import UnreadableFile, decode_file
    from kiosk.scanner.receipt import read_receipts
    from kiosk.submission.personal_data import redact

    try:
        frames = decode_file(name, budget_ms)
    except UnreadableFile as err:
        return ScanReport(name, error=err.reason)
    last = frames[-1]
    # not-UTF-8 payloads are shown escaped rather than as "", so staff see what is there
    report = ScanReport(name, [redact(p.decode("utf-8", "backslashreplace"))
                               for p in last.payloads],
                        ms=round(sum(f.ms for f in frames), 1))
    if last.found:
        receipt = read_receipts(last.payloads, rules)
        report.dossier_code, report.refusal = receipt.code, receipt.refusal
        report.reference = receipt.reference
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m kiosk.cli.scan FILE...`, the same as `kiosk scan FILE...`."""
    from kiosk.config import ConfigError

    parser = argparse.ArgumentParser(prog="kiosk")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", help="config file")
    add_parser(parser.add_subparsers(dest="command", required=True), common)
    args = parser.parse_args(["scan", *(sys.argv[1:] if argv is None else argv)])
    try:
        return cmd_scan(args)
    except ConfigError as err:
        print(f"kiosk scan: configuration error in {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as err:  # one line, never a traceback, as `kiosk` does
        print(f"kiosk scan: {reason(err)}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
