"""The domain model: validation names the bad field; dossiers derive "overdue"."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from catalogue_samples import catalogue, procedure

from kiosk.catalogue.dossier import Dossier, Status, dossier_code, mask_name
from kiosk.catalogue.model import Agency, AgencyTree, Catalogue, Procedure, ValidationError


def test_a_procedure_round_trips_through_json() -> None:
    data = procedure("1.000894", "Đăng ký kết hôn", online_level="partial", channels=[
        {"method": "in_person", "time": 0.5, "time_unit": "working_day",
         "time_note": "Ngay trong ngày", "fees": [{"kind": "le_phi", "amount": 0}]},
        {"method": "online", "time": 5, "time_unit": "working_day",
         "fees": [{"kind": "le_phi", "amount": None, "description": "Tùy trường hợp"}]}])
    first = Procedure.from_dict(data)
    again = Procedure.from_dict(first.to_dict())
    assert again == first
    assert first.channel("online") is not None and first.channel("postal") is None
    assert first.is_online and first.channels[0].is_free
    assert first.form_codes() == {"F-1"}


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d.pop("name"), "procedure.name"),
    (lambda d: d.update(code="abc"), "procedure.code"),
    (lambda d: d.update(levels=["county"]), "procedure.levels[0]"),
    (lambda d: d["channels"][0].update(time_unit="fortnight"), "procedure.channels[0].time_unit"),
    (lambda d: d["channels"][0].update(method="fax"), "procedure.channels[0].method"),
    (lambda d: d["channels"][0].update(time="3 ngày"), "procedure.channels[0].time"),
    (lambda d: d["channels"][0]["fees"][0].update(amount=-5),
     "procedure.channels[0].fees[0].amount"),
    (lambda d: d["cases"][0]["components"][0].update(originals="1"),
     "procedure.cases[0].components[0].originals"),
    (lambda d: d["cases"][0].update(components=[]), "procedure.cases[0].components"),
    (lambda d: d.update(updated_at="yesterday"), "procedure.updated_at"),
    (lambda d: d.update(updated_at="2025-07-01T00:00:00"), "procedure.updated_at"),
    (lambda d: d["legal_basis"][0].update(date="20/11/2014"), "procedure.legal_basis[0].date"),
    (lambda d: d.update(online_level="full"), "procedure.online_level"),
    (lambda d: d.update(keywords="khai sinh"), "procedure.keywords"),
    (lambda d: d.update(agency="UBND"), "procedure.agency"),
])
def test_validation_names_the_bad_field(change, path: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(procedure("1.001193", "Đăng ký khai sinh"))
    change(data)
    with pytest.raises(ValidationError) as caught:
        Procedure.from_dict(data)
    assert caught.value.path == path


def test_every_bad_field_is_named_at_once() -> None:
    data = copy.deepcopy(procedure("1.001193", "Đăng ký khai sinh"))
    del data["name"]
    data["channels"][0]["time_unit"] = "fortnight"
    data["updated_at"] = "yesterday"
    with pytest.raises(ValidationError) as caught:
        Procedure.from_dict(data)
    err = caught.value
    assert err.errors == (
        ("procedure.name", "is missing"),
        ("procedure.channels[0].time_unit", "must be one of working_day, day, hour, month"),
        ("procedure.updated_at", "must be an ISO 8601 time with a UTC offset"))
    assert (err.path, err.problem) == err.errors[0]
    assert str(err) == "; ".join(f"{path}: {problem}" for path, problem in err.errors)
    assert err.lines()[1] == ("procedure.channels[0].time_unit: must be one of working_day, "
                              "day, hour, month")


def test_a_long_list_of_problems_is_cut_in_the_text_only() -> None:
    data = procedure("1.001193", "Đăng ký khai sinh", levels=[f"level {i}" for i in range(15)])
    with pytest.raises(ValidationError) as caught:
        Procedure.from_dict(data, "")
    assert [path for path, _ in caught.value.errors] == [f"levels[{i}]" for i in range(15)]
    assert str(caught.value).count("must be one of") == 10
    assert str(caught.value).endswith("; and 5 more")


def test_a_bad_item_is_not_also_an_empty_list() -> None:
    data = procedure("1.001193", "Đăng ký khai sinh")
    data["channels"][0]["method"] = "fax"
    data["cases"][0]["components"][0]["copies"] = True  # true is not 1
    with pytest.raises(ValidationError) as caught:
        Procedure.from_dict(data)
    assert caught.value.errors == (
        ("procedure.channels[0].method", "must be one of in_person, online, postal"),
        ("procedure.cases[0].components[0].copies", "must be a whole number"))


def test_hand_made_data_is_read_leniently() -> None:
    data = procedure(" 1.001193 ", "  Đăng ký khai sinh ", levels=[" commune ", " "],
                     steps=["Bước 1", "", "  "], kind=None, keywords=None, result=None,
                     channels=[{"method": "in_person", "time_note": " Ngay trong ngày ",
                                "time": None, "fees": None}])
    data["legal_basis"][0]["date"] = "2014-11-20T00:00:00+07:00"
    del data["online_level"], data["cases"][0]["name"]
    read = Procedure.from_dict({**data, "not_a_field": {"ignored": True}})
    assert (read.code, read.name, read.levels, read.steps) == \
        ("1.001193", "Đăng ký khai sinh", ("commune",), ("Bước 1",))
    assert (read.kind, read.keywords, read.result, read.online_level) == ("", (), "", "none")
    assert read.channels[0].time is None and read.channels[0].time_unit == "working_day"
    assert read.channels[0].time_note == "Ngay trong ngày" and read.channels[0].fees == ()
    assert read.legal_basis[0].date == date(2014, 11, 20) and read.cases[0].name == ""
    assert Procedure.from_dict(read.to_dict()) == read
    with pytest.raises(ValidationError, match=r"procedure\.channels\[0\]\.time: is missing "
                                              r"\(and no time_note says it\)"):
        Procedure.from_dict(dict(data, channels=[{"method": "in_person", "time_note": " "}]))


def test_a_catalogue_names_every_problem_at_once() -> None:
    data = catalogue(procedure("1.001193", "Đăng ký khai sinh"),
                     procedure("1.001193", "Đăng ký khai sinh (bản sao)"),
                     procedure("1.000894", "Đăng ký kết hôn", updated_at=None))
    data["procedures"][1]["cases"][0]["components"][0]["form"] = "NO-SUCH-FORM"
    data["agencies"].append({"code": "X", "name": "Xã X", "level": "commune", "parent": "Y"})
    with pytest.raises(ValidationError) as caught:
        Catalogue.from_dict(data)
    assert caught.value.errors == (
        ("procedures[2].updated_at", "is missing"),
        ("agencies[2].parent", "unknown agency Y"),
        ("procedures[1].code", "1.001193 appears twice"),
        ("procedures[1].cases[0].components[0].form", "unknown form NO-SUCH-FORM"))
    # a form with its own problem is not also "unknown" where a procedure names it
    data = catalogue()
    data["forms"][0]["title"] = ""
    with pytest.raises(ValidationError) as caught:
        Catalogue.from_dict(data)
    assert caught.value.errors == (("forms[0].title", "must not be empty"),)


def test_a_catalogue_checks_its_references() -> None:
    data = catalogue(procedure("1.001193", "Đăng ký khai sinh"),
                     procedure("1.001193", "Đăng ký khai sinh (bản sao)"))
    with pytest.raises(ValidationError, match=r"procedures\[1\]\.code"):
        Catalogue.from_dict(data)
    data = catalogue(procedure("1.001193", "Đăng ký khai sinh"))
    data["procedures"][0]["cases"][0]["components"][0]["form"] = "NO-SUCH-FORM"
    with pytest.raises(ValidationError, match="unknown form NO-SUCH-FORM"):
        Catalogue.from_dict(data)
    data = catalogue(procedure("1.001193", "Đăng ký khai sinh"))
    data["forms"][0]["sections"][0]["fields"][0]["sample"] = ""
    with pytest.raises(ValidationError, match=r"components\[0\]\.sample"):
        Catalogue.from_dict(data)


def test_agency_levels_come_from_the_data() -> None:
    tree = Catalogue.from_dict(catalogue()).agencies
    assert tree.levels == ["province", "commune"]
    assert [a.name for a in tree.roots()] == ["Tỉnh Phú Thọ"]
    assert [a.code for a in tree.ancestors("000.00.20.H29")] == ["000.00.00.H29"]
    ward = Agency("X1", "Phường 1", "ward", "000.00.20.H29")
    grown = AgencyTree.build([*tree.agencies.values(), ward])
    assert grown.levels[-1] == "ward"
    with pytest.raises(ValidationError, match="cycle"):
        AgencyTree.build([Agency("A", "a", "province", "B"), Agency("B", "b", "commune", "A")])
    with pytest.raises(ValidationError, match="unknown agency"):
        AgencyTree.build([Agency("A", "a", "province", "Z")])


def dossier(**extra: object) -> Dossier:
    data = {"code": "000.00.20.H29-261120-0001", "procedure_code": "1.001193",
            "applicant_name": "Nguyễn Văn An", "status": 4, "received": "2026-11-20",
            "appointment": "2026-11-23", "completed": None,
            "history": [{"at": "2026-11-20", "status": 2, "note": "Tiếp nhận"}]}
    data.update(extra)
    return Dossier.from_dict(data)


def test_overdue_is_derived_from_the_dates() -> None:
    today = date(2026, 11, 25)
    # one working day late: 24/11 is Ngày Văn hoá Việt Nam, a day off from 2026
    assert dossier().is_overdue(today) and dossier().days_late(today) == 1
    assert dossier().days_late(date(2026, 11, 30)) == 4  # Thu, Fri, (weekend), Mon
    assert not dossier(appointment="2026-11-25").is_overdue(today)
    assert dossier(status=10, completed="2026-11-26").is_overdue(today)  # returned late
    assert not dossier(status=10, completed="2026-11-23").is_overdue(today)
    assert not dossier(status=7, completed=None).is_overdue(today)  # withdrawn: clock stops
    assert not dossier(appointment=None).is_overdue(today)
    assert Status(5).name == "SUPPLEMENT_REQUESTED" and len(Status) == 10


def test_dossier_validation_and_codes() -> None:
    with pytest.raises(ValidationError, match=r"dossier.status"):
        dossier(status=11)
    with pytest.raises(ValidationError, match=r"dossier.code"):
        dossier(code="javascript:alert(1)")
    with pytest.raises(ValidationError, match=r"dossier.appointment"):
        dossier(appointment="2026-11-01")
    with pytest.raises(ValidationError) as caught:
        dossier(status=True, received="2026-11-20T08:00:00+07:00", completed="2026-11-19",
                fee=-1, history=[{"at": "hôm qua", "status": 2}])
    assert caught.value.errors == (
        ("dossier.status", "must be a whole number"),
        ("dossier.completed", "is before the day it was received"),
        ("dossier.history[0].at", "must be a date (YYYY-MM-DD)"),
        ("dossier.fee", "must be between 0 and 1000000000000"))
    assert dossier().to_dict()["history"][0]["status"] == 2
    assert dossier_code("000.00.20.H29", date(2020, 11, 17), 1) == "000.00.20.H29-201117-0001"
    assert dossier(code="38.98.H29-210519-0003").code == "38.98.H29-210519-0003"


def test_names_are_masked_for_a_public_screen() -> None:
    assert mask_name("Nguyễn Văn An") == "Nguyễn V** A**"
    assert mask_name("Hà Văn Thào") == "Hà V** T**"
    assert mask_name("  Lê  ") == "Lê"
    assert mask_name("") == ""
