"""The procedure catalogue and dossiers as plain values, read from and written to JSON.

No I/O here: `Procedure.from_dict` checks a decoded JSON object and names the first bad
field (e.g. ``procedures[3].channels[0].time_unit``), so an operator importing a
province's catalogue or a kiosk receiving a malformed API answer knows what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypeVar, overload

from kiosk.catalogue.collation import vietnamese_key

# "ministry" and "other_agency": procedures a ministry or another central agency carries out
# (the national portal's isMinistry / isOtherAgency flags)
LEVELS = ("national", "ministry", "other_agency", "province", "district", "commune")
METHODS = ("in_person", "online", "postal")
TIME_UNITS = ("working_day", "day", "hour", "month")
FEE_KINDS = ("le_phi", "phi")
ONLINE_LEVELS = ("full", "partial", "none")
PROCEDURE_CODE = re.compile(r"^[1-9]\.\d{6}(\.[0-9A-Za-z.]+)?$")


class ValidationError(ValueError):
    """A value in catalogue or dossier data is wrong; `path` names the field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


T = TypeVar("T")


class _Reader:
    """Reads typed fields from a JSON object, keeping the path for error messages."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ValidationError(path, "must be an object")
        self.data = data
        self.path = path

    def _at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                raise ValidationError(self._at(key), "is missing")
            return None
        return self.data[key]

    def text(self, key: str, *, required: bool = True, empty: bool = False) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValidationError(self._at(key), "must be text")
        if not empty and not value.strip():
            raise ValidationError(self._at(key), "must not be empty")
        return value.strip()

    def choice(self, key: str, choices: Iterable[str], *, default: str | None = None) -> str:
        options = tuple(choices)
        value = self._get(key, default is None)
        if value is None:
            return default or ""
        if value not in options:
            raise ValidationError(self._at(key), f"must be one of {', '.join(options)}")
        return value

    # a required value is never None: the overloads tell the type checker so
    @overload
    def integer(self, key: str, *, required: Literal[True] = True, low: int | None = None,
                high: int | None = None) -> int: ...

    @overload
    def integer(self, key: str, *, required: bool, low: int | None = None,
                high: int | None = None) -> int | None: ...

    def integer(self, key: str, *, required: bool = True, low: int | None = None,
                high: int | None = None) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(self._at(key), "must be a whole number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValidationError(self._at(key), f"must be between {low} and {high}")
        return value

    def number(self, key: str, *, low: float = 0) -> float:
        value = self._get(key, True)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(self._at(key), "must be a number")
        if value < low:
            raise ValidationError(self._at(key), f"must be at least {low}")
        return float(value)

    def flag(self, key: str, *, default: bool) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise ValidationError(self._at(key), "must be true or false")
        return value

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise ValidationError(self._at(key), "must be a list")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise ValidationError(f"{self._at(key)}[{i}]", "must be text")
            if item.strip():
                out.append(item.strip())
        return tuple(out)

    def objects(self, key: str, parse: Callable[[Any, str], T], *, required: bool = True,
                non_empty: bool = False) -> tuple[T, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise ValidationError(self._at(key), "must be a list")
        if non_empty and not value:
            raise ValidationError(self._at(key), "must not be empty")
        return tuple(parse(item, f"{self._at(key)}[{i}]") for i, item in enumerate(value))

    @overload
    def timestamp(self, key: str, *, required: Literal[True] = True) -> datetime: ...

    @overload
    def timestamp(self, key: str, *, required: bool) -> datetime | None: ...

    def timestamp(self, key: str, *, required: bool = True) -> datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValidationError(self._at(key), "must be an ISO 8601 time with a UTC offset")
        return moment

    @overload
    def day(self, key: str, *, required: Literal[True] = True) -> date: ...

    @overload
    def day(self, key: str, *, required: bool) -> date | None: ...

    def day(self, key: str, *, required: bool = True) -> date | None:
        value = self._get(key, required)
        if value is None:
            return None
        try:
            if isinstance(value, str):
                return date.fromisoformat(value[:10])
        except ValueError:
            pass
        raise ValidationError(self._at(key), "must be a date (YYYY-MM-DD)")


@dataclass(frozen=True)
class Fee:
    kind: str  # le_phi (lệ phí) | phi (phí)
    amount: int | None  # VND; None when it depends (see description)
    description: str = ""

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Fee:
        r = _Reader(data, path)
        return cls(r.choice("kind", FEE_KINDS, default="le_phi"),
                   r.integer("amount", required=False, low=0, high=10**12),
                   r.text("description", required=False, empty=True))


@dataclass(frozen=True)
class Channel:
    """One way to carry out the procedure (Cách thức thực hiện)."""

    method: str
    time: float | None  # None: the time is only described in `time_note`
    time_unit: str
    time_note: str = ""
    fees: tuple[Fee, ...] = ()

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Channel:
        r = _Reader(data, path)
        method = r.choice("method", METHODS)
        if r._get("time", False) is None:
            note = r.text("time_note", required=False, empty=True)
            if not note:
                raise ValidationError(r._at("time"), "is missing (and no time_note says it)")
            return cls(method, None, r.choice("time_unit", TIME_UNITS, default="working_day"),
                       note, r.objects("fees", Fee.from_dict, required=False))
        return cls(method, r.number("time"),
                   r.choice("time_unit", TIME_UNITS),
                   r.text("time_note", required=False, empty=True),
                   r.objects("fees", Fee.from_dict, required=False))

    @property
    def is_free(self) -> bool:
        return all(fee.amount == 0 for fee in self.fees)


@dataclass(frozen=True)
class Component:
    """One paper in a dossier (Thành phần hồ sơ)."""

    name: str
    originals: int
    copies: int
    required: bool = True
    form: str | None = None
    sample: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Component:
        r = _Reader(data, path)
        return cls(r.text("name"), r.integer("originals", low=0, high=100) or 0,
                   r.integer("copies", low=0, high=100) or 0, r.flag("required", default=True),
                   r.text("form", required=False) or None, r.text("sample", required=False) or None)


@dataclass(frozen=True)
class DossierCase:
    """A case (trường hợp) with its own list of papers."""

    name: str
    components: tuple[Component, ...]

    @classmethod
    def from_dict(cls, data: Any, path: str) -> DossierCase:
        r = _Reader(data, path)
        return cls(r.text("name", required=False, empty=True),
                   r.objects("components", Component.from_dict, non_empty=True))


@dataclass(frozen=True)
class LegalDocument:
    number: str
    title: str
    date: date | None = None
    issuer: str = ""

    @classmethod
    def from_dict(cls, data: Any, path: str) -> LegalDocument:
        r = _Reader(data, path)
        return cls(r.text("number"), r.text("title", required=False, empty=True),
                   r.day("date", required=False), r.text("issuer", required=False, empty=True))


@dataclass(frozen=True)
class AgencyRef:
    executing: str
    competent: str = ""
    receiving_address: str = ""
    authorised: str = ""  # Cơ quan được ủy quyền
    coordinating: str = ""  # Cơ quan phối hợp

    @classmethod
    def from_dict(cls, data: Any, path: str) -> AgencyRef:
        r = _Reader(data, path)
        return cls(r.text("executing"), r.text("competent", required=False, empty=True),
                   r.text("receiving_address", required=False, empty=True),
                   r.text("authorised", required=False, empty=True),
                   r.text("coordinating", required=False, empty=True))


@dataclass(frozen=True)
class Named:
    """A named thing with its code: a result paper, a related procedure."""

    name: str
    code: str = ""

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Named:
        r = _Reader(data, path)
        return cls(r.text("name"), r.text("code", required=False, empty=True))


APPLICANT_FIELDS = ("full_name", "citizen_id", "date_of_birth", "phone", "address", "email")


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính) as in the national database."""

    code: str
    name: str
    levels: tuple[str, ...]
    field: str
    agency: AgencyRef
    steps: tuple[str, ...]
    channels: tuple[Channel, ...]
    cases: tuple[DossierCase, ...]
    result: str
    applicants: tuple[str, ...]
    conditions: tuple[str, ...]
    legal_basis: tuple[LegalDocument, ...]
    online_level: str
    updated_at: datetime
    kind: str = ""
    keywords: tuple[str, ...] = ()
    # what an online submission asks of the applicant; () means the usual fields
    applicant_fields: tuple[str, ...] = ()
    demo: bool = False
    # fields (lĩnh vực) beyond `field`, the first one: real procedures often have several
    more_fields: tuple[str, ...] = ()
    description: str = ""
    results: tuple[Named, ...] = ()  # the result papers with their codes; `result` reads them
    related: tuple[Named, ...] = ()  # related procedures
    decision: str = ""  # the decision that published the procedure, e.g. 163/QĐ-BTP

    @classmethod
    def from_dict(cls, data: Any, path: str = "procedure") -> Procedure:
        r = _Reader(data, path)
        code = r.text("code")
        if not PROCEDURE_CODE.match(code):
            raise ValidationError(r._at("code"),
                                  "must look like 1.001193 or 2.000815.000.00.00.H55")
        levels = r.texts("levels")
        if not levels:
            raise ValidationError(r._at("levels"), "must not be empty")
        for i, level in enumerate(levels):
            if level not in LEVELS:
                raise ValidationError(f"{r._at('levels')}[{i}]",
                                      f"must be one of {', '.join(LEVELS)}")
        procedure = cls(
            code=code, name=r.text("name"), levels=levels, field=r.text("field"),
            agency=AgencyRef.from_dict(r._get("agency", True), r._at("agency")),
            steps=r.texts("steps"),
            channels=r.objects("channels", Channel.from_dict, non_empty=True),
            cases=r.objects("cases", DossierCase.from_dict, required=False),
            result=r.text("result", required=False, empty=True),
            applicants=r.texts("applicants", required=False),
            conditions=r.texts("conditions", required=False),
            legal_basis=r.objects("legal_basis", LegalDocument.from_dict, required=False),
            online_level=r.choice("online_level", ONLINE_LEVELS, default="none"),
            updated_at=r.timestamp("updated_at"),
            kind=r.text("kind", required=False, empty=True),
            keywords=r.texts("keywords", required=False),
            applicant_fields=r.texts("applicant_fields", required=False),
            demo=r.flag("demo", default=False),
            more_fields=r.texts("more_fields", required=False),
            description=r.text("description", required=False, empty=True),
            results=r.objects("results", Named.from_dict, required=False),
            related=r.objects("related", Named.from_dict, required=False),
            decision=r.text("decision", required=False, empty=True),
        )
        for i, name in enumerate(procedure.applicant_fields):
            if name not in APPLICANT_FIELDS:
                raise ValidationError(f"{r._at('applicant_fields')}[{i}]",
                                      f"must be one of {', '.join(APPLICANT_FIELDS)}")
        if procedure.online_level != "none" and not procedure.channel("online"):
            raise ValidationError(r._at("online_level"),
                                  "is online but no channel has method 'online'")
        return procedure

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))

    def channel(self, method: str) -> Channel | None:
        return next((c for c in self.channels if c.method == method), None)

    @property
    def is_online(self) -> bool:
        return self.online_level != "none"

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field, *self.more_fields)

    def form_codes(self) -> set[str]:
        """Every form template and filled-in sample this procedure names."""
        return {code for case in self.cases for c in case.components
                for code in (c.form, c.sample) if code}


