"""Form PDFs kept on the kiosk so they can be shown without the network.

Files are named by their SHA-256, so a changed form is a new file and a damaged download
never passes for a good one. The folder is kept under a size limit by removing the files
used least recently; a single file over its own limit is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.store.catalogue_store import FormFile
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiError


@dataclass
class FetchReport:
    downloaded: int = 0
    cached: int = 0
    failed: list[str] = field(default_factory=list)


class FormsCache:
    def __init__(self, folder: Path, max_total_bytes: int, max_file_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_total = max_total_bytes
        self.max_file = max_file_bytes

    def path(self, sha256: str) -> Path | None:
        """The cached PDF with that checksum, marked as just used; None if not here."""
        if not sha256 or not all(c in "0123456789abcdef" for c in sha256):
            return None
        found = self.folder / f"{sha256}.pdf"
        if not found.exists():
            return None
        with contextlib.suppress(OSError):
            os.utime(found)
        return found

    def put(self, sha256: str, data: bytes) -> Path:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("the PDF does not match its checksum")
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{sha256}.pdf"
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return target

    def fetch(self, api: CentralApi, files: list[FormFile]) -> FetchReport:
        """Download every form and sample not cached yet, then trim the folder."""
        report = FetchReport()
        wanted: set[str] = set()
        for item in files:
            for sample, sha in ((False, item.sha256), (True, item.sample_sha256)):
                if not sha:
                    continue
                wanted.add(sha)
                if self.path(sha):
                    report.cached += 1
                    continue
                name = f"{item.form.code}{' (sample)' if sample else ''}"
                try:
                    self.put(sha, api.form_pdf(item.form.code, sample, self.max_file))
                    report.downloaded += 1
                except ApiError as err:
                    report.failed.append(f"{name}: {err.reason}")
                except (ValueError, OSError) as err:
                    report.failed.append(f"{name}: {err}")
        self.trim(keep=wanted)
        return report

    def trim(self, keep: set[str]) -> None:
        """Drop forms no longer in the catalogue, then the least used until under the limit."""
        if not self.folder.exists():
            return
        entries = []
        for path in self.folder.glob("*"):
            if path.suffix == ".part" or path.stem not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_total:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob("*.pdf")) if self.folder.exists() \
            else 0

