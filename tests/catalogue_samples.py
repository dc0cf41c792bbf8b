"""Small hand-made catalogue data for tests that must not depend on the demo files."""

from __future__ import annotations

import copy
from typing import Any


def procedure(code: str, name: str, field: str = "Hộ tịch", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code, "name": name, "levels": ["commune"], "kind": "", "field": field,
        "agency": {"executing": "Ủy ban nhân dân cấp xã"},
        "steps": ["Bước 1: Nộp hồ sơ", "Bước 2: Nhận kết quả"],
        "channels": [{"method": "in_person", "time": 3, "time_unit": "working_day",
                      "fees": [{"kind": "le_phi", "amount": 0, "description": "Miễn"}]}],
        "cases": [{"name": "", "components": [
            {"name": "Tờ khai theo mẫu", "originals": 1, "copies": 0, "required": True,
             "form": "F-1", "sample": "F-1"}]}],
        "result": "Giấy chứng nhận", "applicants": ["Công dân Việt Nam"],
        "conditions": [], "legal_basis": [{"number": "60/2014/QH13", "title": "Luật Hộ tịch",
                                           "date": "2014-11-20", "issuer": "Quốc hội"}],
        "online_level": "none", "keywords": [], "updated_at": "2025-07-01T00:00:00+07:00",
        "demo": True,
    }
    data.update(extra)
    return data


FORM = {"code": "F-1", "title": "TỜ KHAI", "issued_by": "", "addressee": "",
        "sections": [{"heading": "", "fields": [{"label": "Họ, chữ đệm, tên",
                                                 "sample": "NGUYỄN VĂN AN"}]}],
        "declaration": "", "signature": "Người yêu cầu", "sample_signer": "Nguyễn Văn An"}


def catalogue(*procedures: dict[str, Any]) -> dict[str, Any]:
    return {"format": "kiosk-catalogue/1", "demo": True, "forms": [copy.deepcopy(FORM)],
            "agencies": [{"code": "000.00.00.H29", "name": "Tỉnh Phú Thọ", "level": "province"},
                         {"code": "000.00.20.H29", "name": "UBND xã Minh Khai",
                          "level": "commune", "parent": "000.00.00.H29"}],
            "procedures": list(procedures) or [procedure("1.001193", "Đăng ký khai sinh")]}
