"""Which cases: one selection for the statistics, the dashboard, the case list, reports and exports.

A CaseFilter is a plain value. The statistics compile it to a Polars condition
over their snapshot (amparo.stats.filters.snapshot_condition), the case list to a
database condition (`case_condition` here). Each field selects by the keys of
the statistics' dimension of the same name, "unknown" included, so a figure
and the list of the cases it counts are the same cases. It is written as JSON
into every report, export and audit event, so a published figure says which
cases it counted.
"""

import json
import operator
from dataclasses import dataclass, fields
from functools import reduce

from django.db.models import Exists, OuterRef, Q

from amparo.core import age_bands, codelists
from amparo.registry.models import CaseCode, Perpetrator

UNKNOWN = age_bands.UNKNOWN  # the key of a missing value (no place, no sex recorded, no exploitation, ...)
PLACE_LENGTHS = {"departments": 2, "provinces": 4, "districts": 6}
FLAGS = ("family_facilitated", "synthetic")  # true, false, or None for either
WHOLE_NUMBERS = ("years", "source_organisation_ids")


class CaseFilterError(ValueError):
    """A filter that names a field, a key or a value no case can have."""


@dataclass(frozen=True)
class CaseFilter:
    """A selection of cases; an empty field means "no condition", several keys in a field mean "any of them".

    Place codes are INEI ubigeo codes of their level; age groups are labels of
    age_bands.PERU_BANDS; sexes, exploitation types, relationships and the
    organised-network answer are codelist codes; "unknown" selects the cases
    where the value is missing.
    """

    years: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    exploitation_types: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    recruiter_relationships: tuple[str, ...] = ()
    source_organisation_ids: tuple[int, ...] = ()
    family_facilitated: bool | None = None
    organised_network: tuple[str, ...] = ()
    synthetic: bool | None = None  # None: real and synthetic cases alike

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in FLAGS:
                if value is not None and not isinstance(value, bool):
                    raise CaseFilterError(f"{item.name} must be true, false or null, not {value!r}")
                continue
            if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
                raise CaseFilterError(f"{item.name} must be a list, not {value!r}")
            whole = item.name in WHOLE_NUMBERS
            for key in value:
                if whole and (isinstance(key, bool) or not isinstance(key, int)):
                    raise CaseFilterError(f"{item.name} holds whole numbers, not {key!r}")
                if not whole and not isinstance(key, str):
                    raise CaseFilterError(f"{item.name} holds codes as text, not {key!r}")
            object.__setattr__(self, item.name, tuple(value))
        for name, length in PLACE_LENGTHS.items():
            for code in getattr(self, name):
                if code != UNKNOWN and (len(code) != length or not code.isdigit()):
                    raise CaseFilterError(f"{name} holds ubigeo codes of {length} digits or {UNKNOWN!r}, not {code!r}")
        # The standard's code for an unknown sex is this filter's "unknown" (codelists.GENDER_UNKNOWN).
        sexes = (UNKNOWN if sex == codelists.GENDER_UNKNOWN else sex for sex in self.sexes)
        object.__setattr__(self, "sexes", tuple(dict.fromkeys(sexes)))
        known = [b.label for b in age_bands.PERU_BANDS] + [UNKNOWN]
        for label in self.age_groups:
            if label not in known:
                raise CaseFilterError(f"unknown age group {label!r}; expected one of " + ", ".join(known))

    def as_dict(self) -> dict:
        """The fields that select something, as JSON values (an empty filter is {})."""
        data = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value not in (None, ()):
                data[item.name] = list(value) if isinstance(value, tuple) else value
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "CaseFilter":
        if not isinstance(data, dict):
            raise CaseFilterError(f"a case filter is a JSON object, not {data!r}")
        names = [item.name for item in fields(cls)]
        unknown = [key for key in data if key not in names]
        if unknown:
            raise CaseFilterError(f"unknown filter field {unknown[0]!r}; expected one of " + ", ".join(names))
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "CaseFilter":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CaseFilterError(f"a case filter is a JSON object; {error}") from None
        return cls.from_dict(data)


def provenance(selection: CaseFilter, revision: str, **more) -> dict:
    """What a report, a download or an export was computed from: its filter and the registry revision
    (registry.models.RegistryRevision.token), recorded in the file and in the audit log."""
    return {"filters": selection.as_dict(), "registry_revision": revision, **more}


def _known(column: str, keys: tuple[str, ...], unknown_codes: tuple[str, ...] = ()) -> Q:
    """A text column whose value is one of the keys; an empty value (or a code that means it) is "unknown"."""
    condition = Q(**{f"{column}__in": keys})
    return condition | Q(**{f"{column}__in": ("", *unknown_codes)}) if UNKNOWN in keys else condition


def _age_groups(labels: tuple[str, ...]) -> Q:
    """Cases whose age when trafficked falls in one of the bands (age_bands, the one definition)."""
    conditions = []
    for label in labels:
        if label == UNKNOWN:
            conditions.append(Q(age_when_trafficked__isnull=True))
            continue
        band = next(b for b in age_bands.PERU_BANDS if b.label == label)
        upper = Q(age_when_trafficked__lte=band.upper) if band.upper is not None else Q()
        conditions.append(Q(age_when_trafficked__gte=band.lower) & upper)
    return reduce(operator.or_, conditions)


def _any_of(rows, column: str, keys: tuple[str, ...]) -> Q:
    """Cases with a row among `rows` (their codes or perpetrators) whose `column` holds one of the keys;
    "unknown" also selects the cases with no such row at all, as the statistics count them."""
    of_case = rows.filter(case=OuterRef("pk"))
    condition = Q(Exists(of_case.filter(**{f"{column}__in": keys})))
    return condition | ~Q(Exists(of_case)) if UNKNOWN in keys else condition


def case_condition(selection: CaseFilter) -> Q:
    """The condition on registry Case rows that selects exactly the cases the statistics count for this filter."""
    condition = Q()
    if selection.years:
        # One range per year (an index range scan), not the year extracted from every row.
        condition &= reduce(operator.or_, (Q(registration_date__year=year) for year in selection.years))
    for name, column, unknown_codes in (
        ("departments", "department_code", ()),
        ("provinces", "province_code", ()),
        ("districts", "district_code", ()),
        ("sexes", "victim__gender", (codelists.GENDER_UNKNOWN,)),
        ("organised_network", "organised_network", ()),
    ):
        if getattr(selection, name):
            condition &= _known(column, getattr(selection, name), unknown_codes)
    if selection.age_groups:
        condition &= _age_groups(selection.age_groups)
    if selection.exploitation_types:
        codes = CaseCode.objects.filter(field=CaseCode.Field.EXPLOITATION)
        condition &= _any_of(codes, "code", selection.exploitation_types)
    if selection.recruiter_relationships:
        condition &= _any_of(Perpetrator.objects.all(), "relationship", selection.recruiter_relationships)
    if selection.source_organisation_ids:
        condition &= Q(source_organisation_id__in=selection.source_organisation_ids)
    if selection.family_facilitated is not None:
        condition &= Q(family_facilitated=selection.family_facilitated)
    if selection.synthetic is not None:
        condition &= Q(is_synthetic=selection.synthetic)
    return condition