@dataclass(frozen=True)
class FormField:
    label: str
    sample: str = ""
    lines: int = 1


@dataclass(frozen=True)
class FormSection:
    heading: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class Form:
    """A form template (mẫu đơn, tờ khai); `has_sample` when every field has a sample value."""

    code: str
    title: str
    issued_by: str = ""
    addressee: str = ""
    sections: tuple[FormSection, ...] = ()
    declaration: str = ""
    signature: str = ""
    sample_signer: str = ""

    @classmethod
    def from_dict(cls, data: Any, path: str = "form") -> Form:
        r = _Reader(data, path)

        def section(item: Any, p: str) -> FormSection:
            s = _Reader(item, p)
            return FormSection(s.text("heading", required=False, empty=True),
                               s.objects("fields", form_field, non_empty=True))
        # a form that came as a file (a Word template converted to PDF) has no sections

        def form_field(item: Any, p: str) -> FormField:
            f = _Reader(item, p)
            return FormField(f.text("label"), f.text("sample", required=False, empty=True),
                             f.integer("lines", required=False, low=1, high=20) or 1)

        return cls(r.text("code"), r.text("title"), r.text("issued_by", required=False, empty=True),
                   r.text("addressee", required=False, empty=True),
                   r.objects("sections", section, required=False),
                   r.text("declaration", required=False, empty=True),
                   r.text("signature", required=False, empty=True),
                   r.text("sample_signer", required=False, empty=True))

    @property
    def has_sample(self) -> bool:
        fields = [f for s in self.sections for f in s.fields]
        return bool(fields) and all(f.sample for f in fields)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str
    parent: str | None = None
    address: str = ""
    phone: str = ""

    @classmethod
    def from_dict(cls, data: Any, path: str = "agency") -> Agency:
        r = _Reader(data, path)
        return cls(r.text("code"), r.text("name"), r.text("level"),
                   r.text("parent", required=False) or None,
                   r.text("address", required=False, empty=True),
                   r.text("phone", required=False, empty=True))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AgencyTree:
    """Agencies linked by `parent`; the levels are whatever the data says."""

    agencies: Mapping[str, Agency]

    @classmethod
    def build(cls, agencies: Iterable[Agency]) -> AgencyTree:
        by_code: dict[str, Agency] = {}
        for i, agency in enumerate(agencies):
            if agency.code in by_code:
                raise ValidationError(f"agencies[{i}].code", f"{agency.code} appears twice")
            by_code[agency.code] = agency
        for i, agency in enumerate(by_code.values()):
            if agency.parent and agency.parent not in by_code:
                raise ValidationError(f"agencies[{i}].parent", f"unknown agency {agency.parent}")
        tree = cls(by_code)
        for code in by_code:
            tree.ancestors(code)  # raises on a cycle
        return tree

    def children(self, code: str | None) -> list[Agency]:
        return sorted((a for a in self.agencies.values() if a.parent == code),
                      key=lambda a: vietnamese_key(a.name))

    def roots(self) -> list[Agency]:
        return self.children(None)

    def ancestors(self, code: str) -> list[Agency]:
        chain: list[Agency] = []
        parent = self.agencies[code].parent
        while parent:
            if len(chain) > len(self.agencies):
                raise ValidationError(f"agencies.{code}.parent", "forms a cycle")
            chain.append(self.agencies[parent])
            parent = self.agencies[parent].parent
        return chain

    @property
    def levels(self) -> list[str]:
        return sorted({a.level for a in self.agencies.values()},
                      key=lambda lv: LEVELS.index(lv) if lv in LEVELS else len(LEVELS))


