"""Records in the national portal's procedure JSON, made up for the tests.

Only the field names and value shapes are the portal's (docs/catalogue-format.md); names,
texts and codes are invented here, with the messiness real records have: HTML steps with
lists and tables, several fields, a time only in words, note rows with no papers, fees in
several shapes, Word and PDF form templates, and a few records that must be refused.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Cư trú", "Giáo dục và Đào tạo",
          "Thành lập và hoạt động của hộ kinh doanh", "Bảo trợ xã hội", "Lao động"]
ACTS = ["Đăng ký", "Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Xác nhận", "Thẩm định",
        "Công nhận", "Chuyển đổi", "Thu hồi"]
THINGS = ["giấy phép hoạt động cơ sở", "giấy chứng nhận đủ điều kiện", "chứng chỉ hành nghề",
          "thông tin người lao động", "hồ sơ trợ cấp hằng tháng", "giấy xác nhận tình trạng",
          "phương án sử dụng đất", "văn bằng tốt nghiệp", "quyết định công nhận xã",
          "biển hiệu cơ sở", "mạng lưới trường học", "tổ chức hội"]
PLACES = ["cấp tỉnh", "cấp xã", "trong khu công nghiệp", "cho người nước ngoài",
          "đối với hộ gia đình", "đối với tổ chức", "tại cơ sở giáo dục"]


def step_html(rng: random.Random, paragraphs: int) -> str:
    items = "".join(f"<li>Cán bộ kiểm tra thành phần số {i} &amp; ghi vào sổ.</li>"
                    for i in range(1, rng.randint(2, 5)))
    body = "".join(f"<p style=\"text-align:justify\">Nội dung hướng dẫn đoạn {i}: người "
                   f"nộp hồ sơ đến bộ phận một cửa&nbsp;trong giờ hành chính.</p>"
                   for i in range(paragraphs))
    return f"{body}<ul>{items}</ul><table><tr><td>Sáng</td><td>7h30 - 11h30</td></tr></table>"


def record(number: int, rng: random.Random, *, attachments: list[str] | None = None,
           paragraphs: int = 2) -> dict[str, Any]:
    """One valid portal `data` object; `number` makes its code and name unique."""
    prefix = rng.choice(["1", "2", "3", "5", "6"])
    code = f"{prefix}.{number:06d}"
    fields = rng.sample(FIELDS, rng.choice([1, 1, 1, 2, 3]))
    name = (f"{'Thủ tục ' if rng.random() < 0.4 else ''}{rng.choice(ACTS)} "
            f"{rng.choice(THINGS)} {rng.choice(PLACES)} số {number}")
    flags = {"isWard": False, "isProvince": False, "isMinistry": False,
             "isOtherAgency": False}
    for flag in rng.sample(sorted(flags), rng.choice([1, 1, 2])):
        flags[flag] = True
    methods = [{"submissionMethod": "DIRECT", "processingTime": rng.choice([1, 3, 5, 15]),
                "processingTimeUnit": "WORKING_DAY",
                "fees": rng.choice([[], [{"amount": 50000, "description": "Lệ phí cấp mới"}],
                                    [{"price": "20000", "name": "Phí thẩm định"}],
                                    ["Theo quy định của Hội đồng nhân dân tỉnh"]]),
                "description": "<p>Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ."
                               "</p>"}]
    if rng.random() < 0.5:
        methods.append({"submissionMethod": "ONLINE", "fees": [],
                        "description": "<p>Theo mô tả tại phần trình tự thực hiện</p>"})
    if rng.random() < 0.3:
        methods.append({"submissionMethod": "POSTAL", "processingTime": 7,
                        "processingTimeUnit": "WORKING_DAY", "fees": [0]})
    components = [{"name": "Tờ khai theo mẫu", "originalQty": 1, "copyQty": 0,
                   "attachments": [{"fileName": f} for f in (attachments or [])]},
                  {"name": "<p>Bản sao giấy tờ tùy thân</p>", "originalQty": 0, "copyQty": 1},
                  {"name": "Lưu ý: xuất trình bản chính để đối chiếu", "originalQty": 0,
                   "copyQty": 0}]
    return {
        "id": f"uuid-{number}", "code": code, "name": name,
        "description": "<p>Mô tả ngắn.</p>", "keywords": "" if rng.random() < 0.8 else
        f"từ khóa {number}, tra cứu {number}",
        **flags, "formalityType": rng.choice(["STANDARD", "ASSIGNED_REGULATION",
                                              "LOCAL_REGULATION", "OTHER"]),
        "procedureProposal": {"proposalNumber": f"{number}/QĐ-UBND"},
        "categoriesDetails": [{"name": f} for f in fields],
        "subjectTypesDetails": [{"name": "Công dân Việt Nam"}, {"name": "Tổ chức"}],
        "departmentsExecuting": [{"name": "Ủy ban nhân dân cấp xã"}],
        "departmentsAuthority": [{"name": "Chủ tịch Ủy ban nhân dân cấp xã"}],
        "departmentsAuthorized": [] if rng.random() < 0.7 else [{"name": "Phòng Tư pháp"}],
        "departmentsCoordinating": [{"name": "Công an cấp xã"}],
        "dossierReceivingAddresses": "Bộ phận Một cửa, số 1 đường Trung tâm",
        "procedureRelatedGroup": [{"name": "Thủ tục liên quan", "code": "1.000001"}]
        if rng.random() < 0.3 else [],
        "executionSteps": [{"name": "" if i else "Bước 1: Nộp hồ sơ",
                            "description": step_html(rng, paragraphs)} for i in range(3)],
        "executionMethods": methods,
        "executionCases": [{"name": "Trường hợp thông thường", "profileComponents": components},
                           {"name": "Trường hợp không có giấy tờ", "profileComponents": []}],
        "legalBasisesDetails": [{"name": "Luật Hộ tịch năm 2014", "code": "60/2014/QH13"},
                                {"name": "Nghị định hướng dẫn", "code": ""}],
        "requirementsAndConditions": "<ol><li>Người yêu cầu đủ 18 tuổi;</li>"
                                     "<li>Có nơi cư trú hợp pháp.</li></ol>",
        "resultsDetails": [{"name": "Giấy chứng nhận", "code": f"KQ-{number}"}],
    }


# one of each way a published record goes wrong, with the reason the import names
BAD = [
    ("1.0133611", {"code": "1.0133611"}, "code"),
    ("1.014955-Xoa", {"code": "1.014955-Xoa"}, "code"),
    ("1.900001", {"categoriesDetails": []}, "categoriesDetails"),
    ("1.900002", {"isWard": False, "isProvince": False, "isMinistry": False,
                  "isOtherAgency": False}, "level"),
    ("1.900003", {"executionMethods": [{"submissionMethod": "FAX", "processingTime": 1}]},
     "FAX"),
    ("1.900004", {"executionMethods": []}, "channels"),
    ("1.900005", {"name": "   "}, "name"),
]


def bad_records(rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for n, (code, change, _reason) in enumerate(BAD):
        data = record(900_000 + n, rng)
        data.update(change)
        data["code"] = code
        out.append(data)
    return out


def make_docx(path: Path, title: str, lines: int = 5) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=1)
    for i in range(lines):
        doc.add_paragraph(f"Dòng {i + 1}: Họ, chữ đệm, tên ........................")
    doc.save(str(path))


def write_portal_folder(folder: Path, count: int, *, seed: int = 7, bad: bool = True,
                        forms: bool = True) -> dict[str, Any]:
    """`count` good records over several files (one answer per file, and lists), the bad
    ones, a broken file and form templates; returns what was written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = ["to-khai-dang-ky.docx", "Mẫu đơn đề nghị.docx", "phieu-thong-tin.pdf",
             "don-cu.doc", "khong-co-tep.docx"] if forms else []
    if forms:
        make_docx(folder / files[0], "TỜ KHAI ĐĂNG KÝ")
        make_docx(folder / files[1], "ĐƠN ĐỀ NGHỊ")
        (folder / files[2]).write_bytes(b"%PDF-1.4\n% made for the tests\n%%EOF\n")
        (folder / files[3]).write_bytes(b"\xd0\xcf\x11\xe0 not really a Word file")
    # every third record names a template, each file in turn
    good = [record(n, rng, attachments=[files[n // 3 % len(files)]] if files and n % 3 == 0
                   else [])
            for n in range(1, count + 1)]
    single = good[:5]
    for i, data in enumerate(single):
        (folder / f"one-{i}.json").write_text(json.dumps({"data": data}, ensure_ascii=False),
                                              encoding="utf-8")
    rest = good[5:]
    for i in range(0, len(rest), 100):
        (folder / f"list-{i // 100}.json").write_text(
            json.dumps(rest[i:i + 100], ensure_ascii=False), encoding="utf-8")
    if bad:
        (folder / "bad.json").write_text(json.dumps(
            [{"data": d} for d in bad_records(rng)], ensure_ascii=False), encoding="utf-8")
        (folder / "broken.json").write_text('{"data": {"code": "1.000', encoding="utf-8")
    return {"good": good, "files": files}
