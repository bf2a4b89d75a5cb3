"""The reintegration rule through the services: every path that writes goes through it, and every
action is audited, refusals included."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from amparo.audit.models import AuditEvent
from amparo.casework import care_services
from amparo.casework.care_services import ReintegrationRefused
from amparo.casework.domain.reintegration import Reason
from amparo.casework.models import CareArrangement, FollowUpVisit, ReintegrationPlan, SafetyApproval
from amparo.core import crypto
from amparo.registry.models import Perpetrator, Person, PersonIdentity
from amparo.registry.records import PersonRecord
from amparo.registry.services import case_refresh_derived
from tests.personas import make_user

from .conftest import MOTHER_DNI

pytestmark = pytest.mark.django_db
ASSESSMENT = "Home visit with the grandmother; the mother no longer lives there and is under a restraining order."
GRANDMOTHER = PersonRecord(first_name="Abuela", second_name="Prueba", identity_number="42223333")


def _events(action, obj=None):
    events = AuditEvent.objects.filter(action=action)
    if obj is not None:
        events = events.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    return events


def _propose(case, user, destination="kinship", caregiver=GRANDMOTHER):
    return care_services.plan_propose(case=case, user=user, destination_type=destination, caregiver=caregiver)


def test_it_holds_a_family_return_for_a_family_facilitated_case(family_case, case_worker):
    plan = _propose(family_case, case_worker)
    assert plan.status == ReintegrationPlan.Status.AWAITING_APPROVAL
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.care_arrangement_start(
            case=family_case,
            user=case_worker,
            arrangement_type="kinship",
            started_on=date(2024, 3, 1),
            plan=None,
            caregiver=GRANDMOTHER,
        )
    assert refused.value.reason == Reason.FAMILY_RETURN_NEEDS_APPROVAL
    assert not CareArrangement.objects.exists()
    assert _events("refuse", family_case).count() == 1


def test_a_plan_outside_the_family_is_ready_at_once(family_case, case_worker):
    assert _propose(family_case, case_worker, "foster_family", None).status == ReintegrationPlan.Status.READY


def test_a_family_return_is_ready_at_once_when_the_family_did_not_facilitate(other_case, case_worker):
    assert _propose(other_case, case_worker, "parents").status == ReintegrationPlan.Status.READY


def test_a_supervisor_approval_unblocks_the_plan_and_placement_schedules_visits(family_case, case_worker, supervisor):
    plan = _propose(family_case, case_worker)
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    plan.refresh_from_db()
    assert plan.status == ReintegrationPlan.Status.READY
    arrangement = care_services.care_arrangement_start(
        case=family_case, user=case_worker, arrangement_type="kinship", started_on=date(2024, 1, 31), plan=plan
    )
    assert arrangement.arrangement_type == "kinship" and arrangement.caregiver_id == plan.caregiver_id
    assert list(FollowUpVisit.objects.filter(arrangement=arrangement).values_list("months_after", "due_on")) == [
        (1, date(2024, 2, 29)),
        (3, date(2024, 4, 30)),
        (6, date(2024, 7, 31)),
        (12, date(2025, 1, 31)),
    ]
    plan.refresh_from_db()
    assert plan.status == ReintegrationPlan.Status.PLACED
    assert _events("approve", plan).count() == 1
    assert _events("create", arrangement).count() == 1


def test_the_case_worker_cannot_approve_even_as_a_supervisor(family_case, supervisor, second_supervisor):
    """A supervisor who owns the case is its case worker: the approval must come from someone else."""
    family_case.owner = supervisor
    family_case.save()
    plan = _propose(family_case, second_supervisor)
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    assert refused.value.reason == Reason.APPROVER_IS_CASE_WORKER
    assert not SafetyApproval.objects.exists()
    assert _events("refuse", plan).count() == 1


def test_the_supervisor_who_proposed_the_plan_cannot_approve_it(family_case, supervisor):
    plan = _propose(family_case, supervisor)
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    assert refused.value.reason == Reason.APPROVER_PROPOSED_PLAN


def test_a_case_worker_cannot_approve(family_case, case_worker):
    plan = _propose(family_case, case_worker)
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.plan_decide(plan=plan, approver=case_worker, assessment=ASSESSMENT, approve=True)
    assert refused.value.reason == Reason.APPROVER_NOT_SUPERVISOR


@pytest.mark.parametrize("role", ["analyst", "registrar", "data_manager"])
def test_roles_outside_care_cannot_approve_at_all(family_case, case_worker, personas, role):
    plan = _propose(family_case, case_worker)
    with pytest.raises(PermissionDenied):
        care_services.plan_decide(plan=plan, approver=personas[role], assessment=ASSESSMENT, approve=True)


def test_an_approval_needs_a_written_assessment(family_case, case_worker, supervisor):
    plan = _propose(family_case, case_worker)
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.plan_decide(plan=plan, approver=supervisor, assessment="  ", approve=True)
    assert refused.value.reason == Reason.ASSESSMENT_MISSING


def test_a_forged_approval_row_by_the_case_worker_does_not_unblock_placement(family_case, case_worker):
    """Even written straight into the table (and the plan status forced), the rule re-checks the approver."""
    plan = _propose(family_case, case_worker)
    SafetyApproval.objects.create(plan=plan, approver=case_worker, assessment=ASSESSMENT, approved=True)
    ReintegrationPlan.objects.filter(pk=plan.pk).update(status=ReintegrationPlan.Status.READY)
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.care_arrangement_start(
            case=family_case, user=case_worker, arrangement_type="kinship", started_on=date(2024, 3, 1), plan=plan
        )
    assert refused.value.reason == Reason.FAMILY_RETURN_NEEDS_APPROVAL
    assert not CareArrangement.objects.exists()


def test_a_placement_cannot_swap_the_destination_of_an_approved_plan(family_case, case_worker, supervisor):
    """The plan's destination and caregiver are what was approved; the arguments cannot change them."""
    plan = _propose(family_case, case_worker, "kinship")
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    arrangement = care_services.care_arrangement_start(
        case=family_case,
        user=case_worker,
        arrangement_type="parents",
        started_on=date(2024, 3, 1),
        plan=plan,
        caregiver=PersonRecord(identity_number=MOTHER_DNI),
    )
    assert arrangement.arrangement_type == "kinship"
    assert arrangement.caregiver_id == plan.caregiver_id


