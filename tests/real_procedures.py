"""Names of commonly used procedures as published, for the search tests and benchmarks.

The names are public facts (the national database's procedure names, some shortened);
the codes of the first nine are the published ones (docs: domain notes); the others are
made up for the tests in a range no real code uses (9.9xxxxx), so that nothing here is
mistaken for a real code. Fields are the published ones.
"""

from __future__ import annotations

from kiosk.catalogue.search import SearchDoc

# code, name, field, levels
COMMON = [
    ("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", ("commune",)),
    ("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", ("commune",)),
    ("1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch", ("commune",)),
    ("1.004884", "Thủ tục đăng ký lại khai sinh", "Hộ tịch", ("commune",)),
    ("2.000635", "Thủ tục cấp bản sao trích lục hộ tịch", "Hộ tịch", ("commune",)),
    ("2.000815", "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ "
     "chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", "Chứng thực", ("commune",)),
    ("2.000884", "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực",
     ("commune",)),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh",
     "Thành lập và hoạt động của hộ kinh doanh", ("commune",)),
    ("2.000720", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
     "Thành lập và hoạt động của hộ kinh doanh", ("commune",)),
    ("9.900010", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư "
     "trú tại Việt Nam", "Lý lịch tư pháp", ("province",)),
    ("9.900011", "Cấp hộ chiếu phổ thông ở trong nước", "Quản lý xuất nhập cảnh",
     ("province",)),
    ("9.900012", "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
     "Đường bộ", ("province",)),
    ("9.900013", "Cấp lại giấy phép lái xe", "Đường bộ", ("province",)),
    ("9.900014", "Đăng ký thường trú", "Đăng ký, quản lý cư trú", ("commune",)),
    ("9.900015", "Đăng ký tạm trú", "Đăng ký, quản lý cư trú", ("commune",)),
    ("9.900016", "Cấp thẻ căn cước cho công dân Việt Nam từ đủ 14 tuổi trở lên",
     "Căn cước", ("province", "commune")),
    ("9.900017", "Cấp đổi thẻ căn cước", "Căn cước", ("province", "commune")),
    ("9.900018", "Đăng ký tham gia bảo hiểm xã hội tự nguyện", "Thu bảo hiểm xã hội",
     ("province",)),
    ("9.900019", "Cấp thẻ bảo hiểm y tế đối với người chỉ tham gia bảo hiểm y tế",
     "Cấp sổ, thẻ", ("province",)),
    ("9.900020", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn "
     "liền với đất lần đầu", "Đất đai", ("province", "commune")),
    ("9.900021", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với "
     "đất do chuyển đổi, chuyển nhượng, thừa kế, tặng cho", "Đất đai", ("province",)),
    ("9.900022", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng",
     ("commune",)),
    ("9.900023", "Xác nhận thông tin về cư trú", "Đăng ký, quản lý cư trú", ("commune",)),
    ("9.900024", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", ("commune",)),
    ("9.900025", "Thủ tục đăng ký nhận cha, mẹ, con", "Hộ tịch", ("commune",)),
    ("9.900026", "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", ("province",)),
    ("9.900027", "Đăng ký dự thi tốt nghiệp trung học phổ thông", "Giáo dục và Đào tạo",
     ("province",)),
    ("9.900028", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Văn bằng, chứng chỉ",
     ("province", "commune")),
    ("9.900029", "Đăng ký xe lần đầu, cấp biển số xe", "Đăng ký, quản lý phương tiện",
     ("province", "commune")),
    ("9.900030", "Cấp giấy chứng nhận đăng ký kinh doanh cho hợp tác xã", "Hợp tác xã",
     ("province",)),
]

# what people ask, as they say it, and the procedure they mean (two codes: either is a fair
# first answer, "làm CCCD" being said for a first card and for a new one alike)
QUESTIONS = [
    ("làm giấy khai sinh", "1.001193"), ("khai sinh cho con", "1.001193"),
    ("đăng ký kết hôn", "1.000894"), ("thủ tục kết hôn", "1.000894"),
    ("báo tử", "1.000656"), ("khai tu", "1.000656"),
    ("làm lại giấy khai sinh", "1.004884"), ("xin bản sao trích lục", "2.000635"),
    ("sao y bản chính", "2.000815"), ("photo công chứng", "2.000815"),
    ("công chứng chữ ký", "2.000884"), ("mở hộ kinh doanh", "1.001612"),
    ("đăng ký hộ kinh doanh", "1.001612"), ("thay đổi hộ kinh doanh", "2.000720"),
    ("lý lịch tư pháp", "9.900010"), ("làm hộ chiếu", "9.900011"),
    ("đổi bằng lái xe", "9.900012"), ("làm lại bằng lái", "9.900013"),
    ("nhập hộ khẩu", "9.900014"), ("đăng ký hộ khẩu", "9.900014"),
    ("đăng ký tạm trú", "9.900015"), ("làm CCCD", "9.900016 9.900017"),
    ("làm căn cước công dân", "9.900016 9.900017"), ("đổi CCCD", "9.900017"),
    ("đóng bảo hiểm xã hội tự nguyện", "9.900018"), ("BHXH tự nguyện", "9.900018"),
    ("làm thẻ BHYT", "9.900019"), ("làm sổ đỏ", "9.900020"), ("sang tên sổ đỏ", "9.900021"),
    ("xin giấy phép xây nhà", "9.900022"), ("xác nhận cư trú", "9.900023"),
    ("giấy xác nhận độc thân", "9.900024"), ("nhận con", "9.900025"),
    ("bảo hiểm thất nghiệp", "9.900026"), ("thi tốt nghiệp THPT", "9.900027"),
    ("sao bằng tốt nghiệp", "9.900028"), ("đăng ký xe máy", "9.900029"),
    ("làm biển số xe", "9.900029"),
]


def common_docs() -> list[SearchDoc]:
    return [SearchDoc(code, name, field, (), "", levels) for code, name, field, levels in COMMON]
