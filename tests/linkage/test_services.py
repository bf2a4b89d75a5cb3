"""A linkage run over the registry, and people's decisions about pairs, on the real database."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from amparo.audit.models import AuditAction, AuditEvent
from amparo.linkage.models import ClusterMembership, LinkageRun, PairDecision, ScoredPair
from amparo.linkage.services import (
    MIN_TRAINING_RECORDS,
    LinkageRefused,
    linkage_link_new,
    linkage_run,
    pair_decide,
)
from amparo.registry.models import Case, Organisation, Person, PersonIdentity
from amparo.registry.services import cases_register
from tests.linkage.conftest import ORGANISATIONS, anonymous_case


def _key_of_case() -> dict[tuple[str, str], str]:
    keys = dict(ClusterMembership.objects.values_list("person_id", "cluster_key"))
    return {
        (name, record_id): keys[person]
        for name, record_id, person in Case.objects.values_list(
            "source_organisation__name", "source_record_id", "victim_id"
        )
    }


def _raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
        return cursor.fetchall()


@pytest.mark.django_db
def test_a_trained_run_counts_close_to_the_true_number_of_victims(registered_sources):
    run = linkage_run()
    true_people = len(set(registered_sources.values()))
    assert len(registered_sources) > 1.5 * true_people  # reports, not children
    found = _key_of_case()
    assert set(found) == set(registered_sources)
    assert abs(len(set(found.values())) - true_people) <= 0.02 * true_people
    run.refresh_from_db()
    assert run.trained and run.finished_at is not None
    assert (run.records, run.sources, run.clusters) == (len(registered_sources), 4, len(set(found.values())))
    assert run.candidate_pairs >= run.links > 0 and run.seconds > 0
    assert "splink 5.0.0" in run.code_version
    assert {c["output_column_name"] for c in run.model["comparisons"]} >= {"given_names", "surnames", "birth_date"}


@pytest.mark.django_db
def test_a_run_never_alters_a_source_record(registered_sources, previous_run):
    tables = ("registry_case", "registry_person", "registry_personidentity", "registry_traffickingevent")
    before = {table: _raw_rows(table) for table in tables}
    linkage_run(retrain=False)
    assert {table: _raw_rows(table) for table in tables} == before


@pytest.mark.django_db
def test_cluster_keys_name_the_smallest_case_and_survive_a_new_run(registered_sources, previous_run):
    linkage_run(retrain=False)
    first = dict(ClusterMembership.objects.values_list("person_id", "cluster_key"))
    smallest_case = {}
    for case_id, person in Case.objects.values_list("id", "victim_id"):
        key = first[person]
        smallest_case[key] = min(case_id, smallest_case.get(key, case_id))
    assert all(key == f"V{case_id}" for key, case_id in smallest_case.items())
    second_run = linkage_run(retrain=False)
    assert dict(ClusterMembership.objects.values_list("person_id", "cluster_key")) == first
    assert set(ClusterMembership.objects.values_list("run", flat=True)) == {second_run.pk}
    assert not ScoredPair.objects.exclude(run=second_run).exists()


@pytest.mark.django_db
def test_decisions_apply_at_once_and_survive_every_later_run(registered_sources, previous_run, data_manager):
    linkage_run(retrain=False)
    linked = ScoredPair.objects.filter(match_probability__gte=0.99).first()
    keys = dict(ClusterMembership.objects.values_list("person_id", "cluster_key"))
    to_join = (min(keys), max(keys))  # the first and last victims registered: different children
    assert keys[to_join[0]] != keys[to_join[1]]

    pair_decide(user=data_manager, first_id=linked.first_id, second_id=linked.second_id, verdict="reject")
    pair_decide(user=data_manager, first_id=to_join[1], second_id=to_join[0], verdict="accept")

    def key(person):
        return ClusterMembership.objects.get(person_id=person).cluster_key

    for rerun in (False, True):
        if rerun:
            linkage_run(retrain=False)
        assert key(linked.first_id) != key(linked.second_id)
        assert key(to_join[0]) == key(to_join[1])
    assert PairDecision.objects.count() == 2


@pytest.mark.django_db
def test_a_new_verdict_on_a_pair_replaces_the_old_one(registered_sources, previous_run, data_manager):
    linkage_run(retrain=False)
    pair = ScoredPair.objects.order_by("-match_probability").first()
    pair_decide(user=data_manager, first_id=pair.first_id, second_id=pair.second_id, verdict="reject")
    pair_decide(user=data_manager, first_id=pair.first_id, second_id=pair.second_id, verdict="accept")
    assert list(PairDecision.objects.values_list("verdict", flat=True)) == ["accept"]


@pytest.mark.django_db
def test_runs_and_decisions_are_audited_without_identities(registered_sources, previous_run, data_manager):
    run = linkage_run(user=data_manager, retrain=False)
    pair = ScoredPair.objects.first()
    decision = pair_decide(user=data_manager, first_id=pair.first_id, second_id=pair.second_id, verdict="reject")
    run_event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="linkage.LinkageRun")
    assert run_event.object_id == str(run.pk) and run_event.details["clusters"] == run.clusters
    decision_event = AuditEvent.objects.get(action=AuditAction.REFUSE, object_type="linkage.PairDecision")
    assert decision_event.object_id == str(decision.pk) and decision_event.user == data_manager
    identity = PersonIdentity.objects.get(person_id=pair.first_id)
    for event in (run_event, decision_event):
        assert identity.first_name not in str(event.details) and identity.second_name not in str(event.details)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["analyst", "case_worker", "registrar", "supervisor"])
def test_only_data_managers_and_administrators_decide(registered_sources, previous_run, persona, request):
    linkage_run(retrain=False)
    pair = ScoredPair.objects.first()
    with pytest.raises(PermissionDenied):
        pair_decide(
            user=request.getfixturevalue(persona), first_id=pair.first_id, second_id=pair.second_id, verdict="accept"
        )
    assert not PairDecision.objects.exists()


@pytest.mark.django_db
def test_an_empty_registry_is_refused_with_a_message():
    with pytest.raises(LinkageRefused, match="no victims' records"):
        linkage_run()
    assert not LinkageRun.objects.exists()


@pytest.mark.django_db
def test_records_without_any_identity_are_refused_with_a_message():
    source = Organisation.objects.create(name="Anonymous NGO", org_type="NGO")
    cases_register(records=[anonymous_case(n) for n in range(3)], source=source)
    with pytest.raises(LinkageRefused, match="None of the 3 victims' records has a name"):
        linkage_run()


@pytest.mark.django_db
def test_too_few_records_to_train_are_refused_unless_a_model_exists(victim_case):
    with pytest.raises(LinkageRefused, match=f"at least {MIN_TRAINING_RECORDS} are needed"):
        linkage_run()


@pytest.mark.django_db
def test_a_new_import_links_to_the_victims_already_found(registered_sources, previous_run, reports_2010):
    """The hotline's reports arrive after the others were linked: only their pairs are scored."""
    hotline = Organisation.objects.get(name=ORGANISATIONS["hotline"][0])
    hotline_cases = Case.objects.filter(source_organisation=hotline)
    late = {(hotline.name, c.source_record_id) for c in hotline_cases}
    hotline_persons = set(hotline_cases.values_list("victim_id", flat=True))
    hotline_cases.delete()
    Person.objects.filter(pk__in=hotline_persons).delete()
    linkage_run(retrain=False)
    before = dict(ClusterMembership.objects.values_list("person_id", "cluster_key"))

    records = [r.case.record for r in reports_2010 if r.source == "hotline"]
    cases_register(records=records, source=hotline, is_synthetic=True)
    run = linkage_link_new()

    found = _key_of_case()
    assert set(found) == set(registered_sources)
    true_people = len(set(registered_sources.values()))
    assert abs(len(set(found.values())) - true_people) <= 0.02 * true_people
    after = dict(ClusterMembership.objects.values_list("person_id", "cluster_key"))
    kept = sum(after[person] == key for person, key in before.items())
    assert kept >= 0.98 * len(before)
    assert run.new_records_only and not run.trained and run.records == len(late)
    assert run.clusters == len(set(found.values()))


@pytest.mark.django_db
def test_linking_new_records_needs_a_run_and_something_new(registered_sources, previous_run):
    LinkageRun.objects.all().delete()
    with pytest.raises(LinkageRefused, match="No linkage has run yet"):
        linkage_link_new()
    LinkageRun.objects.create(
        model=previous_run.model,
        link_threshold=0.9,
        review_threshold=0.5,
        code_version="test",
        finished_at=previous_run.finished_at,
    )
    linkage_run(retrain=False)
    with pytest.raises(LinkageRefused, match="nothing new to link"):
        linkage_link_new()
