"""The papers photographed at the kiosk, offered to the portal's upload dialog.

Portals ask for a PDF or a JPEG per paper; each paper is written both ways into the
session folder (one PDF with all its pages, one JPEG per page), named after the paper
(never after the person), and the folder is emptied when the session ends.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalogue.text import fold

NAME_CHARS = 40  # the upload dialog shows about this much of a name


@dataclass(frozen=True)
class Paper:
    name: str  # the paper's name as the catalogue gives it, e.g. "Tờ khai đăng ký khai sinh"
    pages: tuple[bytes, ...]  # JPEG, as the kiosk's camera step made them


def file_stem(name: str, number: int) -> str:
    """"Tờ khai đăng ký khai sinh", 1 -> "01-to-khai-dang-ky-khai-sinh" (ASCII: the
    upload dialog and the portal both read it)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:NAME_CHARS].rstrip("-")
    return f"{number:02d}-{slug or 'giay-to'}"


def pdf_of(pages: Sequence[bytes]) -> bytes:
    """The pages (JPEG) as one PDF, a page each."""
    from PIL import Image

    images = [Image.open(io.BytesIO(page)).convert("RGB") for page in pages]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:],
                   resolution=150.0)
    return out.getvalue()


def empty_folder(folder: Path) -> None:
    """The folder exists, is empty and only the kiosk's user may look into it."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o700)
    os.chmod(folder, 0o700)  # whatever the umask left


def offer_papers(folder: Path, papers: Sequence[Paper]) -> list[Path]:
    """Write each paper with pages into the (emptied) session folder as a PDF and as JPEGs;
    returns the files written."""
    written: list[Path] = []
    for number, paper in enumerate((p for p in papers if p.pages), start=1):
        stem = file_stem(paper.name, number)
        pdf = folder / f"{stem}.pdf"
        pdf.write_bytes(pdf_of(paper.pages))
        written.append(pdf)
        for page_number, page in enumerate(paper.pages, start=1):
            jpeg = folder / f"{stem}-trang-{page_number}.jpg"
            jpeg.write_bytes(page)
            written.append(jpeg)
    return written
