"""Reads for casework: a case as a record, the facts the reintegration rule needs, plans as the rule sees
them (a case's, and a supervisor's queue), visits due and overdue, re-trafficking rates (SQL aggregation
throughout)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.casework.domain.follow_ups import DUE_SOON_DAYS, VisitState, is_overdue, visit_state
from amparo.casework.domain.reintegration import (
    ApprovalFacts,
    CaseFacts,
    PersonRef,
    approver_problem,
    awaits_decision,
    placement_decision,
)
from amparo.casework.models import CareArrangement, FollowUpVisit, ReintegrationPlan
from amparo.core import codelists, crypto, text
from amparo.core.codelists import FAMILY_CARE_ARRANGEMENTS
from amparo.registry.access import cases_visible_to, of_visible_cases, person_identity_for
from amparo.registry.identities import identity_number_hash
from amparo.registry.models import Case, Perpetrator, Person, PersonIdentity
from amparo.registry.records import CASE_SCALARS, CODE_LISTS, CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.stats.domain.protection import UNPROTECTED, Protection
from amparo.stats.engine import published_counts


def _person_record(person: Person | None, identity: PersonIdentity | None) -> PersonRecord:
    record = PersonRecord(gender=person.gender if person else "", citizenship=person.citizenship if person else "")
    if identity is not None:
        record.first_name, record.second_name = identity.first_name, identity.second_name
        record.birthdate, record.identity_number = identity.birth_date, identity.identity_number
    return record


def case_record_of(case: Case, *, with_identities: bool) -> CaseRecord:
    """The case as the registry's plain record; identities only when the caller may see them (and audits it)."""
    identities = {}
    if with_identities:
        person_ids = [case.victim_id, *case.perpetrators.exclude(person=None).values_list("person_id", flat=True)]
        identities = PersonIdentity.objects.in_bulk(person_ids)
    codes = {attribute: [] for _field, attribute, _codelist in CODE_LISTS}
    attribute_of = {field: attribute for field, attribute, _codelist in CODE_LISTS}
    for field, code in case.coded_values.order_by("id").values_list("field", "code"):
        codes[attribute_of[field]].append(code)
    return CaseRecord(
        **{name: getattr(case, name) for name in CASE_SCALARS},
        victim=_person_record(case.victim, identities.get(case.victim_id)),
        **codes,
        perpetrators=[
            PerpetratorRecord(
                relationship=p.relationship,
                lives_in_household=p.lives_in_household,
                roles=list(p.roles),
                person=_person_record(p.person, identities.get(p.person_id)) if p.person_id else None,
            )
            for p in case.perpetrators.select_related("person").order_by("id")
        ],
        events=[
            EventRecord(e.event_type, e.ubigeo, e.country, e.date, e.description) for e in case.events.order_by("id")
        ],
    )


def record_ref(record: PersonRecord, person_id: int | None = None) -> PersonRef:
    """A person as the reintegration rule matches them: keyed hashes only, never the name itself."""
    full_name = text.fold(f"{record.first_name} {record.second_name}")
    return PersonRef(
        person_id=person_id,
        identity_hash=identity_number_hash(record.identity_number),
        name_hash=crypto.lookup_hash(full_name) if full_name else "",
        birthdate=record.birthdate.isoformat() if record.birthdate else "",
    )


def _refs(person_ids: list[int]) -> dict[int, PersonRef]:
    identities = PersonIdentity.objects.in_bulk(person_ids)
    return {pid: record_ref(_person_record(None, identities.get(pid)), pid) for pid in person_ids}


def person_ref(person: Person | None) -> PersonRef | None:
    return None if person is None else _refs([person.pk])[person.pk]


def cases_facts(case_ids: Iterable[int]) -> dict[int, CaseFacts]:
    """What the reintegration rule needs to know about each case, read fresh from the database, in the same
    few queries for any number of cases."""
    case_ids = list(case_ids)
    perpetrators: dict[int, list[int]] = {}
    named = Perpetrator.objects.filter(case_id__in=case_ids, person__isnull=False).order_by("id")
    for case_id, person_id in named.values_list("case_id", "person_id"):
        perpetrators.setdefault(case_id, []).append(person_id)
    refs = _refs([person_id for people in perpetrators.values() for person_id in people])
    return {
        pk: CaseFacts(
            owner_id=owner_id,
            family_facilitated=family_facilitated,
            perpetrators=tuple(refs[person_id] for person_id in perpetrators.get(pk, ())),
        )
        for pk, owner_id, family_facilitated in Case.objects.filter(pk__in=case_ids).values_list(
            "pk", "owner_id", "family_facilitated"
        )
    }


