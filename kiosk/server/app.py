"""The reference central API: what a province's server offers the kiosks, over HTTP.

Versioned under /v1. Every answer is JSON (or a PDF); errors are
`{"error": {"code", "message"}}` with a 4xx status for anything wrong with the request.
Kiosks identify themselves with an API key in `X-Api-Key`.
"""


import base64
import binascii
import hashlib
import json
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.catalogue.dossier import DOSSIER_CODE, Dossier, Status, mask_name
from kiosk.catalogue.model import PROCEDURE_CODE
from kiosk.server.db import DuplicateOf, ServerDB, SubmissionRequest
from kiosk.submission.reference import REFERENCE

MAX_BODY = 1024 * 1024
# a submission carries photos of its papers (the kiosk keeps each page under 300 KB)
MAX_SUBMISSION_BODY = 16 * 1024 * 1024
HANDOFF_MINUTES = 15
# a kiosk is alive while heard from within this many of its heartbeat intervals: one or two
# lost heartbeats (a network blip) are no alarm
ALIVE_INTERVALS = 3
DEFAULT_HEARTBEAT_S = 600.0
PIN_ATTEMPTS = 5
PIN_WINDOW = timedelta(minutes=15)
_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


class ApiProblem(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _json(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(text, status, headers, media_type="application/json")


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorAnswer(BaseModel):
    error: ErrorBody


class SubmissionIn(BaseModel):
    procedure_code: Annotated[str, Field(min_length=3, max_length=64)]
    agency: Annotated[str, Field(min_length=3, max_length=32)]
    applicant: dict[str, Any]
    documents: list[dict[str, Any]] = []
    # the reference printed on the person's slip, so staff can find the submission by it
    reference: Annotated[str, Field(pattern=REFERENCE.pattern)] | None = None


class RatingIn(BaseModel):
    agency: Annotated[str, Field(min_length=1, max_length=32)]
    overall: Annotated[int, Field(ge=1, le=3)]
    criteria: dict[str, Annotated[int, Field(ge=1, le=3)]] = {}
    dossier_code: str | None = None


class HandoffIn(BaseModel):
    procedure_code: Annotated[str, Field(min_length=3, max_length=64)]
    case: Annotated[str, Field(max_length=500)] = ""


class HandoffOut(BaseModel):
    url: str
    expires_at: str


class UsageCountIn(BaseModel):
    day: date
    event: Annotated[str, Field(pattern=r"^[a-z_]{1,32}$")]
    # a procedure code or nothing: the server refuses anything that could be personal data
    detail: Annotated[str, Field(max_length=64, pattern=f"^$|{PROCEDURE_CODE.pattern}")] = ""
    count: Annotated[int, Field(ge=1, le=1_000_000)]


class HeartbeatIn(BaseModel):
    version: Annotated[str, Field(max_length=32)]
    uptime_s: Annotated[float, Field(ge=0)]
    # the kiosk's own heartbeat interval: how long a silence means it is down
    interval_s: Annotated[float, Field(ge=1, le=7 * 86400)] | None = None
    last_sync: Annotated[str, Field(max_length=40)] | None = None
    free_disk_mb: Annotated[float, Field(ge=0)] | None = None
    camera: Annotated[str, Field(max_length=32)] | None = None
    batch_id: Annotated[str, Field(pattern=r"^[0-9A-Za-z_-]{8,64}$")] | None = None
    usage: Annotated[list[UsageCountIn], Field(max_length=5000)] = []


class HeartbeatOut(BaseModel):
    batch_id: str | None
    counted: bool | None  # false: this batch had been counted before; null: no batch


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorAnswer} for code in (400, 401, 403, 404, 413, 429)}


