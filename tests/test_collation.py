"""Vietnamese alphabetical order: the one sort key every list for people goes through."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from catalogue_samples import procedure

from kiosk.catalogue.collation import vietnamese_key, vietnamese_sorted
from kiosk.catalogue.model import Agency, AgencyTree, Procedure
from kiosk.store.catalogue_store import CatalogueStore, StoreWriter


def test_letters_follow_the_vietnamese_alphabet() -> None:
    words = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n",
             "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y"]
    shuffled = words[:]
    random.Random(7).shuffle(shuffled)
    assert vietnamese_sorted(shuffled) == words


def test_fields_as_people_expect_them() -> None:
    fields = ["Xây dựng", "Đất đai", "Hộ tịch", "Chứng thực", "Cư trú", "Dân tộc",
              "Thi đua – khen thưởng", "Giáo dục và Đào tạo", "Ăn uống", "An ninh"]
    assert vietnamese_sorted(fields) == [
        "An ninh", "Ăn uống", "Chứng thực", "Cư trú", "Dân tộc", "Đất đai",
        "Giáo dục và Đào tạo", "Hộ tịch", "Thi đua – khen thưởng", "Xây dựng"]


def test_tones_order_only_words_equal_in_letters() -> None:
    # none, huyền, hỏi, ngã, sắc, nặng
    assert vietnamese_sorted(["mạ", "má", "mã", "mả", "mà", "ma"]) == [
        "ma", "mà", "mả", "mã", "má", "mạ"]
    # the letters decide before any tone: "mà" < "mac" although à carries a mark
    assert vietnamese_sorted(["mac", "mà"]) == ["mà", "mac"]
    # composed and decomposed forms of the same text sort as one
    assert vietnamese_key("Đăng ký")[:2] == vietnamese_key("Đa\u0306ng ky\u0301")[:2]


def test_case_does_not_decide_before_letters() -> None:
    assert vietnamese_sorted(["hộ tịch", "Hộ kinh doanh"]) == ["Hộ kinh doanh", "hộ tịch"]


def test_the_catalogue_lists_fields_and_procedures_in_vietnamese_order(tmp_path: Path
                                                                        ) -> None:
    path = tmp_path / "catalogue.sqlite"
    names = [("1.000001", "Xây dựng", "Cấp giấy phép xây dựng"),
             ("1.000002", "Đất đai", "Đăng ký đất đai"),
             ("1.000003", "Đất đai", "Cấp đổi giấy chứng nhận"),
             ("1.000004", "Hộ tịch", "Đăng ký khai sinh")]
    with StoreWriter(path, start_from_current=False) as writer:
        for code, field, name in names:
            writer.put_procedures([Procedure.from_dict(procedure(code, name, field))])
        writer.commit()
    store = CatalogueStore(path)
    assert [f for f, _ in store.fields()] == ["Đất đai", "Hộ tịch", "Xây dựng"]
    assert [p.name for p in store.procedures("Đất đai")] == ["Cấp đổi giấy chứng nhận",
                                                            "Đăng ký đất đai"]
    assert sqlite3.connect(path).execute("SELECT count(*) FROM procedures").fetchone()[0] == 4


def test_agencies_under_a_parent_in_vietnamese_order() -> None:
    tree = AgencyTree.build([
        Agency("P", "Tỉnh Phú Thọ", "province"),
        Agency("X1", "Xã Yên Lập", "commune", "P"), Agency("X2", "Phường Âu Cơ", "commune", "P"),
        Agency("X3", "Phường Ân Thi", "commune", "P")])
    assert [a.name for a in tree.children("P")] == ["Phường Ân Thi", "Phường Âu Cơ",
                                                     "Xã Yên Lập"]
