"""The reference central API: what a province's server offers the kiosks, over HTTP.

Versioned under /v1. Every answer is JSON (or a PDF); errors are
`{"error": {"code", "message"}}` with a 4xx status for anything wrong with the request.
Kiosks identify themselves with an API key in `X-Api-Key`, checked before a request's body
is read (kiosk/server/guard.py); every body has a size cap, chunked or not. Dossier
look-ups are rate-limited per API key and per address (kiosk/server/limits.py), and wrong
lookup PINs lock out only the client that sent them, never the dossier's owner elsewhere.

The OpenAPI document says exactly what each route takes (code patterns, lengths, required
headers) and every error it can answer; schemathesis checks that the server keeps to it
(tests/test_api_schema.py).
"""


import base64
import binascii
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from html import escape
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.catalogue.dossier import DOSSIER_CODE, Dossier, Status, mask_name
from kiosk.catalogue.model import PROCEDURE_CODE
from kiosk.catalogue.working_days import VIETNAM, Calendar, due_date
from kiosk.server.db import DuplicateOf, ServerDB, SubmissionRequest
from kiosk.server.guard import KIOSK_ID, Guard
from kiosk.server.limits import Decision, RateLimit
from kiosk.server.queue_db import AREA_CODE, IssuedTicket, KeyReused, ServiceArea
from kiosk.submission.reference import REFERENCE

MAX_BODY = 1024 * 1024
# a submission carries photos of its papers (the kiosk keeps each page under 300 KB)
MAX_SUBMISSION_BODY = 16 * 1024 * 1024
HANDOFF_MINUTES = 15
# a kiosk is alive while heard from within this many of its heartbeat intervals: one or two
# lost heartbeats (a network blip) are no alarm
ALIVE_INTERVALS = 3
DEFAULT_HEARTBEAT_S = 600.0
# wrong lookup PINs: per dossier and client (an API key from one address), and per client
# over all dossiers, which bounds how fast one client can guess at all
PIN_ATTEMPTS = 5
PIN_CLIENT_ATTEMPTS = 20
PIN_WINDOW = timedelta(minutes=15)
_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def _schema_pattern(pattern: re.Pattern[str]) -> str:
    """A code pattern as the OpenAPI document and pydantic use it: `\\d` spelled [0-9],
    which is what the kiosk's codes mean (ECMA and Rust regexes, like Python's, would
    otherwise take any Unicode digit), and no named groups (not ECMA syntax)."""
    return re.sub(r"\(\?P<\w+>", "(", pattern.pattern.replace(r"\d", "[0-9]"))


PROCEDURE_PATTERN = _schema_pattern(PROCEDURE_CODE)
DOSSIER_PATTERN = _schema_pattern(DOSSIER_CODE)
REFERENCE_PATTERN = _schema_pattern(REFERENCE)
# the agency part of DOSSIER_CODE: a submission's dossier code is made from its agency
AGENCY_PATTERN = r"^[0-9A-Z]{1,4}(?:\.[0-9A-Z]{1,4}){1,4}$"
PIN_PATTERN = "^[0-9]{4,8}$"
CITIZEN_ID_PATTERN = "^[0-9]{12}$"
IDEMPOTENCY_PATTERN = _KEY.pattern
# text a route stores or compares as it is: anything but U+0000, which PostgreSQL cannot
# hold in a text column (SQLite can), so that both engines answer 400 alike, never 500
NO_NUL = r"^[^\x00]*$"
# free-form JSON (an applicant's details, a document's pages) nested deeper than this is
# refused: the server could parse a few hundred levels but not write them back
MAX_JSON_DEPTH = 32
DEMO_PROCEDURE, DEMO_DOSSIER = "1.001193", "000.00.20.H29-201117-0001"


@dataclass(frozen=True)
class Limits:
    """How many requests a client may make; `(count, window in seconds)` each. In memory,
    per server process (see kiosk/server/limits.py): with several workers each counts
    its own share."""

    # dossier look-ups per API key: a kiosk serves one person at a time, who looks up a
    # dossier or two; a burst of this many, then one every window/count seconds
    lookups_per_key: tuple[int, float] = (60, 60.0)
    # per remote address: several kiosks may sit behind one address (a province's NAT)
    lookups_per_address: tuple[int, float] = (300, 60.0)
    # hand-off pages per address: public, found by an unguessable token
    handoff_pages_per_address: tuple[int, float] = (60, 60.0)
    # queue numbers per API key: one person takes one at a time; a burst of this many is
    # a busy morning, more is someone pressing for fun (each number makes a counter wait)
    queue_numbers_per_key: tuple[int, float] = (30, 60.0)
    # calls for staff per API key: a person calls once and waits
    staff_calls_per_key: tuple[int, float] = (10, 60.0)
    # seconds a request's body may take to arrive: 16 MiB in 2 minutes is about 1 Mbit/s,
    # slower than any kiosk's link; a client that drips its body holds a connection no
    # longer than this (408)
    body_seconds: float = 120.0
    # submissions (bodies over 1 MiB, photographed papers) taken in at once by one server
    # process: each is held in memory whole; the others wait, then get 503 to send later
    large_bodies: int = 8
    # how long one waits for its turn before that 503
    large_body_wait_seconds: float = 30.0


class ApiProblem(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after = retry_after


def _error(status: int, code: str, message: str, retry_after: str = "") -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                        headers={"Retry-After": retry_after} if retry_after else None)


