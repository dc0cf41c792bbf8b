"""Receipt QR decoding on synthetic camera photos: the kiosk's pipeline against zxing-cpp
alone and zbar (pyzbar) alone, measured in the same run on the same frames.

Frames come from `support.receipt_photos` (1280×720, ten categories of distortion,
difficulty varying inside each). A frame counts as decoded when its QR's exact payload
bytes are among the decoder's payloads. The pipeline runs twice: with the kiosk's frame
budget from the config (`scanner.frame_budget_ms`, what the camera worker uses) and with no
budget (every fallback may run, as `kiosk scan` on files does by default).

Target, per category, for the pipeline at the kiosk's budget: it decodes at least as many
frames as the best single decoder (the one with the most; on a tie the faster), in no more
than 2× that decoder's median milliseconds per frame. Figures and ratios are printed; no
assertion is made about time.

    .venv/bin/python tests/bench/bench_scan.py [--count 30] [--seed 0] [--repeats 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for support
from support.receipt_photos import CATEGORIES, photo, photos

from kiosk.config import load_config
from kiosk.scanner.decode import Decoded, decode_frame, pyzbar_only, zxing_only

Decoder = Callable[[np.ndarray], Decoded]


@dataclass
class Tally:
    """One decoder's results over one category's frames."""

    hits: list[bool] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    steps: Counter[str] = field(default_factory=Counter)  # which pipeline step found it

    @property
    def decoded(self) -> int:
        return sum(self.hits)

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    def p90(self) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def decoders(budget_ms: float) -> dict[str, Decoder]:
    return {
        f"pipeline {budget_ms:g} ms": lambda f: decode_frame(f, budget_ms),
        "pipeline unbounded": lambda f: decode_frame(f, None),
        "zxing-cpp": zxing_only,
        "pyzbar": pyzbar_only,
    }


def run(frame: np.ndarray, decoder: Decoder, repeats: int) -> tuple[Decoded, float]:
    """The decoder's result and its best time of `repeats` runs: on a shared machine the
    minimum is the decoder's own cost, the rest is other processes' noise."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = decoder(frame)
        best = min(best, (time.perf_counter() - start) * 1000)
    assert result is not None
    return result, best


def warm_up(named: dict[str, Decoder]) -> None:
    """Load zbar, let the pipeline learn its steps' real costs, fill the CPU caches."""
    frames = [f for c in CATEGORIES for f, _ in photos(c, 1, seed=999)]
    for decoder in named.values():
        for frame in frames:
            decoder(frame)


def bench_category(category: str, count: int, seed: int, named: dict[str, Decoder],
                   repeats: int) -> dict[str, Tally]:
    tallies = {name: Tally() for name in named}
    order = list(named)
    for index in range(count):
        frame, payload = photo(category, seed, index)
        # rotate which decoder goes first, so none always gets (or misses) a warm cache
        shift = index % len(order)
        for name in order[shift:] + order[:shift]:
            result, ms = run(frame, named[name], repeats)
            hit = payload in result.payloads
            tallies[name].hits.append(hit)
            tallies[name].ms.append(ms)
            if hit:
                tallies[name].steps[result.decoder] += 1
    return tallies


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):6.1f} ms" if values else "     - ms"


