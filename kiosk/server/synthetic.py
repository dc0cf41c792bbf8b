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
