"""Tests for scripts/make_demo_pdfs.py, the demo form PDF generator."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kiosk.catalogue.model import Form

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_demo_pdfs.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_pdfs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


mdp = load_script()

FORM: dict[str, Any] = {
    "code": "TEST-TK-KHAI-SINH",
    "title": "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "issued_by": "Mẫu ban hành kèm theo Thông tư số 04/2020/TT-BTP",
    "addressee": "Ủy ban nhân dân xã Minh Khai",
    "sections": [
        {
            "heading": "Đăng ký khai sinh cho con",
            "fields": [
                {"label": "Họ, chữ đệm, tên", "sample": "NGUYỄN VĂN AN", "lines": 1},
                {"label": "Nơi cư trú", "sample": "Thôn Đồng Tâm, xã Minh Khai", "lines": 2},
            ],
        },
        {
            "heading": "",
            "fields": [{"label": "Quê quán", "sample": "Xã Hưng Đạo, tỉnh Hưng Yên"}],
        },
    ],
    "declaration": "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.",
    "signature": "Người yêu cầu",
    "sample_signer": "Nguyễn Văn An",
}


PROCEDURE: dict[str, Any] = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "levels": ["commune"],
    "field": "Hộ tịch",
    "agency": {"executing": "Ủy ban nhân dân cấp xã"},
    "steps": ["Nộp hồ sơ"],
    "channels": [{"method": "in_person", "time": 1, "time_unit": "working_day"}],
    "cases": [
        {
            "name": "",
            "components": [
                {"name": "Tờ khai", "originals": 1, "copies": 0,
                 "form": "TEST-TK-KHAI-SINH", "sample": "TEST-TK-KHAI-SINH"},
            ],
        }
    ],
    "updated_at": "2025-07-01T00:00:00+07:00",
}


def model(form: dict[str, Any]) -> Form:
    return Form.from_dict(form)


def blank_copy(form: dict[str, Any], code: str) -> dict[str, Any]:
    """The form without sample values, under another code."""
    other = copy.deepcopy(form)
    other["code"] = code
    for section in other["sections"]:
        for fld in section["fields"]:
            fld.pop("sample", None)
    return other


def long_form() -> dict[str, Any]:
    fields = [
        {"label": f"Thông tin số {i}", "sample": f"Giá trị điền sẵn {i}", "lines": 2}
        for i in range(40)
    ]
    form = copy.deepcopy(FORM)
    form["code"] = "TEST-LONG"
    form["sections"] = [{"heading": "Phần dài", "fields": fields}]
    return form


def pdf_text(data: bytes) -> list[str]:
    """Text of each page, extracted with pypdfium2 (independent of fpdf2)."""
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def with_place(sample: str) -> dict[str, Any]:
    """FORM with a "Làm tại" field (the Hộ tịch forms' closing place-and-date line)."""
    form = copy.deepcopy(FORM)
    form["sections"][1]["fields"].insert(0, {"label": "Làm tại", "sample": sample})
    return form


def write_catalogue(
    assets: Path, name: str, forms: list[Any], procedures: list[Any] | None = None
) -> None:
    folder = assets / "demo" / "procedures"
    folder.mkdir(parents=True, exist_ok=True)
    body = {"format": "kiosk-catalogue/1", "demo": True, "forms": forms,
            "procedures": [PROCEDURE] if procedures is None else procedures}
    (folder / name).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def test_blank_form_is_a_pdf_with_embedded_fonts() -> None:
    data = mdp.render_form(model(FORM), sample=False)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in data


def test_render_is_byte_identical_each_time() -> None:
    assert mdp.render_form(model(FORM), sample=True) == mdp.render_form(model(FORM), sample=True)


def test_sample_has_watermark_values_and_vietnamese_text() -> None:
    text = "\n".join(pdf_text(mdp.render_form(model(FORM), sample=True)))
    assert "MẪU" in text
    assert "Đăng ký khai sinh cho con" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Họ, chữ đệm, tên: NGUYỄN VĂN AN" in text
    assert "Thôn Đồng Tâm, xã Minh Khai" in text
    assert "Minh Khai, ngày 20 tháng 11 năm 2026" in text
    assert "Nguyễn Văn An" in text
    assert "Trang 1/1" in text


def test_blank_form_has_no_sample_values() -> None:
    text = "\n".join(pdf_text(mdp.render_form(model(FORM), sample=False)))
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text
    assert "Kính gửi: Ủy ban nhân dân xã Minh Khai" in text
    assert "NGUYỄN VĂN AN" not in text
    assert "MẪU" not in text
    assert "ngày ..... tháng ..... năm" in text
    assert "Dữ liệu mẫu (demo) – không dùng để nộp" in text


def test_long_form_breaks_into_pages_with_numbers() -> None:
    pages = pdf_text(mdp.render_form(model(long_form()), sample=True))
    assert len(pages) >= 2
    assert all("MẪU" in page for page in pages)
    assert f"Trang {len(pages)}/{len(pages)}" in pages[-1]
    assert "Giá trị điền sẵn 39" in "\n".join(pages)


def test_place_field_becomes_the_closing_date_line() -> None:
    date = "xã Hưng Đạo, tỉnh Hưng Yên, ngày 05 tháng 3 năm 2026"
    form = model(with_place(date))
    sample = "\n".join(pdf_text(mdp.render_form(form, sample=True)))
    assert sample.count(date) == 1
    assert sample.count("Làm tại") == 1  # not also drawn as a field
    assert "ngày 20 tháng 11 năm 2026" not in sample
    blank = "\n".join(pdf_text(mdp.render_form(form, sample=False)))
    assert blank.count("Làm tại") == 1
    assert "Làm tại: ......, ngày ..... tháng ..... năm ......" in blank


def test_build_writes_forms_and_samples_and_removes_stale(tmp_path: Path) -> None:
    write_catalogue(tmp_path, "a.json", [FORM])
    write_catalogue(tmp_path, "b.json", [blank_copy(FORM, "TEST-BLANK")], procedures=[])
    stale = tmp_path / "demo" / "samples" / "GONE.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF-old")

    files = mdp.build(tmp_path)

    demo = tmp_path / "demo"
    assert sorted(p.name for p in (demo / "forms").iterdir()) == [
        "TEST-BLANK.pdf",
        "TEST-TK-KHAI-SINH.pdf",
    ]
    assert [p.name for p in (demo / "samples").iterdir()] == ["TEST-TK-KHAI-SINH.pdf"]
    assert mdp.counts(files) == "2 forms, 1 samples"


