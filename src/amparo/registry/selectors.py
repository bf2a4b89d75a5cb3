"""Reads of the registry for people: always through the access layer, never the whole table."""

from datetime import date

from django.db.models import Max, Min, Q, QuerySet

from amparo.core.text import fold
from amparo.registry.access import cases_visible_to, victims_found
from amparo.registry.case_filter import CaseFilter, case_condition
from amparo.registry.models import Case, Organisation, RegistryRevision
from amparo.registry.name_index import name_closeness


def registry_revision() -> str:
    """The token of the registry's current revision: it changes with every write of cases ("" before the first)."""
    return RegistryRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def years_with_cases() -> list[int]:
    """Years from the first registration to the last, newest first (two index look-ups, no scan: one query
    asking for both the smallest and the largest date scans the whole index on SQLite)."""
    first = Case.objects.aggregate(first=Min("registration_date"))["first"]
    if first is None:
        return []
    last = Case.objects.aggregate(last=Max("registration_date"))["last"]
    return list(range(last.year, first.year - 1, -1))


def last_complete_year(today: date) -> int | None:
    """The year of the newest case registered before this year began: a year just begun, with a handful of
    cases, would make every figure look like a collapse. This year when every case is of this year."""
    before = Case.objects.filter(registration_date__lt=date(today.year, 1, 1)).aggregate(last=Max("registration_date"))
    if before["last"] is not None:
        return before["last"].year
    newest = Case.objects.aggregate(last=Max("registration_date"))["last"]
    return None if newest is None else newest.year


def case_list(*, user, filters: CaseFilter, search: str = "", status: str = "", request=None) -> QuerySet[Case]:
    """Cases the user may see, selected by the one case filter (the cases the statistics count for it).

    `search` matches the source's record id or, for roles allowed to see identities, the victim's exact
    identity number or name through the one audited identity search (registry.access.victims_found); the
    victims whose name has most of its words as written come first.
    """
    cases = cases_visible_to(user).filter(case_condition(filters)).select_related("source_organisation")
    order = ["-registration_date", "-id"]
    if search.strip():
        # Two sets of ids, each found once, rather than a condition tested on every case.
        by_record = Case.objects.filter(source_record_id__iexact=search.strip()).values("pk")
        victims = victims_found(user, search, request)
        cases = cases.filter(Q(pk__in=by_record) | Q(victim_id__in=victims.values("pk")))
        closeness = name_closeness(search, "victim_id")
        if closeness is not None:
            cases = cases.annotate(closeness=closeness)
            order.insert(0, "-closeness")
    if status:
        cases = cases.filter(status=status)
    return cases.order_by(*order)


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


def organisation_named(name: str) -> Organisation | None:
    """The organisation of this name, case, accents and spacing ignored (core.text.fold): people type a
    source's name as they say it, and two organisations are never told apart by an accent."""
    wanted = fold(name)
    return next((o for o in Organisation.objects.order_by("id") if fold(o.name) == wanted), None)
