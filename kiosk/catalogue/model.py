"""The procedure catalogue and dossiers as plain values, read from and written to JSON.

No I/O here. Each value is a frozen pydantic dataclass: `Procedure.from_dict` checks a
decoded JSON object and names every bad field at once (e.g.
``procedures[3].channels[0].time_unit: must be one of working_day, day, hour, month``), so
an operator importing a province's catalogue or a kiosk receiving a malformed API answer
knows what is wrong. The checks are the types below, read by pydantic once at import.

Leniencies kept from hand-made data: text is trimmed, blank items leave lists of text,
`null` is the same as a missing key, and a key the model does not know is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass as plain_dataclass
from dataclasses import field
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Self, TypeVar

import pydantic
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from kiosk.catalogue.collation import vietnamese_key

# "ministry" and "other_agency": procedures a ministry or another central agency carries out
# (the national portal's isMinistry / isOtherAgency flags)
LEVELS = ("national", "ministry", "other_agency", "province", "district", "commune")
METHODS = ("in_person", "online", "postal")
TIME_UNITS = ("working_day", "day", "hour", "month")
FEE_KINDS = ("le_phi", "phi")
ONLINE_LEVELS = ("full", "partial", "none")
APPLICANT_FIELDS = ("full_name", "citizen_id", "date_of_birth", "phone", "address", "email")
PROCEDURE_CODE = re.compile(r"^[1-9]\.\d{6}(\.[0-9A-Za-z.]+)?$")
SHOWN_PROBLEMS = 10  # how many problems a ValidationError's text lists before "and N more"


class ValidationError(ValueError):
    """Values in catalogue or dossier data are wrong. `errors` holds every (path, problem)
    found; `path` and `problem` are the first one's. The text lists them on one line."""

    def __init__(self, path: str, problem: str,
                 errors: Sequence[tuple[str, str]] = ()) -> None:
        self.errors = tuple(errors) or ((path, problem),)
        self.path, self.problem = self.errors[0]
        shown = "; ".join(self.lines()[:SHOWN_PROBLEMS])
        more = len(self.errors) - SHOWN_PROBLEMS
        super().__init__(shown + (f"; and {more} more" if more > 0 else ""))

    @classmethod
    def of(cls, errors: Sequence[tuple[str, str]]) -> ValidationError:
        return cls(*errors[0], errors)

    def lines(self) -> list[str]:
        """Every problem as 'path: problem', one each."""
        return [f"{path}: {problem}" if path else problem for path, problem in self.errors]


def invalid(problem: str) -> PydanticCustomError:
    """The error a check raises: `problem` in the operator's words, never the value."""
    return PydanticCustomError("kiosk", problem)


# what pydantic's error types mean, in the words the operator reads
_PROBLEMS = {"missing": "is missing", "string_type": "must be text",
             "string_too_short": "must not be empty", "too_short": "must not be empty",
             "int_type": "must be a whole number", "float_type": "must be a number",
             "bool_type": "must be true or false", "tuple_type": "must be a list",
             "dataclass_type": "must be an object", "dataclass_args_type": "must be an object"}

_NO_TIME = object()  # stands for a channel's time that is missing with no time_note either


def _problems(err: pydantic.ValidationError, path: str) -> list[tuple[str, str]]:
    errors = err.errors(include_url=False)
    # pydantic counts only the good items of a list, so a list whose one item is bad is also
    # "too short": that says nothing more than the item's own problems
    holding = {error["loc"][:n] for error in errors for n in range(len(error["loc"]))}
    out = []
    for error in errors:
        if error["type"] == "too_short" and error["loc"] in holding:
            continue
        where = path
        for part in error["loc"]:
            where += f"[{part}]" if isinstance(part, int) else f".{part}" if where else part
        kind = error["type"]
        if kind == "kiosk":
            problem = error["msg"]
        elif kind == "float_type" and error["input"] is _NO_TIME:
            problem = "is missing (and no time_note says it)"
        elif kind == "greater_than_equal":
            problem = f"must be at least {error['ctx']['ge']:g}"
        else:  # never pydantic's own text: it may quote the value
            problem = _PROBLEMS.get(kind, "is not valid")
        out.append((where, problem))
    return out


