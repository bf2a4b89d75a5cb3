"""Merging two linked victims and splitting a record out of one: kept as people's decisions, audited, and obeyed
by every later run and by the linking of new records, on a registry small enough to count by hand.

The registry: child A reported by the police (P1) and an NGO (N1), child B by both (P2, N2), child C by the
police only (P3), child D by the NGO only (N3). Each pair of reports of one child is identical, so a run links
them; the four children share nothing. Six records, four victims.
"""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from amparo.audit.models import AuditAction, AuditEvent
from amparo.linkage.models import ClusterDecision, ClusterMembership, PairDecision
from amparo.linkage.services import (
    ClusterDecisionRefused,
    cluster_split,
    clusters_merge,
    linkage_link_new,
    linkage_run,
)
from amparo.registry.models import Case, Organisation
from amparo.registry.records import CaseRecord, EventRecord, PersonRecord
from amparo.registry.services import cases_register
from tests.linkage.test_statistics import _victims_by_year

CHILDREN = {
    "A": ("Feminine", "Rosa Elena", "Quispe Mamani", date(2008, 3, 14), "71234567", "080101"),
    "B": ("Masculine", "Luis Alberto", "Huamán Torres", date(2007, 11, 2), "72345678", "150101"),
    "C": ("Feminine", "Carmen", "Condori Apaza", date(2009, 5, 20), "", "210101"),
    "D": ("Feminine", "Juana", "Flores Ccama", date(2006, 1, 9), "", "120101"),
}
REPORTS = {"police": [("P1", "A"), ("P2", "B"), ("P3", "C")], "ngo": [("N1", "A"), ("N2", "B"), ("N3", "D")]}
REASON = "Same mother and school in both files"


def _case(record_id: str, child: str) -> CaseRecord:
    gender, given, surnames, born, number, ubigeo = CHILDREN[child]
    return CaseRecord(
        source_record_id=record_id,
        registration_date=date(2024, 5, 6),
        victim=PersonRecord(gender, "PE", given, surnames, born, number),
        age_when_trafficked=2024 - born.year,
        events=[EventRecord("Exploitation", ubigeo)],
    )


def _register(source: str, reports: list[tuple[str, str]]) -> None:
    organisation, _created = Organisation.objects.get_or_create(name=source, defaults={"org_type": "NGO"})
    cases_register(records=[_case(record_id, child) for record_id, child in reports], source=organisation)


@pytest.fixture
def four_children(db, previous_run):
    """The six reports, linked by a run with the trained model; returns {record id: person id}."""
    for source, reports in REPORTS.items():
        _register(source, reports)
    linkage_run(retrain=False)
    return dict(Case.objects.values_list("source_record_id", "victim_id"))


def _key(person: int) -> str:
    return ClusterMembership.objects.get(person_id=person).cluster_key


def _groups(people: dict[str, int]) -> set[frozenset[str]]:
    """The records each linked victim holds, by record id."""
    keys = dict(ClusterMembership.objects.values_list("person_id", "cluster_key"))
    groups = {}
    for record_id, person in people.items():
        groups.setdefault(keys[person], set()).add(record_id)
    return {frozenset(group) for group in groups.values()}


def _as_groups(*groups: list[str]) -> set[frozenset[str]]:
    return {frozenset(group) for group in groups}


@pytest.mark.django_db
def test_a_merge_makes_two_victims_one_and_every_later_run_keeps_it(four_children, data_manager):
    people = four_children
    assert _groups(people) == _as_groups(["P1", "N1"], ["P2", "N2"], ["P3"], ["N3"])
    assert _victims_by_year() == 4

    decision = clusters_merge(
        user=data_manager, cluster_key=_key(people["P3"]), other_key=_key(people["N3"]), reason=REASON
    )
    merged = _as_groups(["P1", "N1"], ["P2", "N2"], ["P3", "N3"])
    assert _groups(people) == merged
    assert _victims_by_year() == 3
    assert decision.kind == "merge" and decision.pairs == 1
    assert list(PairDecision.objects.values_list("first", "second", "verdict")) == [
        (*sorted((people["P3"], people["N3"])), "accept")
    ]

    linkage_run(retrain=False)
    assert _groups(people) == merged
    assert _victims_by_year() == 3


