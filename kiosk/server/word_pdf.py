"""Word form templates (.doc, .docx) turned into PDF by LibreOffice, headless, at import.

LibreOffice runs one instance per user profile, so each run gets a private profile
folder (`-env:UserInstallation`) and never meets the operator's own LibreOffice. Files go
in small batches, each under a wall-clock limit; a batch that overruns is killed (its
whole process group) and its files are tried one by one, so one bad file costs its own
time limit and is listed, and the import never hangs.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

WORD_SUFFIXES = (".doc", ".docx", ".odt", ".rtf")
BATCH = 20
SECONDS_PER_FILE = 30.0
STARTUP_SECONDS = 30.0
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class Conversion:
    pdfs: dict[Path, bytes] = field(default_factory=dict)
    failed: dict[Path, str] = field(default_factory=dict)  # file -> reason, one line


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(files: Sequence[Path], *, program: str | None = None,
                   seconds_per_file: float = SECONDS_PER_FILE, batch: int = BATCH,
                   startup_seconds: float = STARTUP_SECONDS) -> Conversion:
    """PDF bytes for each Word file that converts; the others with a reason."""
    out = Conversion()
    program = program or soffice()
    if program is None:
        for file in files:
            out.failed[file] = "LibreOffice (soffice) is not installed"
        return out
    with tempfile.TemporaryDirectory(prefix="kiosk-soffice-") as work:
        profile = Path(work, "profile").as_uri()
        for start in range(0, len(files), batch):
            group = list(files[start:start + batch])
            limits = (startup_seconds, seconds_per_file)
            if not _run(program, profile, group, Path(work), limits, out) and len(group) > 1:
                for file in group:  # find the file that hung it
                    if file not in out.pdfs:
                        out.failed.pop(file, None)
                        _run(program, profile, [file], Path(work), limits, out)
    return out


def _run(program: str, profile: str, files: list[Path], work: Path,
         limits: tuple[float, float], out: Conversion) -> bool:
    """Convert one batch; False when LibreOffice overran its time or failed outright."""
    outdir = Path(tempfile.mkdtemp(dir=work, prefix="out-"))
    # one staged copy per file under a unique name: two templates may share a file name
    staged: dict[Path, Path] = {}
    for number, file in enumerate(files):
        stem = _UNSAFE.sub("_", file.stem)[:40]
        target = outdir.parent / f"{outdir.name}-{number}-{stem}{file.suffix.lower()}"
        try:
            shutil.copyfile(file, target)
        except OSError as err:
            out.failed[file] = f"cannot be read ({err.strerror or err})"
            continue
        staged[file] = target
    if not staged:
        return True
    command = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir),
               *map(str, staged.values())]
    limit = limits[0] + limits[1] * len(staged)
    ok = True
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          stdin=subprocess.DEVNULL, start_new_session=True,
                          env={**os.environ, "HOME": str(work)}) as process:
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            ok = False
    for file, source in staged.items():
        pdf = outdir / f"{source.stem}.pdf"
        if pdf.is_file() and pdf.stat().st_size > 0:
            out.pdfs[file] = pdf.read_bytes()
        else:
            out.failed[file] = (f"LibreOffice did not finish within {limit:.0f} s" if not ok
                                else "LibreOffice could not convert it")
        source.unlink(missing_ok=True)
    shutil.rmtree(outdir, ignore_errors=True)
    return ok
