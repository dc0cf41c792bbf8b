"""`kiosk`: run, sync and search the kiosk, and run the reference central API.

Every command ends with a one-line message and an exit code, never a traceback:
0 done, 1 failed (the reason on stderr), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.cli.exits import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CommandFailed,
    reason,
)
from kiosk.config import Config, ConfigError, load_config, refuse_exposed_secrets


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def cmd_serve_api(args: argparse.Namespace) -> int:
    from kiosk.catalogue.working_days import VIETNAM
    from kiosk.server.run import open_db, serve

    if args.write_openapi:
        from kiosk.server.app import create_app

        document = create_app(open_db(None, seed=False)).openapi()
        Path(args.write_openapi).write_text(json.dumps(document, indent=1, ensure_ascii=False)
                                            + "\n", encoding="utf-8")
        print(f"wrote the OpenAPI document to {args.write_openapi}")
        return EXIT_OK
    db = open_db(_server_db(args.db) if args.db else None, seed=not args.empty)
    counts = db.catalogue_version()
    workers = f", {args.workers} workers" if args.workers > 1 else ""
    print(f"Reference central API on http://{args.host}:{args.port}/v1 "
          f"({counts['procedures']} procedures, {db.count('dossiers')} dossiers; "
          f"database {db.location}{workers}). Ctrl+C stops it.", flush=True)
    # the [calendar] of the config named with --config (the province's extra days off)
    calendar = load_config(args.config).working_calendar if args.config else VIETNAM
    try:
        serve(db, args.host, args.port, args.workers, calendar)
    except OSError as err:
        raise CommandFailed(f"cannot listen on {args.host}:{args.port} ({err.strerror})"
                            ) from None
    return EXIT_OK


def _server_db(value: str) -> Path | str:
    """--db: a PostgreSQL URL as it is, anything else a SQLite file's path."""
    return value if value.startswith(("postgresql://", "postgres://")) else Path(value)


def cmd_import_catalogue(args: argparse.Namespace) -> int:
    from kiosk.server.catalogue_files import CatalogueFileError, form_pdfs, read_catalogue_file
    from kiosk.server.run import open_db

    if args.format == "dvcqg":
        return _import_portal(args)
    if len(args.paths) != 1:
        raise CommandFailed("the kiosk format is one catalogue FILE (several files or folders "
                            "are for --format dvcqg)")
    file = Path(args.paths[0])
    try:
        catalogue = read_catalogue_file(file)
    except CatalogueFileError as err:
        if len(err.problems) == 1:
            raise
        for line in err.problems:  # every one, so that one round of fixes is enough
            print(line, file=sys.stderr)
        raise CommandFailed(f"{file}: nothing imported; problems found: {len(err.problems)}, "
                            "each on a line above") from None
    forms_dir = Path(args.forms_dir) if args.forms_dir else file.parent / "forms"
    samples_dir = Path(args.samples_dir) if args.samples_dir else forms_dir.parent / "samples"
    pdfs = form_pdfs(catalogue, forms_dir, samples_dir)
    db = open_db(_server_db(args.db), seed=False)
    result = db.import_catalogue(catalogue, pdfs, remove_missing=not args.keep_missing)
    missing = len(catalogue.forms) - len(pdfs)
    print(f"imported {len(catalogue.procedures)} procedures into {args.db}: {result.added} new, "
          f"{result.changed} changed, {result.removed} removed, {result.unchanged} unchanged; "
          f"{result.forms} forms ({missing} without a PDF)")
    return EXIT_OK


def cmd_import_dossiers(args: argparse.Namespace) -> int:
    from kiosk.server.dossier_files import DossierFileError, read_dossier_file
    from kiosk.server.run import open_db

    try:
        records = read_dossier_file(Path(args.file))
    except DossierFileError as err:
        raise CommandFailed(str(err)) from None
    db = open_db(_server_db(args.db), seed=False)
    count = db.put_dossiers([(r.dossier, r.pin) for r in records],
                            {r.dossier.code: r.citizen_id for r in records if r.citizen_id})
    with_id = sum(1 for r in records if r.citizen_id)
    print(f"imported {count} dossiers into {args.db} ({with_id} with the applicant's ID "
          "number, kept as a keyed digest)")
    return EXIT_OK