@pytest.mark.django_db
def test_a_split_keeps_the_record_apart_in_every_later_run_even_through_a_third_record(four_children, data_manager):
    people = four_children
    decision = cluster_split(user=data_manager, cluster_key=_key(people["P1"]), person_id=people["N1"], reason=REASON)
    split = _as_groups(["P1"], ["N1"], ["P2", "N2"], ["P3"], ["N3"])
    assert _groups(people) == split
    assert _victims_by_year() == 5
    assert decision.kind == "split" and decision.pairs == 1

    linkage_run(retrain=False)
    assert _groups(people) == split

    # A third report of child A, identical to both, arrives and is linked as a new record: it may join one
    # of them, never both.
    _register("hotline", [("H1", "A")])
    linkage_link_new()
    people = dict(Case.objects.values_list("source_record_id", "victim_id"))
    assert _key(people["P1"]) != _key(people["N1"])
    assert _key(people["H1"]) in {_key(people["P1"]), _key(people["N1"])}
    assert _victims_by_year() == 5
    linkage_run(retrain=False)
    assert _key(people["P1"]) != _key(people["N1"])
    assert _victims_by_year() == 5


@pytest.mark.django_db
def test_a_merge_overrides_an_earlier_split_of_the_same_records(four_children, data_manager):
    people = four_children
    cluster_split(user=data_manager, cluster_key=_key(people["P1"]), person_id=people["N1"], reason=REASON)
    clusters_merge(user=data_manager, cluster_key=_key(people["P1"]), other_key=_key(people["N1"]), reason=REASON)
    assert _key(people["P1"]) == _key(people["N1"])
    assert list(PairDecision.objects.values_list("verdict", flat=True)) == ["accept"]
    linkage_run(retrain=False)
    assert _victims_by_year() == 4


@pytest.mark.django_db
def test_merges_and_splits_are_audited_without_identities_and_the_reason_is_sealed(four_children, data_manager):
    people = four_children
    merge = clusters_merge(
        user=data_manager, cluster_key=_key(people["P3"]), other_key=_key(people["N3"]), reason=REASON
    )
    split = cluster_split(user=data_manager, cluster_key=_key(people["P2"]), person_id=people["N2"], reason=REASON)
    events = {
        event.action: event
        for event in AuditEvent.objects.filter(object_type="linkage.ClusterDecision", user=data_manager)
    }
    assert events[AuditAction.APPROVE].object_id == str(merge.pk)
    assert events[AuditAction.REFUSE].object_id == str(split.pk)
    assert events[AuditAction.REFUSE].details["record"] == people["N2"]
    logged = str([event.details for event in events.values()])
    for _gender, given, surnames, born, number, _ubigeo in CHILDREN.values():
        for value in (*given.split(), *surnames.split(), born.isoformat(), number or "no number"):
            assert value not in logged
    assert "Same mother" not in logged
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM linkage_clusterdecision")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 2 and not any("Same mother" in value for value in stored)
    assert {decision.reason for decision in ClusterDecision.objects.all()} == {REASON}


@pytest.mark.django_db
def test_bad_merges_and_splits_are_refused_with_a_message(four_children, data_manager):
    people = four_children
    a, c = _key(people["P1"]), _key(people["P3"])
    with pytest.raises(ClusterDecisionRefused, match=f"{a} cannot be merged with itself"):
        clusters_merge(user=data_manager, cluster_key=a, other_key=a, reason=REASON)
    with pytest.raises(ClusterDecisionRefused, match=f"Record {people['N2']} is not one of linked victim {a}'s"):
        cluster_split(user=data_manager, cluster_key=a, person_id=people["N2"], reason=REASON)
    with pytest.raises(ClusterDecisionRefused, match=f"Linked victim {c} has only this record"):
        cluster_split(user=data_manager, cluster_key=c, person_id=people["P3"], reason=REASON)
    with pytest.raises(ClusterDecisionRefused, match="needs a reason"):
        clusters_merge(user=data_manager, cluster_key=a, other_key=c, reason="  ")
    assert not PairDecision.objects.exists() and not ClusterDecision.objects.exists()


