"""A synthetic national-size catalogue (about 6,000 procedures) for benchmarks.

Names are built from the verbs and objects real procedure names use, so word frequencies
look like the real catalogue's: "cấp", "đăng ký", "giấy" everywhere, specific words rare.
The same seed always gives the same catalogue.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

FIELDS = [
    "Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Cư trú", "Giáo dục và Đào tạo",
    "Thành lập và hoạt động của hộ kinh doanh", "Thi đua – khen thưởng", "Bảo trợ xã hội",
    "Người có công", "Văn hóa", "Y tế", "Dược phẩm", "Giao thông đường bộ", "Đường thủy nội địa",
    "Tài nguyên nước", "Môi trường", "Lâm nghiệp", "Thủy sản", "Trồng trọt", "Chăn nuôi",
    "Thú y", "Lao động", "Việc làm", "An toàn lao động", "Bảo hiểm xã hội", "Thuế",
    "Hải quan", "Ngân hàng", "Doanh nghiệp", "Hợp tác xã", "Đầu tư", "Thương mại",
    "Điện lực", "Khoáng sản", "Du lịch", "Thể dục thể thao", "Báo chí", "Xuất bản",
    "Tôn giáo", "Dân tộc", "Tư pháp", "Luật sư", "Công chứng", "Nuôi con nuôi",
    "Quốc tịch", "Lý lịch tư pháp", "Trợ giúp pháp lý", "Phòng cháy chữa cháy",
]
VERBS = [
    "Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Đăng ký", "Đăng ký lại",
    "Đăng ký thay đổi", "Thu hồi", "Công nhận", "Thẩm định", "Phê duyệt", "Xác nhận",
    "Thông báo", "Chấp thuận", "Cho phép", "Giải quyết", "Hỗ trợ", "Sửa đổi, bổ sung",
    "Tạm ngừng", "Chấm dứt", "Miễn", "Giảm", "Hoàn", "Tiếp nhận",
]
OBJECTS = [
    "giấy phép", "giấy chứng nhận", "chứng chỉ hành nghề", "giấy xác nhận", "thẻ",
    "văn bằng", "quyết định", "hồ sơ", "danh hiệu", "bằng khen", "chế độ trợ cấp",
    "giấy phép hoạt động", "giấy chứng nhận đủ điều kiện", "giấy phép kinh doanh",
    "giấy phép khai thác", "giấy phép xả thải", "giấy chứng nhận đăng ký", "giấy phép lái xe",
    "chứng nhận an toàn", "mã số", "phương án", "báo cáo đánh giá tác động",
]
SUBJECTS = [
    "cơ sở bán lẻ thuốc", "phòng khám đa khoa", "cơ sở sản xuất thức ăn chăn nuôi",
    "tàu cá", "cơ sở giáo dục mầm non", "trường trung học cơ sở", "trung tâm ngoại ngữ",
    "doanh nghiệp lữ hành", "cơ sở lưu trú du lịch", "điểm kinh doanh karaoke",
    "nhà ở riêng lẻ", "công trình hạ tầng kỹ thuật", "dự án đầu tư", "hợp tác xã nông nghiệp",
    "người lao động nước ngoài", "người có công với cách mạng", "người cao tuổi",
    "người khuyết tật", "trẻ em mồ côi", "hộ nghèo", "cơ sở tôn giáo", "lễ hội truyền thống",
    "xe ô tô", "phương tiện thủy nội địa", "trạm sạc điện", "mỏ khoáng sản", "rừng trồng",
    "giống cây trồng", "thuốc bảo vệ thực vật", "cơ sở giết mổ gia súc", "đại lý bảo hiểm",
    "văn phòng luật sư", "văn phòng công chứng", "tổ chức hành nghề đấu giá",
    "câu lạc bộ thể thao", "cơ sở in", "trang thông tin điện tử", "hội quần chúng",
    "quỹ xã hội, quỹ từ thiện", "cơ sở trợ giúp xã hội", "chợ", "siêu thị",
    "cửa hàng xăng dầu", "kho chứa hóa chất", "nhà máy nước", "bãi chôn lấp chất thải",
]
QUALIFIERS = [
    "", "", "", "", " trên địa bàn tỉnh", " do cấp xã quản lý", " có yếu tố nước ngoài",
    " trong trường hợp bị mất, hỏng", " khi hết hạn", " theo đề nghị của tổ chức, cá nhân",
    " lần đầu", " đối với trường hợp thay đổi thông tin",
]
LEVELS = [["commune"], ["province"], ["province", "commune"], ["national"]]


def synthetic_procedures(count: int = 6000, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    start = datetime(2025, 7, 1, tzinfo=UTC)
    out = []
    seen: set[str] = set()
    for number in range(count):
        name = ""
        while not name or name in seen:
            name = (f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} cho {rng.choice(SUBJECTS)}"
                    f"{rng.choice(QUALIFIERS)}")
            if name in seen:
                name += f" (mẫu {rng.randint(2, 99)})"
        seen.add(name)
        online = rng.random() < 0.4
        channels = [{"method": "in_person", "time": rng.choice([1, 3, 5, 7, 10, 15, 20, 30]),
                     "time_unit": "working_day",
                     "fees": [{"kind": "le_phi", "amount": rng.choice([0, 10000, 50000, 100000]),
                               "description": ""}]}]
        if online:
            channels.append({**channels[0], "method": "online"})
        out.append({
            "code": f"{rng.choice('12')}.{100000 + number:06d}",
            "name": name, "levels": rng.choice(LEVELS), "kind": "",
            "field": rng.choice(FIELDS),
            "agency": {"executing": rng.choice(["Ủy ban nhân dân cấp xã",
                                                "Ủy ban nhân dân cấp tỉnh",
                                                "Sở Nông nghiệp và Môi trường", "Sở Y tế",
                                                "Sở Xây dựng", "Công an tỉnh"])},
            "steps": ["Bước 1: Nộp hồ sơ", "Bước 2: Cơ quan có thẩm quyền giải quyết",
                      "Bước 3: Trả kết quả"],
            "channels": channels,
            "cases": [{"name": "", "components": [
                {"name": "Đơn đề nghị theo mẫu", "originals": 1, "copies": 0,
                 "required": True},
                {"name": "Bản sao giấy tờ tùy thân", "originals": 0, "copies": 1,
                 "required": True}]}],
            "result": rng.choice(OBJECTS).capitalize(),
            "applicants": ["Công dân Việt Nam", "Tổ chức"],
            "conditions": [], "legal_basis": [],
            "online_level": rng.choice(["full", "partial"]) if online else "none",
            "keywords": [], "demo": True,
            "updated_at": (start + timedelta(minutes=number)).isoformat(),
        })
    return out


# sentences the long texts are made of: the register of real steps and conditions
SENTENCES = [
    "Tổ chức, cá nhân nộp hồ sơ tại Bộ phận Một cửa hoặc qua Cổng Dịch vụ công quốc gia.",
    "Cán bộ tiếp nhận kiểm tra tính đầy đủ, hợp lệ của hồ sơ; trường hợp hồ sơ chưa đầy đủ "
    "thì hướng dẫn người nộp bổ sung, hoàn thiện một lần.",
    "Trong thời hạn giải quyết, cơ quan có thẩm quyền thẩm định hồ sơ, kiểm tra thực tế "
    "khi cần thiết và trình người có thẩm quyền ký kết quả.",
    "Trường hợp từ chối giải quyết thì phải trả lời bằng văn bản và nêu rõ lý do.",
    "Hồ sơ nhận sau 15 giờ được tính vào ngày làm việc tiếp theo.",
    "Người nộp hồ sơ xuất trình bản chính giấy tờ để đối chiếu khi nộp bản sao không có "
    "chứng thực.",
    "Kết quả được trả trực tiếp tại Bộ phận Một cửa, qua dịch vụ bưu chính công ích hoặc "
    "trên tài khoản dịch vụ công của người nộp.",
    "Phí, lệ phí được nộp trực tiếp hoặc thanh toán trực tuyến trước khi nhận kết quả.",
]


def realistic_portal_records(count: int = 6000, seed: int = 1,
                             names: list[str] | None = None) -> list[dict[str, Any]]:
    """Procedures in the national portal's JSON whose text lengths follow real ones: a
    log-normal spread with a median near 6 kB, the longest about 45 kB (steps, channel
    descriptions, conditions and legal basis in HTML). `names` (real names) come first;
    the rest are the synthetic catalogue's."""
    rng = random.Random(seed)
    base = synthetic_procedures(count, seed)
    out = []
    for number, procedure in enumerate(base):
        name = names[number] if names and number < len(names) else procedure["name"]
        target = min(45_000, max(1_500, int(rng.lognormvariate(8.7, 0.6))))  # e^8.7 ≈ 6 kB

        def html(chars: int) -> str:
            parts, size = [], 0
            while size < chars:
                if rng.random() < 0.25:
                    items = "".join(f"<li>{rng.choice(SENTENCES)}</li>"
                                    for _ in range(rng.randint(2, 5)))
                    part = f"<ul>{items}</ul>"
                else:
                    part = f"<p>{' '.join(rng.sample(SENTENCES, 2))}</p>"
                parts.append(part)
                size += len(part)
            return "".join(parts)

        steps = rng.randint(2, 6)
        fields = rng.sample(FIELDS, rng.choice([1, 1, 2]))
        out.append({
            "code": procedure["code"], "name": name, "description": "",
            "keywords": "", "isWard": "commune" in procedure["levels"],
            "isProvince": "province" in procedure["levels"],
            "isMinistry": procedure["levels"] == ["national"], "isOtherAgency": False,
            "formalityType": "STANDARD",
            "procedureProposal": {"proposalNumber": f"{rng.randint(1, 3000)}/QĐ-UBND"},
            "categoriesDetails": [{"name": f} for f in fields],
            "subjectTypesDetails": [{"name": "Công dân Việt Nam"}, {"name": "Tổ chức"}],
            "departmentsExecuting": [{"name": procedure["agency"]["executing"]}],
            "departmentsAuthority": [{"name": procedure["agency"]["executing"]}],
            "dossierReceivingAddresses": "Bộ phận Một cửa",
            "executionSteps": [{"name": f"Bước {i + 1}", "description": html(
                int(target * 0.6 / steps))} for i in range(steps)],
            "executionMethods": [{"submissionMethod": "DIRECT",
                                  "processingTime": procedure["channels"][0]["time"],
                                  "processingTimeUnit": "WORKING_DAY", "fees": [],
                                  "description": html(int(target * 0.1))},
                                 {"submissionMethod": "ONLINE", "fees": [],
                                  "description": "<p>Theo mô tả tại trình tự thực hiện</p>"}],
            "executionCases": [{"name": "Hồ sơ chung", "profileComponents": [
                {"name": c["name"], "originalQty": c["originals"], "copyQty": c["copies"],
                 "attachments": []} for c in procedure["cases"][0]["components"]]}],
            "legalBasisesDetails": [{"name": f"Văn bản quy định số {i}", "code":
                                     f"{rng.randint(1, 200)}/{rng.randint(2015, 2025)}/NĐ-CP"}
                                    for i in range(max(1, int(target * 0.1) // 120))],
            "requirementsAndConditions": html(int(target * 0.2)),
            "resultsDetails": [{"name": procedure["result"], "code": ""}],
        })
    return out