def case_facts(case: Case) -> CaseFacts:
    """What the reintegration rule needs to know about a case, read fresh from the database."""
    return cases_facts([case.pk])[case.pk]


def plan_approvals(plan: ReintegrationPlan) -> list[ApprovalFacts]:
    """The plan's decisions, oldest first (the model's ordering), from its prefetched approvals if there are."""
    return [
        ApprovalFacts(a.approver_id, may(a.approver, Capability.APPROVE), a.assessment, a.approved)
        for a in plan.approvals.all()
    ]


def _mark_plans(plans: list[ReintegrationPlan], user) -> None:
    """Mark each plan as the reintegration rule sees it: `awaits_decision` (held for a supervisor's decision),
    `may_decide` (this user may record that decision) and `may_be_placed` (ready, and the rule allows the
    placement now)."""
    facts = cases_facts({plan.case_id for plan in plans})
    caregivers = _refs([plan.caregiver_id for plan in plans if plan.caregiver_id is not None])
    user_approves = may(user, Capability.APPROVE)
    for plan in plans:
        case = facts[plan.case_id]
        decision = placement_decision(
            case, plan.destination_type, caregivers.get(plan.caregiver_id), plan_approvals(plan), plan.proposed_by_id
        )
        plan.awaits_decision = awaits_decision(decision, closed=plan.is_closed)
        plan.may_decide = (
            plan.awaits_decision and approver_problem(case, user.pk, user_approves, plan.proposed_by_id) is None
        )
        plan.may_be_placed = plan.status == ReintegrationPlan.Status.READY and decision.allowed


def plan_caregiver_identity(plan: ReintegrationPlan, user, request=None) -> PersonIdentity | None:
    """The identity of the caregiver a marked plan names, for the person who proposed the plan and for the
    supervisor who may decide it (who they would hand the child to is what they decide on); no one else.
    Each view is audited as identity views are."""
    if plan.caregiver_id is None or not (plan.proposed_by_id == user.pk or plan.may_decide):
        return None
    return person_identity_for(
        user, plan.case, plan.caregiver_id, request=request, details={"person": "caregiver", "plan": plan.pk}
    )


def care_plans(case: Case, user, request=None) -> list[ReintegrationPlan]:
    """The case's plans, newest first, each marked as the reintegration rule sees it (`_mark_plans`) and
    with `caregiver_identity` where this user may see it."""
    plans = list(case.reintegration_plans.select_related("proposed_by").prefetch_related("approvals__approver"))
    _mark_plans(plans, user)
    for plan in plans:
        plan.caregiver_identity = plan_caregiver_identity(plan, user, request)
    return plans


def plans_awaiting_decision(user) -> list[ReintegrationPlan]:
    """The supervisor's queue: open plans of cases in the user's scope that wait for a safety decision this
    user may take under the two-person rule, oldest first. The query keeps the plans that could wait (a
    return to the family of a family-facilitated case, neither proposed by the user nor refused or carried
    out); the reintegration rule decides which do."""
    if not may(user, Capability.APPROVE):
        return []
    candidates = list(
        of_visible_cases(user, ReintegrationPlan.objects)
        .filter(
            case__family_facilitated=True,
            destination_type__in=FAMILY_CARE_ARRANGEMENTS,
            status__in=[ReintegrationPlan.Status.AWAITING_APPROVAL, ReintegrationPlan.Status.READY],
        )
        .exclude(proposed_by=user)
        .select_related("case", "proposed_by")
        .prefetch_related("approvals__approver")
        .order_by("proposed_at", "id")
    )
    _mark_plans(candidates, user)
    return [plan for plan in candidates if plan.may_decide]


def case_visits(case: Case, today: date) -> list[FollowUpVisit]:
    """The case's follow-up visits by due date, each marked `overdue` by the one rule (domain.follow_ups)."""
    visits = list(case.follow_up_visits.select_related("arrangement").order_by("due_on", "id"))
    for visit in visits:
        visit.overdue = is_overdue(visit.due_on, visit.visited_on, today)
    return visits


