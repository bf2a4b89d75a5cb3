"""The reintegration rule, as plain data: every branch of placement_decision, approval_problem and
awaits_decision."""

import pytest

from amparo.casework.domain.reintegration import (
    ApprovalFacts,
    CaseFacts,
    PersonRef,
    Reason,
    Verdict,
    approval_problem,
    approver_problem,
    awaits_decision,
    placement_decision,
)

OWNER, PROPOSER, SUPERVISOR, OTHER_SUPERVISOR = 1, 2, 3, 4
MOTHER = PersonRef(person_id=10, identity_hash="hash-mother")
FAMILY_CASE = CaseFacts(owner_id=OWNER, family_facilitated=True, perpetrators=(MOTHER,))
OTHER_CASE = CaseFacts(owner_id=OWNER, family_facilitated=False, perpetrators=(PersonRef(11, "hash-employer"),))
GRANDMOTHER = PersonRef(person_id=None, identity_hash="hash-grandmother")


def approval(
    approver=SUPERVISOR, supervisor=True, text="Visited the home twice; the mother is in custody.", approved=True
):
    return ApprovalFacts(approver, supervisor, text, approved)


@pytest.mark.parametrize("destination", ["parents", "kinship"])
def test_it_blocks_a_return_to_the_family_of_a_family_facilitated_case_without_approval(destination):
    decision = placement_decision(FAMILY_CASE, destination, GRANDMOTHER, [], PROPOSER)
    assert decision.verdict == Verdict.NEEDS_APPROVAL
    assert decision.reason == Reason.FAMILY_RETURN_NEEDS_APPROVAL


@pytest.mark.parametrize("destination", ["foster_family", "residential_care", "independent_living", "other"])
def test_it_allows_placements_outside_the_family_without_approval(destination):
    assert placement_decision(FAMILY_CASE, destination, None, [], PROPOSER).allowed


def test_it_allows_a_return_to_the_family_when_the_family_did_not_facilitate():
    assert placement_decision(OTHER_CASE, "parents", GRANDMOTHER, [], PROPOSER).allowed


def test_a_valid_supervisor_approval_allows_the_family_return():
    assert placement_decision(FAMILY_CASE, "kinship", GRANDMOTHER, [approval()], PROPOSER).allowed


@pytest.mark.parametrize(
    "bad",
    [
        approval(supervisor=False),  # not a supervisor
        approval(approver=OWNER),  # the case worker approving their own case
        approval(approver=PROPOSER),  # whoever proposed the plan
        approval(text="   "),  # no documented assessment
        approval(approver=None),
    ],
)
def test_it_ignores_approvals_that_break_the_two_person_rule(bad):
    decision = placement_decision(FAMILY_CASE, "parents", GRANDMOTHER, [bad], PROPOSER)
    assert decision.verdict == Verdict.NEEDS_APPROVAL


def test_the_latest_valid_decision_wins():
    refused_after = [approval(), approval(approver=OTHER_SUPERVISOR, approved=False)]
    approved_after = [approval(approved=False), approval(approver=OTHER_SUPERVISOR)]
    assert (
        placement_decision(FAMILY_CASE, "parents", GRANDMOTHER, refused_after, PROPOSER).reason
        == Reason.FAMILY_RETURN_REFUSED
    )
    assert placement_decision(FAMILY_CASE, "parents", GRANDMOTHER, approved_after, PROPOSER).allowed


@pytest.mark.parametrize(
    "caregiver",
    [
        PersonRef(person_id=10),  # the same Person row
        PersonRef(person_id=99, identity_hash="hash-mother"),  # another row, same identity number
    ],
)
@pytest.mark.parametrize("destination", ["parents", "kinship", "foster_family", "other"])
def test_a_perpetrator_is_never_the_caregiver_whatever_the_approval(caregiver, destination):
    decision = placement_decision(FAMILY_CASE, destination, caregiver, [approval()], PROPOSER)
    assert decision.verdict == Verdict.FORBIDDEN
    assert decision.reason == Reason.CAREGIVER_IS_PERPETRATOR


def test_a_perpetrator_is_never_the_caregiver_even_in_a_case_not_family_facilitated():
    decision = placement_decision(OTHER_CASE, "foster_family", PersonRef(None, "hash-employer"))
    assert decision.reason == Reason.CAREGIVER_IS_PERPETRATOR


def test_people_without_identity_numbers_do_not_match_each_other():
    assert PersonRef(None, "").is_same_as(PersonRef(None, "")) is False


