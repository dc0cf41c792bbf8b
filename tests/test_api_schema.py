"""The reference API does what its OpenAPI document says: schemathesis generates requests
from the document (valid ones, invalid ones, undeclared methods, missing headers) and sends
them to the real server over loopback HTTP with a valid API key, checking every answer:
no server error, a declared status, the declared content type and body schema and headers,
invalid data refused, valid data taken, 405 with `Allow` for a method a path lacks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from support.demo_day import DEMO_DAY

from kiosk.server.app import Limits, _encode_cursor
from kiosk.server.catalogue_files import DEMO_API_KEY, demo_catalogue, demo_dossiers
from kiosk.server.run import RunningServer, open_db, start_in_thread

pytestmark = pytest.mark.slow
OPENAPI = Path(__file__).resolve().parents[1] / "kiosk" / "server" / "openapi.json"

# Requests per operation in the fuzzing phase (the coverage phase adds its own, about as
# many, derived from the schema's edges); the whole run stays well under a minute.
EXAMPLES = 12
HTTP_FRAMING = {"content-length", "transfer-encoding", "connection", "host", "expect", "te",
                "upgrade", "trailer"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def schema_api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[RunningServer]:
    """A server of its own on the demo data, on SQLite then on PostgreSQL (which refuses
    some text SQLite stores), with look-up limits high enough that the generated look-ups
    reach the route instead of its 429 (which the document declares, and other tests
    check)."""
    target = tmp_path_factory.mktemp("schema-api") / "api.sqlite" \
        if request.param == "sqlite" else request.getfixturevalue("pg_cluster").new_database()
    db = open_db(target, today=DEMO_DAY)
    generous = Limits(lookups_per_key=(100_000, 60.0), lookups_per_address=(100_000, 60.0))
    server = start_in_thread(db, limits=generous)
    yield server
    server.stop()
    db.close()


def _config() -> schemathesis.Config:
    online = sorted(p.code for p in demo_catalogue().procedures if p.online_level != "none")
    return schemathesis.Config.from_dict({
        "auth": {"openapi": {"ApiKey": {"api_key": DEMO_API_KEY}}},
        "seed": int(os.environ.get("SCHEMA_TEST_SEED", "20")),
        "checks": {"enabled": True},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
        "generation": {"max-examples": EXAMPLES, "database": "none"},
        # Values the server knows, so generated requests reach past "not found": real
        # dossier codes, a real cursor (an opaque token: any other string is rightly
        # refused as `bad_cursor`, though the document cannot say which strings those
        # are), and procedures that can be submitted online.
        "dictionaries": {
            "dossiers": {"values": [d.code for d, _ in demo_dossiers(DEMO_DAY)]},
            "cursors": {"values": [_encode_cursor(("", ""))]},
            "online": {"values": online},
        },
        "parameters": {
            "path.code": {"dictionary": "dossiers", "probability": 0.5},
            "query.cursor": {"dictionary": "cursors", "probability": 1.0},
        },
        "operations": [{
            "include-path": ["/v1/submissions", "/v1/handoffs"],
            "parameters": {"body.procedure_code": {"dictionary": "online",
                                                   "probability": 1.0}},
        }, {
            # The coverage phase makes its own edge values without the dictionaries: a
            # cursor the server never gave, a procedure code of the right shape that the
            # catalogue lacks or that cannot be sent online. 400 is the answer for those
            # (`bad_cursor`, `unknown_procedure`, `not_online`), which the document says.
            "include-name": ["GET /v1/procedures", "POST /v1/submissions"],
            "checks": {"positive_data_acceptance": {"expected-statuses": [
                "2xx", "3xx", 400, 401, 403, 404, 409, 429]}},
        }],
    })


# The document kept in the repository, which test_server.py checks is the one served.
schema = schemathesis.openapi.from_path(OPENAPI, config=_config())


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_openapi_document(case: schemathesis.Case,
                                               schema_api: RunningServer) -> None:
    if case.headers:
        # a made-up Content-Length or Transfer-Encoding breaks the request's HTTP framing,
        # which the HTTP server (uvicorn) answers with a plain-text 400 before the API
        # sees anything: nothing the API's document can describe
        case.headers = {name: value for name, value in case.headers.items()
                        if name.lower() not in HTTP_FRAMING}
    case.call_and_validate(base_url=f"http://{schema_api.host}:{schema_api.port}")