@pytest.mark.parametrize("destination", ["parents", "foster_family"])
def test_the_perpetrator_can_never_be_proposed_as_caregiver(family_case, case_worker, destination):
    with pytest.raises(ReintegrationRefused) as refused:
        _propose(
            family_case, case_worker, destination, PersonRecord(first_name="Otra", identity_number=f" {MOTHER_DNI} ")
        )
    assert refused.value.reason == Reason.CAREGIVER_IS_PERPETRATOR
    assert not ReintegrationPlan.objects.exists()
    assert _events("refuse", family_case).count() == 1


def test_the_perpetrator_person_row_can_never_be_placed_as_caregiver(family_case, case_worker):
    mother = Perpetrator.objects.get(case=family_case).person
    with pytest.raises(ReintegrationRefused):
        care_services.care_arrangement_start(
            case=family_case,
            user=case_worker,
            arrangement_type="foster_family",
            started_on=date(2024, 3, 1),
            caregiver=mother,
        )


def test_a_caregiver_recorded_as_perpetrator_after_approval_cannot_be_approved_or_placed(
    family_case, case_worker, supervisor, second_supervisor
):
    plan = _propose(family_case, case_worker)
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    # The grandmother turns out to have taken part: she is recorded as a perpetrator with her DNI.
    person = Person.objects.create()
    PersonIdentity.objects.create(
        person=person,
        identity_number=GRANDMOTHER.identity_number,
        identity_number_hash=crypto.lookup_hash(GRANDMOTHER.identity_number),
    )
    Perpetrator.objects.create(case=family_case, person=person, relationship="grandparent")
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.care_arrangement_start(
            case=family_case, user=case_worker, arrangement_type="kinship", started_on=date(2024, 3, 1), plan=plan
        )
    assert refused.value.reason == Reason.CAREGIVER_IS_PERPETRATOR
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.plan_decide(plan=plan, approver=second_supervisor, assessment=ASSESSMENT, approve=True)
    assert refused.value.reason == Reason.CAREGIVER_IS_PERPETRATOR