def _import_portal(args: argparse.Namespace) -> int:
    """The national portal's JSON: bad records skipped with one line each, the rest in."""
    from datetime import UTC, datetime

    from kiosk.server.portal_catalogue import portal_form_pdfs, read_portal
    from kiosk.server.run import open_db

    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.exists():
            raise CommandFailed(f"{path}: no such file or folder")
    found = read_portal(paths, datetime.now(UTC).replace(microsecond=0))
    for line in found.skipped:
        print(f"skipped {line}", file=sys.stderr)
    for line in found.missing_files:
        print(f"form file missing: {line}", file=sys.stderr)
    if not found.procedures:
        raise CommandFailed(f"no procedure could be imported ({len(found.skipped)} skipped)")
    pdfs, failed = portal_form_pdfs(found, convert=not args.no_convert)
    for line in failed:
        print(f"form without a PDF: {line}", file=sys.stderr)
    db = open_db(_server_db(args.db), seed=False)
    result = db.import_catalogue(found.catalogue(), pdfs, remove_missing=not args.keep_missing)
    print(f"imported {len(found.procedures)} procedures into {args.db}: {result.added} new, "
          f"{result.changed} changed, {result.removed} removed, {result.unchanged} unchanged; "
          f"{len(found.skipped)} skipped; {result.forms} forms ({len(pdfs)} with a PDF, "
          f"{len(found.missing_files)} files missing, {len(failed)} not converted)")
    return EXIT_OK


def cmd_import_service_areas(args: argparse.Namespace) -> int:
    from kiosk.server.queue_db import read_service_areas
    from kiosk.server.run import open_db

    try:
        areas = read_service_areas(Path(args.file))
    except ValueError as err:
        raise CommandFailed(str(err)) from None
    open_db(_server_db(args.db), seed=False).set_service_areas(areas)
    print(f"{len(areas)} service areas: {', '.join(a.code for a in areas)}")
    return EXIT_OK


def cmd_add_kiosk(args: argparse.Namespace) -> int:
    import secrets

    from kiosk.server.run import open_db

    key = secrets.token_urlsafe(24)
    open_db(_server_db(args.db), seed=False).add_api_key(key, args.kiosk_id)
    print(f"API key for kiosk {args.kiosk_id}: {key}  (put it in that kiosk's secrets file, "
          "[api] key)")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from kiosk.store.sync import sync_from_config

    result = sync_from_config(_config(args), full=args.full)
    if result.forms.failed:
        raise CommandFailed(f"catalogue synced but {len(result.forms.failed)} forms failed: "
                            f"{result.forms.failed[0]}")
    print(result.summary())
    return EXIT_OK


