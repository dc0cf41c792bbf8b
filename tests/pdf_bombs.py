"""Hostile PDFs for the renderer's tests, written byte by byte: each is a valid PDF that
PDFium accepts, and that costs it far more than its size.

Uncapped, on the development machine: `nested_forms()` (5 KB) took 33 s and 3.2 GB to draw
one page 1000 px wide, `huge_content(400)` (1 MB) 48 s and 9 GB; `slow_shading(2000)`
(50 KB) takes about a minute at that size while using 32 MB. Never draw them in the test
process itself.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

A4 = (595, 842)  # points


class RawPdf:
    """A PDF assembled from numbered objects, with its cross-reference table."""

    def __init__(self) -> None:
        self._objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
        self._pages: list[int] = []

    def add(self, body: bytes) -> int:
        self._objects.append(body)
        return len(self._objects)

    def add_stream(self, data: bytes, entries: bytes = b"") -> int:
        return self.add(b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data
                        + b"\nendstream")

    def add_page(self, content: bytes, resources: bytes = b"", box: tuple[int, int] = A4,
                 content_entries: bytes = b"") -> int:
        contents = self.add_stream(content, content_entries)
        page = self.add(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R"
                        b" /Resources << %s >> >>" % (*box, contents, resources))
        self._pages.append(page)
        return page

    def to_bytes(self) -> bytes:
        self._objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % p for p in self._pages), len(self._pages))
        out = bytearray(b"%PDF-1.7\n")
        offsets = []
        for number, body in enumerate(self._objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(offsets) + 1, xref)
        return bytes(out)


def add_plain_page(pdf: RawPdf) -> int:
    """A page a form could have: a frame and a few dark bars where the text would be."""
    bars = b" ".join(b"60 %d 300 12 re f" % (760 - 40 * i) for i in range(15))
    return pdf.add_page(b"0 0 0 rg 40 40 515 762 re S " + bars)


def add_nested_forms_page(pdf: RawPdf, levels: int = 20, fanout: int = 2) -> int:
    """A page that draws form XObject X20, which draws X19 twice, ... down to X0, a square:
    2^20 squares from 20 small objects, each use of a form parsed again by PDFium."""
    form = pdf.add_stream(b"0 0 1 rg 10 10 100 100 re f",
                          b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]")
    for _ in range(levels):
        draws = b" ".join(b"q 1 0 0 1 %d 0 cm /X Do Q" % (i % 3) for i in range(fanout))
        form = pdf.add_stream(draws, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                                     b"/Resources << /XObject << /X %d 0 R >> >>" % form)
    return pdf.add_page(b"q /X Do Q", b"/XObject << /X %d 0 R >>" % form)


def add_huge_content_page(pdf: RawPdf, megabytes: int = 50) -> int:
    """The largest page PDF allows (200 inches square) whose content stream inflates from a
    hundred kilobytes to `megabytes` of tiny filled squares."""
    square = b"0 0 1 rg 10 10 1 1 re f\n"
    content = zlib.compress(square * (megabytes * 1024 * 1024 // len(square)), 9)
    return pdf.add_page(content, box=(14400, 14400), content_entries=b"/Filter /FlateDecode")


def add_slow_shading_page(pdf: RawPdf, operations: int = 2000) -> int:
    """A page painted by a function-based shading whose PostScript calculator function is
    `operations` steps long: PDFium runs it for every pixel, so the page costs processor
    time and next to no memory (the bomb that only a deadline stops)."""
    function = pdf.add_stream(b"{ " + b"2 copy add 2 div exch pop " * operations + b"pop }",
                              b"/FunctionType 4 /Domain [0 1 0 1] /Range [0 1]")
    shading = pdf.add(b"<< /ShadingType 1 /ColorSpace /DeviceGray /Domain [0 1 0 1] "
                      b"/Matrix [595 0 0 842 0 0] /Function %d 0 R >>" % function)
    return pdf.add_page(b"/S sh", b"/Shading << /S %d 0 R >>" % shading)


def nested_forms(levels: int = 20, fanout: int = 2) -> bytes:
    pdf = RawPdf()
    add_nested_forms_page(pdf, levels, fanout)
    return pdf.to_bytes()


def huge_content(megabytes: int = 50) -> bytes:
    pdf = RawPdf()
    add_huge_content_page(pdf, megabytes)
    return pdf.to_bytes()


def slow_shading(operations: int = 2000) -> bytes:
    pdf = RawPdf()
    add_slow_shading_page(pdf, operations)
    return pdf.to_bytes()


def plain(pages: int = 1) -> bytes:
    pdf = RawPdf()
    for _ in range(pages):
        add_plain_page(pdf)
    return pdf.to_bytes()


def document(*pages: Callable[[RawPdf], int]) -> bytes:
    """A PDF of the pages that the functions add, in order."""
    pdf = RawPdf()
    for add_page in pages:
        add_page(pdf)
    return pdf.to_bytes()


def plain_then_nested_forms() -> bytes:
    """A form whose first page is honest, whose second is the bomb, and a third."""
    return document(add_plain_page, add_nested_forms_page, add_plain_page)
