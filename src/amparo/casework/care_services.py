"""Writes for a child's care: assessments, reintegration plans, safety approvals, placements,
follow-up visits and prevention referrals.

Each write that can place a child asks `domain.reintegration.placement_decision`
first, with facts read fresh from the database, so the rule cannot be skipped
by a form, the API, an import or a direct call. Every action is audited,
refusals included.
"""

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_change, audit_record
from amparo.casework.domain.follow_ups import DEFAULT_FOLLOW_UP_MONTHS, follow_up_schedule
from amparo.casework.domain.reintegration import (
    ApprovalFacts,
    PersonRef,
    Reason,
    Verdict,
    approval_problem,
    caregiver_problem,
    placement_decision,
)
from amparo.casework.models import (
    CareArrangement,
    FamilyAssessment,
    FollowUpVisit,
    Referral,
    ReintegrationPlan,
    SafetyApproval,
)
from amparo.casework.selectors import case_facts, person_ref, plan_approvals, record_ref
from amparo.core import codelists
from amparo.registry.access import require_case
from amparo.registry.models import Case, Person
from amparo.registry.records import PersonRecord
from amparo.registry.services import person_register

REASON_MESSAGES = {
    Reason.CAREGIVER_IS_PERPETRATOR: _(
        "This person is recorded as a perpetrator in this case and can never be named caregiver, whatever the approval."
    ),
    Reason.CAREGIVER_MAY_BE_PERPETRATOR: _(
        "This person has the full name of a perpetrator in this case and cannot be named caregiver until an "
        "identity number or a birth date, recorded for both, shows they are different people."
    ),
    Reason.FAMILY_RETURN_NEEDS_APPROVAL: _(
        "Blocked: a family member facilitated this child's trafficking. Returning the child to the family needs a "
        "documented safety assessment approved by a supervisor who is not the case worker."
    ),
    Reason.FAMILY_RETURN_REFUSED: _(
        "A supervisor refused the safety assessment for returning the child to the family."
    ),
    Reason.APPROVER_NOT_SUPERVISOR: _("Only a supervisor may approve a safety assessment."),
    Reason.APPROVER_IS_CASE_WORKER: _(
        "The case worker of this case cannot approve its safety assessment (two-person rule)."
    ),
    Reason.APPROVER_PROPOSED_PLAN: _("Whoever proposed the plan cannot approve it (two-person rule)."),
    Reason.ASSESSMENT_MISSING: _("Write the safety assessment before deciding."),
    Reason.PLAN_CLOSED: _(
        "This plan was refused or carried out, so it cannot be decided again; propose a new plan if the child's "
        "situation calls for one."
    ),
}
PLAN_NOT_READY = _("This plan is not ready for placement (status: %(status)s).")
RECORDED_IN_THE_FUTURE = "a proposal or a decision recorded after the fact happened in the past, not at %s"
DECIDED_BEFORE_PROPOSED = "a decision cannot come before the plan it decides on (proposed at %s)"
STARTS_BEFORE_CURRENT = _("A new placement cannot start before the current one started (%(date)s).")


class ReintegrationRefused(Exception):
    """The reintegration rule refused the action; `reason` says why."""

    def __init__(self, reason: Reason | str, message=None):
        self.reason = reason
        super().__init__(str(message or REASON_MESSAGES[reason]))


def follow_up_months() -> tuple[int, ...]:
    return tuple(getattr(settings, "AMPARO_FOLLOW_UP_MONTHS", DEFAULT_FOLLOW_UP_MONTHS))


def _caregiver(caregiver: Person | PersonRecord | None) -> tuple[Person | None, PersonRef | None]:
    """The caregiver as a matchable reference, without storing anything yet."""
    if caregiver is None or isinstance(caregiver, Person):
        return caregiver, person_ref(caregiver)
    return None, record_ref(caregiver)


def _store_caregiver(case: Case, record: PersonRecord) -> Person:
    return person_register(person=record, is_synthetic=case.is_synthetic)


def _refuse(user, obj, reason: Reason, request, **details) -> None:
    audit_record(
        user=user, action=AuditAction.REFUSE, obj=obj, request=request, details={"reason": str(reason), **details}
    )
    raise ReintegrationRefused(reason)


def family_assessment_record(
    *, case: Case, user, assessed_on: date, risk: str, summary: str, request=None
) -> FamilyAssessment:
    require_case(user, case, Capability.CARE)
    if risk not in codelists.FAMILY_ASSESSMENT_RISK or not summary.strip():
        raise ValueError("a family assessment needs a risk level and a summary")
    assessment = FamilyAssessment.objects.create(
        case=case, assessed_on=assessed_on, risk=risk, summary=summary, created_by=user
    )
    audit_record(
        user=user, action=AuditAction.CREATE, obj=assessment, request=request, details={"case": case.pk, "risk": risk}
    )
    return assessment


