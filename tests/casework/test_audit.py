"""Audit completeness: every casework action writes its event, and none holds an identity in clear."""

import json
from dataclasses import replace
from datetime import date

import pytest

from amparo.audit.models import AuditEvent
from amparo.casework import care_services
from amparo.casework.care_services import ReintegrationRefused
from amparo.casework.selectors import case_record_of
from amparo.casework.services import EditConflict, case_create, case_update
from amparo.registry.records import PersonRecord

from .conftest import MOTHER_DNI, family_record

pytestmark = pytest.mark.django_db


def _last():
    event = AuditEvent.objects.order_by("-id").first()
    return event.action, event.object_type


def test_each_casework_action_writes_its_event(case_worker, supervisor):
    case = case_create(record=family_record("AUDIT-1"), user=case_worker)
    assert _last() == ("create", "registry.Case")
    opened = case_record_of(case, with_identities=True)
    case = case_update(case=case, record=replace(opened, status="FollowUp"), expected_version=1, user=case_worker)
    assert _last() == ("change", "registry.Case")
    with pytest.raises(EditConflict):
        case_update(case=case, record=opened, expected_version=1, user=supervisor)
    assert _last() == ("refuse", "registry.Case")
    care_services.family_assessment_record(
        case=case,
        user=case_worker,
        assessed_on=date(2024, 3, 1),
        risk="high",
        summary="The mother still lives at home.",
    )
    assert _last() == ("create", "casework.FamilyAssessment")
    with pytest.raises(ReintegrationRefused):
        care_services.plan_propose(
            case=case, user=case_worker, destination_type="parents", caregiver=PersonRecord(identity_number=MOTHER_DNI)
        )
    assert _last() == ("refuse", "registry.Case")
    plan = care_services.plan_propose(case=case, user=case_worker, destination_type="parents")
    assert _last() == ("create", "casework.ReintegrationPlan")
    with pytest.raises(ReintegrationRefused):
        care_services.plan_decide(plan=plan, approver=case_worker, assessment="Fine.", approve=True)
    assert _last() == ("refuse", "casework.ReintegrationPlan")
    care_services.plan_decide(plan=plan, approver=supervisor, assessment="Not safe yet.", approve=False)
    assert _last() == ("refuse", "casework.ReintegrationPlan")
    before = AuditEvent.objects.count()
    with pytest.raises(ReintegrationRefused):  # a refused plan is closed
        care_services.plan_decide(plan=plan, approver=supervisor, assessment="Safe now.", approve=True)
    assert _last() == ("refuse", "casework.ReintegrationPlan") and AuditEvent.objects.count() == before + 1
    plan = care_services.plan_propose(case=case, user=case_worker, destination_type="parents")
    care_services.plan_decide(plan=plan, approver=supervisor, assessment="Safe after the second visit.", approve=True)
    assert _last() == ("approve", "casework.ReintegrationPlan")
    arrangement = care_services.care_arrangement_start(
        case=case, user=case_worker, arrangement_type="parents", started_on=date(2024, 3, 1), plan=plan
    )
    assert _last() == ("create", "casework.CareArrangement")
    care_services.follow_up_record(
        visit=arrangement.visits.first(), user=case_worker, visited_on=date(2024, 4, 1), outcome="stable"
    )
    assert _last() == ("change", "casework.FollowUpVisit")
    referral = care_services.referral_create(
        case=case, user=case_worker, programme="family_strengthening", referred_on=date(2024, 4, 1)
    )
    assert _last() == ("create", "casework.Referral")
    care_services.referral_set_status(referral=referral, user=case_worker, status="completed")
    assert _last() == ("change", "casework.Referral")
    logged = json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))
    for secret in ("Chaska", "Inquill", "79990001", MOTHER_DNI, "Madre"):
        assert secret not in logged


def test_a_changed_event_description_is_logged_sealed(case_worker):
    """The description may name the victim or a relative: sealed in the registry, sealed in the log."""
    case = case_create(record=family_record("AUDIT-2"), user=case_worker)
    opened = case_record_of(case, with_identities=True)
    edited = replace(opened, events=[replace(opened.events[0], description="Su tía Eduviges la llevó a Lima")])
    case_update(case=case, record=edited, expected_version=1, user=case_worker)
    event = AuditEvent.objects.get(action="change", object_id=str(case.pk))
    assert event.details["changed"] == {"events[0].description": {"old": "[sealed]", "new": "[sealed]"}}
    assert "Eduviges" not in json.dumps(event.details)


def test_saving_an_unchanged_case_logs_no_change(organisation, case_worker):
    """The form carries no perpetrator sex or citizenship; the log must not say they were emptied."""
    record = family_record("AUDIT-3")
    record.perpetrators[0].person.gender, record.perpetrators[0].person.citizenship = "Feminine", "PE"
    case = case_create(record=record, user=case_worker)
    as_the_form_sends_it = case_record_of(case, with_identities=True)
    person = as_the_form_sends_it.perpetrators[0].person
    as_the_form_sends_it.perpetrators[0].person = PersonRecord(
        first_name=person.first_name, second_name=person.second_name, identity_number=person.identity_number
    )
    case_update(case=case, record=as_the_form_sends_it, expected_version=1, user=case_worker)
    event = AuditEvent.objects.get(action="change", object_id=str(case.pk))
    assert event.details["changed"] == {}
