"""Reads for casework: a case as a record, the facts the reintegration rule needs, plans as the rule sees
them, visits due and overdue, re-trafficking rates (SQL aggregation throughout)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.casework.domain.follow_ups import is_overdue
from amparo.casework.domain.reintegration import (
    ApprovalFacts,
    CaseFacts,
    PersonRef,
    approver_problem,
    awaits_decision,
    placement_decision,
)
from amparo.casework.models import CareArrangement, FollowUpVisit, ReintegrationPlan
from amparo.core import crypto, text
from amparo.registry.identities import identity_number_hash
from amparo.registry.models import Case, Person, PersonIdentity
from amparo.registry.records import CASE_SCALARS, CODE_LISTS, CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.stats.domain.disclosure import rate_is_sensitive


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


def case_facts(case: Case) -> CaseFacts:
    """What the reintegration rule needs to know about a case, read fresh from the database."""
    case.refresh_from_db(fields=["family_facilitated", "owner"])
    person_ids = list(case.perpetrators.exclude(person=None).values_list("person_id", flat=True))
    return CaseFacts(
        owner_id=case.owner_id,
        family_facilitated=case.family_facilitated,
        perpetrators=tuple(_refs(person_ids).values()),
    )


def plan_approvals(plan: ReintegrationPlan) -> list[ApprovalFacts]:
    return [
        ApprovalFacts(a.approver_id, may(a.approver, Capability.APPROVE), a.assessment, a.approved)
        for a in plan.approvals.select_related("approver").order_by("decided_at", "id")
    ]


def care_plans(case: Case, user) -> list[ReintegrationPlan]:
    """The case's plans, newest first, each marked as the reintegration rule sees it: `awaits_decision` (held
    for a supervisor's decision), `may_decide` (this user may record that decision) and `may_be_placed` (ready,
    and the rule allows the placement now)."""
    facts = case_facts(case)
    user_approves = may(user, Capability.APPROVE)
    plans = list(
        case.reintegration_plans.select_related("proposed_by", "caregiver").prefetch_related("approvals__approver")
    )
    for plan in plans:
        decision = placement_decision(
            facts, plan.destination_type, person_ref(plan.caregiver), plan_approvals(plan), plan.proposed_by_id
        )
        plan.awaits_decision = awaits_decision(decision, placed=plan.status == ReintegrationPlan.Status.PLACED)
        plan.may_decide = (
            plan.awaits_decision and approver_problem(facts, user.pk, user_approves, plan.proposed_by_id) is None
        )
        plan.may_be_placed = plan.status == ReintegrationPlan.Status.READY and decision.allowed
    return plans


def case_visits(case: Case, today: date) -> list[FollowUpVisit]:
    """The case's follow-up visits by due date, each marked `overdue` by the one rule (domain.follow_ups)."""
    visits = list(case.follow_up_visits.select_related("arrangement").order_by("due_on", "id"))
    for visit in visits:
        visit.overdue = is_overdue(visit.due_on, visit.visited_on, today)
    return visits


def visits_for(cases: QuerySet[Case], today: date, upcoming_days: int = 30) -> tuple[list, list]:
    """(overdue, upcoming) follow-up visits of these cases not yet made: overdue by the one rule
    (domain.follow_ups), upcoming when due within the window."""
    window_end = date.fromordinal(today.toordinal() + upcoming_days)
    pending = (
        FollowUpVisit.objects.filter(case__in=cases, visited_on=None, due_on__lte=window_end)
        .select_related("case", "arrangement")
        .order_by("due_on", "id")
    )
    overdue, upcoming = [], []
    for visit in pending:
        (overdue if is_overdue(visit.due_on, visit.visited_on, today) else upcoming).append(visit)
    return overdue, upcoming


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


def retrafficking_rates(cases: QuerySet[Case] | None = None, *, threshold: int | None = None) -> dict[str, list[dict]]:
    """Re-trafficking among followed-up placements, by placement type and by family-facilitated status.

    A placement counts once, as re-trafficked if any of its visits found so.
    Rows: {"key", "placements", "retrafficked", "rate", "hidden"}; rate is None without placements. With a
    `threshold`, a row whose figures could point at one child is hidden: its figures are None.
    """
    placements = _followed_placements(cases if cases is not None else Case.objects.all())

    def rows(group_by: str) -> list[dict]:
        grouped = (
            placements.order_by()
            .values(group_by)
            .annotate(placements=Count("id"), retrafficked=Count("id", filter=Q(retrafficked=True)))
            .order_by(group_by)
        )
        return [_rate_row(row[group_by], row["placements"], row["retrafficked"], threshold) for row in grouped]

    return {"by_placement_type": rows("arrangement_type"), "by_family_facilitated": rows("case__family_facilitated")}


def _rate_row(key, placements: int, retrafficked: int, threshold: int | None) -> dict:
    if threshold is not None and rate_is_sensitive(retrafficked, placements, threshold):
        return {"key": key, "placements": None, "retrafficked": None, "rate": None, "hidden": True}
    return {
        "key": key,
        "placements": placements,
        "retrafficked": retrafficked,
        "rate": retrafficked / placements if placements else None,
        "hidden": False,
    }
