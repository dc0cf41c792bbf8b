"""Form PDFs turned into RGBA page images for the on-screen viewer, without Kivy.

A PDF on the kiosk comes from the catalogue server, so it is treated as untrusted: the
pixels of one page are capped (`MAX_SIDE` on the long side), only the first `MAX_PAGES`
pages are rendered, and all the pages of one document together stay within
`MAX_TOTAL_PIXELS` (scaled down evenly when they would not), so a hostile or merely huge
PDF cannot exhaust the memory of the kiosk. Those caps bound the pixels, not PDFium's own
work: a few kilobytes of nested drawings can take minutes and gigabytes to draw, so the
kiosk calls this module only inside the renderer process (kiosk/ui/pdf_renderer.py), which
runs under memory and time limits. Anything that cannot be shown raises `PdfError`, whose
`reason` is a plain English sentence that is also a message id: the viewer shows
`_(error.reason)`.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kiosk.i18n import N_

MAX_SIDE = 4096
MAX_PAGES = 30
MAX_TOTAL_PIXELS = 64_000_000  # 256 MB of RGBA for a whole document
HEADER_WINDOW = 1024  # PDF readers accept "%PDF-" anywhere in the first kilobyte

MISSING = N_("The form file is missing.")
UNREADABLE = N_("The form file cannot be read.")
EMPTY = N_("The form file is empty.")
NOT_PDF = N_("This file is not a PDF document.")
DAMAGED = N_("The form file is damaged and cannot be shown.")
ENCRYPTED = N_("The form file is protected by a password and cannot be shown.")
NO_PAGES = N_("The form file has no pages.")
# Anything else: a page too costly to draw within the renderer's limits, or an unforeseen
# failure. People need no more detail; the log gets it.
CANNOT_SHOW = N_("This form cannot be shown.")

# PDFium keeps global state and is not thread-safe; every call from this module holds the
# lock, so that two threads of one process never corrupt it.
_PDFIUM_LOCK = threading.Lock()


class PdfError(ValueError):
    """A PDF that cannot be shown; `reason` is for people, `detail` for the log."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason} ({detail})" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class PageImage:
    """One rendered page: `rgba` holds `height` rows of `width` RGBA pixels, top row first."""

    width: int
    height: int
    rgba: bytes | bytearray  # bytearray when it came from the renderer process
    scale: float  # pixels per PDF point, after the caps


def page_count(path: str | Path) -> int:
    """How many pages the PDF has (all of them, not only those `render_pages` would show)."""
    with _PDFIUM_LOCK:
        doc = _open(Path(path))
        try:
            return len(doc)
        finally:
            doc.close()


def render_pages(path: str | Path, width_px: int, *, height_px: int | None = None,
                 max_side: int = MAX_SIDE, max_pages: int = MAX_PAGES,
                 max_total_pixels: int = MAX_TOTAL_PIXELS) -> list[PageImage]:
    """Each page (up to `max_pages`) rendered `width_px` wide, on white.

    With `height_px`, a page is also no taller than that (it fits the box). The caps can
    only make pages smaller than asked, never larger.
    """
    return list(iter_pages(path, width_px, height_px=height_px, max_side=max_side,
                           max_pages=max_pages, max_total_pixels=max_total_pixels))


def iter_pages(path: str | Path, width_px: int, *, height_px: int | None = None,
               max_side: int = MAX_SIDE, max_pages: int = MAX_PAGES,
               max_total_pixels: int = MAX_TOTAL_PIXELS) -> Iterator[PageImage]:
    """`render_pages` one page at a time, so a caller that uploads each page to the GPU
    never holds the pixels of the whole document at once."""
    with PdfPages(path, width_px, height_px=height_px, max_side=max_side,
                  max_pages=max_pages, max_total_pixels=max_total_pixels) as pages:
        for index in range(pages.count):
            yield pages.render(index)


