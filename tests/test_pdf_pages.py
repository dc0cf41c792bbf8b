"""Tests for kiosk/ui/pdf_pages.py: demo PDFs rendered to RGBA pages, bad files refused."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")

from kiosk.ui import pdf_pages
from kiosk.ui.pdf_pages import PageImage, PdfError, page_count, render_pages

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "assets" / "demo" / "samples" / "HT-TK-KHAI-SINH.pdf"  # 2 A4 pages
BLANK = REPO / "assets" / "demo" / "forms" / "HT-TK-KHAI-SINH.pdf"
A4 = (595.28, 841.89)  # points


def dark_pixels(page: PageImage) -> int:
    """Pixels whose red channel is clearly not white (text, lines, the red watermark aside)."""
    return sum(1 for value in page.rgba[0::4] if value < 128)


def test_page_count_of_a_demo_form() -> None:
    assert page_count(SAMPLE) == 2
    assert page_count(str(SAMPLE)) == 2  # str paths too


def test_pages_are_rendered_to_the_asked_width_with_their_aspect() -> None:
    pages = render_pages(SAMPLE, 600)
    assert len(pages) == 2
    for page in pages:
        assert page.width == 600
        assert page.height == pytest.approx(600 * A4[1] / A4[0], abs=1)
        assert len(page.rgba) == page.width * page.height * 4
        assert page.scale == pytest.approx(600 / A4[0], rel=1e-6)


def test_pages_have_ink_on_an_opaque_white_background() -> None:
    page = render_pages(SAMPLE, 600)[0]
    assert dark_pixels(page) > 2000  # the text of a form, not a blank bitmap
    assert set(page.rgba[3::4]) == {255}
    # The top-left corner is the page margin: white, and the rows run top to bottom.
    assert page.rgba[:4] == b"\xff\xff\xff\xff"


def test_blank_and_filled_in_forms_differ() -> None:
    blank, sample = render_pages(BLANK, 400)[0], render_pages(SAMPLE, 400)[0]
    assert (blank.width, blank.height) == (sample.width, sample.height)
    assert blank.rgba != sample.rgba


def test_a_height_makes_the_page_fit_the_box() -> None:
    page = render_pages(SAMPLE, 1000, height_px=500)[0]
    assert page.height == 500
    assert page.width == pytest.approx(500 * A4[0] / A4[1], abs=1)


def test_long_side_is_capped() -> None:
    page = render_pages(SAMPLE, 50_000)[0]
    assert max(page.width, page.height) <= pdf_pages.MAX_SIDE
    assert page.height == pdf_pages.MAX_SIDE
    assert render_pages(SAMPLE, 2000, max_side=1000)[0].height == 1000


def test_page_count_is_capped() -> None:
    assert len(render_pages(SAMPLE, 200, max_pages=1)) == 1
    assert page_count(SAMPLE) == 2  # the count itself is not capped


def test_whole_document_stays_within_the_pixel_budget() -> None:
    pages = render_pages(SAMPLE, 2000, max_total_pixels=1_000_000)
    assert len(pages) == 2
    total = sum(p.width * p.height for p in pages)
    assert total <= 1_000_000 * 1.01  # rounding each side up by < 1 px
    assert pages[0].width < 2000


def test_a_box_must_be_positive() -> None:
    with pytest.raises(ValueError):
        render_pages(SAMPLE, 0)
    with pytest.raises(ValueError):
        render_pages(SAMPLE, 100, height_px=0)


def refused(path: Path) -> PdfError:
    with pytest.raises(PdfError) as caught:
        render_pages(path, 300)
    with pytest.raises(PdfError):
        page_count(path)
    assert isinstance(caught.value, ValueError)
    return caught.value


def test_missing_file(tmp_path: Path) -> None:
    error = refused(tmp_path / "nowhere.pdf")
    assert error.reason == pdf_pages.MISSING
    assert "nowhere.pdf" in str(error)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    assert refused(tmp_path).reason == pdf_pages.MISSING


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert refused(empty).reason == pdf_pages.EMPTY


def test_not_a_pdf(tmp_path: Path) -> None:
    html = tmp_path / "form.pdf"  # a captive portal's page saved under the form's name
    html.write_text("<!doctype html><html><body>Đăng nhập Wi-Fi</body></html>",
                    encoding="utf-8")
    assert refused(html).reason == pdf_pages.NOT_PDF
    png = tmp_path / "scan.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert refused(png).reason == pdf_pages.NOT_PDF


def test_corrupt_pdf(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert refused(garbage).reason == pdf_pages.DAMAGED


def test_truncated_download(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[:len(data) // 3])
    # PDFium repairs what it can; either the pages that survive render, or it is refused.
    try:
        pages = render_pages(truncated, 300)
    except PdfError as error:
        assert error.reason in (pdf_pages.DAMAGED, pdf_pages.NO_PAGES)
    else:
        assert all(len(p.rgba) == p.width * p.height * 4 for p in pages)


def test_password_protected_pdf(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    from fpdf.enums import EncryptionMethod

    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret")
    pdf.set_encryption(owner_password="owner", user_password="user",
                       encryption_method=EncryptionMethod.RC4)
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(bytes(pdf.output()))
    assert refused(locked).reason == pdf_pages.ENCRYPTED


def test_reasons_are_plain_sentences() -> None:
    reasons = [pdf_pages.MISSING, pdf_pages.UNREADABLE, pdf_pages.EMPTY, pdf_pages.NOT_PDF,
               pdf_pages.DAMAGED, pdf_pages.ENCRYPTED, pdf_pages.NO_PAGES]
    assert len(set(reasons)) == len(reasons)
    assert all(r[0].isupper() and r.endswith(".") for r in reasons)