def cmd_outbox(args: argparse.Namespace) -> int:
    import time

    from kiosk.store.client import ApiClient, ClientSettings
    from kiosk.store.delivery import deliver_due
    from kiosk.store.outbox import Outbox, OutboxError, safe_text
    from kiosk.system.doctor import sender_summary, unreadable_fix

    config = _config(args)
    if args.action == "discard" and not args.reference:
        raise CommandFailed("give the REFERENCE of the item to discard, e.g. "
                            "`kiosk outbox discard K7P-3F9A`")
    try:
        outbox = Outbox.from_config(config)
        if args.action == "discard":
            gone = outbox.discard(args.reference)
            print(f"{gone.reference} ({gone.kind}, {gone.state}) discarded")
            return EXIT_OK
        if args.action == "flush":
            outbox.retry_now()
            client = ApiClient(ClientSettings.from_config(config))
            try:
                done = deliver_due(outbox, client)
            finally:
                client.close()
            for d in done:
                print(f"{d.reference}  {d.outcome}" + (f"  ({d.error})" if d.error else ""))
        items = outbox.summaries()
        sender = outbox.sender_status()
    except OutboxError as err:
        raise CommandFailed(safe_text(str(err))) from None
    now = time.time()
    if sender is not None:
        print(f"sender: {sender_summary(sender, now)}")
    if not items:
        print("the outbox is empty: everything has reached the central API")
        return EXIT_OK
    print(f"{'REFERENCE':<10} {'KIND':<11} {'WAITING':>8} {'TRIES':>5} {'NEXT TRY':>10}  "
          "LAST ERROR")
    for item in items:
        next_try = {"refused": "refused", "quarantined": "unreadable"}.get(
            item.state, _minutes(max(0.0, item.next_try - now)))
        # stored without personal data; redacted again for files from older versions
        print(f"{item.reference:<10} {item.kind:<11} {_minutes(now - item.created):>8} "
              f"{item.attempts:>5} {next_try:>10}  {safe_text(item.last_error)}")
    refused = sum(item.state == "refused" for item in items)
    unreadable = sum(item.state == "quarantined" for item in items)
    print(f"{len(items) - refused - unreadable} waiting"
          + (f", {refused} refused by the API (staff must look at them: the reference is on "
             "the person's slip)" if refused else ""))
    if unreadable:
        print(f"{unreadable} cannot be read with the outbox key and are set aside "
              f"(quarantined): {unreadable_fix(config)}")
    return EXIT_FAILED if args.action == "flush" else EXIT_OK


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def cmd_fleet(args: argparse.Namespace) -> int:
    from kiosk.store.client import ApiClient, ClientSettings

    client = ApiClient(ClientSettings.from_config(_config(args)))
    try:
        kiosks = client.get("kiosks").json().get("items")
        usage = client.get("usage", {"since": args.since} if args.since else None).json()
    finally:
        client.close()
    if not isinstance(kiosks, list) or not isinstance(usage.get("items"), list):
        raise CommandFailed("the central API's answer is not a list of kiosks and usage")
    silent = any(k["last_seen"] and not k["alive"] for k in kiosks)  # seen, then gone
    if args.json:
        print(json.dumps({"kiosks": kiosks, "usage": usage}, ensure_ascii=False))
        return EXIT_FAILED if silent else EXIT_OK
    print(f"{'KIOSK':<20} {'STATE':<6} {'LAST SEEN':<16} {'VERSION':<8} {'FREE DISK':>9} "
          f"{'CAMERA':<8} LAST SYNC")
    for k in kiosks:
        beat, age = k["heartbeat"] or {}, k["age_s"]
        seen = "never" if age is None else f"{_minutes(age)} ago" if age < 7200 else \
            k["last_seen"][:16].replace("T", " ")
        mb = beat.get("free_disk_mb")
        disk = "" if mb is None else f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb:.0f} MB"
        state = "alive" if k["alive"] else "SILENT" if age is not None else "-"
        print(f"{k['kiosk_id']:<20} {state:<6} {seen:<16} "
              f"{beat.get('version', ''):<8} {disk:>9} {beat.get('camera') or '':<8} "
              f"{(beat.get('last_sync') or '')[:16].replace('T', ' ')}".rstrip())
    totals = usage["totals"]
    print(f"\nsince {usage['since']}: {totals.get('search', 0)} searches "
          f"({totals.get('search_no_result', 0)} found nothing), "
          f"{totals.get('procedure_viewed', 0)} procedures viewed, "
          f"{totals.get('dossier_lookup', 0)} dossier look-ups, "
          f"{totals.get('submission_started', 0)} submissions started, "
          f"{totals.get('submission_sent', 0)} sent")
    viewed = [i for i in usage["items"] if i["event"] == "procedure_viewed" and i["detail"]]
    if viewed and args.top > 0:
        print("most viewed:")
    for item in viewed[:args.top]:
        print(f"{item['count']:>7}  {item['detail']:<12} {item['name']}")
    return EXIT_FAILED if silent else EXIT_OK