def check(ok: Callable[[Any], object], problem: str) -> Callable[[Any], Any]:
    """A check for pydantic to run: the value as it is, or `problem` when `ok` says no."""
    def run(value: Any) -> Any:
        if not ok(value):
            raise invalid(problem)
        return value
    return run


def _one_of(choices: tuple[str, ...], *, blank: bool = False) -> Callable[[Any], Any]:
    return check(lambda value: value in choices or (blank and value == ""),
                  f"must be one of {', '.join(choices)}")


def between(low: int, high: int) -> AfterValidator:
    return AfterValidator(check(lambda value: low <= value <= high,
                                 f"must be between {low} and {high}"))


def _trim(text: str) -> str:
    return text.strip()


def _non_blank(text: str) -> str:
    if not (text := text.strip()):
        raise invalid("must not be empty")
    return text


def _no_blanks(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(item for item in items if item) if "" in items else items


def _number(value: float) -> float | int:
    """5.0 written as 5, as a person would (and as the stored JSON always had it)."""
    return int(value) if value.is_integer() else value


def _timestamp(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        moment = None
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise invalid("must be an ISO 8601 time with a UTC offset")
    return moment


def _day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        if isinstance(value, str):
            return date.fromisoformat(value[:10])
    except ValueError:
        pass
    raise invalid("must be a date (YYYY-MM-DD)")


# The field types; strict: 1 is not "1", true is not 1. Text is trimmed in Python: pydantic's
# own str_strip_whitespace copies every string through UTF-8, ten times slower on long ones.
Text = Annotated[str, Strict(), AfterValidator(_non_blank)]  # must be there, not blank
OptionalText = Annotated[str, Strict(), AfterValidator(_trim)]  # "" when missing
Texts = Annotated[tuple[OptionalText, ...], AfterValidator(_no_blanks)]
Flag = Annotated[bool, Strict()]
Count = Annotated[int, Strict(), between(0, 100)]
Money = Annotated[int, Strict(), between(0, 10**12)]  # VND
Timestamp = Annotated[datetime, PlainValidator(_timestamp), PlainSerializer(datetime.isoformat)]
Day = Annotated[date, PlainValidator(_day), PlainSerializer(date.isoformat)]
Levels = Annotated[tuple[Annotated[OptionalText, AfterValidator(_one_of(LEVELS, blank=True))],
                         ...], AfterValidator(_no_blanks),
                   AfterValidator(check(bool, "must not be empty"))]
ApplicantFields = Annotated[tuple[Annotated[OptionalText, AfterValidator(
    _one_of(APPLICANT_FIELDS, blank=True))], ...], AfterValidator(_no_blanks)]

R = TypeVar("R", bound="Record")

CHECKED = ConfigDict(hide_input_in_errors=True, defer_build=True)


@dataclass(frozen=True, config=CHECKED)
class Record:
    """What every value here shares: `from_dict`, and `null` read as a missing key."""

    # defaults for keys the data may leave out although the field has no default (a field
    # with a default after it must have one too)
    absent: ClassVar[dict[str, Any]] = {}

    @model_validator(mode="before")
    @classmethod
    def _missing_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):  # a constructor call, or not an object at all
            return data
        if None in data.values():  # copied only when needed: this runs for every object
            data = {k: v for k, v in data.items() if v is not None}
        if not cls.absent.keys() <= data.keys():
            data = {**cls.absent, **data}
        return cls._prepare(data)

    @classmethod
    def _prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        """What a kind of value does to its data before it is checked (never in place)."""
        return data

    @classmethod
    def from_dict(cls, data: Any, path: str | None = None) -> Self:
        """The value `data` describes; `path` (the class's name by default) begins each
        bad field's name in the ValidationError, which lists them all."""
        validator = cls.__pydantic_validator__  # type: ignore[attr-defined]  # pydantic adds it
        try:
            value: Self = validator.validate_python(data)
        except pydantic.ValidationError as err:
            where = cls.__name__.lower() if path is None else path
            raise ValidationError.of(_problems(err, where)) from None
        return value

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (lists, ISO dates), as `from_dict` reads them back."""
        serializer = self.__pydantic_serializer__  # type: ignore[attr-defined]  # pydantic adds it
        return serializer.to_python(self, mode="json")


@dataclass(frozen=True, config=CHECKED)
class Fee(Record):
    kind: Annotated[str, PlainValidator(_one_of(FEE_KINDS))]  # le_phi (lệ phí) | phi (phí)
    amount: Money | None  # VND; None when it depends (see description)
    description: OptionalText = ""

    absent: ClassVar[dict[str, Any]] = {"kind": "le_phi", "amount": None}


@dataclass(frozen=True, config=CHECKED)
class Channel(Record):
    """One way to carry out the procedure (Cách thức thực hiện)."""

    method: Annotated[str, PlainValidator(_one_of(METHODS))]
    # None: the time is only described in `time_note`
    time: Annotated[float, Strict(), Field(ge=0), PlainSerializer(_number)] | None
    time_unit: Annotated[str, PlainValidator(_one_of(TIME_UNITS))]
    time_note: OptionalText = ""
    fees: tuple[Fee, ...] = ()

    @classmethod
    def _prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        if "time" not in data:  # allowed when a note says it ("Ngay trong ngày")
            note = data.get("time_note")
            return {"time_unit": "working_day", **data,
                    "time": None if isinstance(note, str) and note.strip() else _NO_TIME}
        return data

    @property
    def is_free(self) -> bool:
        return all(fee.amount == 0 for fee in self.fees)


@dataclass(frozen=True, config=CHECKED)
class Component(Record):
    """One paper in a dossier (Thành phần hồ sơ)."""

    name: Text
    originals: Count
    copies: Count
    required: Flag = True
    form: Text | None = None
    sample: Text | None = None


@dataclass(frozen=True, config=CHECKED)
class DossierCase(Record):
    """A case (trường hợp) with its own list of papers."""

    name: OptionalText
    components: Annotated[tuple[Component, ...], Field(min_length=1)]

    absent: ClassVar[dict[str, Any]] = {"name": ""}


@dataclass(frozen=True, config=CHECKED)
class LegalDocument(Record):
    number: Text
    title: OptionalText
    date: Day | None = None
    issuer: OptionalText = ""

    absent: ClassVar[dict[str, Any]] = {"title": ""}


@dataclass(frozen=True, config=CHECKED)
class AgencyRef(Record):
    executing: Text
    competent: OptionalText = ""
    receiving_address: OptionalText = ""
    authorised: OptionalText = ""  # Cơ quan được ủy quyền
    coordinating: OptionalText = ""  # Cơ quan phối hợp


@dataclass(frozen=True, config=CHECKED)
class Named(Record):
    """A named thing with its code: a result paper, a related procedure."""

    name: Text
    code: OptionalText = ""


@dataclass(frozen=True, config=CHECKED)
class Procedure(Record):
    """An administrative procedure (thủ tục hành chính) as in the national database."""

    code: Annotated[Text, AfterValidator(check(
        PROCEDURE_CODE.match, "must look like 1.001193 or 2.000815.000.00.00.H55"))]
    name: Text
    levels: Levels
    field: Text
    agency: AgencyRef
    steps: Texts
    channels: Annotated[tuple[Channel, ...], Field(min_length=1)]
    cases: tuple[DossierCase, ...]
    result: OptionalText
    applicants: Texts
    conditions: Texts
    legal_basis: tuple[LegalDocument, ...]
    online_level: Annotated[str, PlainValidator(_one_of(ONLINE_LEVELS))]
    updated_at: Timestamp
    kind: OptionalText = ""
    keywords: Texts = ()
    # what an online submission asks of the applicant; () means the usual fields
    applicant_fields: ApplicantFields = ()
    demo: Flag = False
    # fields (lĩnh vực) beyond `field`, the first one: real procedures often have several
    more_fields: Texts = ()
    description: OptionalText = ""
    results: tuple[Named, ...] = ()  # the result papers with their codes; `result` reads them
    related: tuple[Named, ...] = ()  # related procedures
    decision: OptionalText = ""  # the decision that published the procedure, e.g. 163/QĐ-BTP

    absent: ClassVar[dict[str, Any]] = {
        "cases": (), "result": "", "applicants": (), "conditions": (), "legal_basis": (),
        "online_level": "none"}

    @field_validator("online_level")
    @classmethod
    def _online_needs_a_channel(cls, level: str, info: ValidationInfo) -> str:
        channels = info.data.get("channels")  # absent when the channels themselves are wrong
        if level != "none" and channels is not None and \
                not any(c.method == "online" for c in channels):
            raise invalid("is online but no channel has method 'online'")
        return level

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


@dataclass(frozen=True, config=CHECKED)
class FormField(Record):
    label: Text
    sample: OptionalText = ""
    lines: Annotated[int, Strict(), between(1, 20)] = 1


@dataclass(frozen=True, config=CHECKED)
class FormSection(Record):
    heading: OptionalText
    fields: Annotated[tuple[FormField, ...], Field(min_length=1)]

    absent: ClassVar[dict[str, Any]] = {"heading": ""}


@dataclass(frozen=True, config=CHECKED)
class Form(Record):
    """A form template (mẫu đơn, tờ khai); `has_sample` when every field has a sample value.
    A form that came as a file (a Word template converted to PDF) has no sections."""

    code: Text
    title: Text
    issued_by: OptionalText = ""
    addressee: OptionalText = ""
    sections: tuple[FormSection, ...] = ()
    declaration: OptionalText = ""
    signature: OptionalText = ""
    sample_signer: OptionalText = ""

    @property
    def has_sample(self) -> bool:
        fields = [f for s in self.sections for f in s.fields]
        return bool(fields) and all(f.sample for f in fields)



@dataclass(frozen=True, config=CHECKED)
class Agency(Record):
    code: Text
    name: Text
    level: Text
    parent: Text | None = None
    address: OptionalText = ""
    phone: OptionalText = ""


@plain_dataclass(frozen=True)
class AgencyTree:
    """Agencies linked by `parent`; the levels are whatever the data says."""

    agencies: Mapping[str, Agency]

    @classmethod
    def build(cls, agencies: Iterable[Agency]) -> AgencyTree:
        """The tree, or a ValidationError naming every code twice, unknown parent and cycle."""
        listed = list(agencies)
        by_code: dict[str, Agency] = {}
        problems = []
        for i, agency in enumerate(listed):
            if agency.code in by_code:
                problems.append((f"agencies[{i}].code", f"{agency.code} appears twice"))
            by_code.setdefault(agency.code, agency)
        for i, agency in enumerate(listed):
            if agency.parent and agency.parent not in by_code:
                problems.append((f"agencies[{i}].parent", f"unknown agency {agency.parent}"))
        if problems:  # a cycle is looked for among known parents only
            raise ValidationError.of(problems)
        tree = cls(by_code)
        for code in by_code:
            try:
                tree.ancestors(code)
            except ValidationError as err:
                problems.extend(err.errors)
        if problems:
            raise ValidationError.of(problems)
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


@dataclass(frozen=True, config=CHECKED)
class _CatalogueFile(Record):
    """A catalogue's top level; its items are read one by one, to name every bad one."""

    procedures: Annotated[tuple[Any, ...], Field(min_length=1)]
    forms: tuple[Any, ...] = ()
    agencies: tuple[Any, ...] = ()
    demo: Flag = False


def _each(kind: type[R], items: Sequence[Any], path: str,
          problems: list[tuple[str, str]]) -> list[tuple[int, R]]:
    """The items that are right, by their place in the list; what is wrong with the others
    goes to `problems`."""
    good = []
    for i, item in enumerate(items):
        try:
            good.append((i, kind.from_dict(item, f"{path}[{i}]")))
        except ValidationError as err:
            problems.extend(err.errors)
    return good


def _reference_problems(procedures: Iterable[tuple[int, Procedure]], forms: Mapping[str, Form],
                        forms_whole: bool = True) -> list[tuple[str, str]]:
    """Every procedure code that appears twice, and (when `forms_whole`: no form was left
    out for its own problems) every form named but not in `forms`."""
    problems = []
    seen: set[str] = set()
    for i, procedure in procedures:
        if procedure.code in seen:
            problems.append((f"procedures[{i}].code", f"{procedure.code} appears twice"))
        seen.add(procedure.code)
        for j, case in enumerate(procedure.cases if forms_whole else ()):
            for k, comp in enumerate(case.components):
                where = f"procedures[{i}].cases[{j}].components[{k}]"
                if comp.form and comp.form not in forms:
                    problems.append((f"{where}.form", f"unknown form {comp.form}"))
                if comp.sample and not (comp.sample in forms and forms[comp.sample].has_sample):
                    problems.append((f"{where}.sample",
                                     f"{comp.sample} is not a form with sample values"))
    return problems


@plain_dataclass(frozen=True)
class Catalogue:
    """Procedures, forms and agencies that belong together, checked for dangling references."""

    procedures: tuple[Procedure, ...]
    forms: Mapping[str, Form] = field(default_factory=dict)
    agencies: AgencyTree = field(default_factory=lambda: AgencyTree({}))
    demo: bool = False

    @classmethod
    def from_dict(cls, data: Any) -> Catalogue:
        """The catalogue, or a ValidationError listing every problem in it. What refers to
        other items is checked when those items are all right (a bad form is not also
        reported as unknown wherever it is named)."""
        top = _CatalogueFile.from_dict(data, "")
        problems: list[tuple[str, str]] = []
        forms: dict[str, Form] = {}
        good_forms = _each(Form, top.forms, "forms", problems)
        for i, form in good_forms:
            if form.code in forms:
                problems.append((f"forms[{i}].code", f"{form.code} appears twice"))
            forms.setdefault(form.code, form)
        procedures = _each(Procedure, top.procedures, "procedures", problems)
        agencies = _each(Agency, top.agencies, "agencies", problems)
        tree = AgencyTree({})
        if len(agencies) == len(top.agencies):
            try:
                tree = AgencyTree.build(agency for _, agency in agencies)
            except ValidationError as err:
                problems.extend(err.errors)
        problems.extend(_reference_problems(procedures, forms,
                                            forms_whole=len(good_forms) == len(top.forms)))
        if problems:
            raise ValidationError.of(problems)
        return cls(tuple(p for _, p in procedures), forms, tree, top.demo)

    def check_references(self) -> None:
        """A ValidationError naming every procedure code twice and every unknown form."""
        problems = _reference_problems(enumerate(self.procedures), self.forms)
        if problems:
            raise ValidationError.of(problems)

    def to_dict(self) -> dict[str, Any]:
        return {"format": "kiosk-catalogue/1", "demo": self.demo,
                "agencies": [a.to_dict() for a in self.agencies.agencies.values()],
                "forms": [f.to_dict() for f in self.forms.values()],
                "procedures": [p.to_dict() for p in self.procedures]}