def _page_after(response) -> str:
    assert response.status_code in (200, 404)
    return response.content.decode()


@pytest.mark.django_db
def test_the_victim_page_shows_the_records_and_merges_and_splits(four_children, data_manager, client_as):
    people = four_children
    client = client_as(data_manager)
    a = _key(people["P1"])
    page = client.get(reverse("linkage:victim", args=[a]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Quispe Mamani" in page and "P1" in page and "N1" in page and "Huamán" not in page
    assert client.get(reverse("linkage:victim-find"), {"key": a.lower()})["Location"] == f"/linkage/victims/{a}/"

    response = client.post(
        reverse("linkage:merge", args=[_key(people["P3"])]),
        {"other": _key(people["N3"]), "reason": REASON},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "are one victim" in _page_after(response)
    assert _key(people["P3"]) == _key(people["N3"])

    response = client.post(
        reverse("linkage:split", args=[a]),
        {"person": people["N1"], "reason": REASON},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "apart from the others" in _page_after(response)
    assert _victims_by_year() == 4  # A split in two, C and D merged


@pytest.mark.django_db
def test_bad_input_on_the_page_gets_a_message_not_an_error(four_children, data_manager, client_as):
    people = four_children
    client = client_as(data_manager)
    a, c, d = _key(people["P1"]), _key(people["P3"]), _key(people["N3"])
    clusters_merge(user=data_manager, cluster_key=c, other_key=d, reason=REASON)
    linkage_run(retrain=False)
    stale = d if _key(people["N3"]) == c else c
    cases = {
        "merge with itself": (reverse("linkage:merge", args=[a]), {"other": a, "reason": REASON}, "with itself"),
        "a stale key": (reverse("linkage:merge", args=[a]), {"other": stale, "reason": REASON}, "no linked victim"),
        "a stale page": (reverse("linkage:split", args=[stale]), {"person": people["N3"], "reason": REASON}, stale),
        "a record of another": (
            reverse("linkage:split", args=[a]),
            {"person": people["P2"], "reason": REASON},
            "is not one of linked victim",
        ),
        "no record": (reverse("linkage:split", args=[a]), {"person": "x", "reason": REASON}, "Choose the record"),
        "no reason": (reverse("linkage:split", args=[a]), {"person": people["N1"], "reason": ""}, "needs a reason"),
    }
    for name, (url, data, message) in cases.items():
        page = _page_after(client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en"))
        assert message in page, name
    assert _victims_by_year() == 3
    assert ClusterDecision.objects.count() == 1
    response = client.get(reverse("linkage:victim", args=[stale]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "There is no linked victim" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["analyst", "registrar", "case_worker", "supervisor"])
def test_roles_that_may_not_review_may_neither_see_nor_merge_nor_split(four_children, persona, request, client_as):
    people = four_children
    client = client_as(request.getfixturevalue(persona))
    a, c = _key(people["P1"]), _key(people["P3"])
    assert client.get(reverse("linkage:victim", args=[a])).status_code == 403
    assert client.get(reverse("linkage:victim-find"), {"key": a}).status_code == 403
    assert client.post(reverse("linkage:merge", args=[a]), {"other": c, "reason": REASON}).status_code == 403
    response = client.post(reverse("linkage:split", args=[a]), {"person": people["N1"], "reason": REASON})
    assert response.status_code == 403
    assert not PairDecision.objects.exists() and not ClusterDecision.objects.exists()
    assert _victims_by_year() == 4
