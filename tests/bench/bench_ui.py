"""UI start-up time and memory over many visits (offscreen, Mesa software rendering).

1. Process start to the first frame of the home screen, as a ratio to a minimal Kivy app
   (one label) started the same way in the same run. Target: <= 1.5x.
2. Resident memory after touring every screen once, and after 50 more tours in the same
   process, each tour ending as a session does (idle reset, then a few quiet seconds in
   which the app tidies its memory). Target: less than 10 MB above the level after the
   first tour.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
TOURS = 50

MINIMAL = """
from kiosk.ui.launch import prepare_kivy
prepare_kivy(width=1280, height=800, fullscreen=False, offscreen=True)
from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label

class Minimal(App):
    def build(self):
        Window.bind(on_flip=self.first_frame)
        return Label(text="Xin chào")
    def first_frame(self, *_):
        print("FRAME", flush=True)
        Window.unbind(on_flip=self.first_frame)
        Clock.schedule_once(lambda dt: self.stop(), 0)
Minimal().run()
"""

KIOSK = """
import sys
from kiosk.ui.launch import prepare_kivy
prepare_kivy(width=1280, height=800, fullscreen=False, offscreen=True)
from kivy.clock import Clock
from kivy.core.window import Window
from kiosk.config import load_config
from kiosk.config.settings import EXAMPLE_CONFIG
from kiosk.ui.app import KioskApp
from kiosk.ui.services import KioskServices

config = load_config(str(EXAMPLE_CONFIG), environ={"KIOSK_DATA_DIR": sys.argv[1]})

class Timed(KioskApp):
    def on_start(self):
        super().on_start()
        Window.bind(on_flip=self.first_frame)
    def first_frame(self, *_):
        print("FRAME", flush=True)
        Window.unbind(on_flip=self.first_frame)
        Clock.schedule_once(lambda dt: self.stop(), 0)
Timed(KioskServices.from_config(config)).run()
"""

MEMORY = """
import sys
import time
from kiosk.ui.launch import prepare_kivy
prepare_kivy(width=1280, height=800, fullscreen=False, offscreen=True)
from pathlib import Path
from kiosk.config import load_config
from kiosk.config.settings import EXAMPLE_CONFIG
from kiosk.ui.app import KioskApp
from support.driver import Driver
from kiosk.ui.services import KioskServices

def rss_mb():
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    import os
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024

config = load_config(str(EXAMPLE_CONFIG), environ={"KIOSK_DATA_DIR": sys.argv[1]})
app = KioskApp(KioskServices.from_config(config))
d = Driver(app)

def tour():
    d.tap("home:browse")
    d.tap("level:province")
    app.go("search"); d.frames(1)
    d.type("ket hon")
    app.go("detail", code="1.001193"); d.frames(1)
    d.tap("detail:legal")
    code = next(w.action_id for w in d.widgets()
                if str(getattr(w, "action_id", "")).startswith("sample:"))
    d.tap(code)
    d.tap("viewer:next")
    d.tap("viewer:close")
    app.go("help"); d.frames(1)
    app.go("handoff", code="1.001193"); d.frames(1)
    app.countdown.show(10); d.frames(1)
    tidied = app.tidied
    app.reset_session()
    # then nobody is at the screen for a moment, as after every real session, and the app
    # tidies its memory
    d.until_tidied(tidied)

tour()
first = rss_mb()
for i in range(int(sys.argv[2])):
    tour()
print(f"RSS {first:.1f} {rss_mb():.1f}", flush=True)
app.services.stop()
"""


def child_env() -> dict[str, str]:
    """The child scripts live in /tmp: they import `kiosk` from this checkout, not from
    whichever one the virtualenv was installed from, and `support` from its tests/."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), str(root / "tests"),
                                                      env.get("PYTHONPATH", "")]))
    return env


def script(code: str) -> str:
    """Kivy apps look for their .kv file beside their source, so they need a real file."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(code)
    return handle.name


def first_frame_seconds(code: str, *args: str) -> float:
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, script(code), *args], stdout=subprocess.PIPE,
                               text=True, env=child_env())
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("FRAME"):
            elapsed = time.perf_counter() - started
            process.wait(timeout=30)
            return elapsed
    raise RuntimeError("no frame was drawn")


def synced_data_dir() -> str:
    folder = tempfile.mkdtemp(prefix="bench-ui-")
    subprocess.run([sys.executable, "-c", f"""
import dataclasses
from kiosk.config import load_config
from kiosk.config.settings import EXAMPLE_CONFIG
from kiosk.server.run import open_db, start_in_thread
from kiosk.store.sync import sync_from_config
server = start_in_thread(open_db(None))
config = load_config(str(EXAMPLE_CONFIG), environ={{"KIOSK_DATA_DIR": {folder!r}}})
config = dataclasses.replace(config, api=dataclasses.replace(config.api,
                                                             base_url=server.base_url))
sync_from_config(config)
server.stop()
"""], check=True, env=child_env())
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS,
                        help=f"start-ups of each app (default {RUNS})")
    parser.add_argument("--start-only", action="store_true",
                        help="measure the start-up only, not the memory over many tours")
    args = parser.parse_args()
    data = synced_data_dir()
    minimal: list[float] = []
    kiosk: list[float] = []
    for _ in range(args.runs):  # taken in turns: a busy machine slows both alike
        minimal.append(first_frame_seconds(MINIMAL))
        kiosk.append(first_frame_seconds(KIOSK, data))
    m, k = statistics.median(minimal), statistics.median(kiosk)
    print(f"first frame, minimal Kivy app: median {m:.2f} s of {args.runs} "
          f"(min {min(minimal):.2f}, max {max(minimal):.2f})")
    print(f"first frame, kiosk home screen: median {k:.2f} s of {args.runs} "
          f"(min {min(kiosk):.2f}, max {max(kiosk):.2f})")
    print(f"ratio kiosk/minimal: {k / m:.2f}x (target <= 1.5x: "
          f"{'met' if k / m <= 1.5 else 'MISSED'})")
    if args.start_only:
        return
    done = subprocess.run([sys.executable, script(MEMORY), data, str(TOURS)], check=True,
                          capture_output=True, text=True, env=child_env())
    line = next(x for x in done.stdout.splitlines() if x.startswith("RSS"))
    first, last = (float(v) for v in line.split()[1:])
    print(f"resident memory after 1 tour: {first:.1f} MB; after {TOURS} more: {last:.1f} MB; "
          f"growth {last - first:+.1f} MB (target < 10 MB: "
          f"{'met' if last - first < 10 else 'MISSED'})")


if __name__ == "__main__":
    main()
