"""Reads of the registry for people: always through the access layer, never the whole table."""

from django.db.models import Max, Min, Q, QuerySet

from amparo.registry.access import cases_visible_to, victims_with_identity_number
from amparo.registry.case_filter import CaseFilter, case_condition
from amparo.registry.models import Case, RegistryRevision


def registry_revision() -> str:
    """The token of the registry's current revision: it changes with every write of cases ("" before the first)."""
    return RegistryRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def years_with_cases() -> list[int]:
    """Years from the first registration to the last, newest first (two index look-ups, no scan)."""
    span = Case.objects.aggregate(first=Min("registration_date"), last=Max("registration_date"))
    if span["first"] is None:
        return []
    return list(range(span["last"].year, span["first"].year - 1, -1))


def case_list(*, user, filters: CaseFilter, search: str = "", status: str = "", request=None) -> QuerySet[Case]:
    """Cases the user may see, selected by the one case filter (the cases the statistics count for it).

    `search` matches the source's record id or, for roles allowed to see identities, the victim's exact
    identity number through the one audited identity search (registry.access.victims_with_identity_number).
    """
    cases = cases_visible_to(user).filter(case_condition(filters)).select_related("source_organisation")
    if search.strip():
        match = Q(source_record_id__iexact=search.strip())
        match |= Q(victim__in=victims_with_identity_number(user, search, request).values("pk"))
        cases = cases.filter(match)
    if status:
        cases = cases.filter(status=status)
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