def visits_for(cases: QuerySet[Case], today: date) -> tuple[list, list]:
    """(overdue, due soon) follow-up visits of these cases not yet made, by the one rule (domain.follow_ups)."""
    pending = (
        FollowUpVisit.objects.filter(case__in=cases, visited_on=None, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
        .select_related("case", "arrangement")
        .order_by("due_on", "id")
    )
    overdue, upcoming = [], []
    for visit in pending:
        (overdue if visit_state(visit.due_on, visit.visited_on, today) == VisitState.OVERDUE else upcoming).append(
            visit
        )
    return overdue, upcoming


def caseload(user) -> QuerySet[Case]:
    """The open cases the user owns (within their scope), the one whose next follow-up visit is due first first,
    then those with no visit pending, newest first."""
    next_due = FollowUpVisit.objects.filter(case=OuterRef("pk"), visited_on=None).order_by("due_on", "id")
    return (
        cases_visible_to(user)
        .filter(owner=user)
        .exclude(status__in=codelists.CLOSED_STATUSES)
        .annotate(next_visit_due=Subquery(next_due.values("due_on")[:1]))
        .order_by(F("next_visit_due").asc(nulls_last=True), "-registration_date", "-id")
    )


@dataclass(frozen=True)
class CaseloadEntry:
    """Where a case of a caseload stands: the child's current placement, the next visit pending and its state,
    the latest reintegration plan (None for what there is not)."""

    case: Case
    placement: CareArrangement | None
    next_visit: FollowUpVisit | None
    next_visit_state: VisitState | None
    plan: ReintegrationPlan | None


def _first_of_each_case(rows) -> dict[int, object]:
    first = {}
    for row in rows:
        first.setdefault(row.case_id, row)
    return first


def caseload_entries(cases: list[Case], today: date) -> list[CaseloadEntry]:
    """A page of a caseload with where each case stands (three queries for the page, not three per case)."""
    ids = [case.pk for case in cases]
    placements = _first_of_each_case(
        CareArrangement.objects.filter(case_id__in=ids, ended_on=None).order_by("case_id", "-started_on", "-id")
    )
    visits = _first_of_each_case(
        FollowUpVisit.objects.filter(case_id__in=ids, visited_on=None).order_by("case_id", "due_on", "id")
    )
    plans = _first_of_each_case(
        ReintegrationPlan.objects.filter(case_id__in=ids).order_by("case_id", "-proposed_at", "-id")
    )
    entries = []
    for case in cases:
        visit = visits.get(case.pk)
        entries.append(
            CaseloadEntry(
                case=case,
                placement=placements.get(case.pk),
                next_visit=visit,
                next_visit_state=visit_state(visit.due_on, visit.visited_on, today) if visit else None,
                plan=plans.get(case.pk),
            )
        )
    return entries


def _followed_placements(cases: QuerySet[Case]) -> QuerySet[CareArrangement]:
    """Placements of these cases with at least one recorded outcome, flagged when any outcome is re-trafficking."""
    visits = FollowUpVisit.objects.filter(arrangement=OuterRef("pk"))
    return (
        CareArrangement.objects.filter(case__in=cases)
        .annotate(
            followed=Exists(visits.exclude(outcome="")), retrafficked=Exists(visits.filter(outcome="re_trafficked"))
        )
        .filter(followed=True)
    )


def retrafficking_rates(
    cases: QuerySet[Case] | None = None, *, protection: Protection = UNPROTECTED
) -> dict[str, list[dict]]:
    """Re-trafficking among followed-up placements, by placement type and by family-facilitated status.

    A placement counts once, as re-trafficked if any of its visits found so. Both counts of a row are published
    as every statistic is (`engine.published_counts`): under cell-key protection each is perturbed by the keys of
    its placements' cases, so the same placements always show the same figures and a rate over few placements
    cannot be told from its neighbours; a row perturbed to no placements is not listed.
    Rows: {"key", "placements", "retrafficked", "rate"}.
    """
    placements = _followed_placements(cases if cases is not None else Case.objects.all())

    def rows(group_by: str) -> list[dict]:
        grouped = (
            placements.order_by()
            .values(group_by)
            .annotate(
                followed_count=Count("id"),
                followed_key=Sum("case__record_key"),
                retrafficked_count=Count("id", filter=Q(retrafficked=True)),
                retrafficked_key=Sum("case__record_key", filter=Q(retrafficked=True), default=0),
            )
            .order_by(group_by)
        )
        published = []
        for row in grouped:
            cells = [(row["followed_count"], row["followed_key"]), (row["retrafficked_count"], row["retrafficked_key"])]
            followed, retrafficked = published_counts(cells, protection)
            if followed:
                retrafficked = min(retrafficked, followed)  # perturbed apart, a part never exceeds its whole
                published.append(
                    {
                        "key": row[group_by],
                        "placements": followed,
                        "retrafficked": retrafficked,
                        "rate": retrafficked / followed,
                    }
                )
        return published

    return {"by_placement_type": rows("arrangement_type"), "by_family_facilitated": rows("case__family_facilitated")}