def cmd_staff_calls(args: argparse.Namespace) -> int:
    from kiosk.store.client import ApiClient, ClientSettings
    from kiosk.store.staff_calls import close_call, staff_calls

    config = _config(args)
    client = ApiClient(ClientSettings.from_config(config))
    try:
        if args.close:
            closed = close_call(client, args.close, args.by or config.kiosk.id)
            print(f"call {closed.id} from {closed.kiosk_id} is closed (by {closed.closed_by})")
            return EXIT_OK
        calls = staff_calls(client, include_closed=args.all)
    finally:
        client.close()
    if args.json:
        print(json.dumps([{"id": c.id, "kiosk_id": c.kiosk_id, "screen": c.screen,
                           "at": c.at.isoformat(timespec="seconds"), "open": c.open,
                           "closed_by": c.closed_by} for c in calls], ensure_ascii=False))
        return EXIT_OK
    if not calls:
        print("no open calls for staff" if not args.all else "no calls for staff")
    for c in calls:
        state = "OPEN" if c.open else f"closed by {c.closed_by}"
        print(f"{c.id:>6}  {c.at:%Y-%m-%d %H:%M}  {c.kiosk_id:<20} {c.screen:<12} {state}")
    return EXIT_OK


def cmd_queue(args: argparse.Namespace) -> int:
    from kiosk.store.client import ApiClient, ClientSettings
    from kiosk.store.queue_numbers import call_next, service_areas

    client = ApiClient(ClientSettings.from_config(_config(args)))
    try:
        if args.call:
            if not args.counter:
                raise CommandFailed("--call AREA needs --counter N (the counter calling)")
            called = call_next(client, args.call, args.counter)
            print(f"nobody waits in {called.area}" if called.number is None else
                  f"counter {called.counter}: number {called.number:03d} ({called.waiting} "
                  "still waiting)")
            return EXIT_OK
        areas = service_areas(client)
    finally:
        client.close()
    for area in areas:
        print(f"{area.code:<8} {area.waiting:>4} waiting  counters {', '.join(area.counters):<10}"
              f" {area.name}")
    return EXIT_OK


