"""The demo data is complete enough to show the kiosk honestly (see issue: demo data)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from kiosk.assets import DEMO
from kiosk.catalogue.dossier import DOSSIER_CODE, Status
from kiosk.catalogue.model import Catalogue
from kiosk.server.catalogue_files import demo_catalogue, demo_dossiers

REQUIRED = ["1.001193", "1.000894", "1.000656", "1.004884", "2.000635", "2.000815",
            "2.000884", "1.001612", "2.000720"]
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    return demo_catalogue()


def test_the_catalogue_is_big_and_varied(demo: Catalogue) -> None:
    assert len(demo.procedures) >= 60
    assert len({p.field for p in demo.procedures}) >= 8
    levels = Counter(level for p in demo.procedures for level in p.levels)
    assert levels["commune"] >= 10 and levels["province"] >= 5
    codes = {p.code for p in demo.procedures}
    assert set(REQUIRED) <= codes
    assert all(p.demo for p in demo.procedures) and demo.demo
    assert sum(p.is_online for p in demo.procedures) >= 10
    assert all(p.keywords and p.steps and p.legal_basis for p in demo.procedures)


def test_known_facts_of_the_common_procedures(demo: Catalogue) -> None:
    by_code = {p.code: p for p in demo.procedures}
    marriage = by_code["1.000894"]
    assert marriage.name == "Đăng ký kết hôn"
    assert all(fee.amount == 0 for c in marriage.channels for fee in c.fees
               if fee.kind == "le_phi")  # registering a marriage is free
    assert by_code["1.001193"].name.startswith("Đăng ký khai sinh")
    assert any("sao y" in k for k in by_code["2.000815"].keywords)


def test_every_form_has_a_pdf_and_enough_samples(demo: Catalogue) -> None:
    named = {code for p in demo.procedures for code in p.form_codes()}
    assert named and named <= set(demo.forms)
    for code in named:
        assert (DEMO / "forms" / f"{code}.pdf").read_bytes().startswith(b"%PDF-"), code
    samples = {c.sample for p in demo.procedures for case in p.cases for c in case.components
               if c.sample}
    with_sample = {p.code for p in demo.procedures
                   if any(c.sample for case in p.cases for c in case.components)}
    assert len(with_sample) >= 10
    for code in samples:
        data = (DEMO / "samples" / f"{code}.pdf").read_bytes()
        assert data.startswith(b"%PDF-") and b"/FontFile2" in data, code


def test_dossiers_cover_every_status_with_national_codes(demo: Catalogue) -> None:
    dossiers = demo_dossiers(TODAY)
    assert len(dossiers) >= 30
    assert {d.status for d, _ in dossiers} == set(Status)
    assert len({d.code for d, _ in dossiers}) == len(dossiers)
    assert all(DOSSIER_CODE.match(d.code) for d, _ in dossiers)
    assert sum(d.is_overdue(TODAY) for d, _ in dossiers) >= 5
    assert any(pin for _, pin in dossiers)
    codes = {p.code for p in demo.procedures}
    agencies = set(demo.agencies.agencies)
    for d, _ in dossiers:
        assert d.procedure_code in codes, d.code
        assert d.agency in agencies, d.code
        assert len(d.applicant_name.split()) >= 2
        assert d.history and d.history[-1].status == d.status, d.code
        assert [h.at for h in d.history] == sorted(h.at for h in d.history), d.code