def test_a_refusal_keeps_the_plan_from_placement(family_case, case_worker, supervisor):
    plan = _propose(family_case, case_worker)
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=False)
    plan.refresh_from_db()
    assert plan.status == ReintegrationPlan.Status.REFUSED
    with pytest.raises(ReintegrationRefused):
        care_services.care_arrangement_start(
            case=family_case, user=case_worker, arrangement_type="kinship", started_on=date(2024, 3, 1), plan=plan
        )
    assert _events("refuse", plan).count() == 1


def test_a_new_placement_ends_the_current_one(family_case, case_worker):
    first = care_services.care_arrangement_start(
        case=family_case, user=case_worker, arrangement_type="residential_care", started_on=date(2024, 2, 1)
    )
    second = care_services.care_arrangement_start(
        case=family_case, user=case_worker, arrangement_type="foster_family", started_on=date(2024, 5, 1)
    )
    first.refresh_from_db()
    assert first.ended_on == date(2024, 5, 1) and second.ended_on is None


def test_services_refuse_users_outside_the_case_scope(family_case, outsider, personas):
    other_worker = make_user("another_worker", "case_worker", family_case.source_organisation)
    for user in (outsider, other_worker):
        with pytest.raises(PermissionDenied):
            _propose(family_case, user, "foster_family", None)


def test_visits_and_referrals_are_recorded_and_audited(family_case, case_worker):
    arrangement = care_services.care_arrangement_start(
        case=family_case, user=case_worker, arrangement_type="foster_family", started_on=date(2024, 2, 1)
    )
    visit = arrangement.visits.first()
    care_services.follow_up_record(visit=visit, user=case_worker, visited_on=date(2024, 3, 2), outcome="stable")
    referral = care_services.referral_create(
        case=family_case, user=case_worker, programme="parent_education", referred_on=date(2024, 3, 2)
    )
    care_services.referral_set_status(referral=referral, user=case_worker, status="enrolled")
    assert _events("change", visit).get().details["changed"]["outcome"] == {"old": "", "new": "stable"}
    assert _events("create", referral).count() == 1
    assert _events("change", referral).get().details["changed"]["status"] == {"old": "referred", "new": "enrolled"}
    assessment = care_services.family_assessment_record(
        case=family_case,
        user=case_worker,
        assessed_on=date(2024, 2, 2),
        risk="high",
        summary="The mother still lives at home.",
    )
    assert _events("create", assessment).count() == 1


def test_a_placement_cannot_start_before_the_current_one(family_case, case_worker):
    care_services.care_arrangement_start(
        case=family_case, user=case_worker, arrangement_type="residential_care", started_on=date(2024, 5, 1)
    )
    with pytest.raises(ReintegrationRefused):
        care_services.care_arrangement_start(
            case=family_case, user=case_worker, arrangement_type="foster_family", started_on=date(2024, 4, 1)
        )
    assert CareArrangement.objects.count() == 1


def test_every_plan_proposal_is_audited_with_its_outcome(family_case, case_worker):
    held = _propose(family_case, case_worker)
    ready = _propose(family_case, case_worker, "foster_family", None)
    assert _events("create", held).get().details["status"] == "awaiting_approval"
    assert _events("create", ready).get().details["status"] == "ready"


