"""Soak: the real UI through thousands of sessions; resident memory must stay flat.

The real KioskApp runs offscreen (Mesa software rendering) in a subprocess, on a synced
copy of the demo catalogue, as deployed: malloc set up as `kiosk run` sets it
(kiosk/system/allocator.py) and the reference API in a process of its own (`kiosk
serve-api`, through `support.tour.demo_services`), so what is measured is the kiosk's
process alone. Each session is a randomly chosen (seeded) visit, driven
with simulated touches through support.driver.Driver:

    browse      a field, maybe a level, a procedure; maybe the legal basis, the end, back
    search      words typed on the on-screen keyboard, a result (or a suggestion) opened
    viewer      a form or a filled-in sample in the PDF viewer, a page turned, maybe zoom
    dossier     a dossier code typed on the scan screen (and its PIN when it has one)
    qr          a receipt held under the camera (a video), its status
    apply       an online submission started, then cancelled, handed to the phone, or
                walked away from
    submit      an online submission completed: details, case, papers (originals brought,
                a page photographed from a video of a document), review, consent, receipt
    help        the help screen, maybe its search
    language    English, then browse or search
    large       large text, then a procedure or browse

Then the person walks away, with the idle time-out compressed in time (the countdown, now
and then "continue" and walking away again, then the reset), and the kiosk is left alone
until the app has tidied its memory (`app.tidied` counts it). The app waits TIDY_SECONDS
after a reset before it tidies, for scroll effects and fades to end; the soak compresses
that quiet too (--quiet, 1 s), except before each measurement. A person who finished with
Done or Home leaves the kiosk at home, where no reset comes: the attract loop starts
instead, and the next person's touch ends it.

Every --every sessions (after a tidy) it records resident memory (/proc/self/statm), the
anonymous part of it, glibc's heap in use over all its arenas (mallinfo2) and what those
arenas hold from the system (malloc_info; Mesa's threads and the app's each get one),
Python's own allocator's arenas (sys._debugmallocstats), Python's allocated blocks and
tracked objects, threads and open files. At the end it lists the anonymous
mappings whose resident size grew most since the warm-up (/proc/self/smaps): where
memory outside the heaps went. It prints resident memory after the warm-up and
at the end, the growth, the slope over the last half (least squares, MB per 1000
sessions), sessions per second, and a verdict. It prints figures; it asserts nothing.

The warm-up ends after --warmup sessions once every kind of visit has been seen and the
attract loop has been shown once (its first showing costs memory once: a step, not a
slope). "Flat": the least-squares slope of resident memory over the last half of the run
is under 5 MB (memory_probe.FLAT_PER_1000) per 1000 sessions by more than two standard
errors; a slope above it by as much is "growing"; in between, the run was too short for
its noise (RSS at a checkpoint varies by several MB with what the last sessions drew).
Checkpoints that find an earlier session's screens still alive (over HELD_OBJECTS times
the warm-up's Python objects: a peak gone at the next checkpoint) are listed and left
out of the fit. At 300 sessions a day, 5 MB per 1000 sessions would still be ~550 MB a
year: a kiosk meant to run for months needs the figure near 0, and the report shows it.

    .venv/bin/python tests/bench/bench_soak.py                  # 2000 sessions
    .venv/bin/python tests/bench/bench_soak.py --sessions 60    # a quick check
    .venv/bin/python tests/bench/bench_soak.py --sessions 100000 --minutes 45
    .venv/bin/python tests/bench/bench_soak.py --kinds viewer --sessions 200  # one kind
    .venv/bin/python tests/bench/bench_soak.py --types 10       # growing object types
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for support

import bench_media
import memory_probe
from memory_probe import (
    FLAT_PER_1000,
    anon_mb,
    anonymous_mappings,
    arenas,
    fit_per_1000,
    malloc_mb,
    open_fds,
    open_files,
    pymalloc_mb,
    rss_mb,
    slope_per_1000,
    type_counts,
)

WARMUP = 20
QUIET = 1.0
HELD_OBJECTS = 1.1  # a checkpoint with this many times the warm-up's Python objects
# how often each kind of visit comes, roughly as at a one-stop counter's kiosk
KINDS = {"browse": 18, "search": 20, "viewer": 12, "dossier": 10, "qr": 8, "apply": 8,
         "submit": 6, "help": 5, "language": 7, "large": 6}


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--every", type=int, default=10,
                        help="record memory after every K sessions (default 10)")
    parser.add_argument("--warmup", type=int, default=WARMUP,
                        help=f"sessions before the reference level (default {WARMUP})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="",
                        help="comma-separated kinds of visit, only these (default: the mix "
                             f"{','.join(KINDS)})")
    parser.add_argument("--minutes", type=float, default=0,
                        help="stop after this much wall time, whatever --sessions says")
    parser.add_argument("--size", default="1280x800", help="window size (default 1280x800)")
    parser.add_argument("--quiet", type=float, default=QUIET,
                        help="seconds the app waits after a reset before it tidies its "
                             f"memory (default {QUIET:g}; the kiosk itself waits longer)")
    parser.add_argument("--types", type=int, default=0, metavar="N",
                        help="also print, at each checkpoint, the N object types that grew "
                             "most since the previous one (slow: walks every object)")
    parser.add_argument("--holders", action="store_true",
                        help="at a checkpoint that finds an earlier session's screens still "
                             "alive, print what holds them (gc referrers)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k] or list(KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kinds: {', '.join(unknown)} (known: {', '.join(KINDS)})")
    args.kinds = kinds
    return args


def main() -> None:
    args = options()
    if args.child:
        child(args)
        return
    # Kivy has one window per process and reads its settings on first import: the soak
    # runs in a fresh interpreter, from this file (Kivy looks for .kv files beside it).
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--child",
                           *sys.argv[1:]], check=False)
    sys.exit(done.returncode)


# --- the child: the app, the visitors, the measurements ---------------------------------

def child(args: argparse.Namespace) -> None:
    # the allocator as the kiosk's own start-up sets it (kiosk/cli/start.py), before
    # any thread starts: the benchmark measures the kiosk as deployed
    from kiosk.system import allocator

    allocator.set_up()
    import dataclasses
    import gc
    import json
    import random
    import statistics
    import tempfile
    import threading
    import time
    import traceback
    import weakref
    from collections import Counter
    from datetime import date
    from pathlib import Path

    from kiosk.ui.launch import prepare_kivy

    width, height = (int(v) for v in args.size.lower().split("x"))
    prepare_kivy(width=width, height=height, fullscreen=False, offscreen=True)

    from support.driver import Driver
    from support.speech_outputs import PacedSilence
    from support.tour import demo_services

    from kiosk.config.settings import EXAMPLE_CONFIG, load_config
    from kiosk.submission.draft import may_bring_original
    from kiosk.ui.app import TIDY_SECONDS, KioskApp

    # --- measurements ----------------------------------------------------------------

    @dataclasses.dataclass
    class Point:
        sessions: int
        seconds: float
        rss: float
        anon: float
        malloc: float
        arenas: int
        arenas_held: float
        pymalloc: float
        blocks: int
        objects: int
        threads: int
        fds: int

    def measure(sessions: int, started: float) -> Point:
        return Point(sessions, time.monotonic() - started, rss_mb(), anon_mb(), malloc_mb(),
                     *arenas(), pymalloc_mb(), sys.getallocatedblocks(), len(gc.get_objects()),
                     threading.active_count(), open_fds())

    def show(p: Point) -> None:
        print(f"{p.sessions:>8} {p.seconds:>8.0f} {p.rss:>8.1f} {p.anon:>8.1f} "
              f"{p.malloc:>9.1f} {p.arenas:>6} {p.arenas_held:>7.1f} "
              f"{p.pymalloc:>8.1f} "
              f"{p.blocks / 1000:>9.0f} {p.objects:>8} {p.threads:>7} "
              f"{p.fds:>5}", flush=True)

    # --- the kiosk ------------------------------------------------------------------

    rng = random.Random(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    config = load_config(str(EXAMPLE_CONFIG), environ={})
    services, stop_api = demo_services(config, scratch / "data", api_apart=True)
    # the spoken idle warnings take their real time, without thousands of WAV files
    services.speech_output = PacedSilence
    app = KioskApp(services)
    d = Driver(app)
    base = services.config

    def codes() -> tuple[list[str], list[str]]:
        procedures = services.catalogue.store.procedures(None, None)
        return ([p.code for p in procedures if p.is_online],
                [p.code for p in procedures
                 if any((c.form and services.form_pdf(c.form, False)) or
                        (c.sample and services.form_pdf(c.sample, True))
                        for case in p.cases for c in case.components)])
    online, with_forms = codes()  # the codes kept, not the whole catalogue's objects
    today = date.today()

    # the kiosk's one camera, looking at: an empty desk, a receipt, a page of a document;
    # drawn in another process, as the demo dossiers are read there (bench_media.py)
    bench_media.made_apart(scratch)
    known = json.loads((scratch / "dossiers.json").read_text())
    dossiers = [(code, pin) for code, pin in known["dossiers"]]
    desk, page_video = scratch / "desk.avi", scratch / "page.avi"
    receipt_videos = [scratch / f"receipt-{i}.avi" for i in range(len(known["receipts"]))]

    def camera_on(video: Path) -> None:
        services.config = dataclasses.replace(
            base, scanner=dataclasses.replace(base.scanner, camera=str(video)))

    queries = ("khai sinh", "ket hon", "chung thuc", "ho kinh doanh", "tam tru", "so do",
               "xay nha", "tro cap", "giay phep xay dung", "khai tu", "thuong tru",
               "chuyen truong", "ban sao", "nguoi cao tuoi", "qqxyz")
    names = ("NGUYEN THI HOA", "TRAN VAN BINH", "LE THI MAI", "PHAM VAN DUC", "HOANG ANH")
    # a CCCD number carries the birth year (and the century): they go in pairs
    born = (("025190012345", "05091990"), ("001085012345", "12031985"),
            ("079200001234", "30112000"))
    values = {"phone": ("0912345678", "0987654321", "0356789123"),
              "address": ("xom Dong, xa Minh Khai", "thon 3, xa Tan Lap",
                          "so 12 duong Hung Vuong"),
              "email": ("hoa@gmail.com", "")}

    class Failed(Exception):
        pass

    def ids(prefix: str) -> list[str]:
        return [str(w.action_id) for w in d.widgets()
                if str(getattr(w, "action_id", "")).startswith(prefix)
                and getattr(w, "enabled", True)]

    def wait(done, what: str, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
        if not d.until(done, seconds):
            raise Failed(f"no {what} within {seconds:.0f} s")

    def chance(p: float) -> bool:
        return rng.random() < p

    # --- the visits -----------------------------------------------------------------

    def read_procedure() -> None:
        if chance(0.3) and d.exists("detail:legal"):
            d.tap("detail:legal")
        if chance(0.4):
            d.scroll_to_end()
        if chance(0.15):
            d.tap("nav:back")

    def browse() -> None:
        d.tap("home:browse")
        d.tap(rng.choice(ids("field:")))
        if chance(0.4):
            d.tap(rng.choice(("level:commune", "level:province", "level:all")))
        if chance(0.2) and d.exists("browse:more"):
            d.tap("browse:more")
        rows = ids("procedure:")
        if rows:
            d.tap(rng.choice(rows[:12]))
            read_procedure()

    def search() -> None:
        d.tap("home:search")
        query = rng.choice(queries)
        if chance(0.2):  # a slip of the finger, corrected
            d.type(query[:3] + "x")
            d.tap("key:backspace")
            d.type(query[3:])
        else:
            d.type(query)
        if chance(0.15):
            d.tap(rng.choice(("tone:sac", "tone:huyen", "mark:circumflex")))
        if not ids("procedure:") and d.exists("suggest:khai sinh"):
            d.tap(rng.choice(ids("suggest:")))
        rows = ids("procedure:")
        if rows and chance(0.85):
            d.tap(rng.choice(rows[:3]))
            read_procedure()

    def viewer() -> None:
        app.go("detail", code=rng.choice(with_forms))
        d.frames()
        d.tap(rng.choice(ids("form:") + ids("sample:")))
        if app.screens.current != "viewer":
            raise Failed("the viewer did not open")
        pdf = app.screen.viewer
        if not d.until(lambda: not pdf.loading):
            raise Failed("the viewer did not draw the form")
        if pdf.page_total > 1:
            d.tap("viewer:next")
            if chance(0.3):
                d.tap("viewer:prev")
        if chance(0.4):
            d.tap("viewer:zoom_in")
        if chance(0.5):
            d.tap("viewer:close")
            if chance(0.3):
                d.tap(rng.choice(ids("form:") + ids("sample:")))

    def dossier() -> None:
        d.tap("home:dossier")
        d.tap("scan:type")
        code, pin = rng.choice([*dossiers, ("000.00.20.H29-201117-9999", None)])
        d.type(code)
        scan = app.screen
        d.tap("scan:submit")
        wait(lambda: not scan.busy, "answer to the look-up")
        if scan.mode == "pin" and pin:  # the PIN on the screen's own digit pad
            for digit in pin:
                d.tap(f"digit:{digit}")
            d.tap("scan:submit")
            wait(lambda: not scan.busy, "answer to the PIN")
        if app.screens.current == "status":
            if chance(0.3):
                d.scroll_to_end()
            if chance(0.3):
                d.tap("status:done")

    def qr() -> None:
        camera_on(rng.choice(receipt_videos))
        d.tap("home:dossier")
        wait(lambda: app.screens.current == "status", "status from the receipt's QR code")
        if chance(0.3):
            d.tap("status:done")

    def fill_details() -> None:
        draft = services.draft
        assert draft is not None
        citizen_id, birth = rng.choice(born)
        chosen = {**{k: rng.choice(v) for k, v in values.items()}, "full_name":
                  rng.choice(names), "citizen_id": citizen_id, "date_of_birth": birth}
        for field in draft.fields:
            value = chosen.get(field.name, "")
            if not value:
                continue
            d.tap(f"field:{field.name}")
            d.tap("key:clear")
            d.type(value)
        screen = app.screen
        d.tap("apply:next")
        if d.exists("apply:name-plain"):  # a name typed without marks is asked about
            d.tap("apply:name-plain")
        if screen.state.step == "details":
            raise Failed(f"details refused: {sorted(draft.problems(today))}")

    def photograph(index: int) -> None:
        screen = app.screen
        d.tap(f"paper:photo:{index}")
        wait(lambda: screen.worker is not None and screen.worker.latest_frame() is not None,
             "camera frame")
        d.tap("camera:take")
        wait(lambda: screen.state.shot is not None, "straightened page")
        d.tap("camera:keep")

    def start_submission() -> None:
        app.go("detail", code=rng.choice(online))
        d.frames()
        d.tap("detail:submit")
        if app.screens.current != "apply":
            raise Failed("no submission screen")

    def apply() -> None:
        start_submission()
        name = rng.choice(names)
        d.type(name[:rng.randint(3, len(name))])
        if chance(0.3):
            d.tap("field:phone")
            d.type("0912")
        ending = rng.random()
        if ending < 0.4:
            d.tap("apply:cancel")
        elif ending < 0.6:
            d.tap("apply:phone")
            handoff = app.screen
            d.until(lambda: getattr(handoff, "link", None) is not None, 10)

    def submit() -> None:
        camera_on(page_video)
        start_submission()
        fill_details()
        draft = services.draft
        assert draft is not None
        if app.screen.state.step == "case":
            d.tap(f"case:{rng.randrange(len(draft.procedure.cases))}")
        photographed = False
        for i in draft.missing_documents():
            if may_bring_original(draft.components[i]) and (photographed or chance(0.6)):
                d.tap(f"paper:bring:{i}")
            else:
                photograph(i)
                photographed = True
        d.tap("apply:next")
        d.tap("apply:consent")
        d.tap("apply:send")
        screen = app.screen
        if screen.state.step == "repeat":  # the same person sent this procedure today
            if chance(0.5):
                d.tap("apply:repeat:no")
                return
            d.tap("apply:repeat:yes")
        wait(lambda: screen.state.step == "receipt", "receipt", 30)
        if chance(0.5):
            d.tap("apply:done")

    def help_() -> None:
        d.tap("home:help")
        if chance(0.5):
            d.scroll_to_end()
        if chance(0.4):
            d.tap("help:search")
            d.type(rng.choice(queries[:6]))
            rows = ids("procedure:")
            if rows:
                d.tap(rows[0])

    def language() -> None:
        d.tap("nav:language")
        (browse if chance(0.5) else search)()
        if chance(0.2):
            d.tap("nav:language")  # back to Vietnamese halfway

    def large() -> None:
        d.tap("nav:large_text")
        if chance(0.5):
            app.go("detail", code=rng.choice(online + with_forms))
            d.frames()
            read_procedure()
        else:
            browse()

    visits = {"browse": browse, "search": search, "viewer": viewer, "dossier": dossier,
              "qr": qr, "apply": apply, "submit": submit, "help": help_,
              "language": language, "large": large}
    weights = [KINDS[k] for k in args.kinds]

    attracted = False  # the attract loop's first showing costs memory once (a step)

    def walk_away() -> bool:
        """The person leaves. True when the app reset the session and tidied."""
        idle = app.idle
        if app.screens.current == "home":  # no reset at home: the attract loop, later
            idle.last_touch -= idle.attract_seconds + 1
            app.tick()
            d.frames(2)
            nonlocal attracted
            attracted = True
            return False
        tidied = app.tidied
        idle.last_touch -= idle.idle_seconds + 1
        app.tick()  # "Do you need more time?"
        d.frames(1)
        if chance(0.1) and app.countdown.visible:
            d.tap("idle:continue")  # back for a moment, then gone for good
            idle.last_touch -= idle.idle_seconds + 1
            app.tick()
            d.frames(1)
        idle.last_touch -= idle.countdown_seconds + 1
        app.tick()  # the countdown ran out: reset
        return d.until_tidied(tidied)

    def arrive() -> None:
        camera_on(desk)
        if app.attract.visible:
            d.tap_at(10, 10)  # the touch that wakes the kiosk does nothing else

    # --- the run --------------------------------------------------------------------

    print(f"soak: {args.sessions} sessions of {','.join(args.kinds)}, seed {args.seed}, "
          f"{width}x{height}, {memory_probe.allocator()}, memory every {args.every} "
          "sessions after a tidy"
          + (f", at most {args.minutes:g} min" if args.minutes else ""), flush=True)
    print(f"{'sessions':>8} {'seconds':>8} {'rss MB':>8} {'anon MB':>8} {'malloc MB':>9} "
          f"{'arenas':>6} {'held':>7} {'pymalloc':>8} "
          f"{'pyblk k':>9} {'objects':>8} {'threads':>7} {'fds':>5}", flush=True)
    started = time.monotonic()
    app.reset_session()  # a first tidy, as after any session
    d.until_tidied(0)
    points = [measure(0, started)]
    show(points[0])
    types_before = type_counts() if args.types else Counter()
    kind_counts: Counter[str] = Counter()
    kind_seconds: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    no_reset = 0
    warm: Point | None = None
    warm_types: Counter[str] | None = None
    warm_files: Counter[str] = Counter()
    warm_maps: dict[str, int] = {}
    sessions = 0
    out_of_time = False

    def checkpoint() -> None:
        nonlocal warm, warm_types, warm_files, warm_maps, types_before
        point = measure(sessions, started)
        points.append(point)
        show(point)
        if warm is None and sessions >= args.warmup and attracted and \
                all(kind_counts[k] for k in args.kinds):
            warm, warm_types, warm_files = point, type_counts(), open_files(scratch)
            warm_maps = anonymous_mappings()
        if args.holders:
            from kiosk.ui.screens.base import KioskScreen

            attached = {id(x) for x in app.screens.screens}
            # weak references only, so that the search itself holds none of them
            # (by type: Kivy's weak proxies pass isinstance as what they point to)
            alive = [weakref.ref(o) for o in gc.get_objects()
                     if issubclass(type(o), KioskScreen) and id(o) not in attached][:3]
            for screen in alive:
                gone = screen()
                if gone is not None:
                    print(f"         {gone.name} screen still alive, held by: "
                          + " <- ".join(memory_probe.holder_chain(gone)), flush=True)
                del gone
        if args.types:
            now = type_counts()
            grown = (now - types_before).most_common(args.types)
            if grown:
                print("         grown since the last: " + ", ".join(
                    f"{name.rsplit('.', 1)[-1]} +{n}" for name, n in grown), flush=True)
            types_before = now

    while sessions < args.sessions and not out_of_time:
        kind = rng.choices(args.kinds, weights)[0]
        began = time.monotonic()
        arrive()
        try:
            visits[kind]()
        except Exception as error:  # a soak goes on; failures are counted
            key = f"{kind}: {type(error).__name__}: {error}"[:160]
            if not errors[key]:
                print(f"  session {sessions + 1} ({kind}) failed: "
                      f"{traceback.format_exc(limit=3).strip().splitlines()[-1]}", flush=True)
            errors[key] += 1
        # measured sessions get the kiosk's own quiet: a tree held a moment longer (by a
        # timer of the last screen) is then gone, as it is in the kiosk
        measured = sessions + 1 >= (points[-1].sessions // args.every + 1) * args.every
        app.tidy_seconds = TIDY_SECONDS if measured else args.quiet
        reset = walk_away()
        if not attracted:  # the kiosk alone at home long enough, once in the warm-up
            app.idle.last_touch -= app.idle.attract_seconds + 1
            app.tick()
            d.frames(2)
            attracted = True
        sessions += 1
        kind_counts[kind] += 1
        kind_seconds[kind] += time.monotonic() - began
        no_reset += not reset
        out_of_time = bool(args.minutes) and time.monotonic() - started > args.minutes * 60
        # measured in the same state each time: just after the app tidied
        if reset and sessions >= (points[-1].sessions // args.every + 1) * args.every:
            checkpoint()
    if points[-1].sessions != sessions:  # it ended at home: tidy as after any session
        app.tidy_seconds = TIDY_SECONDS
        arrive()
        tidied = app.tidied
        app.reset_session()
        d.until_tidied(tidied)
        checkpoint()
    end_types = type_counts()
    end_files = open_files(scratch)
    end_maps = anonymous_mappings()
    elapsed = time.monotonic() - started
    services.stop()
    stop_api()

    # --- the report -----------------------------------------------------------------

    last = points[-1]
    if warm is None:
        warm = next((p for p in points if p.sessions >= args.warmup), points[0])
        print(f"(the warm-up never completed, not every kind of visit came: the point at "
              f"{warm.sessions} sessions stands for it)")
    after = [p for p in points if p.sessions >= warm.sessions]
    # Now and then an earlier session's screens are still alive when the app tidies (tens
    # of thousands of objects more than after the warm-up): a peak that is gone at the next
    # checkpoint, not a level. The slope is fitted without those checkpoints.
    held = [p for p in after if p.objects > HELD_OBJECTS * warm.objects]
    half_all = [p for p in after if p.sessions >= last.sessions / 2] or after
    half = [p for p in half_all if p not in held] or half_all
    rss_slope, rss_error = fit_per_1000([(p.sessions, p.rss) for p in half])
    band = sorted(p.rss for p in after)
    print()
    print(f"sessions: {sessions} in {elapsed / 60:.1f} min, "
          f"{sessions / elapsed:.3f} sessions/s ({elapsed / max(1, sessions):.1f} s each, "
          f"{args.quiet:g}+ s of it the quiet after the reset)")
    print("kinds: " + ", ".join(f"{k} {kind_counts[k]} ({kind_seconds[k] / kind_counts[k]:.1f} s)"
                                for k in args.kinds if kind_counts[k]))
    print(f"sessions that ended at home (Done/Home: no reset, attract loop): {no_reset}")
    if errors:
        print(f"failed visits: {sum(errors.values())}")
        for key, n in errors.most_common(8):
            print(f"  {n} x {key}")
    print(f"resident memory: start {points[0].rss:.1f} MB, after warm-up ({warm.sessions} "
          f"sessions) {warm.rss:.1f} MB, end ({last.sessions}) {last.rss:.1f} MB")
    print(f"growth after warm-up: {last.rss - warm.rss:+.1f} MB over "
          f"{last.sessions - warm.sessions} sessions (median of the first 5 points after "
          f"it {statistics.median(p.rss for p in after[:5]):.1f} MB, of the last 5 "
          f"{statistics.median(p.rss for p in after[-5:]):.1f} MB; all of them within "
          f"{band[0]:.1f}-{band[-1]:.1f} MB)")
    if held:
        following = [next((q for q in after if q.sessions > p.sessions), None) for p in held]
        print(f"checkpoints that found an earlier session's screens still alive: {len(held)} "
              f"of {len(after)} (at {', '.join(str(p.sessions) for p in held)}; "
              f"{statistics.median(p.rss - warm.rss for p in held):+.1f} MB over the warm-up "
              f"level, median); the next checkpoint had them gone "
              f"{sum(1 for q in following if q is not None and q not in held)} times; "
              f"with them the slope below would be "
              f"{fit_per_1000([(p.sessions, p.rss) for p in half_all])[0]:+.1f} MB/1000")
    print(f"slope over the last half ({half[0].sessions}-{last.sessions}, {len(half)} points): "
          f"RSS {rss_slope:+.1f} ± {2 * rss_error:.1f} MB/1000 sessions (±2 standard "
          f"errors); anonymous {slope_per_1000([(p.sessions, p.anon) for p in half]):+.1f}; "
          f"malloc in use {slope_per_1000([(p.sessions, p.malloc) for p in half]):+.1f}; "
          f"pymalloc {slope_per_1000([(p.sessions, p.pymalloc) for p in half]):+.1f}; "
          f"Python objects {slope_per_1000([(p.sessions, p.objects) for p in half]):+.0f}"
          f"/1000 sessions")
    print(f"malloc in use: warm-up {warm.malloc:.1f} MB, end {last.malloc:.1f} MB; Python "
          f"objects: warm-up {warm.objects}, end {last.objects}; threads {warm.threads} -> "
          f"{last.threads}; open files {warm.fds} -> {last.fds}")
    grown = (end_types - (warm_types or Counter())).most_common(10)
    if grown:
        print("object types grown since the warm-up: " + ", ".join(
            f"{name} +{n}" for name, n in grown))
    files = end_files - warm_files
    if files:
        print("open files added since the warm-up: " + ", ".join(
            f"{name} +{n}" for name, n in files.most_common(10)))
    if warm_maps:
        grew = sorted(((end_maps[k] - warm_maps.get(k, 0), k) for k in end_maps), reverse=True)
        gone = sum(v for k, v in warm_maps.items() if k not in end_maps)
        print(f"anonymous mappings: {len(warm_maps)} -> {len(end_maps)} "
              f"({sum(warm_maps.values()) / 1024:.1f} -> {sum(end_maps.values()) / 1024:.1f} MB "
              f"resident; {gone / 1024:.1f} MB in mappings since unmapped); grown most: "
              + ", ".join(f"{k}{' (new)' if k not in warm_maps else ''} "
                          f"{warm_maps.get(k, 0) / 1024:.1f}->{end_maps[k] / 1024:.1f}"
                          for change, k in grew[:8] if change > 0))
    print(f"malloc arenas: warm-up {warm.arenas} holding {warm.arenas_held:.1f} MB "
          f"({warm.malloc:.1f} in use), end {last.arenas} holding "
          f"{last.arenas_held:.1f} MB ({last.malloc:.1f} in use)")
    index = services.catalogue._index
    if index is not None:
        info = index._match.cache_info()
        print(f"search word cache: {info.currsize} of {info.maxsize} entries, each with "
              f"{index.size} scores (a catalogue of {index.size} procedures)")
    verdict = memory_probe.verdict(rss_slope, rss_error, len(half), "sessions")
    print(f"verdict: {verdict} (flat: the RSS slope over the last half is under "
          f"{FLAT_PER_1000:g} MB per 1000 sessions, by more than 2 standard errors)",
          flush=True)
    os._exit(0)  # Kivy's window and the API's thread need no orderly goodbye


if __name__ == "__main__":
    main()
