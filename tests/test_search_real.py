"""Search on real procedure names, as citizens ask: colloquial words, abbreviations, "thủ
tục" in front; among a synthetic catalogue of 3,000 other procedures, as at a province."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from real_procedures import QUESTIONS, common_docs
from support.synthetic import synthetic_procedures

from kiosk.catalogue.model import Procedure
from kiosk.catalogue.search import SearchDoc, SearchIndex
from kiosk.store.local_catalogue import load_synonyms


@pytest.fixture(scope="module")
def others() -> list[SearchDoc]:
    # the synthetic names pair objects and subjects at random ("giấy phép lái xe cho nhà
    # máy nước"): the driving-licence ones are nonsense, and the real ones are in COMMON
    return [SearchDoc.of(Procedure.from_dict(p)) for p in synthetic_procedures(3000)
            if "lái xe" not in p["name"]]


@pytest.fixture(scope="module")
def index(others: list[SearchDoc]) -> SearchIndex:
    return SearchIndex([*others, *common_docs()], load_synonyms(), served_levels=("commune",))


@pytest.mark.parametrize(("question", "code"), QUESTIONS)
def test_what_citizens_ask_finds_the_procedure_first(index: SearchIndex, question: str,
                                                      code: str) -> None:
    hits = index.search(question)
    assert hits and hits[0].code in code.split(), [(h.code, h.name) for h in hits[:4]]
    assert index.search(question + " ")[0].code in code.split()  # the last word finished


def test_without_the_synonym_list_colloquial_words_miss(others: list[SearchDoc]) -> None:
    bare = SearchIndex([*others, *common_docs()], synonyms=[])
    for question, code in [("làm CCCD", "9.900016"), ("sổ đỏ", "9.900020"),
                           ("đổi bằng lái xe", "9.900012")]:
        assert code not in [h.code for h in bare.search(question)[:1]], question


def test_thu_tuc_in_front_does_not_count_and_an_exact_name_comes_first() -> None:
    docs = [SearchDoc("1.000001", "Thủ tục đăng ký kết hôn", "Hộ tịch"),
            SearchDoc("1.000002", "Đăng ký kết hôn có yếu tố nước ngoài", "Hộ tịch",
                      ("kết hôn", "đăng ký kết hôn")),
            SearchDoc("1.000003", "Đăng ký lại kết hôn", "Hộ tịch")]
    index = SearchIndex(docs, synonyms=[])
    assert index.search("đăng ký kết hôn")[0].code == "1.000001"
    assert index.search("thủ tục đăng ký kết hôn")[0].code == "1.000001"
    # typing: the names starting with what is typed so far come before the others
    assert {h.code for h in index.search("dang ky ket")[:2]} == {"1.000001", "1.000002"}


def test_ties_go_to_the_most_used_and_to_this_kiosks_level() -> None:
    twins = [SearchDoc("1.000001", "Cấp giấy phép khai thác cát", "Khoáng sản", (), "",
                       ("province",)),
             SearchDoc("1.000002", "Cấp giấy phép khai thác đá", "Khoáng sản", (), "",
                       ("commune",))]
    assert SearchIndex(twins, synonyms=[]).search("giay phep khai thac")[0].code == "1.000001"
    assert SearchIndex(twins, synonyms=[], served_levels=("commune",)).search(
        "giay phep khai thac")[0].code == "1.000002"
    used = [twins[0], replace(twins[1], popularity=500)]
    assert SearchIndex(used, synonyms=[]).search("giay phep khai thac")[0].code == "1.000002"
    # a nudge, not a rule: a better match stays first however little it is used
    assert SearchIndex(used, synonyms=[]).search("khai thac cat")[0].code == "1.000001"


def test_the_synonym_file_reads_as_groups(tmp_path: Path) -> None:
    file = tmp_path / "synonyms.txt"
    file.write_text("# comment\nbằng lái | Giấy phép lái xe | GPLX  # why\n\nlone\n",
                    encoding="utf-8")
    assert load_synonyms(file) == [[["bang", "lai"], ["giay", "phep", "lai", "xe"],
                                    ["gplx"]]]
    assert len(load_synonyms()) > 20  # the shipped list