def test_a_ready_plan_held_by_a_later_family_perpetrator_can_be_approved(other_case, case_worker, supervisor):
    """The employer case becomes family-facilitated after the plan: placement is held until approved."""
    plan = _propose(other_case, case_worker, "parents")
    assert plan.status == ReintegrationPlan.Status.READY
    Perpetrator.objects.create(case=other_case, relationship="sibling")
    case_refresh_derived(other_case)
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.care_arrangement_start(
            case=other_case, user=case_worker, arrangement_type="parents", started_on=date(2024, 3, 1), plan=plan
        )
    assert refused.value.reason == Reason.FAMILY_RETURN_NEEDS_APPROVAL
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    care_services.care_arrangement_start(
        case=other_case, user=case_worker, arrangement_type="parents", started_on=date(2024, 3, 1), plan=plan
    )
    assert CareArrangement.objects.filter(case=other_case).count() == 1


def _perpetrator_known_by_name(case, first_name, second_name, **identity):
    person = Person.objects.create()
    PersonIdentity.objects.create(person=person, first_name=first_name, second_name=second_name, **identity)
    Perpetrator.objects.create(case=case, person=person, relationship="uncle_aunt")
    case_refresh_derived(case)


@pytest.mark.parametrize("destination", ["kinship", "foster_family"])
def test_a_caregiver_named_like_a_perpetrator_without_a_document_is_refused(family_case, case_worker, destination):
    _perpetrator_known_by_name(family_case, "Juan", "Quispe Mamani")
    namesake = PersonRecord(first_name="JUAN", second_name="Quíspe  Mamani", identity_number="51112222")
    with pytest.raises(ReintegrationRefused) as refused:
        _propose(family_case, case_worker, destination, namesake)
    assert refused.value.reason == Reason.CAREGIVER_MAY_BE_PERPETRATOR
    assert not ReintegrationPlan.objects.exists()
    assert str(refused.value) == str(care_services.REASON_MESSAGES[Reason.CAREGIVER_MAY_BE_PERPETRATOR])


def test_a_namesake_with_another_birth_date_may_be_proposed(family_case, case_worker):
    _perpetrator_known_by_name(family_case, "Juan", "Quispe Mamani", birthdate="1970-01-01")
    namesake = PersonRecord(first_name="Juan", second_name="Quispe Mamani", birthdate=date(1985, 6, 30))
    assert _propose(family_case, case_worker, "foster_family", namesake).status == ReintegrationPlan.Status.READY


def test_a_perpetrator_named_after_the_plan_blocks_its_approval(family_case, case_worker, supervisor):
    plan = _propose(family_case, case_worker, "kinship", PersonRecord(first_name="Rosa", second_name="Huamán Ccori"))
    _perpetrator_known_by_name(family_case, "Rosa", "Huaman Ccori")
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    assert refused.value.reason == Reason.CAREGIVER_MAY_BE_PERPETRATOR


def test_a_plan_and_its_decision_recorded_after_the_fact_keep_their_own_times(family_case, case_worker, supervisor):
    """Casework written down late (the demo's story of past months, a decision taken on paper) keeps when
    it happened; it cannot happen in the future, nor be decided before it was proposed."""
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    proposed = datetime(2024, 2, 1, 15, tzinfo=UTC)
    plan = care_services.plan_propose(
        case=family_case, user=case_worker, destination_type="kinship", caregiver=GRANDMOTHER, proposed_at=proposed
    )
    with pytest.raises(ValueError, match="cannot come before the plan"):
        care_services.plan_decide(
            plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True, decided_at=proposed - timedelta(days=1)
        )
    with pytest.raises(ValueError, match="in the past"):
        care_services.plan_decide(
            plan=plan,
            approver=supervisor,
            assessment=ASSESSMENT,
            approve=True,
            decided_at=timezone.now() + timedelta(days=1),
        )
    decided = proposed + timedelta(days=9)
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True, decided_at=decided)
    plan.refresh_from_db()
    assert plan.proposed_at == proposed and plan.status == ReintegrationPlan.Status.READY
    assert list(SafetyApproval.objects.filter(plan=plan).values_list("decided_at", flat=True)) == [decided]