def _json(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(text, status, headers, media_type="application/json")


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorAnswer(BaseModel):
    error: ErrorBody


def _iso_day(value: Any) -> Any:
    """A day only as YYYY-MM-DD: pydantic would also take a number (seconds since 1970)."""
    if isinstance(value, date) or (
            isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
        return value
    raise ValueError("must be a day such as 2026-01-31")


def _json_int(value: Any) -> Any:
    """A JSON integer: 2 or 2.0 (the same number to JSON), never "2" or true, which
    pydantic would otherwise take."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    return int(value)


Day = Annotated[date, BeforeValidator(_iso_day)]
ProcedureCode = Annotated[str, Field(max_length=64, pattern=PROCEDURE_PATTERN,
                                     examples=[DEMO_PROCEDURE])]
DossierCode = Annotated[str, Field(max_length=64, pattern=DOSSIER_PATTERN,
                                   examples=[DEMO_DOSSIER])]
Level = Annotated[int, Field(ge=1, le=3), BeforeValidator(_json_int)]
Finite = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]


# a name has a letter that is not a space, by Python's measure (`strip()`) and by the
# ECMA regexes that read the OpenAPI document: their \s differ by these few characters
HAS_LETTER = r"[^\s\x1c-\x1f\x85\ufeff]"


def _has_full_name(applicant: dict[str, Any]) -> dict[str, Any]:
    name = applicant.get("full_name")
    if not isinstance(name, str) or not re.search(HAS_LETTER, name) or len(name) > 200:
        raise ValueError("applicant.full_name must be a name of 1 to 200 characters")
    return applicant


def _text_only(value: Any) -> Any:
    """Free-form JSON whose strings are all text, at most MAX_JSON_DEPTH levels deep: JSON
    can carry a lone surrogate ("\\ud800"), which is no character and could be neither
    stored nor sent on."""
    stack = [(value, 1)]
    while stack:  # not recursive: as deep as the JSON parser went, and no deeper
        item, depth = stack.pop()
        if isinstance(item, dict | list) and depth > MAX_JSON_DEPTH:
            raise ValueError(f"must be nested at most {MAX_JSON_DEPTH} levels deep")
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((inner, depth + 1) for inner in item.values())
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("must be text (it holds a lone surrogate)") from None
    return value


FreeJson = Annotated[dict[str, Any], AfterValidator(_text_only)]
Applicant = Annotated[FreeJson, AfterValidator(_has_full_name), WithJsonSchema({
    "type": "object", "required": ["full_name"], "additionalProperties": True,
    "properties": {"full_name": {"type": "string", "minLength": 1, "maxLength": 200,
                                 "pattern": HAS_LETTER}}})]


class SubmissionIn(BaseModel):
    procedure_code: ProcedureCode
    agency: Annotated[str, Field(max_length=32, pattern=AGENCY_PATTERN)]
    applicant: Applicant
    documents: list[FreeJson] = []
    # the reference printed on the person's slip, so staff can find the submission by it
    reference: Annotated[str, Field(pattern=REFERENCE_PATTERN)] | None = None


class RatingIn(BaseModel):
    agency: Annotated[str, Field(min_length=1, max_length=32, pattern=NO_NUL)]
    overall: Level
    criteria: dict[Annotated[str, Field(max_length=64)], Level] = {}
    dossier_code: DossierCode | None = None


class HandoffIn(BaseModel):
    procedure_code: ProcedureCode
    case: Annotated[str, Field(max_length=500, pattern=NO_NUL)] = ""


class HandoffOut(BaseModel):
    url: str
    expires_at: str


class UsageCountIn(BaseModel):
    day: Day
    event: Annotated[str, Field(pattern=r"^[a-z_]{1,32}$")]
    # a procedure code or nothing: the server refuses anything that could be personal data
    detail: Annotated[str, Field(max_length=64, pattern=f"^$|{PROCEDURE_PATTERN}")] = ""
    count: Annotated[int, Field(ge=1, le=1_000_000), BeforeValidator(_json_int)]


class HeartbeatIn(BaseModel):
    # usage counts come in a batch with its id, so that a batch sent twice counts once
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"properties": {"usage": {"maxItems": 0}}},
        {"required": ["batch_id"], "properties": {"batch_id": {"type": "string"}}}]})

    version: Annotated[str, Field(max_length=32)]
    uptime_s: Finite
    # the kiosk's own heartbeat interval: how long a silence means it is down
    interval_s: Annotated[float, Field(ge=1, le=7 * 86400, strict=True)] | None = None
    last_sync: Annotated[str, Field(max_length=40)] | None = None
    free_disk_mb: Finite | None = None
    camera: Annotated[str, Field(max_length=32)] | None = None
    batch_id: Annotated[str, Field(pattern=r"^[0-9A-Za-z_-]{8,64}$")] | None = None
    usage: Annotated[list[UsageCountIn], Field(max_length=5000)] = []


class HeartbeatOut(BaseModel):
    batch_id: str | None
    counted: bool | None  # false: this batch had been counted before; null: no batch


class CatalogueVersion(BaseModel):
    version: str
    procedures: int
    forms: int
    agencies: int
    updated_max: str


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int


class Items(BaseModel):
    items: list[dict[str, Any]]


class HistoryOut(BaseModel):
    at: date | None
    status: Annotated[int, Field(ge=1, le=10)]
    note: str
    handler: str = Field("", description="the office or officer handling this step")
    deadline: date | None = Field(None, description="when this step is due")


class DossierOut(BaseModel):
    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str  # masked: "Trần T** B**"
    status: Annotated[int, Field(ge=1, le=10)]
    received: date
    appointment: date | None
    completed: date | None
    channel: int
    agency: str
    counter: str
    note: str
    history: list[HistoryOut]
    fee: int | None = Field(None, description="the fee in VND the office asks for this "
                                                "dossier; absent when none is asked")
    fee_paid: bool = Field(False, description="whether the office has the fee: only the "
                                              "office's records say so, never a kiosk")


class SubmissionOut(BaseModel):
    dossier_code: str
    received: date
    appointment: date | None  # None: the procedure gives its time only in words
    possible_duplicate_of: str | None = None
    fee: int | None = Field(None, description="the fee in VND this dossier owes (the "
                                                "procedure's online lệ phí); null: free, or "
                                                "the office sets it")


class SubmissionStateOut(BaseModel):
    """What became of a submission, by its slip's reference."""

    reference: str
    state: Literal["sent", "refused"]
    at: str
    dossier_code: str | None = None  # sent
    reason: str | None = None  # refused: the error code it was refused with
    procedure_code: str | None = None  # refused


class FlaggedItem(BaseModel):
    kind: Literal["possible_duplicate", "refused"]
    at: str
    kiosk_id: str
    reference: str
    dossier_code: str | None = None
    duplicate_of: str | None = None
    reason: str | None = None
    procedure_code: str | None = None


class FlaggedOut(BaseModel):
    since: date
    items: list[FlaggedItem]


class Received(BaseModel):
    received: bool


AREA_PATTERN = AREA_CODE.pattern
AreaCode = Annotated[str, Path(pattern=AREA_PATTERN, examples=["HT"])]
# a screen's name or a counter's: short words, no control characters
ShortName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")]


class AreaOut(BaseModel):
    code: str
    name: str
    counters: list[str]
    fields: list[str] = Field(description="the catalogue's fields served here")
    waiting: int = Field(description="numbers taken today and not yet called")


class AreasOut(BaseModel):
    day: date
    items: list[AreaOut]


class TicketIn(BaseModel):
    area: Annotated[str, Field(pattern=AREA_PATTERN, examples=["HT"])]


class TicketOut(BaseModel):
    area: str
    area_name: str
    counters: list[str]
    day: date
    number: int
    waiting: int = Field(description="numbers before this one not yet called")
    issued_at: str


class CallNextIn(BaseModel):
    counter: ShortName


class CalledOut(BaseModel):
    area: str
    counter: str
    number: int | None = Field(description="the number called; null: nobody waits")
    waiting: int


class StaffCallIn(BaseModel):
    screen: ShortName = Field(description="the screen the person asked from")


class CloseCallIn(BaseModel):
    by: Annotated[str, Field(max_length=64, pattern=r"^[^\x00-\x1f]*$")] = ""


class StaffCallOut(BaseModel):
    id: int
    kiosk_id: str
    screen: str
    at: str
    open: bool
    closed_at: str | None
    closed_by: str | None


class StaffCallsOut(BaseModel):
    items: list[StaffCallOut]


_WHY = {400: "The request is not valid: a parameter, header or body the API does not take.",
        401: "No API key in `X-Api-Key`, or one the API does not know.",
        403: "Not allowed (`pin_required`, `pin_incorrect`).",
        404: "Not found.",
        409: "This `Idempotency-Key` came before with a different request "
             "(`idempotency_key_reused`).",
        413: "The body is larger than this route takes.",
        429: "Too many requests (`rate_limited`) or wrong PINs (`too_many_attempts`) "
             "from this client: wait the `Retry-After` seconds."}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answers for these error statuses (every authenticated route can also give
    400, 401 and 413: the key and the body are checked before the route runs)."""
    found: dict[int | str, dict[str, Any]] = {}
    for code in sorted({400, 401, 413, *codes}):
        found[code] = {"model": ErrorAnswer, "description": _WHY[code]}
        if code == 429:
            found[code]["headers"] = {"Retry-After": {
                "description": "seconds to wait before asking again",
                "schema": {"type": "integer", "minimum": 1}}}
    return found


def made_or_earlier(model: type[BaseModel], made: str, *codes: int
                    ) -> dict[int | str, dict[str, Any]]:
    """The answers of a route that makes something once per `Idempotency-Key`: 201 made
    now, 200 this key's earlier answer, and these error statuses."""
    return {201: {"model": model, "description": made},
            200: {"model": model, "description": "This Idempotency-Key's earlier answer."},
            **errors(*codes)}


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Nothing changed since the `ETag` sent in `If-None-Match`."}}
PDF: dict[int | str, dict[str, Any]] = {
    200: {"description": "The PDF.", "content": {"application/pdf": {
        "schema": {"type": "string", "format": "binary"}}}}}

API_KEY = APIKeyHeader(name="X-Api-Key", scheme_name="ApiKey", auto_error=False,
                       description="The kiosk's API key. Every path needs it except "
                                   "/v1/health and /v1/openapi.json.")
IdempotencyKey = Annotated[str, Header(
    pattern=IDEMPOTENCY_PATTERN, description="The same key always gets the same answer: a "
    "kiosk sends again with it after any failure.")]
PUBLIC_PATHS = ("/v1/health", "/v1/openapi.json")


def is_public(path: str) -> bool:
    """Paths answered without an API key: health, this document, and the hand-off pages a
    person's phone opens."""
    return path in PUBLIC_PATHS or path.startswith("/h/")


def body_cap(path: str) -> int:
    return MAX_SUBMISSION_BODY if path == "/v1/submissions" else MAX_BODY


def create_app(db: ServerDB, limits: Limits | None = None,
               calendar: Calendar = VIETNAM) -> FastAPI:
    """`calendar`: the working days appointment dates count on."""
    limits = limits or Limits()
    app = FastAPI(title="Kiosk central API (reference)", version=__version__,
                  openapi_url="/v1/openapi.json", docs_url=None, redoc_url=None,
                  description="Procedure catalogue, dossier status and what kiosks send. "
                              "All paths need `X-Api-Key` except /v1/health and "
                              "/v1/openapi.json; the key is checked before the body is "
                              "read. Bodies are limited to 1 MiB (16 MiB for "
                              "/v1/submissions), chunked or not, and must arrive within "
                              "2 minutes (408). Errors are "
                              '`{"error": {"code", "message"}}`.')
    app.add_middleware(Guard, kiosk_for_key=db.kiosk_for_key, is_public=is_public,
                       body_cap=body_cap, body_seconds=limits.body_seconds,
                       large_bodies=limits.large_bodies, large_body=MAX_BODY,
                       large_body_wait=limits.large_body_wait_seconds)
    per_key = RateLimit(*limits.lookups_per_key)
    per_address = RateLimit(*limits.lookups_per_address)
    handoff_pages = RateLimit(*limits.handoff_pages_per_address)
    queue_numbers = RateLimit(*limits.queue_numbers_per_key)
    staff_calls = RateLimit(*limits.staff_calls_per_key)

    @app.exception_handler(ApiProblem)
    async def problem(_: Request, err: ApiProblem) -> JSONResponse:
        return _error(err.status, err.code, err.message, err.retry_after)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {}
        loc = tuple(str(p) for p in first.get("loc", ()))
        known = _invalid_answer(request.url.path, loc)
        if known:
            return _error(400, *known)
        where = ".".join(p for p in loc if p != "body") or "request"
        return _error(400, "bad_request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        answer = _error(err.status_code, codes.get(err.status_code, "error"), str(err.detail))
        answer.headers.update(err.headers or {})  # 405 says what is allowed (`Allow`)
        return answer

    def kiosk_id(request: Request, _: Annotated[str | None, Security(API_KEY)]) -> str:
        """The kiosk whose key the guard accepted (the security dependency puts the key
        in the OpenAPI document; the guard has checked it before the body was read)."""
        found = request.scope.get("state", {}).get(KIOSK_ID)
        if not found:
            raise ApiProblem(401, "unauthorized", "send this kiosk's API key in X-Api-Key")
        return str(found)

    Kiosk = Annotated[str, Depends(kiosk_id)]

    def client_of(request: Request, kiosk: Kiosk) -> str:
        """Who is asking, for limits: the kiosk (its key) at its address. Behind a reverse
        proxy the address is the proxy's, unless uvicorn is told to trust its headers."""
        return f"{kiosk}@{_address(request)}"

    Client = Annotated[str, Depends(client_of)]

    def lookup_allowed(request: Request, kiosk: Kiosk) -> None:
        """Dossier look-ups, per API key and per address: a brake on guessing codes."""
        _limit(request, (per_key, kiosk), (per_address, _address(request)))

    def etag_answer(text: str, if_none_match: str | None, extra: dict[str, str] | None = None
                    ) -> Response:
        tag = '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'
        headers = {"ETag": tag, "Cache-Control": "no-cache", **(extra or {})}
        if if_none_match and tag in [t.strip() for t in if_none_match.split(",")]:
            return Response(status_code=304, headers=headers)
        return _json(text, headers=headers)

    IfNoneMatch = Annotated[str | None, Header(max_length=1000)]

    @app.get("/v1/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/v1/catalogue", tags=["catalogue"], response_class=Response,
             responses={200: {"model": CatalogueVersion}, **NOT_MODIFIED, **errors()})
    def catalogue(_: Kiosk, if_none_match: IfNoneMatch = None) -> Response:
        """The catalogue's version and counts: one cheap call tells a kiosk if anything changed.
        Send the last `ETag` in `If-None-Match` to get 304 when nothing did."""
        version = db.catalogue_version()
        text = json.dumps(version)
        tag = f'"{version["version"]}"'
        if if_none_match and tag in [t.strip() for t in if_none_match.split(",")]:
            return Response(status_code=304, headers={"ETag": tag})
        return _json(text, headers={"ETag": tag, "Cache-Control": "no-cache"})

    @app.get("/v1/procedures", tags=["catalogue"], response_class=Response,
             responses={200: {"model": Page}, **NOT_MODIFIED, **errors()})
    def procedures(
        _: Kiosk,
        updated_since: Annotated[str | None, WithJsonSchema(
            {"type": "string", "format": "date-time", "maxLength": 40}), Query(
            description="Only procedures changed after this server time (the `modified_at` "
                        "of the last item seen); removed ones then come as "
                        "`{code, deleted: true}`.", max_length=40)] = None,
        cursor: Annotated[str | None, Query(
            description="`next_cursor` of the previous page (400 `bad_cursor` for any "
                        "other value)", max_length=200, pattern="^[A-Za-z0-9_=-]+$")] = None,
        limit: Annotated[int, Query(ge=1, le=2000)] = 200,
        field: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
        if_none_match: IfNoneMatch = None,
    ) -> Response:
        """One page of procedures in the order they changed. Follow `next_cursor` until null."""
        since = _stamp(updated_since) if updated_since is not None else None
        after = _decode_cursor(cursor) if cursor else None
        items, next_key, total = db.procedure_page(updated_since=since, after=after,
                                                   limit=limit, field=field)
        next_cursor = json.dumps(_encode_cursor(next_key) if next_key else None)
        text = (f'{{"items": [{", ".join(items)}], "next_cursor": {next_cursor}, '
                f'"total": {total}}}')
        return etag_answer(text, if_none_match)

    @app.get("/v1/procedures/{code}", tags=["catalogue"], response_class=Response,
             responses={200: {"description": "The procedure.",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                        **errors(404)})
    def procedure(code: Annotated[str, Path(max_length=64, pattern=PROCEDURE_PATTERN,
                                            examples=[DEMO_PROCEDURE])], _: Kiosk) -> Response:
        body = db.procedure(code)
        if body is None:
            raise ApiProblem(404, "not_found", f"no procedure {code}")
        return _json(body)

    @app.get("/v1/agencies", tags=["catalogue"], response_class=Response,
             responses={200: {"model": Items}, **NOT_MODIFIED, **errors()})
    def agencies(_: Kiosk, if_none_match: IfNoneMatch = None) -> Response:
        return etag_answer(f'{{"items": [{", ".join(db.agencies())}]}}', if_none_match)

    @app.get("/v1/forms", tags=["catalogue"], response_class=Response,
             responses={200: {"model": Items}, **NOT_MODIFIED, **errors()})
    def forms(_: Kiosk, if_none_match: IfNoneMatch = None) -> Response:
        """Form templates with the SHA-256 of their PDF and of their filled-in sample
        ("" when there is none)."""
        items = [f'{body[:-1]}, "sha256": "{sha}", "sample_sha256": "{sample}"}}'
                 for body, sha, sample in db.forms()]
        return etag_answer(f'{{"items": [{", ".join(items)}]}}', if_none_match)

    def pdf(code: str, sample: bool, if_none_match: str | None) -> Response:
        found = db.form_pdf(code, sample)
        if found is None:
            raise ApiProblem(404, "not_found", f"no {'sample' if sample else 'form'} PDF for "
                                               f"{code}")
        data, digest = found
        tag = f'"{digest}"'
        if if_none_match == tag:
            return Response(status_code=304, headers={"ETag": tag})
        return Response(data, media_type="application/pdf", headers={"ETag": tag})

    FormCode = Annotated[str, Path(max_length=64, pattern=NO_NUL)]

    @app.get("/v1/forms/{code}/pdf", tags=["catalogue"], response_class=Response,
             responses={**PDF, **NOT_MODIFIED, **errors(404)})
    def form_pdf(code: FormCode, _: Kiosk, if_none_match: IfNoneMatch = None) -> Response:
        return pdf(code, False, if_none_match)

    @app.get("/v1/forms/{code}/sample", tags=["catalogue"], response_class=Response,
             responses={**PDF, **NOT_MODIFIED, **errors(404)})
    def sample_pdf(code: FormCode, _: Kiosk, if_none_match: IfNoneMatch = None) -> Response:
        return pdf(code, True, if_none_match)

    @app.get("/v1/dossiers/{code}", tags=["dossiers"], response_class=Response,
             responses={200: {"model": DossierOut}, **errors(403, 404, 429)},
             dependencies=[Depends(lookup_allowed)])
    def dossier(code: Annotated[str, Path(max_length=64, pattern=DOSSIER_PATTERN,
                                          examples=[DEMO_DOSSIER])],
                client: Client,
                pin: Annotated[str | None, Query(pattern=PIN_PATTERN)] = None,
                # typed str, not str | None: a header has no null for a client to send
                citizen_id: Annotated[str, Header(
                    alias="X-Citizen-Id", pattern=CITIZEN_ID_PATTERN,
                    description="the applicant's ID number (số định danh cá nhân), as the "
                                "portal's public look-up asks; in a header, not the URL, "
                                "so that no access log keeps it")] = "") -> Response:
        """A dossier's status, dates and history, with the applicant's name masked. With
        `X-Citizen-Id` the applicant's ID number is the second factor, as on the portal:
        a wrong number gets the very answer an unknown code gets (404 `not_found`). Without
        it, some dossiers need the lookup PIN printed on the receipt (403 `pin_required`).
        After 5 wrong PINs or ID numbers for a dossier in 15 minutes, or 20 over all
        dossiers, the client that sent them (this API key from this address) gets 429
        `too_many_attempts` for a while; others, the dossier's owner among them, are not
        locked out. Look-ups are limited per API key and per address (429
        `rate_limited`)."""
        unknown = ApiProblem(404, "not_found", f"no dossier {code}")
        if citizen_id:
            # counted like a PIN: as a failure before it is compared, forgotten if right
            now = datetime.now(UTC)
            oldest, attempt = db.pin_attempt(code, client, _stamp_of(now - PIN_WINDOW),
                                             PIN_ATTEMPTS, PIN_CLIENT_ATTEMPTS)
            if oldest:
                raise _too_many_pins(oldest, now)
            found = db.dossier(code)
            if found is None or not db.applicant_matches(code, citizen_id):
                raise unknown
            db.forget_pin_attempt(code, client, attempt)
            return _json(json.dumps(_public(found[0]), ensure_ascii=False))
        found = db.dossier(code)
        if found is None:
            raise unknown
        record, expected_pin = found
        if expected_pin:
            if not pin:
                _check_pin_failures(db, code, client)
                raise ApiProblem(403, "pin_required", "this dossier needs its lookup PIN")
            # counted as a failure before it is compared (and forgotten if right), so that
            # wrong PINs sent all at once are counted one after the other
            now = datetime.now(UTC)
            oldest, attempt = db.pin_attempt(code, client, _stamp_of(now - PIN_WINDOW),
                                             PIN_ATTEMPTS, PIN_CLIENT_ATTEMPTS)
            if oldest:
                raise _too_many_pins(oldest, now)
            if not secrets.compare_digest(pin.encode(), expected_pin.encode()):
                raise ApiProblem(403, "pin_incorrect", "the lookup PIN is not right")
            db.forget_pin_attempt(code, client, attempt)
        return _json(json.dumps(_public(record), ensure_ascii=False))

    @app.post("/v1/submissions", tags=["kiosk"], status_code=201, response_class=Response,
              responses={201: {"model": SubmissionOut, "description": "A new dossier."},
                         200: {"model": SubmissionOut,
                               "description": "This Idempotency-Key's earlier answer."},
                         **errors(409)})
    def submit(body: SubmissionIn, kiosk: Kiosk, idempotency_key: IdempotencyKey) -> Response:
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
        procedure = json.loads(procedure_text) if procedure_text else None
        refusal = ("unknown_procedure", f"no procedure {body.procedure_code}") \
            if procedure is None else ("not_online", "this procedure cannot be submitted "
                                       "online") if procedure["online_level"] == "none" else None
        # a kiosk sending again what made a dossier before (its answer was lost) gets that
        # answer, whatever the catalogue says now: refused, the person would be sent to
        # the counter for a dossier that exists
        if refusal and not db.submitted_before(kiosk, idempotency_key):
            raise refuse(*refusal)
        name = str(body.applicant.get("full_name", "")).strip()
        if not name:
            raise refuse("bad_request", "applicant.full_name is missing")
        text = body.model_dump_json()
        received = datetime.now()  # local time: the office's 15:00 cut-off
        today = received.date()
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
            # `procedure` is None only for a key that came before, which makes nothing new
            appointment = _appointment(procedure or {}, received, calendar)
            fee = _fee(procedure or {})
            record = Dossier(code, body.procedure_code, name, Status.NEW, today, appointment,
                             channel=2, agency=body.agency,
                             procedure_name=(procedure or {}).get("name", ""), fee=fee)
            answer = {"dossier_code": code, "received": today.isoformat(),
                      "appointment": appointment.isoformat() if appointment else None,
                      "possible_duplicate_of": duplicate.dossier_code if duplicate else None,
                      "fee": fee}
            return record, json.dumps(answer)

        result = db.submit(request, make)
        if result.conflict:
            raise ApiProblem(409, "idempotency_key_reused",
                             "this Idempotency-Key came before with a different request")
        return _json(result.answer, 201 if result.new else 200)

    @app.get("/v1/submissions/by-reference/{reference}", tags=["kiosk"],
             responses=errors(404, 429), dependencies=[Depends(lookup_allowed)])
    def by_reference(reference: Annotated[str, Path(pattern=REFERENCE_PATTERN,
                                                    examples=["K7P-3F9A"])],
                     _: Kiosk) -> SubmissionStateOut:
        """What became of a submission, by the reference on the person's slip (from any
        kiosk): `sent` with its `dossier_code`, or `refused` with the `reason` (the error
        code it was refused with). 404 while this server has not had it."""
        found = db.by_reference(reference)
        if found is None:
            raise ApiProblem(404, "not_found", f"no submission with reference {reference}")
        return SubmissionStateOut(**found)

    @app.get("/v1/submissions/flagged", tags=["province"], responses=errors())
    def flagged(_: Kiosk, since: Annotated[Day | None, Query(
                description="first day, YYYY-MM-DD (default: 7 days ago)")] = None,
                ) -> FlaggedOut:
        """For staff: submissions refused (by reference and reason) and dossiers that may
        repeat one made within 24 hours for the same person, procedure and agency."""
        since = since or _shift(date.today(), -7)
        return FlaggedOut(since=since, items=[FlaggedItem(**item)
                                              for item in db.flagged(since.isoformat())])

    @app.post("/v1/ratings", tags=["kiosk"], status_code=201, response_class=Response,
              responses={201: {"model": Received, "description": "Stored."},
                         200: {"model": Received, "description": "Stored before."},
                         **errors()})
    def rate(body: RatingIn, kiosk: Kiosk, idempotency_key: IdempotencyKey) -> Response:
        """Store a citizen's rating once per `Idempotency-Key`."""
        _check_key(idempotency_key)
        new = db.add_rating(idempotency_key, kiosk, body.agency, body.model_dump_json())
        return _json(json.dumps({"received": True}), 201 if new else 200)

    @app.post("/v1/handoffs", tags=["kiosk"], status_code=201, responses=errors(404))
    def handoff(body: HandoffIn, kiosk: Kiosk, request: Request) -> HandoffOut:
        """A short-lived link that lets a person continue a submission on their own phone
        (the kiosk shows it as a QR code). It carries no personal data. 404
        `unknown_procedure` when the catalogue has no such procedure."""
        if db.procedure(body.procedure_code) is None:
            raise ApiProblem(404, "unknown_procedure", f"no procedure {body.procedure_code}")
        token = secrets.token_urlsafe(12)
        expires = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=HANDOFF_MINUTES)
        db.add_handoff(token, kiosk, body.procedure_code, body.case, expires.isoformat())
        return HandoffOut(url=f"{str(request.base_url).rstrip('/')}/h/{token}",
                          expires_at=expires.isoformat())

    @app.get("/h/{token}", include_in_schema=False)
    def handoff_page(token: str, request: Request) -> Response:
        """Where a hand-off QR lands on the person's phone: the procedure to continue, or
        a plain "this link has expired". Public, so limited per address."""
        _limit(request, (handoff_pages, _address(request)))
        found = db.handoff(token) if len(token) <= 64 and "\0" not in token else None
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

    @app.post("/v1/heartbeats", tags=["kiosk"], status_code=204, response_class=Response,
              responses={204: {"description": "Taken."},
                         200: {"model": HeartbeatOut,
                               "description": "Taken, with `Prefer: return=representation`."},
                         **errors()})
    def heartbeat(body: HeartbeatIn, kiosk: Kiosk,
                  prefer: Annotated[str | None, Header(max_length=200)] = None) -> Response:
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

    @app.get("/v1/kiosks", tags=["province"], responses=errors())
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

    @app.get("/v1/usage", tags=["province"], responses=errors())
    def usage(_: Kiosk, since: Annotated[Day | None, Query(
              description="first day counted, YYYY-MM-DD (default: 30 days ago)")] = None,
              ) -> dict[str, Any]:
        """Usage counts of all kiosks from `since` on: `totals` per event, and `items` per
        event and detail (a procedure code, with its name), largest first."""
        since = since or _shift(date.today(), -30)
        rows = db.usage_totals(since.isoformat())
        totals: dict[str, int] = {}
        for event, _detail, count, _name in rows:
            totals[event] = totals.get(event, 0) + count
        return {"since": since.isoformat(), "totals": totals,
                "items": [{"event": event, "detail": detail, "name": name or "",
                           "count": count} for event, detail, count, name in rows]}

    @app.get("/v1/ratings/summary", tags=["province"], responses=errors())
    def rating_summary(_: Kiosk, since: Annotated[Day | None, Query(
                       description="first day, YYYY-MM-DD (default: 30 days ago)")] = None,
                       until: Annotated[Day | None, Query(
                       description="last day, YYYY-MM-DD (default: today)")] = None,
                       ) -> dict[str, Any]:
        """Citizens' ratings per agency over a period: how many, and for the overall level
        and each criterion how many gave 3 (very satisfied), 2 (satisfied), 1 (not
        satisfied). Each rating is counted once, however often a kiosk sent it."""
        until = until or date.today()
        since = since or _shift(until, -30)
        agencies: dict[str, dict[str, Any]] = {}
        for agency, body in db.ratings_since(since.isoformat(),
                                             _shift(until, 1).isoformat()):
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

    # --- queue numbers and staff calls ---------------------------------------------------
    # Counters and staff use an API key as the province's views do: the reference server
    # takes any kiosk's key; a real deployment gives these to the counters' keys only.

    @app.get("/v1/queue/areas", tags=["queue"], responses=errors())
    def queue_areas(_: Kiosk) -> AreasOut:
        """The centre's service areas (counters grouped with the fields they serve), each
        with how many numbers wait today."""
        return AreasOut(day=date.today(), items=[
            AreaOut(**area.to_dict(), waiting=waiting)
            for area, waiting in db.service_areas(date.today())])

    def area_or_404(code: str) -> ServiceArea:
        area = db.service_area(code)
        if area is None:
            raise ApiProblem(404, "unknown_area", f"no service area {code}")
        return area

    @app.post("/v1/queue/tickets", tags=["queue"], status_code=201, response_class=Response,
              responses=made_or_earlier(TicketOut, "A new number.", 404, 409, 429))
    def take_number(body: TicketIn, kiosk: Kiosk, idempotency_key: IdempotencyKey,
                    request: Request) -> Response:
        """The next number of a service area's queue today, for a person at a kiosk. Numbers
        start at 1 each day and are issued in one transaction: two kiosks never get the
        same one. The same `Idempotency-Key` from the same kiosk gets the same number
        again (a kiosk may ask again after a lost answer); `waiting` counts the numbers
        before it not yet called. 404 `unknown_area`; 429 `rate_limited` per API key."""
        _check_key(idempotency_key)
        area = area_or_404(body.area)
        _limit(request, (queue_numbers, kiosk))
        try:
            ticket = db.take_number(area, date.today(), kiosk, idempotency_key)
        except KeyReused:
            raise ApiProblem(409, "idempotency_key_reused", "this Idempotency-Key took a "
                             "number for another service area") from None
        return _json(_ticket(ticket).model_dump_json(), 201 if ticket.new else 200)

    @app.post("/v1/queue/areas/{code}/next", tags=["queue"], responses=errors(404))
    def call_next(code: AreaCode, body: CallNextIn, _: Kiosk) -> CalledOut:
        """A counter calls the next waiting number of its service area today (`number`
        null when nobody waits); `waiting` is how many are left. 404 `unknown_area`, or
        `unknown_counter` for a counter that is not the area's."""
        area = area_or_404(code)
        if body.counter not in area.counters:
            raise ApiProblem(404, "unknown_counter", f"service area {code} has counters "
                             f"{', '.join(area.counters)}")
        called = db.call_next(area.code, body.counter, date.today())
        return CalledOut(area=area.code, counter=called.counter, number=called.number,
                         waiting=called.waiting)

    @app.post("/v1/staff-calls", tags=["staff"], status_code=201, response_class=Response,
              responses=made_or_earlier(StaffCallOut, "Recorded.", 429))
    def call_staff(body: StaffCallIn, kiosk: Kiosk, idempotency_key: IdempotencyKey,
                   request: Request) -> Response:
        """A person at a kiosk asks for a staff member: recorded with the kiosk and the
        screen, open until staff close it. Once per `Idempotency-Key`; 429 `rate_limited`
        per API key."""
        _check_key(idempotency_key)
        _limit(request, (staff_calls, kiosk))
        call, new = db.add_staff_call(kiosk, idempotency_key, body.screen)
        return _json(StaffCallOut(**call).model_dump_json(), 201 if new else 200)

    @app.get("/v1/staff-calls/list", tags=["staff"], responses=errors())
    def list_staff_calls(_: Kiosk, all_calls: Annotated[bool, Query(
            alias="all", description="the latest 200 calls, closed ones too (default: the "
                                     "open ones)")] = False) -> StaffCallsOut:
        """Calls for staff from every kiosk, oldest first: the open ones (or, with
        `all=true`, the latest 200)."""
        return StaffCallsOut(items=[StaffCallOut(**c)
                                    for c in db.staff_calls(open_only=not all_calls)])

    @app.post("/v1/staff-calls/{call_id}/close", tags=["staff"], responses=errors(404))
    def close_staff_call(call_id: Annotated[int, Path(ge=1, le=2**62)], body: CloseCallIn,
                         kiosk: Kiosk) -> StaffCallOut:
        """Staff have seen to a call. Closing a closed call changes nothing. `by` says who
        (default: the kiosk or counter whose key closes it)."""
        call = db.close_staff_call(call_id, body.by or kiosk)
        if call is None:
            raise ApiProblem(404, "not_found", f"no staff call {call_id}")
        return StaffCallOut(**call)

    return app


def _ticket(ticket: IssuedTicket) -> TicketOut:
    return TicketOut(area=ticket.area.code, area_name=ticket.area.name,
                     counters=ticket.area.counters, day=ticket.day, number=ticket.number,
                     waiting=ticket.waiting, issued_at=ticket.issued_at)


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


_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
                   r"(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))")
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def _stamp(value: str) -> str:
    """An RFC 3339 time as the server's own `modified_at` text (UTC, microseconds), which
    `updated_since` is compared with as text."""
    found = _TIME.fullmatch(value)
    try:
        if found is None:
            raise ValueError(value)
        year, month, day, hour, minute, second = (int(g) for g in found.groups()[:6])
        fraction, zulu, sign, off_h, off_m = found.groups()[6:]
        offset = timedelta(0) if zulu else (1 if sign == "+" else -1) * timedelta(
            hours=int(off_h), minutes=int(off_m))
        moment = datetime(year, month, day, hour, minute, min(second, 59),  # a leap second
                          int((fraction or "0")[:6].ljust(6, "0")), timezone(offset))
    except ValueError:
        raise ApiProblem(400, "bad_request", "updated_since must be a time such as "
                         "2026-01-31T08:00:00.000000Z") from None
    try:
        return _stamp_of(moment.astimezone(UTC))
    except OverflowError:  # within a day of year 1 or 9999 once moved to UTC
        return "0001-01-01T00:00:00.000000Z" if moment.year == 1 else \
            "9999-12-31T23:59:59.999999Z"


def _stamp_of(moment: datetime) -> str:
    return moment.strftime(_STAMP)


def _appointment(procedure: dict[str, Any], received: datetime, calendar: Calendar
                 ) -> date | None:
    """The appointment of an online submission: the processing time of the procedure's
    online channel (else its first), in working days after the day counting starts; None
    when the procedure gives its time only in words (the office then sets the date)."""
    channels: list[dict[str, Any]] = procedure.get("channels") or []
    channel: dict[str, Any] = next((c for c in channels if c.get("method") == "online"),
                   channels[0] if channels else {"time": 0, "time_unit": "working_day"})
    if channel.get("time") is None:
        return None
    return due_date(received, float(channel["time"]), channel["time_unit"], calendar)


def _fee(procedure: dict[str, Any]) -> int | None:
    """The fee (lệ phí) an online submission owes: the online channel's (else the first's)
    fees of that kind added up; None when it is free or an amount depends on the case
    (the office then says how much)."""
    channels = procedure.get("channels") or []
    channel = next((c for c in channels if c.get("method") == "online"),
                   channels[0] if channels else {})
    fees = channel.get("fees") or []
    charged = [f for f in fees if f.get("kind", "le_phi") == "le_phi"] or fees
    amounts = [f.get("amount") for f in charged]
    if not amounts or None in amounts or not sum(amounts):
        return None
    return int(sum(amounts))


def _shift(day: date, days: int) -> date:
    """`day` moved by `days`, held at the first or last day there is."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limit(request: Request, *checks: tuple[RateLimit, str]) -> None:
    """Count this request against each (limit, key), or refuse it with 429 and the wait
    in `Retry-After` when any of them is used up (then none counts it)."""
    refused = [d for d in (limit.check(key) for limit, key in checks) if not d.allowed]
    if not refused:
        refused = [d for d in (limit.hit(key) for limit, key in checks) if not d.allowed]
    if refused:
        wait = max(refused, key=lambda d: d.retry_after)
        raise ApiProblem(429, "rate_limited", f"too many requests from this client; try "
                         f"again in {wait.retry_after_header} s", wait.retry_after_header)


def _check_pin_failures(db: ServerDB, code: str, client: str) -> None:
    """429 while this client has too many wrong PINs, for this dossier or over all; counted
    in the database, so every worker process and a restart see the same counts."""
    now = datetime.now(UTC)
    since = _stamp_of(now - PIN_WINDOW)
    for failures, oldest, most in (
            (*db.pin_failures_since(since, client, code), PIN_ATTEMPTS),
            (*db.pin_failures_since(since, client), PIN_CLIENT_ATTEMPTS)):
        if failures >= most and oldest:
            raise _too_many_pins(oldest, now)


def _too_many_pins(oldest: str, now: datetime) -> ApiProblem:
    # one more try is allowed once the oldest failure in the window has aged out
    free = datetime.strptime(oldest, _STAMP).replace(tzinfo=UTC) + PIN_WINDOW
    wait = Decision(False, (free - now).total_seconds())
    return ApiProblem(429, "too_many_attempts", "too many wrong PINs from this client; try "
                      f"again in {wait.retry_after_header} s", wait.retry_after_header)


def _invalid_answer(path: str, loc: tuple[str, ...]) -> tuple[str, str] | None:
    """The error code and message for the parameters the kiosk tells apart."""
    if loc == ("path", "code") and path.startswith("/v1/dossiers/"):
        return "bad_code", "a dossier code looks like 000.00.20.H29-201117-0001"
    if loc == ("path", "code") and path.startswith("/v1/procedures/"):
        return "bad_code", "a procedure code looks like 1.001193"
    if loc == ("query", "pin"):
        return "bad_pin", "a lookup PIN is 4 to 8 digits"
    if loc == ("header", "X-Citizen-Id") or loc == ("header", "x-citizen-id"):
        return "bad_citizen_id", "an ID number is 12 digits"
    if loc[:2] == ("header", "idempotency-key"):
        return "bad_idempotency_key", "Idempotency-Key must be 8 to 128 letters, digits or ._:-"
    return None


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