def create_app(db: ServerDB) -> FastAPI:
    app = FastAPI(title="Kiosk central API (reference)", version=__version__,
                  openapi_url="/v1/openapi.json", docs_url=None, redoc_url=None,
                  description="Procedure catalogue, dossier status and what kiosks send. "
                              "All paths need `X-Api-Key` except /v1/health and "
                              "/v1/openapi.json.")

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Response:
        declared = request.headers.get("content-length", "")
        limit = MAX_SUBMISSION_BODY if request.url.path == "/v1/submissions" else MAX_BODY
        if declared and (not declared.isdigit() or int(declared) > limit):
            return _error(413, "too_large", f"request bodies are limited to {limit} bytes")
        return await call_next(request)

    @app.exception_handler(ApiProblem)
    async def problem(_: Request, err: ApiProblem) -> JSONResponse:
        return _error(err.status, err.code, err.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
        return _error(400, "bad_request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        return _error(err.status_code, codes.get(err.status_code, "error"), str(err.detail))

    def kiosk_id(x_api_key: Annotated[str | None, Header()] = None) -> str:
        if not x_api_key:
            raise ApiProblem(401, "unauthorized", "send this kiosk's API key in X-Api-Key")
        found = db.kiosk_for_key(x_api_key) if len(x_api_key) <= 256 else None
        if found is None:
            raise ApiProblem(401, "unauthorized", "unknown API key")
        return found

    Kiosk = Annotated[str, Depends(kiosk_id)]

    def etag_answer(text: str, if_none_match: str | None, extra: dict[str, str] | None = None
                    ) -> Response:
        tag = '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'
        headers = {"ETag": tag, "Cache-Control": "no-cache", **(extra or {})}
        if if_none_match and tag in [t.strip() for t in if_none_match.split(",")]:
            return Response(status_code=304, headers=headers)
        return _json(text, headers=headers)

    @app.get("/v1/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/v1/catalogue", tags=["catalogue"], responses=ERRORS)
    def catalogue(_: Kiosk, if_none_match: Annotated[str | None, Header()] = None) -> Response:
        """The catalogue's version and counts: one cheap call tells a kiosk if anything changed.
        Send the last `ETag` in `If-None-Match` to get 304 when nothing did."""
        version = db.catalogue_version()
        text = json.dumps(version)
        tag = f'"{version["version"]}"'
        if if_none_match and tag in [t.strip() for t in if_none_match.split(",")]:
            return Response(status_code=304, headers={"ETag": tag})
        return _json(text, headers={"ETag": tag, "Cache-Control": "no-cache"})

    @app.get("/v1/procedures", tags=["catalogue"], responses=ERRORS)
    def procedures(
        _: Kiosk,
        updated_since: Annotated[str | None, Query(
            description="Only procedures changed after this server time (the `modified_at` "
                        "of the last item seen); removed ones then come as "
                        "`{code, deleted: true}`.", max_length=40)] = None,
        cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page",
                                            max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=2000)] = 200,
        field: Annotated[str | None, Query(max_length=200)] = None,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Response:
        """One page of procedures in the order they changed. Follow `next_cursor` until null."""
        if updated_since is not None:
            _check_stamp(updated_since)
        after = _decode_cursor(cursor) if cursor else None
        items, next_key, total = db.procedure_page(updated_since=updated_since, after=after,
                                                   limit=limit, field=field)
        next_cursor = json.dumps(_encode_cursor(next_key) if next_key else None)
        text = (f'{{"items": [{", ".join(items)}], "next_cursor": {next_cursor}, '
                f'"total": {total}}}')
        return etag_answer(text, if_none_match)

    @app.get("/v1/procedures/{code}", tags=["catalogue"], responses=ERRORS)
    def procedure(code: str, _: Kiosk) -> Response:
        if not PROCEDURE_CODE.match(code):
            raise ApiProblem(400, "bad_code", "a procedure code looks like 1.001193")
        body = db.procedure(code)
        if body is None:
            raise ApiProblem(404, "not_found", f"no procedure {code}")
        return _json(body)

    @app.get("/v1/agencies", tags=["catalogue"], responses=ERRORS)
    def agencies(_: Kiosk, if_none_match: Annotated[str | None, Header()] = None) -> Response:
        return etag_answer(f'{{"items": [{", ".join(db.agencies())}]}}', if_none_match)

    @app.get("/v1/forms", tags=["catalogue"], responses=ERRORS)
    def forms(_: Kiosk, if_none_match: Annotated[str | None, Header()] = None) -> Response:
        """Form templates with the SHA-256 of their PDF and of their filled-in sample
        ("" when there is none)."""
        items = [f'{body[:-1]}, "sha256": "{sha}", "sample_sha256": "{sample}"}}'
                 for body, sha, sample in db.forms()]
        return etag_answer(f'{{"items": [{", ".join(items)}]}}', if_none_match)

    def pdf(code: str, sample: bool, if_none_match: str | None) -> Response:
        found = db.form_pdf(code, sample) if len(code) <= 64 else None
        if found is None:
            raise ApiProblem(404, "not_found", f"no {'sample' if sample else 'form'} PDF for "
                                               f"{code[:64]}")
        data, digest = found
        tag = f'"{digest}"'
        if if_none_match == tag:
            return Response(status_code=304, headers={"ETag": tag})
        return Response(data, media_type="application/pdf", headers={"ETag": tag})

    @app.get("/v1/forms/{code}/pdf", tags=["catalogue"], responses=ERRORS,
             response_class=Response)
    def form_pdf(code: str, _: Kiosk, if_none_match: Annotated[str | None, Header()] = None
                 ) -> Response:
        return pdf(code, False, if_none_match)

    @app.get("/v1/forms/{code}/sample", tags=["catalogue"], responses=ERRORS,
             response_class=Response)
    def sample_pdf(code: str, _: Kiosk, if_none_match: Annotated[str | None, Header()] = None
                   ) -> Response:
        return pdf(code, True, if_none_match)

    @app.get("/v1/dossiers/{code}", tags=["dossiers"], responses=ERRORS)
    def dossier(code: str, _: Kiosk,
                pin: Annotated[str | None, Query(max_length=16)] = None) -> dict[str, Any]:
        """A dossier's status, dates and history, with the applicant's name masked. Some
        dossiers need the lookup PIN printed on the receipt (403 `pin_required`)."""
        if len(code) > 64 or not DOSSIER_CODE.match(code):
            raise ApiProblem(400, "bad_code",
                             "a dossier code looks like 000.00.20.H29-201117-0001")
        found = db.dossier(code)
        if found is None:
            raise ApiProblem(404, "not_found", f"no dossier {code}")
        record, expected_pin = found
        if expected_pin:
            since = (datetime.now(UTC) - PIN_WINDOW).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            if db.pin_failures_since(code, since) >= PIN_ATTEMPTS:
                raise ApiProblem(429, "too_many_attempts",
                                 "too many wrong PINs for this dossier; try again later")
            if not pin:
                raise ApiProblem(403, "pin_required", "this dossier needs its lookup PIN")
            if not secrets.compare_digest(pin, expected_pin):
                db.record_pin_failure(code)
                raise ApiProblem(403, "pin_incorrect", "the lookup PIN is not right")
        return _public(record)

    @app.post("/v1/submissions", tags=["kiosk"], status_code=201,
              responses={**ERRORS, 409: {"model": ErrorAnswer}})
    def submit(body: SubmissionIn, kiosk: Kiosk,
               idempotency_key: Annotated[str, Header()]) -> Response:
        """Start a dossier from a kiosk. The same `Idempotency-Key` from the same kiosk always
        gets the same answer, so a kiosk may send again after any failure without making two
        dossiers; the same key with a different request is refused (409). The submission,
        its dossier code (the next number of the agency's day) and the dossier are stored in
        one transaction. A second submission by the same person (ID number) for the same
        procedure and agency within 24 hours is made, and flagged for staff:
        `possible_duplicate_of` names the earlier dossier."""
        _check_key(idempotency_key)

        def refuse(code: str, message: str) -> ApiProblem:
            if body.reference:  # so the person and staff learn of it by the slip
                db.record_refusal(kiosk, idempotency_key, body.reference,
                                  body.procedure_code, code)
            return ApiProblem(400, code, message)

        procedure_text = db.procedure(body.procedure_code) if PROCEDURE_CODE.match(
            body.procedure_code) else None
        if procedure_text is None:
            raise refuse("unknown_procedure", f"no procedure {body.procedure_code}")
        procedure = json.loads(procedure_text)
        if procedure["online_level"] == "none":
            raise refuse("not_online", "this procedure cannot be submitted online")
        name = str(body.applicant.get("full_name", "")).strip()
        if not name:
            raise refuse("bad_request", "applicant.full_name is missing")
        text = body.model_dump_json()
        today = date.today()
        # the request's digest leaves the slip's reference out: an item a kiosk sent before
        # it sent references is the same request when it comes again with one
        same = body.model_dump_json(exclude={"reference"})
        request = SubmissionRequest(
            kiosk_id=kiosk, key=idempotency_key,
            request_sha256=hashlib.sha256(same.encode()).hexdigest(),
            reference=body.reference or "", procedure_code=body.procedure_code,
            agency=body.agency,
            applicant_key=db.applicant_key(str(body.applicant.get("citizen_id", ""))),
            body=text, day=today)

        def make(code: str, duplicate: DuplicateOf | None) -> tuple[Dossier, str]:
            appointment = today + timedelta(days=3)
            record = Dossier(code, body.procedure_code, name, Status.NEW, today, appointment,
                             channel=2, agency=body.agency, procedure_name=procedure["name"])
            answer = {"dossier_code": code, "received": today.isoformat(),
                      "appointment": appointment.isoformat(),
                      "possible_duplicate_of": duplicate.dossier_code if duplicate else None}
            return record, json.dumps(answer)

        result = db.submit(request, make)
        if result.conflict:
            raise ApiProblem(409, "idempotency_key_reused",
                             "this Idempotency-Key came before with a different request")
        return _json(result.answer, 201 if result.new else 200)

    @app.get("/v1/submissions/by-reference/{reference}", tags=["kiosk"], responses=ERRORS)
    def by_reference(reference: Annotated[str, Path(pattern=REFERENCE.pattern)],
                     _: Kiosk) -> dict[str, Any]:
        """What became of a submission, by the reference on the person's slip (from any
        kiosk): `sent` with its `dossier_code`, or `refused` with the `reason` (the error
        code it was refused with). 404 while this server has not had it."""
        found = db.by_reference(reference)
        if found is None:
            raise ApiProblem(404, "not_found", f"no submission with reference {reference}")
        return found

    @app.get("/v1/submissions/flagged", tags=["province"], responses=ERRORS)
    def flagged(_: Kiosk, since: Annotated[date | None, Query(
                description="first day, YYYY-MM-DD (default: 7 days ago)")] = None,
                ) -> dict[str, Any]:
        """For staff: submissions refused (by reference and reason) and dossiers that may
        repeat one made within 24 hours for the same person, procedure and agency."""
        since = since or date.today() - timedelta(days=7)
        return {"since": since.isoformat(), "items": db.flagged(since.isoformat())}

    @app.post("/v1/ratings", tags=["kiosk"], status_code=201, responses=ERRORS)
    def rate(body: RatingIn, kiosk: Kiosk, idempotency_key: Annotated[str, Header()]
             ) -> Response:
        """Store a citizen's rating once per `Idempotency-Key`."""
        _check_key(idempotency_key)
        new = db.add_rating(idempotency_key, kiosk, body.agency, body.model_dump_json())
        return _json(json.dumps({"received": True}), 201 if new else 200)

    @app.post("/v1/handoffs", tags=["kiosk"], status_code=201, responses=ERRORS)
    def handoff(body: HandoffIn, kiosk: Kiosk, request: Request) -> HandoffOut:
        """A short-lived link that lets a person continue a submission on their own phone
        (the kiosk shows it as a QR code). It carries no personal data."""
        if not PROCEDURE_CODE.match(body.procedure_code) or \
                db.procedure(body.procedure_code) is None:
            raise ApiProblem(400, "unknown_procedure", f"no procedure {body.procedure_code}")
        token = secrets.token_urlsafe(12)
        expires = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=HANDOFF_MINUTES)
        db.add_handoff(token, kiosk, body.procedure_code, body.case, expires.isoformat())
        return HandoffOut(url=f"{str(request.base_url).rstrip('/')}/h/{token}",
                          expires_at=expires.isoformat())

    @app.get("/h/{token}", include_in_schema=False)
    def handoff_page(token: str) -> Response:
        """Where a hand-off QR lands on the person's phone: the procedure to continue, or
        a plain "this link has expired"."""
        found = db.handoff(token) if len(token) <= 64 else None
        if found is None or datetime.fromisoformat(found[2]) < datetime.now(UTC):
            return Response(_page("Liên kết đã hết hạn", "Mã QR này chỉ dùng được trong "
                                  f"{HANDOFF_MINUTES} phút. Vui lòng tạo mã mới tại kiosk."),
                            status_code=410, media_type="text/html; charset=utf-8")
        code, case, _ = found
        name = json.loads(db.procedure(code) or "{}").get("name", code)
        return Response(_page(f"Tiếp tục nộp hồ sơ: {name}",
                              f"Mã thủ tục {code}" + (f" — {case}" if case else "")
                              + ". Đăng nhập Cổng Dịch vụ công quốc gia bằng VNeID để nộp."),
                        media_type="text/html; charset=utf-8")

    @app.post("/v1/heartbeats", tags=["kiosk"], status_code=204,
              responses={**ERRORS, 200: {"model": HeartbeatOut}})
    def heartbeat(body: HeartbeatIn, kiosk: Kiosk,
                  prefer: Annotated[str | None, Header()] = None) -> Response:
        """A kiosk says it is alive, with its anonymous usage counts. Counts come as a batch
        with a `batch_id`; each (kiosk, batch_id) is counted once, so a kiosk sends a batch
        again until it has an answer. 204, or with `Prefer: return=representation` 200 and
        whether this batch was counted now."""
        if body.usage and not body.batch_id:
            raise ApiProblem(400, "bad_request", "usage needs a batch_id")
        counted = None if body.batch_id is None else db.add_usage(
            kiosk, body.batch_id,
            [(c.day.isoformat(), c.event, c.detail, c.count) for c in body.usage])
        db.add_heartbeat(kiosk, body.model_dump_json(exclude={"usage"}))
        if prefer and "return=representation" in prefer:
            return _json(HeartbeatOut(batch_id=body.batch_id, counted=counted)
                         .model_dump_json())
        return Response(status_code=204)

    # The province's view of its kiosks. The reference server takes any kiosk's key here;
    # a real deployment gives these to a province key only.

    @app.get("/v1/kiosks", tags=["province"], responses=ERRORS)
    def kiosks(_: Kiosk) -> dict[str, Any]:
        """Every kiosk with a key or a heartbeat: its last heartbeat, when it came
        (`age_s` seconds ago, by the server's clock), and `alive`: heard from within
        3 of its heartbeat intervals (its `interval_s`, else 10 minutes). A kiosk never
        heard from has `last_seen` null and is not alive."""
        now = datetime.now(UTC)
        items = []
        for kiosk_id, received, body in db.last_heartbeats():
            beat = json.loads(body) if body else None
            age = None if received is None else \
                max(0.0, (now - datetime.fromisoformat(received)).total_seconds())
            interval = (beat or {}).get("interval_s") or DEFAULT_HEARTBEAT_S
            items.append({"kiosk_id": kiosk_id, "alive": age is not None and
                          age <= ALIVE_INTERVALS * interval, "last_seen": received,
                          "age_s": age, "heartbeat": beat})
        return {"items": items}

    @app.get("/v1/usage", tags=["province"], responses=ERRORS)
    def usage(_: Kiosk, since: Annotated[date | None, Query(
              description="first day counted, YYYY-MM-DD (default: 30 days ago)")] = None,
              ) -> dict[str, Any]:
        """Usage counts of all kiosks from `since` on: `totals` per event, and `items` per
        event and detail (a procedure code, with its name), largest first."""
        since = since or date.today() - timedelta(days=30)
        rows = db.usage_totals(since.isoformat())
        totals: dict[str, int] = {}
        for event, _detail, count, _name in rows:
            totals[event] = totals.get(event, 0) + count
        return {"since": since.isoformat(), "totals": totals,
                "items": [{"event": event, "detail": detail, "name": name or "",
                           "count": count} for event, detail, count, name in rows]}

    @app.get("/v1/ratings/summary", tags=["province"], responses=ERRORS)
    def rating_summary(_: Kiosk, since: Annotated[date | None, Query(
                       description="first day, YYYY-MM-DD (default: 30 days ago)")] = None,
                       until: Annotated[date | None, Query(
                       description="last day, YYYY-MM-DD (default: today)")] = None,
                       ) -> dict[str, Any]:
        """Citizens' ratings per agency over a period: how many, and for the overall level
        and each criterion how many gave 3 (very satisfied), 2 (satisfied), 1 (not
        satisfied). Each rating is counted once, however often a kiosk sent it."""
        until = until or date.today()
        since = since or until - timedelta(days=30)
        agencies: dict[str, dict[str, Any]] = {}
        for agency, body in db.ratings_since(since.isoformat(),
                                             (until + timedelta(days=1)).isoformat()):
            rating = json.loads(body)
            totals = agencies.setdefault(agency, {"agency": agency, "ratings": 0,
                                                  "overall": {"3": 0, "2": 0, "1": 0},
                                                  "criteria": {}})
            totals["ratings"] += 1
            totals["overall"][str(rating["overall"])] += 1
            for key, level in rating.get("criteria", {}).items():
                levels = totals["criteria"].setdefault(key, {"3": 0, "2": 0, "1": 0})
                levels[str(level)] += 1
        return {"since": since.isoformat(), "until": until.isoformat(),
                "agencies": list(agencies.values())}

    return app


def _page(title: str, text: str) -> str:
    return (f"<!doctype html><html lang=vi><meta charset=utf-8><meta name=viewport "
            f"content='width=device-width'><title>{escape(title)}</title>"
            f"<h1>{escape(title)}</h1><p>{escape(text)}</p></html>")


def _public(record: Dossier) -> dict[str, Any]:
    """What a public screen may show: the applicant's name masked by the server."""
    shown = record.to_dict()
    shown["applicant_name"] = mask_name(record.applicant_name)
    return shown


def _check_key(key: str) -> None:
    if not _KEY.match(key):
        raise ApiProblem(400, "bad_idempotency_key",
                         "Idempotency-Key must be 8 to 128 letters, digits or ._:-")


def _check_stamp(value: str) -> None:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiProblem(400, "bad_request",
                         "updated_since must be a time such as 2026-01-31T08:00:00.000000Z"
                         ) from None


def _encode_cursor(key: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if (isinstance(key, list) and len(key) == 2
                and all(isinstance(k, str) for k in key)):
            return key[0], key[1]
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise ApiProblem(400, "bad_cursor", "cursor is not one this server gave")
