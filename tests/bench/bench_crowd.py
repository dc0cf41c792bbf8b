"""Crowd: the real UI under an impatient crowd's touches; resident memory must stay flat.

The real KioskApp runs offscreen (Mesa software rendering) in a subprocess, on a synced
copy of the demo catalogue, as deployed: malloc set up as `kiosk run` sets it and the
reference API in a process of its own, as in bench_soak.py. Where the soak's visitors
tap known buttons, the crowd touches anywhere on the screen (people miss): seeded random
actions, each one of

    tap         a touch anywhere, up again at once
    double      two quick taps at the same place
    long        a finger held still for 0.5-1.5 s (the read-aloud mode's long press)
    drag        a finger dragged across the screen in a few steps (scrolls, swipes)
    key         a key of a keyboard left at the kiosk: letters, digits, Enter,
                Backspace, Escape, Tab, arrows, F1-F12, Alt+F4, with its text

and now and then (--leave, a chance per action) the person walks away: the idle
countdown runs out, the app resets the session and tidies its memory.

Every --every actions the person in front walks away, and once the app has tidied
(`app.tidied`) the benchmark records resident memory, the anonymous part of it, glibc's
heap in use (mallinfo2) and held by its arenas, Python's allocator, Python objects, GL
textures alive (Texture objects), the entries of Kivy's caches, threads and open files.
At the end it prints resident memory by kind of mapping (/proc/self/smaps), the object
types and open files that grew since the warm-up, the growth, the slope of resident
memory over the last half (least squares, MB per 1000 actions, with two standard
errors) and a verdict, as the soak does (the statistics are shared: memory_probe.py).
With --tracemalloc N it also lists the N source lines whose Python allocations grew most
since the warm-up (slow). It prints figures; it asserts nothing; a traceback from the
app is counted and its last line printed once.

    .venv/bin/python tests/bench/bench_crowd.py                  # 3000 actions
    .venv/bin/python tests/bench/bench_crowd.py --actions 500    # a quick check
    .venv/bin/python tests/bench/bench_crowd.py --types 10       # growing object types
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
    allocator,
    anon_mb,
    arenas,
    fit_per_1000,
    kivy_cache_sizes,
    malloc_mb,
    open_fds,
    open_files,
    pymalloc_mb,
    resident_by_kind,
    rss_mb,
    slope_per_1000,
    textures_alive,
    type_counts,
    who_holds,
)

WARMUP = 300
QUIET = 1.0
# how often each kind of action comes: mostly taps, as at a touchscreen
ACTIONS = {"tap": 45, "double": 6, "long": 6, "drag": 18, "key": 25}
HELD_OBJECTS = 1.1  # as in the soak: a checkpoint with an earlier screen's tree still alive
LEAVE = 0.02  # chance per action that the person walks away (a session of ~50 actions)
KEYS = ([(ord(c), c) for c in "abcdefghijklmnopqrstuvwxyz0123456789 "]
        + [(8, None), (13, None), (27, None), (9, None), (273, None), (274, None),
           (275, None), (276, None), (127, None)] + [(282 + i, None) for i in range(12)])
KEY_F4 = 285


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=3000)
    parser.add_argument("--every", type=int, default=100,
                        help="record memory after every K actions (default 100)")
    parser.add_argument("--warmup", type=int, default=WARMUP,
                        help=f"actions before the reference level (default {WARMUP})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=0,
                        help="stop after this much wall time, whatever --actions says")
    parser.add_argument("--leave", type=float, default=LEAVE,
                        help=f"chance per action that the person walks away (default {LEAVE})")
    parser.add_argument("--size", default="1280x800", help="window size (default 1280x800)")
    parser.add_argument("--quiet", type=float, default=QUIET,
                        help="seconds the app waits after a reset before it tidies its "
                             f"memory (default {QUIET:g}; the kiosk itself waits longer)")
    parser.add_argument("--types", type=int, default=0, metavar="N",
                        help="also print the N object types that grew most since the "
                             "warm-up, at each checkpoint (slow: walks every object)")
    parser.add_argument("--who", type=int, default=0, metavar="N",
                        help="with --types: at the end, what the N types that grew most are "
                             "and what holds their new objects (gc referrers)")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="N",
                        help="trace Python's allocations; print the N lines that grew most")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> None:
    args = options()
    if args.child:
        child(args)
        return
    # Kivy has one window per process and reads its settings on first import
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--child",
                           *sys.argv[1:]], check=False)
    sys.exit(done.returncode)


def child(args: argparse.Namespace) -> None:
    # the allocator as the kiosk's own start-up sets it (kiosk/cli/start.py), before
    # any thread starts: the benchmark measures the kiosk as deployed
    from kiosk.system.allocator import set_up

    set_up()
    import dataclasses
    import gc
    import random
    import statistics
    import tempfile
    import threading
    import time
    import traceback
    import tracemalloc
    from collections import Counter
    from pathlib import Path

    if args.tracemalloc:
        tracemalloc.start(1)

    from kiosk.ui.launch import prepare_kivy

    width, height = (int(v) for v in args.size.lower().split("x"))
    prepare_kivy(width=width, height=height, fullscreen=False, offscreen=True)

    from kivy.core.window import Window
    from kivy.tests.common import UnitTestTouch
    from support.driver import Driver
    from support.speech_outputs import PacedSilence
    from support.tour import demo_services

    from kiosk.config.settings import EXAMPLE_CONFIG, load_config
    from kiosk.ui.app import TIDY_SECONDS, KioskApp

    @dataclasses.dataclass
    class Point:
        actions: int
        seconds: float
        rss: float
        anon: float
        malloc: float
        arenas: int
        held: float
        pymalloc: float
        objects: int
        textures: int
        cached: int
        threads: int
        fds: int

    def measure(actions: int, started: float) -> Point:
        return Point(actions, time.monotonic() - started, rss_mb(), anon_mb(), malloc_mb(),
                     *arenas(), pymalloc_mb(), len(gc.get_objects()), textures_alive(),
                     sum(kivy_cache_sizes().values()), threading.active_count(), open_fds())

    def show(p: Point) -> None:
        print(f"{p.actions:>7} {p.seconds:>7.0f} {p.rss:>7.1f} {p.anon:>7.1f} "
              f"{p.malloc:>7.1f} {p.arenas:>6} {p.held:>6.1f} {p.pymalloc:>8.1f} "
              f"{p.objects:>8} {p.textures:>8} {p.cached:>6} {p.threads:>7} {p.fds:>4}",
              flush=True)

    rng = random.Random(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="bench-crowd-"))
    config = load_config(str(EXAMPLE_CONFIG), environ={})
    services, stop_api = demo_services(config, scratch / "data", api_apart=True)
    services.speech_output = PacedSilence
    bench_media.made_apart(scratch, "desk")  # drawn in another process, as in the soak
    desk = scratch / "desk.avi"
    services.config = dataclasses.replace(
        services.config, scanner=dataclasses.replace(services.config.scanner, camera=str(desk)))
    app = KioskApp(services)
    d = Driver(app)

    def anywhere() -> tuple[float, float]:
        return rng.uniform(1, Window.width - 1), rng.uniform(1, Window.height - 1)

    def tap() -> None:
        d.tap_at(*anywhere())

    def double() -> None:
        x, y = anywhere()
        d.tap_at(x, y)
        d.tap_at(x, y)

    def long() -> None:
        d.tap_at(*anywhere(), hold=rng.uniform(0.5, 1.5))

    def drag() -> None:
        (x, y), (x2, y2) = anywhere(), anywhere()
        if rng.random() < 0.7:  # mostly up or down: a scroll, the rest any way
            x2 = x + rng.uniform(-40, 40)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        d.frames(1)
        steps = rng.randint(3, 10)
        for i in range(1, steps + 1):
            touch.touch_move(x + (x2 - x) * i / steps, y + (y2 - y) * i / steps)
            d.frames(1)
        touch.touch_up()
        d.frames(2)

    def key() -> None:
        code, text = rng.choice(KEYS)
        modifiers = []
        if rng.random() < 0.03:
            code, text, modifiers = KEY_F4, None, ["alt"]
        Window.dispatch("on_key_down", code, 0, text, modifiers)
        Window.dispatch("on_keyboard", code, 0, text, modifiers)
        if text:
            Window.dispatch("on_textinput", text)
        Window.dispatch("on_key_up", code, 0)
        d.frames(1)

    actions = {"tap": tap, "double": double, "long": long, "drag": drag, "key": key}
    kinds = list(ACTIONS)
    weights = [ACTIONS[k] for k in kinds]

    def walk_away() -> bool:
        """The person leaves: the countdown runs out (or, at home, the attract loop comes
        and the session is forgotten). True when the app tidied afterwards."""
        tidied = app.tidied
        idle = app.idle
        idle.last_touch -= idle.attract_seconds + idle.idle_seconds + idle.countdown_seconds + 1
        app._every_second(0)
        d.frames(2)
        if app.tidied == tidied and not (app.screens.current == "home" and not app.history):
            app.reset_session()  # an overlay held the session open: the operator's reset
        return d.until_tidied(tidied)

    print(f"crowd: {args.actions} actions, seed {args.seed}, {width}x{height}, "
          f"{allocator()}, memory every {args.every} actions after a tidy", flush=True)
    print(f"{'actions':>7} {'seconds':>7} {'rss MB':>7} {'anon MB':>7} {'malloc':>7} "
          f"{'arenas':>6} {'held':>6} {'pymalloc':>8} {'objects':>8} {'textures':>8} "
          f"{'cached':>6} {'threads':>7} {'fds':>4}", flush=True)
    started = time.monotonic()
    app.tidy_seconds = TIDY_SECONDS
    app.reset_session()
    d.until_tidied(0)
    points = [measure(0, started)]
    show(points[0])
    counts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    leaves = 0
    warm: Point | None = None
    warm_types: Counter[str] = Counter()
    warm_files: Counter[str] = Counter()
    warm_kinds: Counter[str] = Counter()
    warm_trace = None
    warm_ids: dict[str, set[int]] = {}
    done = 0
    while done < args.actions:
        kind = rng.choices(kinds, weights)[0]
        try:
            actions[kind]()
        except Exception as error:  # the crowd goes on; failures are counted
            where = traceback.format_exc(limit=4).strip().splitlines()
            name = f"{kind}: {type(error).__name__}: {error}"[:160]
            if not errors[name]:
                print(f"  action {done + 1} ({kind}) raised: {where[-1]} "
                      f"[{where[-3].strip() if len(where) > 2 else ''}]", flush=True)
            errors[name] += 1
        done += 1
        counts[kind] += 1
        if app.operator_exit:  # the crowd found the operator's way out: a defect
            print(f"  action {done}: the app stopped", flush=True)
            break
        if done % args.every == 0:
            app.tidy_seconds = TIDY_SECONDS
            if not walk_away():
                print(f"  action {done}: the app did not tidy after the reset", flush=True)
            point = measure(done, started)
            points.append(point)
            show(point)
            if warm is None and done >= args.warmup:
                warm, warm_files, warm_kinds = point, open_files(scratch), resident_by_kind()
                warm_types = type_counts() if args.types else Counter()
                if args.who:  # the ids of every object of the commonest types, to tell later
                    warm_ids = memory_probe.ids_by_type(
                        [name for name, _ in warm_types.most_common(60)])
                warm_trace = tracemalloc.take_snapshot() if args.tracemalloc else None
            elif warm is not None and args.types:
                grown = (type_counts() - warm_types).most_common(args.types)
                if grown:
                    print("        grown since the warm-up: " + ", ".join(
                        f"{name.rsplit('.', 1)[-1]} +{n}" for name, n in grown), flush=True)
            if args.minutes and time.monotonic() - started > args.minutes * 60:
                break
        elif rng.random() < args.leave:
            app.tidy_seconds = args.quiet
            leaves += 1
            walk_away()
    elapsed = time.monotonic() - started
    end_files = open_files(scratch)
    end_kinds = resident_by_kind()
    end_types = type_counts()
    end_trace = tracemalloc.take_snapshot() if args.tracemalloc else None
    grown = (end_types - warm_types).most_common(10) if args.types else []
    holders = who_holds({name: warm_ids.get(name, set()) for name, _ in grown[:args.who]})
    caches = kivy_cache_sizes()
    services.stop()
    stop_api()

    # --- the report -----------------------------------------------------------------

    last = points[-1]
    if warm is None:
        warm = points[min(1, len(points) - 1)]
        print(f"(the run ended before the warm-up's {args.warmup} actions: the point at "
              f"{warm.actions} stands for it)")
    after = [p for p in points if p.actions >= warm.actions]
    # as in the soak: now and then a screen's tree is still alive when the app tidies (held
    # a moment longer by an animation or a timer; tens of thousands of objects more than
    # after the warm-up): a peak gone at the next checkpoint, left out of the fit
    held = [p for p in after if p.objects > HELD_OBJECTS * warm.objects]
    half_all = [p for p in after if p.actions >= last.actions / 2] or after
    half = [p for p in half_all if p not in held] or half_all
    rss_slope, rss_error = fit_per_1000([(p.actions, p.rss) for p in half])
    band = sorted(p.rss for p in after)
    print()
    print(f"actions: {done} in {elapsed / 60:.1f} min ({elapsed / max(1, done):.2f} s each); "
          + ", ".join(f"{k} {counts[k]}" for k in kinds)
          + f"; {leaves} walk-aways besides the {len(points) - 1} before each checkpoint")
    if errors:
        print(f"actions that raised: {sum(errors.values())}")
        for name, n in errors.most_common(8):
            print(f"  {n} x {name}")
    else:
        print("actions that raised: none")
    print(f"resident memory: start {points[0].rss:.1f} MB, after warm-up ({warm.actions} "
          f"actions) {warm.rss:.1f} MB, end ({last.actions}) {last.rss:.1f} MB, highest "
          f"{max(p.rss for p in points):.1f} MB")
    print(f"growth after warm-up: {last.rss - warm.rss:+.1f} MB over "
          f"{last.actions - warm.actions} actions (median of the first 5 points after it "
          f"{statistics.median(p.rss for p in after[:5]):.1f} MB, of the last 5 "
          f"{statistics.median(p.rss for p in after[-5:]):.1f} MB; all within "
          f"{band[0]:.1f}-{band[-1]:.1f} MB)")
    if held:
        print(f"checkpoints that found an earlier screen's tree still alive: {len(held)} of "
              f"{len(after)} (at {', '.join(str(p.actions) for p in held)}, "
              f"{statistics.median(p.rss - warm.rss for p in held):+.1f} MB over the warm-up "
              f"level, median); with them the slope below would be "
              f"{fit_per_1000([(p.actions, p.rss) for p in half_all])[0]:+.1f} MB/1000")
    print(f"slope over the last half ({half[0].actions}-{last.actions}, {len(half)} points): "
          f"RSS {rss_slope:+.1f} ± {2 * rss_error:.1f} MB/1000 actions (±2 standard errors); "
          f"anonymous {slope_per_1000([(p.actions, p.anon) for p in half]):+.1f}; "
          f"malloc in use {slope_per_1000([(p.actions, p.malloc) for p in half]):+.1f}; "
          f"pymalloc {slope_per_1000([(p.actions, p.pymalloc) for p in half]):+.1f}; "
          f"Python objects {slope_per_1000([(p.actions, p.objects) for p in half]):+.0f}; "
          f"textures {slope_per_1000([(p.actions, p.textures) for p in half]):+.0f}; "
          f"open files {slope_per_1000([(p.actions, p.fds) for p in half]):+.1f} /1000 actions")
    print(f"warm-up -> end: Python objects {warm.objects} -> {last.objects}; textures "
          f"{warm.textures} -> {last.textures}; Kivy cache entries {warm.cached} -> "
          f"{last.cached} ({', '.join(f'{k} {v}' for k, v in sorted(caches.items()) if v)}); "
          f"threads {warm.threads} -> {last.threads}; open files {warm.fds} -> {last.fds}")
    print(f"malloc: in use {warm.malloc:.1f} -> {last.malloc:.1f} MB; {last.arenas} arenas "
          f"holding {warm.held:.1f} -> {last.held:.1f} MB; pymalloc {warm.pymalloc:.1f} -> "
          f"{last.pymalloc:.1f} MB")
    print("resident by kind at the end (MB, change since the warm-up): " + ", ".join(
        f"{kind} {mb:.1f} ({mb - warm_kinds.get(kind, 0):+.1f})"
        for kind, mb in end_kinds.most_common() if mb >= 1))
    if grown:
        print("object types grown since the warm-up: " + ", ".join(
            f"{name} +{n}" for name, n in grown))
    for name, seen in holders.items():
        print(f"new {name} objects: " + ", ".join(f"{what} x{n}"
                                                   for what, n in seen.most_common(8)))
    files = end_files - warm_files
    if files:
        print("open files added since the warm-up: " + ", ".join(
            f"{name} +{n}" for name, n in files.most_common(10)))
    if warm_trace is not None and end_trace is not None:
        print("Python allocations grown most since the warm-up (tracemalloc):")
        for stat in end_trace.compare_to(warm_trace, "lineno")[:args.tracemalloc]:
            print(f"  {stat}")
    print(f"verdict: {memory_probe.verdict(rss_slope, rss_error, len(half), 'actions')} "
          f"(flat: the RSS slope over the last half is under {FLAT_PER_1000:g} MB per 1000 "
          "actions, by more than 2 standard errors)", flush=True)
    os._exit(0)  # Kivy's window and the API's thread need no orderly goodbye


if __name__ == "__main__":
    main()