@pytest.mark.parametrize(
    "facts, expected",
    [
        (approval(supervisor=False), Reason.APPROVER_NOT_SUPERVISOR),
        (approval(approver=OWNER), Reason.APPROVER_IS_CASE_WORKER),
        (approval(approver=PROPOSER), Reason.APPROVER_PROPOSED_PLAN),
        (approval(text=""), Reason.ASSESSMENT_MISSING),
        (approval(), None),
    ],
)
def test_approval_problem_names_what_breaks_the_rule(facts, expected):
    assert approval_problem(FAMILY_CASE, facts, PROPOSER) == expected


UNCLE_BY_NAME = PersonRef(person_id=12, name_hash="hash-of-juan-quispe-mamani")
NAMED_CASE = CaseFacts(owner_id=OWNER, family_facilitated=True, perpetrators=(UNCLE_BY_NAME,))


@pytest.mark.parametrize("destination", ["kinship", "foster_family"])
def test_a_caregiver_with_a_perpetrators_full_name_is_refused_whatever_the_approval(destination):
    namesake = PersonRef(person_id=None, identity_hash="hash-any-dni", name_hash="hash-of-juan-quispe-mamani")
    decision = placement_decision(NAMED_CASE, destination, namesake, [approval()], PROPOSER)
    assert decision.verdict == Verdict.FORBIDDEN
    assert decision.reason == Reason.CAREGIVER_MAY_BE_PERPETRATOR


@pytest.mark.parametrize(
    "perpetrator, caregiver",
    [
        # both identity numbers recorded, and different
        (PersonRef(12, "hash-dni-1", "hash-name"), PersonRef(None, "hash-dni-2", "hash-name")),
        # both birth dates recorded, and different
        (PersonRef(12, "", "hash-name", "1970-01-01"), PersonRef(None, "", "hash-name", "1985-06-30")),
        # another name
        (PersonRef(12, "", "hash-name"), PersonRef(None, "", "hash-other-name")),
    ],
)
def test_a_namesake_told_apart_by_a_document_or_a_birth_date_is_not_refused(perpetrator, caregiver):
    facts = CaseFacts(owner_id=OWNER, family_facilitated=True, perpetrators=(perpetrator,))
    assert placement_decision(facts, "foster_family", caregiver, [], PROPOSER).allowed


def test_people_without_names_do_not_match_each_other():
    assert PersonRef(None).may_be_same_as(PersonRef(None)) is False


@pytest.mark.parametrize(
    "approvals, closed, awaits",
    [
        ((), False, True),  # no decision yet
        ((approval(approved=False),), True, False),  # refused: closed, the case worker proposes another plan
        ((approval(approver=PROPOSER),), False, True),  # an approval breaking the two-person rule counts for nothing
        ((approval(),), False, False),  # approved: ready for placement
        ((approval(),), True, False),  # carried out
    ],
)
def test_a_family_return_awaits_a_decision_until_validly_approved_refused_or_carried_out(approvals, closed, awaits):
    decision = placement_decision(FAMILY_CASE, "parents", GRANDMOTHER, approvals, PROPOSER)
    assert awaits_decision(decision, closed) is awaits


@pytest.mark.parametrize(
    "facts, destination, caregiver",
    [
        (OTHER_CASE, "parents", GRANDMOTHER),  # the family did not facilitate
        (FAMILY_CASE, "foster_family", GRANDMOTHER),  # not a return to the family
        (FAMILY_CASE, "parents", MOTHER),  # a perpetrator: refused whatever a supervisor decides
    ],
)
def test_no_decision_is_awaited_where_no_approval_would_change_the_outcome(facts, destination, caregiver):
    assert not awaits_decision(placement_decision(facts, destination, caregiver, (), PROPOSER), closed=False)


@pytest.mark.parametrize(
    "approver, is_supervisor, expected",
    [
        (OTHER_SUPERVISOR, True, None),
        (OWNER, True, Reason.APPROVER_IS_CASE_WORKER),
        (PROPOSER, True, Reason.APPROVER_PROPOSED_PLAN),
        (OTHER_SUPERVISOR, False, Reason.APPROVER_NOT_SUPERVISOR),
    ],
)
def test_who_may_decide_follows_the_two_person_rule(approver, is_supervisor, expected):
    assert approver_problem(FAMILY_CASE, approver, is_supervisor, PROPOSER) == expected