def _jsonable(value: Any) -> Any:
    """asdict() output turned into plain JSON types (tuples to lists, dates to ISO text)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Catalogue:
    """Procedures, forms and agencies that belong together, checked for dangling references."""

    procedures: tuple[Procedure, ...]
    forms: Mapping[str, Form] = field(default_factory=dict)
    agencies: AgencyTree = field(default_factory=lambda: AgencyTree({}))
    demo: bool = False

    @classmethod
    def from_dict(cls, data: Any) -> Catalogue:
        r = _Reader(data, "")
        forms_list = r.objects("forms", Form.from_dict, required=False)
        forms: dict[str, Form] = {}
        for i, form in enumerate(forms_list):
            if form.code in forms:
                raise ValidationError(f"forms[{i}].code", f"{form.code} appears twice")
            forms[form.code] = form
        procedures = r.objects("procedures", Procedure.from_dict, non_empty=True)
        agencies = AgencyTree.build(r.objects("agencies", Agency.from_dict, required=False))
        catalogue = cls(procedures, forms, agencies, r.flag("demo", default=False))
        catalogue.check_references()
        return catalogue

    def check_references(self) -> None:
        seen: set[str] = set()
        for i, procedure in enumerate(self.procedures):
            if procedure.code in seen:
                raise ValidationError(f"procedures[{i}].code", f"{procedure.code} appears twice")
            seen.add(procedure.code)
            for j, case in enumerate(procedure.cases):
                for k, comp in enumerate(case.components):
                    where = f"procedures[{i}].cases[{j}].components[{k}]"
                    if comp.form and comp.form not in self.forms:
                        raise ValidationError(f"{where}.form", f"unknown form {comp.form}")
                    if comp.sample and not (comp.sample in self.forms
                                            and self.forms[comp.sample].has_sample):
                        raise ValidationError(f"{where}.sample",
                                              f"{comp.sample} is not a form with sample values")

    def to_dict(self) -> dict[str, Any]:
        return {"format": "kiosk-catalogue/1", "demo": self.demo,
                "agencies": [a.to_dict() for a in self.agencies.agencies.values()],
                "forms": [f.to_dict() for f in self.forms.values()],
                "procedures": [p.to_dict() for p in self.procedures]}
