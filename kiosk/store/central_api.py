"""The central API's calls as the kiosk uses them, with every answer checked for shape.

A malformed answer raises `ApiBadAnswer` naming the bad field, never a KeyError deep in
the sync or the UI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kiosk.catalogue.dossier import Dossier
from kiosk.catalogue.model import Agency, Form, Procedure, ValidationError
from kiosk.store.catalogue_store import FormFile
from kiosk.store.client import ApiBadAnswer, ApiClient


@dataclass(frozen=True)
class CatalogueVersion:
    version: str
    procedures: int
    etag: str


@dataclass(frozen=True)
class ProcedurePage:
    procedures: list[Procedure]
    deleted: list[str]
    last_modified: str
    next_cursor: str | None


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ApiBadAnswer(f"the central API's {what} is not a JSON object")
    return value


def _items(value: Any, what: str) -> list[Any]:
    items = _object(value, what).get("items")
    if not isinstance(items, list):
        raise ApiBadAnswer(f"the central API's {what} has no list of items")
    return items


def _parse(kind: Any, item: Any, where: str) -> Any:
    try:
        return kind.from_dict(item, where)
    except ValidationError as err:
        raise ApiBadAnswer(f"the central API sent a malformed {err}") from None


@dataclass(frozen=True)
class Handoff:
    url: str
    expires_at: str


class CentralApi:
    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def catalogue_version(self, etag: str = "") -> CatalogueVersion | None:
        """The catalogue's version, or None when it still matches `etag` (nothing changed)."""
        answer = self.client.get("catalogue", headers={"If-None-Match": etag} if etag else None)
        if answer.status == 304:
            return None
        body = _object(answer.json(), "catalogue version")
        version, count = body.get("version"), body.get("procedures")
        if not isinstance(version, str) or not isinstance(count, int):
            raise ApiBadAnswer("the central API's catalogue version lacks version or count")
        return CatalogueVersion(version, count, answer.headers.get("ETag", ""))

    def procedure_pages(self, updated_since: str | None, limit: int) -> Iterator[ProcedurePage]:
        cursor: str | None = None
        seen_cursors: set[str] = set()
        pages, pages_allowed = 0, -1  # -1: no limit known; set from the first page's total
        while True:
            params: dict[str, Any] = {"limit": limit}
            if updated_since:
                params["updated_since"] = updated_since
            if cursor:
                params["cursor"] = cursor
            body = self.client.get("procedures", params).json()
            items = _items(body, "procedure list")
            procedures: list[Procedure] = []
            deleted: list[str] = []
            last_modified = ""
            for i, item in enumerate(items):
                where = f"procedure (items[{i}])"
                modified = _object(item, where).get("modified_at")
                code = item.get("code")
                if not isinstance(modified, str) or not isinstance(code, str):
                    raise ApiBadAnswer(f"the central API sent a malformed {where}: "
                                       "code or modified_at is missing")
                if item.get("deleted") is True:
                    deleted.append(code)
                else:
                    procedures.append(_parse(Procedure, item, f"procedure {code}"))
                last_modified = max(last_modified, modified)
            cursor = body.get("next_cursor")
            pages += 1
            total = body.get("total")
            if pages == 1 and isinstance(total, int) and items:
                # twice the pages the total needs: room for procedures changed mid-sync
                pages_allowed = 2 * (total // len(items) + 1) + 1
            if cursor is not None and (not isinstance(cursor, str) or cursor in seen_cursors
                                       or not items or pages == pages_allowed):
                raise ApiBadAnswer("the central API's paging does not move forward")
            yield ProcedurePage(procedures, deleted, last_modified, cursor)
            if cursor is None:
                return
            seen_cursors.add(cursor)

    def procedure_views(self) -> dict[str, int]:
        """How often each procedure was opened on the province's kiosks (the last 30 days),
        from the usage counts the kiosks report: what search ranks near ties by."""
        body = _object(self.client.get("usage").json(), "usage counts")
        views: dict[str, int] = {}
        for item in body.get("items") or []:
            if isinstance(item, dict) and item.get("event") == "procedure_viewed" and \
                    isinstance(item.get("detail"), str) and isinstance(item.get("count"), int):
                views[item["detail"]] = views.get(item["detail"], 0) + max(0, item["count"])
        return views

    def agencies(self) -> list[Agency]:
        items = _items(self.client.get("agencies").json(), "agency list")
        return [_parse(Agency, item, f"agency (items[{i}])") for i, item in enumerate(items)]

    def forms(self) -> list[FormFile]:
        files = []
        for i, item in enumerate(_items(self.client.get("forms").json(), "form list")):
            form = _parse(Form, item, f"form (items[{i}])")
            sha, sample = item.get("sha256"), item.get("sample_sha256", "")
            if not isinstance(sha, str) or not isinstance(sample, str):
                raise ApiBadAnswer(f"the central API sent a malformed form {form.code}: "
                                   "sha256 is missing")
            files.append(FormFile(form, sha, sample))
        return files

    def form_pdf(self, code: str, sample: bool, max_bytes: int) -> bytes:
        answer = self.client.get(f"forms/{code}/{'sample' if sample else 'pdf'}",
                                 expect="pdf", max_bytes=max_bytes)
        if not answer.body.startswith(b"%PDF-"):
            raise ApiBadAnswer(f"the central API's form {code} is not a PDF")
        return answer.body

    def handoff(self, procedure_code: str, case: str = "") -> Handoff:
        """A short-lived link to continue this procedure on a phone."""
        body = _object(self.client.post("handoffs", {"procedure_code": procedure_code,
                                                     "case": case}).json(), "hand-off")
        url, expires = body.get("url"), body.get("expires_at")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")) \
                or not isinstance(expires, str):
            raise ApiBadAnswer("the central API's hand-off lacks a web address or expiry")
        return Handoff(url, expires)

    def dossier(self, code: str, pin: str | None = None, citizen_id: str | None = None
                ) -> Dossier:
        """The dossier, opened with its lookup PIN or the applicant's ID number (sent in a
        header: a URL ends up in logs)."""
        answer = self.client.get(f"dossiers/{code}", {"pin": pin} if pin else None,
                                 {"X-Citizen-Id": citizen_id} if citizen_id else None)
        return _parse(Dossier, answer.json(), "dossier")

    def submission_by_reference(self, reference: str) -> SubmissionState:
        """What became of a submission sent with this slip reference (ApiNotFound while
        the central API has not had it)."""
        body = _object(self.client.get(f"submissions/by-reference/{reference}").json(),
                       "submission")
        state = body.get("state")
        code, reason = body.get("dossier_code"), body.get("reason")
        if state == "sent" and isinstance(code, str):
            return SubmissionState("sent", dossier_code=code)
        if state == "refused" and isinstance(reason, str):
            return SubmissionState("refused", reason=reason)
        raise ApiBadAnswer("the central API's answer about a submission is not one it knows")


@dataclass(frozen=True)
class SubmissionState:
    """A submission as the central API knows it: sent (with its dossier code) or refused
    (with the API's error code)."""

    state: str  # "sent" or "refused"
    dossier_code: str = ""
    reason: str = ""