def plan_propose(
    *,
    case: Case,
    user,
    destination_type: str,
    caregiver: Person | PersonRecord | None = None,
    caregiver_relationship: str = "",
    rationale: str = "",
    proposed_at: datetime | None = None,
    request=None,
) -> ReintegrationPlan:
    """Record a plan; it is ready at once, held for a supervisor's approval, or refused outright.

    `proposed_at` is when a plan recorded after the fact was proposed (default: now).
    """
    require_case(user, case, Capability.CARE)
    if destination_type not in codelists.CARE_ARRANGEMENT_TYPE:
        raise ValueError(f"unknown care arrangement {destination_type!r}")
    _check_past(proposed_at)
    if caregiver_relationship and caregiver_relationship not in codelists.RECRUITER_RELATIONSHIP:
        raise ValueError(f"unknown relationship {caregiver_relationship!r}")
    person, ref = _caregiver(caregiver)
    decision = placement_decision(case_facts(case), destination_type, ref, (), user.pk)
    if decision.verdict == Verdict.FORBIDDEN:
        _refuse(user, case, decision.reason, request, action="plan_propose", destination=destination_type)
    status = ReintegrationPlan.Status.READY if decision.allowed else ReintegrationPlan.Status.AWAITING_APPROVAL
    with transaction.atomic():
        if isinstance(caregiver, PersonRecord):
            person = _store_caregiver(case, caregiver)
        plan = ReintegrationPlan.objects.create(
            case=case,
            destination_type=destination_type,
            caregiver=person,
            caregiver_relationship=caregiver_relationship,
            rationale=rationale,
            status=status,
            proposed_by=user,
        )
        if proposed_at is not None:  # the field is stamped on creation; a plan recorded late keeps its own time
            ReintegrationPlan.objects.filter(pk=plan.pk).update(proposed_at=proposed_at)
            plan.proposed_at = proposed_at
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            obj=plan,
            request=request,
            details={
                "case": case.pk,
                "destination": destination_type,
                "caregiver_relationship": caregiver_relationship,
                "status": status,
                "reason": str(decision.reason or ""),
            },
        )
    return plan


def plan_decide(
    *,
    plan: ReintegrationPlan,
    approver,
    assessment: str,
    approve: bool,
    decided_at: datetime | None = None,
    request=None,
) -> SafetyApproval:
    """A supervisor's decision on a plan's safety assessment, under the two-person rule.

    An open plan can be decided again (the latest valid decision counts), e.g. when a perpetrator recorded
    after an approval made the case family-facilitated; a refused or carried-out plan is closed. `decided_at` is
    when a decision recorded after the fact was made (default: now), never before the plan was proposed.
    """
    require_case(approver, plan.case, Capability.CARE)
    _check_past(decided_at)
    with transaction.atomic():
        plan = ReintegrationPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
        if decided_at is not None and decided_at < plan.proposed_at:
            raise ValueError(DECIDED_BEFORE_PROPOSED % plan.proposed_at.isoformat())
        facts = case_facts(plan.case)
        decision = ApprovalFacts(approver.pk, may(approver, Capability.APPROVE), assessment, approve)
        problem = Reason.PLAN_CLOSED if plan.is_closed else approval_problem(facts, decision, plan.proposed_by_id)
        if problem is None and approve:
            problem = caregiver_problem(person_ref(plan.caregiver), facts)
        if problem is None:
            approval = SafetyApproval.objects.create(
                plan=plan, approver=approver, assessment=assessment, approved=approve
            )
            if decided_at is not None:  # stamped on creation, as the plan's proposal
                SafetyApproval.objects.filter(pk=approval.pk).update(decided_at=decided_at)
                approval.decided_at = decided_at
            plan.status = ReintegrationPlan.Status.READY if approve else ReintegrationPlan.Status.REFUSED
            plan.save(update_fields=["status"])
            audit_record(
                user=approver,
                action=AuditAction.APPROVE if approve else AuditAction.REFUSE,
                obj=plan,
                request=request,
                details={"case": plan.case_id, "approval": approval.pk, "approved": approve},
            )
    if problem is not None:
        _refuse(approver, plan, problem, request, action="plan_decide")
    return approval


def _check_past(moment: datetime | None) -> None:
    if moment is not None and moment > timezone.now():
        raise ValueError(RECORDED_IN_THE_FUTURE % moment.isoformat())