def cmd_ratings(args: argparse.Namespace) -> int:
    from kiosk.feedback.rating import CRITERIA
    from kiosk.store.client import ApiClient, ClientSettings

    params = {k: v for k, v in (("since", args.since), ("until", args.until)) if v}
    client = ApiClient(ClientSettings.from_config(_config(args)))
    try:
        summary = client.get("ratings/summary", params or None).json()
    finally:
        client.close()
    if not isinstance(summary, dict) or not isinstance(summary.get("agencies"), list):
        raise CommandFailed("the central API's rating summary is not what was expected")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return EXIT_OK
    print(f"ratings from {summary['since']} to {summary['until']} (3 very satisfied, "
          "2 satisfied, 1 not satisfied)")
    if not summary["agencies"]:
        print("no ratings in this period")
    for agency in summary["agencies"]:
        print(f"\n{agency['agency']}: {agency['ratings']} ratings")
        rows = [("overall", agency["overall"])] + [
            (key, agency["criteria"][key]) for key, _ in CRITERIA if key in agency["criteria"]]
        for name, levels in rows:
            given = sum(levels.values())
            shares = "  ".join(f"{level}: {levels[level]:>4} ({levels[level] / given:4.0%})"
                               for level in ("3", "2", "1")) if given else "-"
            print(f"  {name:<9} {shares}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from kiosk import i18n
    from kiosk.store.catalogue_store import StoreError
    from kiosk.ui.procedure_text import procedure_json, procedure_lines
    from kiosk.ui.services import KioskServices

    config = _config(args)
    i18n.set_language(config.kiosk.language)
    services = KioskServices.from_config(config)
    try:
        procedure = services.catalogue.procedure(args.code.strip())
    except StoreError as err:
        raise CommandFailed(f"the local catalogue cannot be read: {err}") from None
    if procedure is None:
        raise CommandFailed(f"no procedure {args.code} in the local catalogue")
    if args.json:
        print(json.dumps(procedure_json(procedure, services.form_state), ensure_ascii=False,
                         indent=1))
    else:
        print("\n".join(procedure_lines(procedure, services.form_state)).rstrip())
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from kiosk.store.local_catalogue import LocalCatalogue

    config = _config(args)
    limit = args.limit or config.search.limit
    catalogue = LocalCatalogue(config.catalogue_path, config.kiosk.agency)
    queries = (line.rstrip("\n") for line in sys.stdin) if args.stdin else [args.query or ""]
    for query in queries:
        hits = catalogue.search(query, limit)
        if args.json or args.stdin:
            print(json.dumps([{"code": h.code, "name": h.name, "field": h.field,
                               "score": h.score} for h in hits], ensure_ascii=False),
                  flush=True)
        elif not hits:
            print(f"no procedure matches {query!r}")
        else:
            for h in hits:
                print(f"{h.code:<12} {h.name}  [{h.field}]")
    return EXIT_OK


def cmd_due_date(args: argparse.Namespace) -> int:
    from datetime import datetime

    from kiosk.catalogue.working_days import due_date

    try:
        received = datetime.fromisoformat(args.received.strip())
    except ValueError:
        raise CommandFailed(f"RECEIVED {args.received!r}: give it as 2026-12-03 or "
                            "2026-12-03T16:10 (local time)") from None
    if not 0 <= args.amount <= 10_000:  # also refuses nan
        raise CommandFailed("N must be a number from 0 to 10000")
    # a date alone is the morning of that day: before the cut-off
    when = received if "T" in args.received or " " in args.received.strip() else \
        received.date()
    print(due_date(when, args.amount, args.unit, _config(args).working_calendar).isoformat())
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    import dataclasses
    from datetime import date

    from kiosk import i18n
    from kiosk.status.lookup import GO_TO_COUNTER, look_up, look_up_reference
    from kiosk.status.words import describe
    from kiosk.store.central_api import CentralApi
    from kiosk.store.client import ApiClient, ClientSettings
    from kiosk.store.outbox import Outbox, OutboxError
    from kiosk.submission.reference import normalise_reference

    config = _config(args)
    i18n.set_language(args.language or config.kiosk.language)
    citizen_id = None
    if args.id_number:
        # read from the terminal, never the command line: a shell history keeps that
        import getpass

        citizen_id = getpass.getpass("Số định danh cá nhân (12 chữ số): ").strip()
        if not (len(citizen_id) == 12 and citizen_id.isascii() and citizen_id.isdigit()):
            raise CommandFailed("a personal identification number is 12 digits")
    client = ApiClient(ClientSettings.from_config(config))
    reference = normalise_reference(args.code)
    try:
        if reference:
            try:
                local = Outbox.from_config(config).local_state if config.outbox.key else None
            except OutboxError:
                local = None  # the central API still knows what reached it
            found = look_up_reference(CentralApi(client), reference, local)
        else:
            found = look_up(CentralApi(client), args.code.strip(), args.pin, citizen_id)
    finally:
        client.close()
    if found.dossier is None:
        message = i18n._(found.message)
        if found.outcome == "refused":
            message = f"{message} {i18n._(found.why)} {i18n._(GO_TO_COUNTER)}"
        if args.json:
            print(json.dumps({"code": args.code, "outcome": found.outcome,
                              "message": message}, ensure_ascii=False))
        if found.outcome == "waiting":  # not a failure: it is on its way
            if not args.json:
                print(f"{reference}: {message}")
            return EXIT_OK
        raise CommandFailed(message)
    view = describe(found.dossier, date.today(), config.working_calendar)
    if args.json:
        print(json.dumps({"outcome": "found", **dataclasses.asdict(view)}, ensure_ascii=False))
        return EXIT_OK
    print(f"{view.code}  {view.procedure}")
    print(f"{view.applicant}: {view.headline}")
    print(view.next_step)
    for when, words, note in view.history:
        print(f"  {when}  {words}{' – ' + note if note else ''}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.cli.demo import run_demo

    refuse_exposed_secrets(_config(args))
    return run_demo(args.config)


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.ui.launch import has_display, run_app

    config = _config(args)
    # a secrets file others can read or write: the kiosk does not start with it
    refuse_exposed_secrets(config)
    if not has_display():
        raise CommandFailed("no display (DISPLAY and WAYLAND_DISPLAY are not set): start the "
                            "kiosk in a graphical session (see systemd/)")
    # 64: the operator left the kiosk for the desktop (systemd does not restart it)
    return run_app(config, fullscreen=config.display.fullscreen and not args.window)


def cmd_hash_pin(args: argparse.Namespace) -> int:
    import getpass

    from kiosk.config.pin import hash_pin

    pin = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass("PIN: ")
    try:
        print(hash_pin(pin))
    except ValueError as err:
        raise CommandFailed(f"{err}: a shorter PIN is too easy to guess") from None
    return EXIT_OK


def cmd_portal_policy(args: argparse.Namespace) -> int:
    from kiosk.access_point.policy import build_policy, install_policy, policy_text

    config = _config(args)
    if not args.install:
        sys.stdout.write(policy_text(build_policy(config)))
        return EXIT_OK
    try:
        path = install_policy(config)
    except OSError as err:
        raise CommandFailed(f"cannot write the browser policy into "
                            f"{config.access_point.policy_dir} ({err.strerror or err}): "
                            "run this as root") from None
    print(f"installed {path}; Chromium reads it at its next start")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Touchscreen kiosk for one-stop administrative centres.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE",
                        help="config file (default: $KIOSK_CONFIG, else /etc/kiosk/kiosk.toml, "
                             "else the example config/kiosk.toml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], text: str
                ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(run=run)
        return p

    command("demo", cmd_demo, "Start the reference API on demo data in this process, sync, "
            "and open the kiosk in a window (without a display: says so).")

    p = command("run", cmd_run, "Run the kiosk (fullscreen unless display.fullscreen is "
                "false) with the configured central API.")
    p.add_argument("--window", action="store_true", help="in a window, not fullscreen")

    p = command("portal-policy", cmd_portal_policy, "Print the managed policy that guards "
                "the portal browser ([access_point]: the hosts it may open, its downloads "
                "folder; no dev tools, no printing), or install it where Chromium reads it.")
    p.add_argument("--install", action="store_true", help="write it to "
                   "access_point.policy_dir (as root; again after changing [access_point])")

    from kiosk.cli.scan import add_parser as add_scan

    add_scan(sub, common)

    from kiosk.cli.doctor import add_parser as add_doctor

    add_doctor(sub, common)

    p = command("status", cmd_status, "Look a dossier up at the central API and print where "
                "it stands, as the kiosk's status screen says it.")
    p.add_argument("code", help="the dossier code on the receipt, e.g. "
                   "000.00.20.H29-201117-0001, or the reference on a kiosk's slip, e.g. "
                   "K7P-3F9A (this kiosk's outbox is asked first)")
    p.add_argument("--pin", help="the lookup PIN, if the receipt has one")
    p.add_argument("--id-number", action="store_true", help="ask for the applicant's "
                   "personal identification number (12 digits, not echoed) and look the "
                   "dossier up with it, as the portal does")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--language", choices=["vi", "en"], help="language of the words "
                   "(default: kiosk.language)")

    p = command("due-date", cmd_due_date, "Print the appointment date (YYYY-MM-DD) of a "
                "dossier received at RECEIVED taking N working days (or --unit days), on "
                "Vietnam's working days with [calendar] of the config: received at or after "
                "the cut-off (15:00) or on a day off, it counts from the next working day; "
                "N = 0 is that day.")
    p.add_argument("received", metavar="RECEIVED", help="when the dossier was received, "
                   "local time: 2026-12-03 or 2026-12-03T16:10")
    p.add_argument("amount", metavar="N", type=float, help="processing time, e.g. 1 or 15")
    p.add_argument("--unit", choices=["working_day", "day", "hour", "month"],
                   default="working_day", help="unit of N (working_day)")

    p = command("outbox", cmd_outbox, "List what waits on this kiosk to reach the central API "
                "(submissions, ratings), without personal data, and when the kiosk's sender "
                "last ran; `flush` sends it now.")
    p.add_argument("action", nargs="?", choices=["list", "flush", "discard"], default="list",
                   help="list (default); flush: try every waiting item now (and items the "
                        "outbox key can read again), exit 1 if some still wait; discard "
                        "REFERENCE: remove a refused or unreadable item once staff have "
                        "seen the person")
    p.add_argument("reference", nargs="?", help="the item's reference, for discard")

    p = command("fleet", cmd_fleet, "The province's view from the central API: each kiosk "
                "(alive or silent, last heartbeat, version, free disk, camera) and the usage "
                "counts; exit 1 if a kiosk has gone silent.")
    p.add_argument("--json", action="store_true", help="print {kiosks, usage} as JSON")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="count usage from this day "
                   "(default: 30 days ago)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="the N most viewed "
                   "procedures (10)")

    p = command("staff-calls", cmd_staff_calls, "The calls for staff that people made from "
                "the kiosks' help screens (from the central API): the open ones, oldest first; "
                "--close ID when one has been seen to.")
    p.add_argument("--all", action="store_true", help="the latest 200 calls, closed ones too")
    p.add_argument("--close", type=int, metavar="ID", help="close this call")
    p.add_argument("--by", metavar="NAME", help="who closes it (default: this kiosk's id)")
    p.add_argument("--json", action="store_true", help="print the calls as a JSON list")

    p = command("queue", cmd_queue, "The queue numbers at the central API: each service area "
                "with how many numbers wait today; --call AREA --counter N calls the next "
                "number to a counter.")
    p.add_argument("--call", metavar="AREA", help="the service area's code, e.g. HT")
    p.add_argument("--counter", metavar="N", help="the counter that calls, one of the area's")

    p = command("ratings", cmd_ratings, "Print the citizens' satisfaction ratings the central "
                "API holds, per agency: overall and per criterion.")
    p.add_argument("--summary", action="store_true",
                   help="totals per agency (the only view there is; kept for scripts)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="first day (default: 30 days ago)")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="last day (default: today)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    command("hash-pin", cmd_hash_pin, "Read an operator PIN (6-12 digits) and print the "
            "salted hash for [operator] pin_hash in the secrets file.")

    p = command("serve-api", cmd_serve_api, "Run the reference central API. With no --db it "
                "serves the demo data from a fresh temporary database.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8700, help="port (8700)")
    p.add_argument("--db", metavar="PATH|URL", help="server database: a SQLite file, or "
                   "postgresql://user@host/dbname for a province; created and filled with the "
                   "demo data if it holds no catalogue")
    p.add_argument("--workers", type=int, default=1, help="worker processes sharing the port "
                   "(1); each takes its own connections to the database")
    p.add_argument("--empty", action="store_true", help="do not fill a new database with the "
                   "demo data (use import-catalogue)")
    p.add_argument("--write-openapi", metavar="FILE", help="write the API's OpenAPI document "
                   "to FILE and exit")

    p = command("import-dossiers", cmd_import_dossiers, "Import a one-stop system's dossiers "
                '(JSON {"dossiers": [...]}; statuses 1-10 or the portal\'s words processing, '
                "waiting, paying, cancelled, unresolved, releasing, done; dates YYYY-MM-DD "
                "or yyyyMMddHHmmss) into a reference server database, replacing earlier "
                "states of the same dossiers.")
    p.add_argument("file", help="dossiers JSON file")
    p.add_argument("--db", metavar="PATH|URL", required=True,
                   help="server database: a SQLite file or a postgresql:// URL")

    p = command("import-catalogue", cmd_import_catalogue, "Import a province's catalogue "
                "(JSON, see docs/catalogue-format.md) into a reference server database; a "
                "catalogue with problems is not imported, and every problem is listed, one a "
                "line. With --format dvcqg, the national portal's procedure JSON: bad records "
                "are skipped with one line each (naming every bad field); exit 0 when at least "
                "one procedure imported.")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="catalogue JSON file; with --format dvcqg, files or folders of the "
                        "portal's JSON (form templates beside them)")
    p.add_argument("--format", choices=["kiosk", "dvcqg"], default="kiosk",
                   help="kiosk: the kiosk's own format (default); dvcqg: the national "
                        "public service portal's")
    p.add_argument("--no-convert", action="store_true", help="dvcqg: do not convert Word "
                   "form templates to PDF with LibreOffice (they are listed as without a PDF)")
    p.add_argument("--db", metavar="PATH|URL", required=True,
                   help="server database: a SQLite file or a postgresql:// URL")
    p.add_argument("--forms-dir", metavar="DIR", help="folder of form PDFs named CODE.pdf "
                   "(default: forms/ beside the file)")
    p.add_argument("--samples-dir", metavar="DIR", help="folder of filled-in sample PDFs "
                   "named CODE.pdf (default: samples/ beside the forms folder)")
    p.add_argument("--keep-missing", action="store_true", help="keep procedures that are not "
                   "in the file (default: they are removed)")

    p = command("import-service-areas", cmd_import_service_areas, "Set the centre's service "
                "areas for queue numbers (JSON {\"service_areas\": [{code, name, counters, "
                "fields}]}, as assets/demo/service-areas.json) in a reference server "
                "database, replacing the earlier ones.")
    p.add_argument("file", help="service areas JSON file")
    p.add_argument("--db", metavar="PATH|URL", required=True,
                   help="server database: a SQLite file or a postgresql:// URL")

    p = command("add-kiosk", cmd_add_kiosk, "Issue an API key for one kiosk in a reference "
                "server database and print it.")
    p.add_argument("kiosk_id", help="the kiosk's id (its kiosk.id)")
    p.add_argument("--db", metavar="PATH|URL", required=True,
                   help="server database: a SQLite file or a postgresql:// URL")

    p = command("sync", cmd_sync, "Bring the local catalogue and forms up to date with the "
                "central API. The previous catalogue stays in use if anything fails.")
    p.add_argument("--full", action="store_true", help="fetch everything, not only changes")

    p = command("show", cmd_show, "Print a procedure from the local catalogue as the "
                "detail screen shows it, every section whole.")
    p.add_argument("code", help="the procedure's code, e.g. 1.001193")
    p.add_argument("--json", action="store_true", help="print {code, name, fields, levels, "
                   "channels, cases[{name, components[{name, originals, copies, "
                   "forms[{name, available}]}]}]}; available: the PDF is on this kiosk")

    p = command("search", cmd_search, "Search the local catalogue as the kiosk's search "
                "screen does.")
    p.add_argument("query", nargs="?", help="words to look for, with or without accents")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of {code, name, field, score}")
    p.add_argument("--limit", type=int, metavar="N", help="at most N results (search.limit)")
    p.add_argument("--stdin", action="store_true",
                   help="read one query per line; print one JSON line per query")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    args = build_parser().parse_args(argv)
    from kiosk.system.logs import setup_for_command

    setup_for_command(args.command)
    if args.command == "search" and not args.stdin and args.query is None:
        print("kiosk search: give a QUERY or --stdin", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except ConfigError as err:
        print(f"kiosk {args.command}: configuration error in {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as err:  # the last line of defence: one line, never a traceback
        print(f"kiosk {args.command}: {reason(err)}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