class PdfPages:
    """An open PDF whose pages to show, and the size of each, are decided: pages are then
    rendered one by one on request (`iter_pages` walks them; the renderer process answers
    one request at a time). Same arguments as `render_pages`; raises PdfError."""

    def __init__(self, path: str | Path, width_px: int, *, height_px: int | None = None,
                 max_side: int = MAX_SIDE, max_pages: int = MAX_PAGES,
                 max_total_pixels: int = MAX_TOTAL_PIXELS) -> None:
        if width_px < 1 or (height_px is not None and height_px < 1):
            raise ValueError(f"page box must be positive, got {width_px}×{height_px}")
        if max_side < 1 or max_pages < 1 or max_total_pixels < 1:
            raise ValueError("the caps must be positive")
        with _PDFIUM_LOCK:
            self._doc: pdfium.PdfDocument | None = _open(Path(path))
            try:
                sizes = [_page_size(self._doc, i) for i in range(min(len(self._doc), max_pages))]
                self._scales = _scales(sizes, width_px, height_px, max_side, max_total_pixels)
            except BaseException:
                self._doc.close()
                self._doc = None
                raise

    @property
    def count(self) -> int:
        """How many pages will be shown (at most `max_pages`)."""
        return len(self._scales)

    def render(self, index: int) -> PageImage:
        """Page `index` (from 0), at its decided size."""
        if self._doc is None:
            raise ValueError("the document is closed")
        # The lock is held for one page only, so that a consumer working on one page (e.g.
        # a texture upload) never blocks another thread's PDFium call for the whole document.
        with _PDFIUM_LOCK:
            return _render(self._doc, index, self._scales[index])

    def close(self) -> None:
        if self._doc is not None:
            with _PDFIUM_LOCK:
                self._doc.close()
            self._doc = None

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _open(path: Path) -> pdfium.PdfDocument:
    """The document, after the checks that give a precise reason for a bad file."""
    try:
        if not path.is_file():
            raise PdfError(MISSING, str(path))
        with path.open("rb") as f:
            head = f.read(HEADER_WINDOW)
    except OSError as error:
        raise PdfError(UNREADABLE, f"{path}: {error}") from error
    if not head:
        raise PdfError(EMPTY, str(path))
    if b"%PDF-" not in head:
        raise PdfError(NOT_PDF, f"{path}: no %PDF- header")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        reason = (ENCRYPTED if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)
                  else UNREADABLE if code == pdfium_c.FPDF_ERR_FILE else DAMAGED)
        raise PdfError(reason, f"{path}: {error}") from error
    # Without forms, values typed into AcroForm fields of a filled-in form stay blank; if
    # PDFium cannot set them up, the page content still renders.
    with contextlib.suppress(pdfium.PdfiumError):
        doc.init_forms()
    if len(doc) == 0:
        doc.close()
        raise PdfError(NO_PAGES, str(path))
    return doc


def _page_size(doc: pdfium.PdfDocument, index: int) -> tuple[float, float]:
    # By index, without loading the page: PDFium would parse its whole content (a hostile
    # page's cost) just to read the box; the size is the same, rotation included.
    try:
        width, height = doc.get_page_size(index)
    except pdfium.PdfiumError as error:
        raise PdfError(DAMAGED, f"page {index + 1}: {error}") from error
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise PdfError(DAMAGED, f"page {index + 1} is {width}×{height} pt")
    return width, height


def _scales(sizes: list[tuple[float, float]], width_px: int, height_px: int | None,
            max_side: int, max_total_pixels: int) -> list[float]:
    """Pixels per point for each page: fit the box, then the per-page and document caps."""
    scales = []
    for width, height in sizes:
        scale = width_px / width
        if height_px is not None:
            scale = min(scale, height_px / height)
        scales.append(min(scale, max_side / max(width, height)))
    total = sum(width * height * s * s for (width, height), s in zip(sizes, scales, strict=True))
    if total > max_total_pixels:
        shrink = math.sqrt(max_total_pixels / total)
        scales = [s * shrink for s in scales]
    return scales


def _render(doc: pdfium.PdfDocument, index: int, scale: float) -> PageImage:
    try:
        page = doc[index]
    except pdfium.PdfiumError as error:
        raise PdfError(DAMAGED, f"page {index + 1}: {error}") from error
    try:
        # PDFium sizes the bitmap with ceil(points × scale), at least 1 px; a float error of
        # 1e-13 would make a page one pixel wider than asked, so aim a hair below.
        scale *= 1 - 1e-9
        bitmap = page.render(scale=scale, force_bitmap_format=pdfium_c.FPDFBitmap_BGRA,
                             rev_byteorder=True, fill_color=(255, 255, 255, 255))
    except pdfium.PdfiumError as error:
        raise PdfError(DAMAGED, f"page {index + 1}: {error}") from error
    finally:
        page.close()
    try:
        w, h, stride = bitmap.width, bitmap.height, bitmap.stride
        data = memoryview(bitmap.buffer).cast("B")
        row = w * 4
        if stride == row:
            rgba = bytes(data[:row * h])
        else:  # PDFium may pad rows; the texture wants them packed
            rgba = b"".join(data[y * stride:y * stride + row] for y in range(h))
    finally:
        bitmap.close()
    return PageImage(w, h, rgba, scale)
