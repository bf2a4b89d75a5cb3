"""Reads of the registry for people: always through the access layer, never the whole table."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from amparo.accounts.access import cases_visible_to, may_see_identities
from amparo.core import crypto
from amparo.registry.models import Case, CaseCode, PersonIdentity


@dataclass
class CaseListFilters:
    query: str = ""
    year: int | None = None
    department: str = ""
    exploitation: str = ""
    family_facilitated: bool | None = None
    status: str = ""
    source: int | None = None


def case_list(*, user, filters: CaseListFilters) -> QuerySet[Case]:
    """Cases the user may see, filtered. Search matches the source's record id, or (for roles allowed
    to see identities) the exact identity number through its keyed hash."""
    cases = cases_visible_to(user).select_related("source_organisation")
    if filters.query:
        match = Q(source_record_id__iexact=filters.query.strip())
        if may_see_identities(user):
            hashed = crypto.lookup_hash(filters.query)
            match |= Q(victim__in=PersonIdentity.objects.filter(identity_number_hash=hashed).values("person_id"))
        cases = cases.filter(match)
    if filters.year:
        cases = cases.filter(registration_date__year=filters.year)
    if filters.department:
        cases = cases.filter(department_code=filters.department)
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