def care_arrangement_start(
    *,
    case: Case,
    user,
    arrangement_type: str,
    started_on: date,
    caregiver: Person | PersonRecord | None = None,
    plan: ReintegrationPlan | None = None,
    request=None,
) -> CareArrangement:
    """Place the child: end the current arrangement, start this one and schedule its follow-up visits.

    The only writer of care arrangements. A family return in a family-facilitated
    case needs a plan with a valid supervisor approval; a perpetrator is never caregiver.
    """
    require_case(user, case, Capability.CARE)
    if arrangement_type not in codelists.CARE_ARRANGEMENT_TYPE:
        raise ValueError(f"unknown care arrangement {arrangement_type!r}")
    with transaction.atomic():
        if plan is not None:
            plan = ReintegrationPlan.objects.select_for_update().get(pk=plan.pk, case=case)
            if plan.status != ReintegrationPlan.Status.READY:
                raise ReintegrationRefused("plan_not_ready", PLAN_NOT_READY % {"status": plan.get_status_display()})
            arrangement_type, caregiver = plan.destination_type, plan.caregiver
        person, ref = _caregiver(caregiver)
        approvals = plan_approvals(plan) if plan is not None else []
        decision = placement_decision(
            case_facts(case), arrangement_type, ref, approvals, plan.proposed_by_id if plan is not None else user.pk
        )
        if decision.allowed:
            arrangement = _place(case, user, arrangement_type, caregiver, person, plan, started_on, request)
    if not decision.allowed:
        _refuse(user, case, decision.reason, request, action="placement", arrangement_type=arrangement_type)
    return arrangement


def _place(case, user, arrangement_type, caregiver, person, plan, started_on, request) -> CareArrangement:
    current = CareArrangement.objects.filter(case=case, ended_on=None, started_on__gt=started_on).first()
    if current is not None:
        raise ReintegrationRefused("starts_before_current", STARTS_BEFORE_CURRENT % {"date": current.started_on})
    if isinstance(caregiver, PersonRecord):
        person = _store_caregiver(case, caregiver)
    CareArrangement.objects.filter(case=case, ended_on=None).update(ended_on=started_on)
    arrangement = CareArrangement.objects.create(
        case=case,
        arrangement_type=arrangement_type,
        caregiver=person,
        plan=plan,
        started_on=started_on,
        created_by=user,
    )
    FollowUpVisit.objects.bulk_create(
        [
            FollowUpVisit(arrangement=arrangement, case=case, months_after=months, due_on=due)
            for months, due in follow_up_schedule(started_on, follow_up_months())
        ]
    )
    if plan is not None:
        plan.status = ReintegrationPlan.Status.PLACED
        plan.save(update_fields=["status"])
    audit_record(
        user=user,
        action=AuditAction.CREATE,
        obj=arrangement,
        request=request,
        details={"case": case.pk, "arrangement_type": arrangement_type, "plan": plan.pk if plan else None},
    )
    return arrangement


def follow_up_record(
    *, visit: FollowUpVisit, user, visited_on: date, outcome: str, notes: str = "", request=None
) -> FollowUpVisit:
    require_case(user, visit.case, Capability.CARE)
    if outcome not in codelists.FOLLOW_UP_OUTCOME:
        raise ValueError(f"unknown follow-up outcome {outcome!r}")
    before = _visit_values(visit)
    visit.visited_on, visit.outcome, visit.notes, visit.recorded_by = visited_on, outcome, notes, user
    visit.save()
    audit_change(
        user=user,
        obj=visit,
        before=before,
        after=_visit_values(visit),
        request=request,
        details={"case": visit.case_id},
    )
    return visit


def _visit_values(visit: FollowUpVisit) -> dict:
    return {"visited_on": visit.visited_on, "outcome": visit.outcome, "notes": visit.notes}


def referral_create(*, case: Case, user, programme: str, referred_on: date, notes: str = "", request=None) -> Referral:
    require_case(user, case, Capability.CARE)
    if programme not in codelists.REFERRAL_PROGRAMME:
        raise ValueError(f"unknown programme {programme!r}")
    referral = Referral.objects.create(
        case=case, programme=programme, referred_on=referred_on, notes=notes, created_by=user
    )
    audit_record(
        user=user,
        action=AuditAction.CREATE,
        obj=referral,
        request=request,
        details={"case": case.pk, "programme": programme},
    )
    return referral


def referral_set_status(*, referral: Referral, user, status: str, request=None) -> Referral:
    require_case(user, referral.case, Capability.CARE)
    if status not in codelists.REFERRAL_STATUS:
        raise ValueError(f"unknown referral status {status!r}")
    before, referral.status = {"status": referral.status}, status
    referral.save(update_fields=["status", "updated_at"])
    audit_change(
        user=user,
        obj=referral,
        before=before,
        after={"status": status},
        request=request,
        details={"case": referral.case_id},
    )
    return referral