def best_single(tallies: dict[str, Tally]) -> str:
    singles = ("zxing-cpp", "pyzbar")
    return max(singles, key=lambda n: (tallies[n].decoded, -tallies[n].median))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="frames per category")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=2,
                        help="runs per frame and decoder; the fastest counts")
    parser.add_argument("--categories", default=",".join(CATEGORIES),
                        help="comma-separated subset of: " + ", ".join(CATEGORIES))
    args = parser.parse_args()
    categories = [c.strip() for c in args.categories.split(",") if c.strip()]
    budget = float(load_config(None).scanner.frame_budget_ms)
    named = decoders(budget)
    kiosk = f"pipeline {budget:g} ms"
    warm_up(named)

    print(f"receipt QR decoding: {args.count} frames of 1280×720 per category, seed "
          f"{args.seed}, best of {args.repeats} runs per frame; kiosk frame budget "
          f"{budget:g} ms (scanner.frame_budget_ms)")
    print("difficulty is uniform within each category, from mild (all decoders read it) to "
          "severe (none do); ms are per frame, read or not")
    heads = list(named)
    print(f"{'category':<13}" + "".join(f" | {h:>22}" for h in heads))
    print(f"{'':<13}" + " | {:>8} {:>6} {:>6}".format("decoded", "med ms", "p90") * len(heads))
    results: dict[str, dict[str, Tally]] = {}
    started = time.perf_counter()
    for category in categories:
        tallies = bench_category(category, args.count, args.seed, named, args.repeats)
        results[category] = tallies
        cells = "".join(f" | {t.decoded:>4}/{len(t.hits):<3} {t.median:>6.1f} {t.p90():>6.1f}"
                        for t in tallies.values())
        print(f"{category:<13}{cells}", flush=True)
    totals = {name: Tally() for name in named}
    for tallies in results.values():
        for name, tally in tallies.items():
            totals[name].hits += tally.hits
            totals[name].ms += tally.ms
            totals[name].steps += tally.steps
    cells = "".join(f" | {t.decoded:>4}/{len(t.hits):<3} {t.median:>6.1f} {t.p90():>6.1f}"
                    for t in totals.values())
    print(f"{'all':<13}{cells}")
    print(f"(measured in {time.perf_counter() - started:.0f} s)")

    print()
    print("target per category: pipeline decodes >= the best single decoder, in <= 2x its "
          "median ms per frame")
    for pipeline in (kiosk, "pipeline unbounded"):
        print(f"{pipeline}:")
        verdicts = []
        for category, tallies in results.items():
            best = best_single(tallies)
            ours, theirs = tallies[pipeline], tallies[best]
            ratio = ours.median / theirs.median
            rate_ok, time_ok = ours.decoded >= theirs.decoded, ratio <= 2.0
            verdicts.append(rate_ok and time_ok)
            print(f"  {category:<13} decoded {ours.decoded:>3} vs {theirs.decoded:>3} "
                  f"({best:<9}) {'met' if rate_ok else 'MISSED':<6}  time "
                  f"{ours.median:6.1f} vs {theirs.median:6.1f} ms = {ratio:4.2f}x "
                  f"{'met' if time_ok else 'MISSED'}")
        print(f"  => {sum(verdicts)}/{len(verdicts)} categories meet both targets")

    print()
    print(f"where the {kiosk} time goes: median ms on the frames the best single decoder "
          "read | on the frames it missed (n)")
    for category, tallies in results.items():
        best = best_single(tallies)
        read = [ms for ms, hit in zip(tallies[kiosk].ms, tallies[best].hits, strict=True)
                if hit]
        missed = [ms for ms, hit in zip(tallies[kiosk].ms, tallies[best].hits, strict=True)
                  if not hit]
        print(f"  {category:<13} {best:<9} read: {_ms(read)} ({len(read):>2})"
              f"  missed: {_ms(missed)} ({len(missed):>2})")

    print()
    print("which pipeline step read the frames it decoded (kiosk budget | unbounded):")
    for category, tallies in results.items():
        steps = " | ".join(", ".join(f"{s} {n}" for s, n in tallies[p].steps.most_common())
                           for p in (kiosk, "pipeline unbounded"))
        print(f"  {category:<13} {steps}")
    print()
    print("frames a single decoder read but the pipeline (kiosk budget) did not:")
    if not any(single and not ours for tallies in results.values()
               for name in ("zxing-cpp", "pyzbar", "pipeline unbounded")
               for single, ours in zip(tallies[name].hits, tallies[kiosk].hits, strict=True)):
        print("  none")
    for category, tallies in results.items():
        lost = {name: [i for i, (hit, ours) in enumerate(
            zip(tallies[name].hits, tallies[kiosk].hits, strict=True)) if hit and not ours]
            for name in ("zxing-cpp", "pyzbar", "pipeline unbounded")}
        if any(lost.values()):
            print(f"  {category:<13} " + "; ".join(f"{n}: {v}" for n, v in lost.items() if v))


if __name__ == "__main__":
    main()
