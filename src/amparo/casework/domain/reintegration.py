"""The safe-reintegration rule: never hand a child back to the family that trafficked them unchecked.

A case is family-facilitated when a perpetrator is a relative or lives in the
household. For such a case, placing the child with the family (parents or
extended family) needs a documented safety assessment approved by a
supervisor who is neither the case worker who owns the case nor the person who
proposed the plan (two-person rule). A perpetrator of the case can never be the
caregiver, whatever the approval; nor can someone recorded with a perpetrator's
full name, until an identity number or a birth date tells them apart (many
perpetrators are recorded by name only, and a wrong refusal is mended by
recording a document, a wrong placement is not). Services call `placement_decision` before
every write, so no form, API or import can go around it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from amparo.core.codelists import FAMILY_CARE_ARRANGEMENTS


class Verdict(StrEnum):
    ALLOWED = "allowed"
    NEEDS_APPROVAL = "needs_approval"
    FORBIDDEN = "forbidden"


class Reason(StrEnum):
    """Why a placement or an approval is refused or held; services turn these into messages."""

    CAREGIVER_IS_PERPETRATOR = "caregiver_is_perpetrator"
    CAREGIVER_MAY_BE_PERPETRATOR = "caregiver_may_be_perpetrator"
    FAMILY_RETURN_NEEDS_APPROVAL = "family_return_needs_approval"
    FAMILY_RETURN_REFUSED = "family_return_refused"
    APPROVER_NOT_SUPERVISOR = "approver_not_supervisor"
    APPROVER_IS_CASE_WORKER = "approver_is_case_worker"
    APPROVER_PROPOSED_PLAN = "approver_proposed_plan"
    ASSESSMENT_MISSING = "assessment_missing"
    PLAN_CLOSED = "plan_closed"


@dataclass(frozen=True)
class PersonRef:
    """Who a person is, for matching: the Person row, keyed hashes of their identity number and of
    their full name (folded), and their birth date (ISO), each empty when unknown."""

    person_id: int | None = None
    identity_hash: str = ""
    name_hash: str = ""
    birthdate: str = ""

    def is_same_as(self, other: "PersonRef") -> bool:
        same_row = self.person_id is not None and self.person_id == other.person_id
        same_identity = bool(self.identity_hash) and self.identity_hash == other.identity_hash
        return same_row or same_identity

    def may_be_same_as(self, other: "PersonRef") -> bool:
        """The same full name, and no identity number or birth date recorded for both that differs."""
        if not self.name_hash or self.name_hash != other.name_hash:
            return False
        told_apart_by_document = (
            self.identity_hash and other.identity_hash and self.identity_hash != other.identity_hash
        )
        told_apart_by_birth = self.birthdate and other.birthdate and self.birthdate != other.birthdate
        return not (told_apart_by_document or told_apart_by_birth)


@dataclass(frozen=True)
class CaseFacts:
    owner_id: int | None
    family_facilitated: bool
    perpetrators: tuple[PersonRef, ...] = ()


@dataclass(frozen=True)
class ApprovalFacts:
    """One recorded decision on a plan's safety assessment, oldest first in a sequence."""

    approver_id: int | None
    approver_is_supervisor: bool
    assessment: str
    approved: bool


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: Reason | None = None

    @property
    def allowed(self) -> bool:
        return self.verdict == Verdict.ALLOWED


def is_family_return(destination_type: str) -> bool:
    return destination_type in FAMILY_CARE_ARRANGEMENTS


def caregiver_problem(caregiver: PersonRef | None, facts: CaseFacts) -> Reason | None:
    """Whether the caregiver is, or may be, one of the case's perpetrators."""
    if caregiver is None:
        return None
    if any(caregiver.is_same_as(p) for p in facts.perpetrators):
        return Reason.CAREGIVER_IS_PERPETRATOR
    if any(caregiver.may_be_same_as(p) for p in facts.perpetrators):
        return Reason.CAREGIVER_MAY_BE_PERPETRATOR
    return None


def approver_problem(
    facts: CaseFacts, approver_id: int | None, approver_is_supervisor: bool, proposer_id: int | None
) -> Reason | None:
    """What keeps this person from deciding on a plan's safety assessment (two-person rule), if anything."""
    if not approver_is_supervisor:
        return Reason.APPROVER_NOT_SUPERVISOR
    if approver_id is None or approver_id == facts.owner_id:
        return Reason.APPROVER_IS_CASE_WORKER
    if approver_id == proposer_id:
        return Reason.APPROVER_PROPOSED_PLAN
    return None


def approval_problem(facts: CaseFacts, approval: ApprovalFacts, proposer_id: int | None) -> Reason | None:
    """What makes a safety-assessment decision invalid under the two-person rule, if anything."""
    problem = approver_problem(facts, approval.approver_id, approval.approver_is_supervisor, proposer_id)
    if problem is None and not approval.assessment.strip():
        return Reason.ASSESSMENT_MISSING
    return problem


def placement_decision(
    facts: CaseFacts,
    destination_type: str,
    caregiver: PersonRef | None,
    approvals: Iterable[ApprovalFacts] = (),
    proposer_id: int | None = None,
) -> Decision:
    """May the child be placed here? Invalid approvals are ignored; the latest valid decision counts."""
    problem = caregiver_problem(caregiver, facts)
    if problem is not None:
        return Decision(Verdict.FORBIDDEN, problem)
    if not (facts.family_facilitated and is_family_return(destination_type)):
        return Decision(Verdict.ALLOWED)
    valid = [a for a in approvals if approval_problem(facts, a, proposer_id) is None]
    if not valid:
        return Decision(Verdict.NEEDS_APPROVAL, Reason.FAMILY_RETURN_NEEDS_APPROVAL)
    if not valid[-1].approved:
        return Decision(Verdict.FORBIDDEN, Reason.FAMILY_RETURN_REFUSED)
    return Decision(Verdict.ALLOWED)


def awaits_decision(decision: Decision, closed: bool) -> bool:
    """Whether a plan waits for a supervisor's decision on its safety assessment: still open, and held by the
    rule for want of a valid approval. A plan carried out or refused is closed: a refusal is final for that
    plan, and the case worker proposes another with what the refusal asked for."""
    return not closed and decision.reason == Reason.FAMILY_RETURN_NEEDS_APPROVAL
