"""The tour (`scripts/dev tour`) renders every screen, in its own process, at exactly the
size asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

EXPECTED = ["home", "browse", "search-empty", "search-typed", "search-keyboard-marks",
            "search-nothing-found", "detail", "detail-legal-basis", "detail-not-online",
            "viewer-form", "viewer-sample", "handoff-online", "help", "idle-countdown",
            "operator-pin", "operator-pin-wrong", "attract", "home-large-text",
            "home-english", "home-offline", "detail-offline", "apply-details",
            "apply-details-message", "apply-details-filled", "apply-case", "apply-papers",
            "apply-camera", "apply-camera-page", "apply-papers-done", "apply-review",
            "apply-receipt", "apply-offline-receipt", "scan-id-number-pad", "apply-idcard",
            "operator",
            "operator-log", "rate",
            "rate-thanks", "home-high-contrast", "detail-high-contrast",
            "home-high-contrast-large-text", "detail-high-contrast-large-text",
            "detail-reading-aloud", "home-speech-mode", "queue-areas", "queue-ticket",
            "queue-offline", "help-staff-called", "help-staff-call-offline",
            "operator-staff-calls", "detail-printed", "detail-printer-fault",
            "apply-receipt-printed", "status-fee-vietqr", "portal", "portal-camera",
            "portal-paper-kept", "portal-open", "portal-ended", "help-end", "guide-playing"]
# the printed tickets' pictures, as wide as the paper
TICKETS = ["ticket-checklist.png", "ticket-receipt.png", "ticket-queue.png"]

# tests/, where the tour's package `support` is (pytest puts it on its own path only)
TOUR_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
    str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")]))}


LONG = "1.001978"  # the demo's longest procedure, about 40 kB of text


def test_the_tour_writes_every_screen_at_the_given_size(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "support.render_tour", "--out",
                           str(tmp_path), "--size", "1280x800", "--procedure", LONG],
                          capture_output=True, text=True, timeout=1500, env=TOUR_ENV)
    assert done.returncode == 0, done.stderr
    shots = sorted(tmp_path.glob("*.png"))
    names = [p.stem.split("-", 1)[1] for p in shots]
    assert set(EXPECTED) <= set(names), set(EXPECTED) - set(names)
    # --procedure adds that procedure's detail screen scrolled to the top and to the end
    top, end = (next(p for p in shots if p.stem.endswith(f"-procedure-{LONG}{tail}"))
                for tail in ("", "-end"))
    with Image.open(top) as first, Image.open(end) as last:
        assert first.tobytes() != last.tobytes(), "the end of the procedure is its top"
    for shot in shots:
        with Image.open(shot) as image:
            assert image.size == (1280, 800), shot.name
            colours = image.convert("L").getextrema()
            assert colours[1] - colours[0] > 100, f"{shot.name} is blank"
    assert f"{len(shots)} screens at 1280x800" in done.stdout
    assert sorted(p.name for p in (tmp_path / "tickets").iterdir()) == sorted(TICKETS)
    for ticket in TICKETS:
        with Image.open(tmp_path / "tickets" / ticket) as image:
            assert image.width == 576 and image.height > 300, ticket


def test_a_bad_size_is_refused_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "support.render_tour", "--out",
                           str(tmp_path), "--size", "huge"], capture_output=True, text=True,
                          timeout=60, env=TOUR_ENV)
    assert done.returncode == 1 and "WIDTHxHEIGHT" in done.stderr
    assert "Traceback" not in done.stderr


def test_sigterm_stops_the_app_despite_the_lockdown(tmp_path: Path) -> None:
    """SDL turns SIGTERM into a close request, which the kiosk refuses; systemd must still
    be able to stop it."""
    import signal
    import time

    process = subprocess.Popen([sys.executable, "-m", "support.render_tour", "--out",
                                str(tmp_path), "--size", "1280x800"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=TOUR_ENV)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("*.png")) and time.monotonic() < deadline:
        time.sleep(0.2)  # the app is up once it has drawn its first screen
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    finally:
        process.kill()
    assert process.returncode == -signal.SIGTERM


def test_the_tour_walks_in_a_mode_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    """`--mode large-text --mode contrast`: the tour's modes are the top bar's switches (the
    tour taps them for each new visitor); a mode it does not know is refused in one line."""
    from support.render_tour import MODES as NAMED
    from support.render_tour import build_parser
    from support.tour import MODES

    assert sorted(NAMED) == sorted(MODES) and set(MODES.values()) == {
        "nav:large_text", "nav:contrast"}
    args = build_parser().parse_args(["--out", "x", "--mode", "large-text", "--mode",
                                      "contrast"])
    assert args.mode == ["large-text", "contrast"]
    done = subprocess.run([sys.executable, "-m", "support.render_tour", "--out",
                           str(tmp_path), "--mode", "dark"], capture_output=True, text=True,
                          timeout=60, env=TOUR_ENV)
    assert done.returncode == 2 and "invalid choice: 'dark'" in done.stderr
    assert not list(tmp_path.glob("*.png"))