def test_check_detects_stale_and_changed_files(tmp_path: Path, capsys: Any) -> None:
    write_catalogue(tmp_path, "a.json", [FORM])
    assert mdp.main(["--assets", str(tmp_path)]) == 0
    assert "1 forms, 1 samples" in capsys.readouterr().out
    assert mdp.main(["--assets", str(tmp_path), "--check"]) == 0

    sample = tmp_path / "demo" / "samples" / "TEST-TK-KHAI-SINH.pdf"
    sample.write_bytes(sample.read_bytes() + b"\n")
    (tmp_path / "demo" / "forms" / "OLD.pdf").write_bytes(b"%PDF-old")
    capsys.readouterr()
    assert mdp.main(["--assets", str(tmp_path), "--check"]) == 1
    out = capsys.readouterr().out
    assert "differs: samples/TEST-TK-KHAI-SINH.pdf" in out
    assert "stale: forms/OLD.pdf" in out


def error_line(tmp_path: Path, capsys: Any) -> str:
    """Run the script; it must fail with exit code 2 and one line on stderr."""
    assert mdp.main(["--assets", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert not (tmp_path / "demo" / "forms").exists()
    return err


def test_unknown_form_is_an_error_naming_the_field(tmp_path: Path, capsys: Any) -> None:
    procedure = copy.deepcopy(PROCEDURE)
    procedure["cases"][0]["components"].append(
        {"name": "Đơn", "originals": 1, "copies": 0, "form": "TEST-NOWHERE"}
    )
    write_catalogue(tmp_path, "a.json", [FORM], [procedure])
    err = error_line(tmp_path, capsys)
    assert "procedures[0].cases[0].components[1].form: unknown form TEST-NOWHERE" in err


def test_form_without_fields_is_an_error_naming_the_field(tmp_path: Path, capsys: Any) -> None:
    write_catalogue(tmp_path, "a.json", [FORM, {"code": "TEST-EMPTY", "title": "ĐƠN"}])
    assert "forms[1].sections: is missing" in error_line(tmp_path, capsys)


def test_sample_without_every_value_is_an_error(tmp_path: Path, capsys: Any) -> None:
    partial = copy.deepcopy(FORM)
    partial["sections"][1]["fields"][0]["sample"] = ""
    write_catalogue(tmp_path, "a.json", [partial])
    err = error_line(tmp_path, capsys)
    assert "components[0].sample: TEST-TK-KHAI-SINH is not a form with sample values" in err


def test_bad_form_code_is_an_error(tmp_path: Path, capsys: Any) -> None:
    no_papers = {k: v for k, v in PROCEDURE.items() if k != "cases"}
    write_catalogue(tmp_path, "a.json", [dict(FORM, code="../escape")], [no_papers])
    assert "form code '../escape' cannot be a file name" in error_line(tmp_path, capsys)


def test_signature_hint_in_the_data_replaces_the_default() -> None:
    assert mdp.split_signature("Người yêu cầu") == ("Người yêu cầu", mdp.SIGN_HINT)
    assert mdp.split_signature("NGƯỜI VIẾT ĐƠN (Ký và ghi rõ họ tên)") == (
        "NGƯỜI VIẾT ĐƠN",
        "(Ký và ghi rõ họ tên)",
    )
    form = dict(FORM, signature="Người khai (Ký, ghi rõ họ tên)")
    text = "\n".join(pdf_text(mdp.render_form(model(form), sample=False)))
    assert "(Ký, ghi rõ họ tên)" in text
    assert mdp.SIGN_HINT not in text
