"""The national portal's procedure JSON imported as an operator would: `kiosk import-catalogue
--format dvcqg` in its own process, on a folder of made-up records (tests/portal_samples.py)."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import write_config
from portal_samples import BAD, make_docx, record, write_portal_folder

from kiosk.catalogue.html_text import paragraphs
from kiosk.catalogue.model import Procedure
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.db import ServerDB
from kiosk.server.portal_catalogue import form_code, portal_record, read_portal
from kiosk.server.run import start_in_thread
from kiosk.server.word_pdf import convert_to_pdf, soffice

KIOSK = [sys.executable, "-m", "kiosk.cli.main"]
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, timeout=300)


def test_html_becomes_paragraphs_and_lists() -> None:
    html = ("<p>Bước 1:&nbsp;Nộp <b>hồ sơ</b></p><script>alert(1)</script><ul><li>Một</li>"
            "<li>Hai<br>dòng hai</li></ul><ol><li>Thứ nhất</li><li>Thứ hai</li></ol>"
            "<table><tr><td>Sáng</td><td>7h30</td></tr></table><div>&lt;không&gt; &amp;</div>")
    assert paragraphs(html) == ["Bước 1: Nộp hồ sơ", "• Một", "• Hai", "dòng hai",
                                "1. Thứ nhất", "2. Thứ hai", "Sáng | 7h30", "<không> &"]
    assert paragraphs("dòng một\n\n  dòng   hai ") == ["dòng một", "dòng hai"]
    assert paragraphs("") == []


def test_a_record_maps_every_field() -> None:
    data = record(42, random.Random(1), attachments=["to-khai.docx"])
    data.update(isWard=True, isMinistry=True, isProvince=False, isOtherAgency=False,
                categoriesDetails=[{"name": "Hộ tịch"}, {"name": "Chứng thực"}],
                departmentsAuthorized=[{"name": "Phòng Tư pháp"}],
                keywords="làm giấy khai sinh, khai sinh cho con")
    data["executionMethods"] = [
        {"submissionMethod": "DIRECT", "processingTime": 3, "processingTimeUnit": "WORKING_DAY",
         "fees": [{"amount": 50000, "description": "Lệ phí"}, {"price": "20000",
                                                               "name": "Phí thẩm định"}]},
        {"submissionMethod": "ONLINE", "description": "<p>Theo mô tả</p>", "fees": []}]
    procedure = Procedure.from_dict(portal_record(data, WHEN, {"to-khai.docx": "TO-KHAI"}))
    assert procedure.code == "1.000042" or procedure.code.endswith(".000042")
    assert procedure.levels == ("ministry", "commune")
    assert procedure.fields == ("Hộ tịch", "Chứng thực")
    assert procedure.keywords == ("làm giấy khai sinh", "khai sinh cho con")
    assert procedure.agency.executing == "Ủy ban nhân dân cấp xã"
    assert procedure.agency.competent == "Chủ tịch Ủy ban nhân dân cấp xã"
    assert procedure.agency.authorised == "Phòng Tư pháp"
    assert procedure.agency.coordinating == "Công an cấp xã"
    assert procedure.decision == "42/QĐ-UBND"
    assert [(r.name, r.code) for r in procedure.results] == [("Giấy chứng nhận", "KQ-42")]
    assert procedure.result == "Giấy chứng nhận"
    direct, online = procedure.channels
    assert (direct.method, direct.time, direct.time_unit) == ("in_person", 3, "working_day")
    assert [(f.kind, f.amount) for f in direct.fees] == [("le_phi", 50000), ("phi", 20000)]
    assert (online.method, online.time, online.time_note) == ("online", None, "Theo mô tả")
    assert procedure.online_level == "partial"
    case = procedure.cases[0]  # the case without papers is left out
    assert len(procedure.cases) == 1 and case.name == "Trường hợp thông thường"
    assert [(c.name, c.originals, c.copies, c.form) for c in case.components] == [
        ("Tờ khai theo mẫu", 1, 0, "TO-KHAI"), ("Bản sao giấy tờ tùy thân", 0, 1, None),
        ("Lưu ý: xuất trình bản chính để đối chiếu", 0, 0, None)]
    assert procedure.steps[0].startswith("Bước 1: Nộp hồ sơ\nNội dung hướng dẫn đoạn 0")
    assert "• Cán bộ kiểm tra thành phần số 1 & ghi vào sổ." in procedure.steps[0]
    assert procedure.conditions == ("1. Người yêu cầu đủ 18 tuổi;", "2. Có nơi cư trú hợp pháp.")
    assert [(d.number, d.title) for d in procedure.legal_basis] == [
        ("60/2014/QH13", "Luật Hộ tịch năm 2014"), ("Nghị định hướng dẫn", "Nghị định hướng dẫn")]
    # what the kiosk stores and serves reads back the same
    assert Procedure.from_dict(procedure.to_dict()) == procedure


def test_fully_online_only_when_the_online_channel_says_so() -> None:
    data = record(43, random.Random(2))
    direct = {"submissionMethod": "DIRECT", "processingTime": 5,
              "processingTimeUnit": "WORKING_DAY"}
    levels = {}
    for label, description in (("full", "<p>Dịch vụ công trực tuyến <b>toàn trình</b></p>"),
                               ("partial", "<p>Dịch vụ công trực tuyến một phần</p>"),
                               ("plain", "<p>Nộp qua Cổng dịch vụ công</p>")):
        data["executionMethods"] = [direct, {"submissionMethod": "ONLINE", "processingTime": 5,
                                             "processingTimeUnit": "WORKING_DAY",
                                             "description": description}]
        levels[label] = Procedure.from_dict(portal_record(data, WHEN)).online_level
    data["executionMethods"] = [direct]
    levels["none"] = Procedure.from_dict(portal_record(data, WHEN)).online_level
    assert levels == {"full": "full", "partial": "partial", "plain": "partial", "none": "none"}


def test_form_codes_from_file_names() -> None:
    assert form_code("Mẫu tờ khai_01.docx") == "MAU-TO-KHAI-01"
    assert form_code("../../etc/passwd") == "PASSWD"


def test_bad_records_are_skipped_by_name(tmp_path: Path) -> None:
    write_portal_folder(tmp_path, 20, forms=False)
    found = read_portal([tmp_path], WHEN)
    assert len(found.procedures) == 20
    assert len(found.skipped) == len(BAD) + 1  # and the broken file
    for (code, _change, reason), line in zip(BAD, found.skipped, strict=False):
        assert line.startswith(f"{code} (bad.json): ") and reason in line, line
    assert found.skipped[-1].startswith("broken.json: not valid JSON")


def test_import_folder_skips_bad_ones_and_reimport_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "portal"
    written = write_portal_folder(folder, 300)
    db = tmp_path / "api.sqlite"
    done = kiosk("import-catalogue", "--format", "dvcqg", str(folder), "--db", str(db),
                 "--no-convert")
    assert done.returncode == 0, done.stderr
    assert "imported 300 procedures" in done.stdout and "300 new" in done.stdout
    assert f"{len(BAD) + 1} skipped" in done.stdout
    skipped = [line for line in done.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == len(BAD) + 1
    assert any("1.0133611" in line for line in skipped)
    assert "form file missing: khong-co-tep.docx" in done.stderr
    assert "Traceback" not in done.stderr
    with sqlite3.connect(db) as conn:
        before = dict(conn.execute("SELECT code, modified_at FROM procedures"))
        forms = dict(conn.execute("SELECT code, pdf IS NOT NULL FROM forms"))
    assert len(before) == 300
    assert forms["PHIEU-THONG-TIN"] == 1  # a PDF template goes in as it is
    assert forms["TO-KHAI-DANG-KY"] == 0  # not converted (--no-convert)

    again = kiosk("import-catalogue", "--format", "dvcqg", str(folder), "--db", str(db),
                  "--no-convert")
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 changed, 0 removed, 300 unchanged" in again.stdout
    with sqlite3.connect(db) as conn:
        assert dict(conn.execute("SELECT code, modified_at FROM procedures")) == before

    # one procedure changes at the portal: only it gets a new time
    changed = written["good"][7]
    changed["name"] = changed["name"] + " (sửa đổi)"
    file = folder / "list-0.json"
    rows = json.loads(file.read_text(encoding="utf-8"))
    rows[2] = changed
    file.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    third = kiosk("import-catalogue", "--format", "dvcqg", str(folder), "--db", str(db),
                  "--no-convert")
    assert "0 new, 1 changed" in third.stdout, third.stdout
    with sqlite3.connect(db) as conn:
        after = dict(conn.execute("SELECT code, modified_at FROM procedures"))
    assert [code for code in after if after[code] != before[code]] == [changed["code"]]


def test_nothing_importable_fails_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"data": {"code": "1.0133611"}}', encoding="utf-8")
    done = kiosk("import-catalogue", "--format", "dvcqg", str(tmp_path / "x.json"), "--db",
                 str(tmp_path / "api.sqlite"))
    assert done.returncode == 1
    assert "skipped 1.0133611 (x.json): code" in done.stderr
    assert "no procedure could be imported" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed; "
                    "scripts/dev setup installs libreoffice-writer-nogui")
def test_word_forms_become_pdf(tmp_path: Path) -> None:
    good = tmp_path / "to-khai.docx"
    make_docx(good, "TỜ KHAI")
    other = tmp_path / "don.docx"
    make_docx(other, "ĐƠN", lines=40)
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 a zip that ends here")
    result = convert_to_pdf([good, broken, other], batch=2)
    assert set(result.pdfs) == {good, other}
    assert all(pdf.startswith(b"%PDF-") for pdf in result.pdfs.values())
    assert set(result.failed) == {broken}


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_conversion_that_hangs_is_killed_and_the_rest_convert(tmp_path: Path) -> None:
    # a stand-in LibreOffice that never finishes for the batch with the "slow" file
    fake = tmp_path / "fake-soffice"
    fake.write_text(f"#!/bin/sh\ncase \"$*\" in *slow*) sleep 600;; esac\nexec {soffice()} "
                    "\"$@\"\n", encoding="utf-8")
    fake.chmod(0o755)
    good = tmp_path / "good.docx"
    make_docx(good, "TỐT")
    slow = tmp_path / "slow.docx"
    make_docx(slow, "CHẬM")
    result = convert_to_pdf([good, slow], program=str(fake), seconds_per_file=1, batch=1,
                            startup_seconds=20)
    assert set(result.pdfs) == {good}
    assert "did not finish" in result.failed[slow]


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_import_converts_word_forms_and_lists_the_ones_that_fail(tmp_path: Path) -> None:
    folder = tmp_path / "portal"
    write_portal_folder(folder, 15, bad=False)
    db = tmp_path / "api.sqlite"
    done = kiosk("import-catalogue", "--format", "dvcqg", str(folder), "--db", str(db))
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        pdfs = {code: bytes(pdf or b"") for code, pdf in conn.execute(
            "SELECT code, pdf FROM forms")}
    assert pdfs["TO-KHAI-DANG-KY"].startswith(b"%PDF-")
    assert pdfs["MAU-DON-DE-NGHI"].startswith(b"%PDF-")
    assert pdfs["KHONG-CO-TEP"] == b""  # the file is missing: listed, not fatal
    assert "form file missing: khong-co-tep.docx" in done.stderr


def test_show_a_portal_procedure_whole_with_its_forms(tmp_path: Path) -> None:
    folder = tmp_path / "portal"
    written = write_portal_folder(folder, 15, bad=False)
    db_path = tmp_path / "api.sqlite"
    done = kiosk("import-catalogue", "--format", "dvcqg", str(folder), "--db", str(db_path),
                 "--no-convert")
    assert done.returncode == 0, done.stderr
    db = ServerDB(db_path)
    db.add_api_key(DEMO_API_KEY, "test-kiosk")
    server = start_in_thread(db)
    try:
        config = write_config(tmp_path / "kiosk.toml", server.base_url, tmp_path / "data")
        synced = kiosk("sync", "--config", str(config))
        assert synced.returncode == 0, synced.stderr
        # record 3 names "Mẫu đơn đề nghị.docx" (not converted), record 6 the PDF template
        word, pdf = written["good"][2], written["good"][5]
        shown = json.loads(kiosk("show", word["code"], "--json", "--config", str(config)).stdout)
        assert set(shown) == {"code", "name", "fields", "levels", "channels", "cases"}
        forms = shown["cases"][0]["components"][0]["forms"]
        assert [(f["code"], f["available"]) for f in forms] == [("MAU-DON-DE-NGHI", False)]
        shown = json.loads(kiosk("show", pdf["code"], "--json", "--config", str(config)).stdout)
        forms = shown["cases"][0]["components"][0]["forms"]
        assert [(f["code"], f["available"]) for f in forms] == [("PHIEU-THONG-TIN", True)]
        text = kiosk("show", word["code"], "--config", str(config))
    finally:
        server.stop()
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == word["name"]
    assert "Hỏi tại quầy để lấy mẫu đơn này" in text.stdout  # no PDF: ask at the counter
    # every step paragraph, every legal document: nothing cut
    for paragraph in paragraphs(word["executionSteps"][2]["description"]):
        assert paragraph in text.stdout
    assert "60/2014/QH13 — Luật Hộ tịch năm 2014" in text.stdout
    missing = kiosk("show", "9.999999", "--config", str(config))
    assert missing.returncode == 1 and "no procedure 9.999999" in missing.stderr


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_word_form_reaches_the_kiosk_and_its_viewer_draws_it(tmp_path: Path) -> None:
    """A .docx template, converted at import, synced to a kiosk like any form, and drawn by
    the form viewer's renderer worker with its Vietnamese text on the page."""
    from kiosk.config import load_config
    from kiosk.ui.pdf_renderer import PdfRenderer
    from kiosk.ui.services import KioskServices

    folder = tmp_path / "portal"
    write_portal_folder(folder, 15, bad=False)
    db_path = tmp_path / "api.sqlite"
    done = kiosk("import-catalogue", "--format", "dvcqg", str(folder), "--db", str(db_path))
    assert done.returncode == 0, done.stderr
    db = ServerDB(db_path)
    db.add_api_key(DEMO_API_KEY, "test-kiosk")
    server = start_in_thread(db)
    renderer = PdfRenderer()
    try:
        config = write_config(tmp_path / "kiosk.toml", server.base_url, tmp_path / "data")
        synced = kiosk("sync", "--config", str(config))
        assert synced.returncode == 0, synced.stderr
        services = KioskServices(load_config(str(config)))
        path = services.form_pdf("TO-KHAI-DANG-KY", sample=False)
        assert path is not None and path.read_bytes().startswith(b"%PDF-")
        [page] = renderer.render_pages(path, 600)[:1]
        # dark pixels where the template's words are: drawn, not a blank page
        dark = sum(1 for i in range(0, len(page.rgba), 4) if page.rgba[i] < 128)
        assert dark > 200
    finally:
        renderer.stop()
        server.stop()
        db.close()
