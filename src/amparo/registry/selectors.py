"""Reads of the registry for people: always through the access layer, never the whole table."""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.core import age_bands, crypto
from amparo.registry.access import cases_visible_to
from amparo.registry.models import Case, CaseCode, PersonIdentity
from amparo.registry.records import place_column


def years_with_cases() -> list[int]:
    """Years from the first registration to the last, newest first (two index look-ups, no scan)."""
    span = Case.objects.aggregate(first=Min("registration_date"), last=Max("registration_date"))
    if span["first"] is None:
        return []
    return list(range(span["last"].year, span["first"].year - 1, -1))


@dataclass
class CaseListFilters:
    """The case list's filters; the statistics' filters map onto them, so a figure leads to its cases."""

    query: str = ""
    years: tuple[int, ...] = ()
    place: str = ""  # an ubigeo: department (2 digits), province (4) or district (6)
    exploitation: str = ""
    family_facilitated: bool | None = None
    status: str = ""
    source: int | None = None
    sex: str = ""
    age_group: str = ""  # a label of age_bands.PERU_BANDS, or age_bands.UNKNOWN


def case_list(*, user, filters: CaseListFilters) -> QuerySet[Case]:
    """Cases the user may see, filtered. Search matches the source's record id, or (for roles allowed
    to see identities) the exact identity number through its keyed hash."""
    cases = cases_visible_to(user).select_related("source_organisation")
    if filters.query:
        match = Q(source_record_id__iexact=filters.query.strip())
        if may(user, Capability.IDENTITIES):
            hashed = crypto.lookup_hash(filters.query)
            match |= Q(victim__in=PersonIdentity.objects.filter(identity_number_hash=hashed).values("person_id"))
        cases = cases.filter(match)
    if filters.years:
        cases = cases.filter(reduce(operator.or_, (Q(registration_date__year=year) for year in filters.years)))
    if filters.place:
        cases = cases.filter(**{place_column(filters.place): filters.place})
    if filters.sex:
        cases = cases.filter(victim__gender=filters.sex)
    if filters.age_group:
        cases = cases.filter(_age_group(filters.age_group))
    if filters.exploitation:
        cases = cases.filter(Exists(CaseCode.objects.filter(
            case=OuterRef("pk"), field=CaseCode.Field.EXPLOITATION, code=filters.exploitation)))
    if filters.family_facilitated is not None:
        cases = cases.filter(family_facilitated=filters.family_facilitated)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.source:
        cases = cases.filter(source_organisation_id=filters.source)
    return cases.order_by("-registration_date", "-id")


def _age_group(label: str) -> Q:
    """Cases whose age when trafficked falls in the band of that label (age_bands, the one definition)."""
    if label == age_bands.UNKNOWN:
        return Q(age_when_trafficked__isnull=True)
    band = next(b for b in age_bands.PERU_BANDS if b.label == label)
    upper = Q(age_when_trafficked__lte=band.upper) if band.upper is not None else Q()
    return Q(age_when_trafficked__gte=band.lower) & upper


def case_detail(*, case: Case) -> dict:
    """Everything the detail page shows besides identity: codes, perpetrators, events."""
    codes: dict[str, list[str]] = {}
    for field_name, code in case.coded_values.values_list("field", "code"):
        codes.setdefault(field_name, []).append(code)
    return {
        "codes": codes,
        "perpetrators": list(case.perpetrators.all()),
        "events": list(case.events.all()),
    }
