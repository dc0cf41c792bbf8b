"""The systemd units: what they must say, and `systemd-analyze verify` on them.

verify refuses a unit whose command does not exist, and neither cage nor /opt/kiosk is
on a developer's machine; so the units are verified in a root folder (`--root`) holding
this machine's own system units, ours as install.sh places them, and a stub for each
command they run.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "systemd"
INSTALL = UNITS / "install.sh"
SYSTEM_UNITS = next((p for p in (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system"))
                     if p.is_dir()), None)
CAGE = ["kiosk.service", "kiosk-sync.service", "kiosk-sync.timer"]
X11 = {"kiosk-xorg.service": UNITS / "x11" / "kiosk-xorg.service",
       "kiosk.service.d/x11.conf": UNITS / "x11" / "kiosk.service.d" / "x11.conf"}


def directives(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each section's `Key=value` lines in order (a key may repeat, like Environment=)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        assert not line.endswith("\\"), f"{path.name}: keep directives on one line"
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def values(path: Path, section: str, key: str) -> list[str]:
    return [v for k, v in directives(path).get(section, []) if k == key]


def one(path: Path, section: str, key: str) -> str:
    found = values(path, section, key)
    assert len(found) == 1, f"{path.name} [{section}] {key}= is set {len(found)} times"
    return found[0]


def test_the_kiosk_is_a_watched_notify_service() -> None:
    unit = UNITS / "kiosk.service"
    assert one(unit, "Service", "Type") == "notify"
    # cage is the main process and the kiosk its child
    assert one(unit, "Service", "NotifyAccess") == "all"
    assert one(unit, "Service", "WatchdogSec") == "30"
    assert one(unit, "Service", "Restart") == "always"
    assert int(one(unit, "Service", "RestartSec")) > 0
    assert one(unit, "Unit", "StartLimitIntervalSec") == "0"  # never gives up for good
    assert one(unit, "Service", "TimeoutStopSec") and one(unit, "Service", "SendSIGKILL") == "yes"
    command = one(unit, "Service", "ExecStart").split()
    assert command[0] == "/usr/bin/cage" and command[-2:] == ["/opt/kiosk/venv/bin/kiosk", "run"]
    # the child inherits cage's WATCHDOG_PID and would rightly ignore the watchdog
    assert "-u WATCHDOG_PID" in " ".join(command)


def test_the_kiosk_runs_unprivileged_in_its_own_cgroup() -> None:
    unit = UNITS / "kiosk.service"
    assert one(unit, "Service", "User") == "kiosk"
    groups = one(unit, "Service", "SupplementaryGroups").split()
    assert {"video", "render"} <= set(groups)
    # a logind session (PAMName=) would move the kiosk out of the unit's cgroup, and
    # systemd would drop its notifications: seatd gives cage the seat instead
    assert not values(unit, "Service", "PAMName")
    assert "LIBSEAT_BACKEND=seatd" in values(unit, "Service", "Environment")
    assert "seatd.service" in one(unit, "Unit", "Wants")
    environment = values(unit, "Service", "Environment")
    assert "KIOSK_CONFIG=/etc/kiosk/kiosk.toml" in environment
    # the allocator is set up by `kiosk run` itself, as for `kiosk demo` (allocator.py)
    assert not any(v.startswith(("MALLOC_", "LD_PRELOAD=")) for v in environment)
    assert one(unit, "Service", "StateDirectory") == "kiosk"


@pytest.mark.parametrize("name", ["kiosk.service", "kiosk-sync.service"])
def test_the_services_are_hardened(name: str) -> None:
    unit = UNITS / name
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict",
                       "ProtectHome": "yes", "PrivateTmp": "yes",
                       "ProtectKernelTunables": "yes", "ProtectControlGroups": "yes",
                       "CapabilityBoundingSet": ""}.items():
        assert one(unit, "Service", key) == value, key
    families = set(one(unit, "Service", "RestrictAddressFamilies").split())
    assert families == {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"}


def test_the_kiosk_keeps_its_devices() -> None:
    """GPU, camera, sound: no private /dev, and nothing that implies a device allow-list."""
    unit = UNITS / "kiosk.service"
    for key in ("PrivateDevices", "ProtectClock", "DevicePolicy", "DeviceAllow",
                "PrivateUsers", "MemoryDenyWriteExecute"):
        assert values(unit, "Service", key) in ([], ["no"]), key


def test_the_sync_runs_every_half_hour() -> None:
    service, timer = UNITS / "kiosk-sync.service", UNITS / "kiosk-sync.timer"
    assert one(service, "Service", "Type") == "oneshot"
    assert one(service, "Service", "ExecStart") == "/opt/kiosk/venv/bin/kiosk sync"
    assert one(service, "Service", "User") == "kiosk"
    assert one(timer, "Timer", "OnUnitActiveSec") == "30min"
    assert one(timer, "Timer", "OnBootSec") and one(timer, "Timer", "RandomizedDelaySec")
    assert one(timer, "Install", "WantedBy") == "timers.target"


def test_the_x11_session_makes_the_kiosk_the_main_process() -> None:
    drop_in = X11["kiosk.service.d/x11.conf"]
    assert values(drop_in, "Service", "ExecStart") == ["", "/opt/kiosk/venv/bin/kiosk run"]
    assert one(drop_in, "Service", "NotifyAccess") == "main"
    assert one(drop_in, "Unit", "BindsTo") == "kiosk-xorg.service"


def test_install_sh_installs_what_the_units_name() -> None:
    script = INSTALL.read_text(encoding="utf-8")
    assert "VENV=$PREFIX/venv" in script and "PREFIX=/opt/kiosk" in script
    for unit in [*CAGE, "x11/kiosk-xorg.service", "x11/kiosk.service.d/x11.conf"]:
        assert (UNITS / unit).is_file() and Path(unit).name in script, unit
    for package in ("cage", "seatd", "xwayland", "libzbar0", "libmtdev1", "python3-venv"):
        assert f" {package} " in script.replace("(", " ").replace("\n", " "), package
    assert os.access(INSTALL, os.X_OK)


def _run_install(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True,
                          timeout=60, check=False)


def test_install_sh_dry_run_shows_every_step() -> None:
    assert subprocess.run(["bash", "-n", str(INSTALL)], check=False).returncode == 0
    done = _run_install("--dry-run", "--no-packages")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "dry run" in out
    for unit in CAGE:
        assert f"/etc/systemd/system/{unit}" in out
    assert "+ systemctl enable kiosk.service kiosk-sync.timer" in out
    assert "-e /opt/kiosk/app" in out  # editable: the code finds assets/ beside it
    x11 = _run_install("--dry-run", "--no-packages", "--session", "x11")
    assert x11.returncode == 0 and "/etc/systemd/system/kiosk-xorg.service" in x11.stdout


def test_install_sh_refuses_what_it_does_not_know() -> None:
    assert _run_install("--frobnicate").returncode == 2
    assert _run_install("--dry-run", "--session", "gnome").returncode == 2


def _stub(root: Path, command: str) -> None:
    path = root / command.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _verify_root(tmp_path: Path, units: dict[str, Path]) -> Path:
    """A root folder as install.sh leaves it, with this machine's own system units."""
    assert SYSTEM_UNITS is not None
    root = tmp_path / "root"
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    (root / "lib").symlink_to("usr/lib")
    (root / "bin").symlink_to("usr/bin")
    for name, source in units.items():
        target = root / "etc/systemd/system" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        for key, command in (kv for section in directives(source).values() for kv in section):
            if key.startswith("Exec") and command:
                _stub(root, command.lstrip("-@+!:").split()[0])
    return root


needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None or SYSTEM_UNITS is None,
    reason="systemd-analyze or the system's units are not on this machine")


@needs_analyze
@pytest.mark.parametrize("session", ["cage", "x11"])
def test_systemd_analyze_verify_passes(tmp_path: Path, session: str) -> None:
    units = {name: UNITS / name for name in CAGE}
    if session == "x11":
        units.update(X11)
    root = _verify_root(tmp_path, units)
    names = [name for name in units if "/" not in name]
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={root}", *names],
                          capture_output=True, text=True, timeout=120, check=False)
    # unknown keys and bad values are only warnings to verify: none may be printed
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), \
        done.stdout + done.stderr


@needs_analyze
def test_the_verify_check_catches_a_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "kiosk.service"
    broken.write_text((UNITS / "kiosk.service").read_text().replace(
        "ProtectSystem=strict", "ProtectSystem=strickt"))
    root = _verify_root(tmp_path, {"kiosk.service": broken})
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={root}",
                           "kiosk.service"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert "strickt" in done.stdout + done.stderr
