"""Which cases a statistic covers: a plain filter turned into one SQL condition.

Conditions on multi-valued data (exploitation types, recruiter relationships)
are EXISTS subqueries, so a filtered case is never counted twice.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q

from amparo.core import age_bands
from amparo.registry.models import CaseCode, Perpetrator

UNKNOWN = "unknown"


@dataclass(frozen=True)
class CaseFilter:
    """A selection of cases; an empty field means "no condition".

    Place codes are INEI ubigeo codes ("unknown" selects cases with no place);
    age groups are Peru band labels ("0-12", ..., "35+", "unknown"); sexes,
    exploitation types and relationships are codelist codes.
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

    def q(self) -> Q:
        """The SQL condition on Case."""
        condition = Q()
        if self.years:
            condition &= _any(Q(registration_date__gte=date(y, 1, 1), registration_date__lt=date(y + 1, 1, 1))
                              for y in sorted(set(self.years)))
        for field, codes in (("department_code", self.departments), ("province_code", self.provinces),
                             ("district_code", self.districts)):
            if codes:
                condition &= Q(**{f"{field}__in": ["" if c == UNKNOWN else c for c in codes]})
        if self.sexes:
            condition &= Q(victim__gender__in=["" if s == UNKNOWN else s for s in self.sexes])
        if self.age_groups:
            condition &= _any(_age_group_q(label) for label in self.age_groups)
        if self.exploitation_types:
            condition &= _exploitation_q(self.exploitation_types)
        if self.recruiter_relationships:
            condition &= _relationship_q(self.recruiter_relationships)
        if self.source_organisation_ids:
            condition &= Q(source_organisation_id__in=self.source_organisation_ids)
        if self.family_facilitated is not None:
            condition &= Q(family_facilitated=self.family_facilitated)
        if self.organised_network:
            condition &= Q(organised_network__in=self.organised_network)
        if self.synthetic is not None:
            condition &= Q(is_synthetic=self.synthetic)
        return condition


def _any(conditions) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _age_group_q(label: str) -> Q:
    if label == UNKNOWN:
        return Q(age_when_trafficked__isnull=True)
    band = next((b for b in age_bands.PERU_BANDS if b.label == label), None)
    if band is None:
        raise ValueError(f"unknown age group {label!r}; expected one of "
                         + ", ".join([b.label for b in age_bands.PERU_BANDS] + [UNKNOWN]))
    q = Q(age_when_trafficked__gte=band.lower)
    return q if band.upper is None else q & Q(age_when_trafficked__lte=band.upper)


def _exploitation_q(codes: tuple[str, ...]) -> Q:
    known = [c for c in codes if c != UNKNOWN]
    of_case = CaseCode.objects.filter(case=OuterRef("pk"), field=CaseCode.Field.EXPLOITATION)
    condition = Q(Exists(of_case.filter(code__in=known))) if known else Q(pk__in=[])
    if UNKNOWN in codes:
        condition |= ~Q(Exists(of_case))
    return condition


def _relationship_q(codes: tuple[str, ...]) -> Q:
    of_case = Perpetrator.objects.filter(case=OuterRef("pk"))
    condition = Q(Exists(of_case.filter(relationship__in=codes)))
    if UNKNOWN in codes:
        condition |= ~Q(Exists(of_case))
    return condition
