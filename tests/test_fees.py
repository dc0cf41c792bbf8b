"""Fees: what the central API says a dossier owes and whether the office has it paid; the
kiosk reads it and never decides "paid" itself."""

from __future__ import annotations

import pytest
import requests
from catalogue_samples import catalogue, procedure
from conftest import kiosk_config
from support.demo_day import DEMO_DAY

from kiosk.catalogue.dossier import Status
from kiosk.catalogue.model import Catalogue
from kiosk.server.catalogue_files import DEMO_API_KEY, demo_dossiers
from kiosk.server.run import RunningServer
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiClient, ClientSettings

KEY = {"X-Api-Key": DEMO_API_KEY}


@pytest.mark.parametrize("fees, owed", [
    ([{"kind": "le_phi", "amount": 50000}], 50000),
    ([{"kind": "le_phi", "amount": 30000}, {"kind": "phi", "amount": 8000}], 30000),
    ([{"kind": "le_phi", "amount": 0}, {"kind": "phi", "amount": 8000}], None),  # extras
    ([{"kind": "le_phi", "amount": None, "description": "tuỳ trường hợp"}], None),
    ([], None),
])
def test_a_submission_answer_says_the_fee_it_owes(small_api: RunningServer,
                                                  fees: list[dict[str, object]],
                                                  owed: int | None) -> None:
    online = procedure("1.000894", "Đăng ký kết hôn", online_level="full", channels=[
        {"method": "online", "time": 5, "time_unit": "working_day", "fees": fees}])
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(online)), {})
    answer = requests.post(f"{small_api.base_url}/submissions", timeout=5,
                           json={"procedure_code": "1.000894", "agency": "000.00.20.H29",
                                 "applicant": {"full_name": "Lê Văn Cường"}},
                           headers={**KEY, "Idempotency-Key": f"fee-{owed}-{len(fees)}-x"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["fee"] == owed
    shown = requests.get(f"{small_api.base_url}/dossiers/{answer.json()['dossier_code']}",
                         headers=KEY, timeout=5).json()
    assert shown.get("fee") == owed
    assert shown.get("fee_paid", False) is False  # nobody has said it is paid


def test_the_kiosk_reads_fee_and_paid_from_the_status(demo_api: RunningServer,
                                                      tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = CentralApi(ApiClient(ClientSettings.from_config(
        kiosk_config(demo_api.base_url, tmp_path))))
    dossiers = [d for d, pin in demo_dossiers(DEMO_DAY) if not pin]
    owing = next(d for d in dossiers if d.status == Status.PAYMENT_REQUESTED)
    paid = next(d for d in dossiers if d.fee_paid)
    free = next(d for d in dossiers if d.fee is None)
    seen = api.dossier(owing.code)
    assert (seen.fee, seen.fee_paid) == (owing.fee, False) and seen.fee
    seen = api.dossier(paid.code)
    assert seen.fee_paid and seen.fee == paid.fee
    assert api.dossier(free.code).fee is None


def test_an_imported_dossier_keeps_its_fee_and_refuses_a_bad_one() -> None:
    from kiosk.catalogue.model import ValidationError
    from kiosk.server.dossier_files import DossierFileError, read_dossiers

    record = {"code": "000.00.20.H29-261203-0042", "procedure_code": "2.000815",
              "applicant_name": "Đỗ Văn Nam", "status": "paying", "received": "2026-12-03",
              "fee": 20000, "fee_paid": False}
    [imported] = read_dossiers({"dossiers": [record]})
    assert (imported.dossier.status, imported.dossier.fee) == (Status.PAYMENT_REQUESTED, 20000)
    assert imported.dossier.to_dict()["fee_paid"] is False
    without = {k: v for k, v in record.items() if not k.startswith("fee")}
    assert "fee" not in read_dossiers({"dossiers": [without]})[0].dossier.to_dict()
    for bad in ({"fee": -1}, {"fee": "20.000"}, {"fee_paid": "yes"}):
        with pytest.raises((DossierFileError, ValidationError), match="fee"):
            read_dossiers({"dossiers": [{**record, **bad}]})
