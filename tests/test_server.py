"""The reference central API over loopback HTTP: paging, ETags, keys, errors as 4xx JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from catalogue_samples import catalogue, procedure

from kiosk.catalogue.model import Catalogue
from kiosk.server.app import create_app
from kiosk.server.catalogue_files import DEMO_API_KEY
from kiosk.server.run import RunningServer

KEY = {"X-Api-Key": DEMO_API_KEY}
OPENAPI = Path(__file__).resolve().parents[1] / "kiosk" / "server" / "openapi.json"


def get(server: RunningServer, path: str, **kwargs: object) -> requests.Response:
    headers = {**KEY, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return requests.get(f"{server.base_url}/{path}", headers=headers, timeout=5, **kwargs)


def many(count: int) -> Catalogue:
    return Catalogue.from_dict(catalogue(*(procedure(f"1.{900000 + i:06d}", f"Thủ tục {i}")
                                           for i in range(count))))


def test_paging_walks_every_procedure_once(small_api: RunningServer) -> None:
    small_api.db.import_catalogue(many(25), {})
    seen, cursor = [], None
    while True:
        page = get(small_api, "procedures", params={"limit": 10, "cursor": cursor}).json()
        assert page["total"] == 25
        seen += [item["code"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 25


def test_etag_and_updated_since_give_only_what_changed(small_api: RunningServer) -> None:
    first = get(small_api, "catalogue")
    tag = first.headers["ETag"]
    assert get(small_api, "catalogue", headers={"If-None-Match": tag}).status_code == 304
    listing = get(small_api, "procedures")
    assert get(small_api, "procedures", headers={"If-None-Match": listing.headers["ETag"]}
               ).status_code == 304
    since = max(item["modified_at"] for item in listing.json()["items"])
    changed = catalogue(procedure("1.000894", "Đăng ký kết hôn"))  # 1.001193 is removed
    small_api.db.import_catalogue(Catalogue.from_dict(changed), {})
    assert get(small_api, "catalogue", headers={"If-None-Match": tag}).status_code == 200
    delta = get(small_api, "procedures", params={"updated_since": since}).json()["items"]
    assert {(i["code"], i.get("deleted", False)) for i in delta} == {
        ("1.000894", False), ("1.001193", True)}
    assert get(small_api, "procedures").json()["total"] == 1  # a full listing has no tombstones


def test_unchanged_import_keeps_the_version(small_api: RunningServer) -> None:
    before = get(small_api, "catalogue").json()["version"]
    result = small_api.db.import_catalogue(Catalogue.from_dict(catalogue()), {})
    assert (result.added, result.changed, result.unchanged) == (0, 0, 1)
    assert get(small_api, "catalogue").json()["version"] == before


def test_a_key_is_needed(small_api: RunningServer) -> None:
    for headers in ({}, {"X-Api-Key": "wrong"}, {"X-Api-Key": "x" * 5000}):
        answer = requests.get(f"{small_api.base_url}/procedures", headers=headers, timeout=5)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unauthorized"
    assert requests.get(f"{small_api.base_url}/health", timeout=5).status_code == 200


@pytest.mark.parametrize(("path", "params", "status"), [
    ("procedures", {"limit": 0}, 400), ("procedures", {"limit": "many"}, 400),
    ("procedures", {"limit": 10**9}, 400), ("procedures", {"cursor": "%%%"}, 400),
    ("procedures", {"cursor": "WyJhIl0="}, 400), ("procedures", {"updated_since": "monday"}, 400),
    ("procedures/abc", {}, 400), ("procedures/1.999999", {}, 404),
    ("dossiers/not-a-code", {}, 400), ("dossiers/000.00.20.H29-201117-9999", {}, 404),
    ("dossiers/" + "A" * 5000, {}, 400), ("forms/NOPE/pdf", {}, 404), ("nowhere", {}, 404),
    ("procedures", {"field": "x" * 1000}, 400),
])
def test_bad_requests_get_4xx_json(small_api: RunningServer, path: str, params: dict[str, object],
                                   status: int) -> None:
    answer = get(small_api, path, params=params)
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["error"]["message"]


@pytest.mark.parametrize(("body", "headers", "status"), [
    (b"{not json", {"Idempotency-Key": "k-12345678"}, 400),
    (json.dumps({"procedure_code": "1.001193"}).encode(), {"Idempotency-Key": "k-12345678"}, 400),
    (json.dumps({"procedure_code": "1.001193", "agency": "000.00.20.H29",
                 "applicant": {"full_name": "A"}}).encode(), {}, 400),
    (json.dumps({"procedure_code": "1.001193", "agency": "000.00.20.H29",
                 "applicant": {"full_name": "A"}}).encode(), {"Idempotency-Key": "bad key!"}, 400),
    (json.dumps({"procedure_code": "1.001193", "agency": "000.00.20.H29",
                 "applicant": {"full_name": "A"}}).encode(),
     {"Idempotency-Key": "k-12345678"}, 400),  # not an online procedure
    (b"x" * (17 * 1024 * 1024), {"Idempotency-Key": "k-12345678"}, 413),
    (b"[]", {"Idempotency-Key": "k-12345678"}, 400),
])
def test_bad_posts_get_4xx_json(small_api: RunningServer, body: bytes, headers: dict[str, str],
                                status: int) -> None:
    answer = requests.post(f"{small_api.base_url}/submissions", data=body, timeout=5,
                           headers={**KEY, "Content-Type": "application/json", **headers})
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["message"]


def test_submissions_are_idempotent(small_api: RunningServer) -> None:
    online = procedure("1.000894", "Đăng ký kết hôn", online_level="full", channels=[
        {"method": "online", "time": 5, "time_unit": "working_day"}])
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(online)), {})
    body = {"procedure_code": "1.000894", "agency": "000.00.20.H29",
            "applicant": {"full_name": "Trần Thị Bình"}}
    headers = {**KEY, "Idempotency-Key": "sub-0001-abcdef"}
    first = requests.post(f"{small_api.base_url}/submissions", json=body, headers=headers,
                          timeout=5)
    again = requests.post(f"{small_api.base_url}/submissions", json=body, headers=headers,
                          timeout=5)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert small_api.db.count("submissions") == 1
    code = first.json()["dossier_code"]
    shown = get(small_api, f"dossiers/{code}").json()
    assert shown["applicant_name"] == "Trần T** B**" and shown["status"] == 1


def test_a_submission_with_photos_fits_and_a_huge_one_is_refused(
        small_api: RunningServer) -> None:
    online = procedure("1.000894", "Đăng ký kết hôn", online_level="full", channels=[
        {"method": "online", "time": 5, "time_unit": "working_day"}])
    small_api.db.import_catalogue(Catalogue.from_dict(catalogue(online)), {})
    page = "A" * 400_000  # a page photo, base64
    body = {"procedure_code": "1.000894", "agency": "000.00.20.H29",
            "applicant": {"full_name": "Trần Thị Bình"},
            "documents": [{"component": "Tờ khai", "pages": [page] * 8}]}
    sent = requests.post(f"{small_api.base_url}/submissions", json=body, timeout=10,
                         headers={**KEY, "Idempotency-Key": "sub-photos-0001"})
    assert sent.status_code == 201
    body["documents"] = [{"component": "Tờ khai", "pages": [page] * 60}]
    huge = requests.post(f"{small_api.base_url}/submissions", json=body, timeout=10,
                         headers={**KEY, "Idempotency-Key": "sub-photos-0002"})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"


def test_a_handoff_link_opens_the_procedure_then_expires(small_api: RunningServer) -> None:
    code = get(small_api, "procedures").json()["items"][0]["code"]
    made = requests.post(f"{small_api.base_url}/handoffs", json={"procedure_code": code},
                         headers=KEY, timeout=5)
    assert made.status_code == 201
    link = made.json()["url"]
    page = requests.get(link, timeout=5)
    assert page.status_code == 200 and code in page.text and "Tiếp tục" in page.text
    token = link.rsplit("/", 1)[1]
    small_api.db.execute("UPDATE handoffs SET expires_at = '2020-01-01T00:00:00+00:00' "
                              "WHERE token = ?", (token,))
    assert requests.get(link, timeout=5).status_code == 410
    unknown = requests.post(f"{small_api.base_url}/handoffs", headers=KEY, timeout=5,
                            json={"procedure_code": "9.999999"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_procedure"
    assert requests.post(f"{small_api.base_url}/handoffs", json={"procedure_code": code},
                         timeout=5).status_code == 401


def test_ratings_and_heartbeats_are_stored(small_api: RunningServer) -> None:
    rating = {"agency": "000.00.20.H29", "overall": 1, "criteria": {"staff_attitude": 1}}
    for _ in range(2):
        requests.post(f"{small_api.base_url}/ratings", json=rating, timeout=5,
                      headers={**KEY, "Idempotency-Key": "rating-0001"})
    assert small_api.db.count("ratings") == 1
    beat = requests.post(f"{small_api.base_url}/heartbeats", json={"version": "0.1",
                         "uptime_s": 12.5}, headers=KEY, timeout=5)
    assert beat.status_code == 204 and small_api.db.count("heartbeats") == 1
    bad = requests.post(f"{small_api.base_url}/ratings", json={**rating, "overall": 7},
                        headers={**KEY, "Idempotency-Key": "rating-0002"}, timeout=5)
    assert bad.status_code == 400 and "overall" in bad.json()["error"]["message"]


def test_the_openapi_document_is_served_and_kept_in_the_repo(small_api: RunningServer) -> None:
    served = requests.get(f"{small_api.base_url}/openapi.json", timeout=5).json()
    assert "/v1/procedures" in served["paths"] and "/v1/dossiers/{code}" in served["paths"]
    kept = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert kept == create_app(small_api.db).openapi(), (
        "kiosk/server/openapi.json is stale: run `kiosk serve-api --write-openapi "
        "kiosk/server/openapi.json`")


def test_garbage_in_every_parameter_never_gets_a_5xx(small_api: RunningServer) -> None:
    import random

    rng = random.Random(7)
    junk = ["", " ", "'", '"', "%00", "\u0000", "../../etc/passwd", "😀" * 50, "-1", "1e309",
            "null", "[]", "{}", "a" * 3000, "Đăng ký", "%ff%fe", "1.001193;DROP TABLE x"]
    paths = ["procedures/{}", "dossiers/{}", "forms/{}/pdf", "forms/{}/sample", "{}"]
    params = ["limit", "cursor", "updated_since", "field", "pin"]
    for _ in range(150):
        path = rng.choice(paths).format(requests.utils.quote(rng.choice(junk), safe=""))
        query = {rng.choice(params): rng.choice(junk)}
        tag = rng.choice(junk)[:100].encode("utf-8", "replace").decode("latin-1")
        answer = get(small_api, path, params=query, headers={"If-None-Match": tag.strip()
                                                             .replace("\u0000", "")})
        assert answer.status_code < 500, (path, query, answer.text)
