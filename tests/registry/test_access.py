"""The door to cases: scope, the capability to open cases at all, audited identities."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from amparo.audit.models import AuditAction, AuditEvent
from amparo.registry.access import (
    case_for,
    cases_in_scope,
    cases_visible_to,
    identity_for,
    victims_found,
)
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME

pytestmark = pytest.mark.django_db


def test_the_owner_finds_the_victim_by_exact_identity_number(registrar, victim_case):
    assert list(victims_found(registrar, VICTIM_DNI)) == [victim_case.victim]


def test_spaces_around_and_inside_the_number_do_not_matter(registrar, victim_case):
    assert victims_found(registrar, f" {VICTIM_DNI[:4]} {VICTIM_DNI[4:]} ").count() == 1


def test_another_number_finds_nobody(registrar, victim_case):
    assert victims_found(registrar, "11111111").count() == 0


def test_an_analyst_never_finds_a_victim_by_identity_number(analyst, victim_case):
    assert victims_found(analyst, VICTIM_DNI).count() == 0


def test_a_user_outside_the_scope_finds_nobody(outsider, case_worker, victim_case):
    assert victims_found(outsider, VICTIM_DNI).count() == 0
    assert victims_found(case_worker, VICTIM_DNI).count() == 0  # own cases only, owns none


def test_a_supervisor_of_the_organisation_finds_the_victim(supervisor, victim_case):
    assert victims_found(supervisor, VICTIM_DNI).count() == 1


def test_each_search_is_audited_with_its_count_never_the_number(registrar, victim_case):
    victims_found(registrar, VICTIM_DNI)
    event = AuditEvent.objects.get(action=AuditAction.IDENTITY_SEARCH)
    assert event.user == registrar and event.details == {"matches": 1}
    assert VICTIM_DNI not in str(event.details)


def test_identities_are_given_to_allowed_roles_and_each_view_is_audited(registrar, analyst, victim_case):
    assert identity_for(analyst, victim_case) is None
    assert identity_for(registrar, victim_case).first_name == VICTIM_FIRST_NAME
    assert list(AuditEvent.objects.values_list("action", "user")) == [(AuditAction.VIEW_IDENTITY, registrar.pk)]


def test_analysts_open_no_case_record_although_their_scope_is_every_case(analyst, victim_case):
    assert cases_in_scope(analyst).count() == 1
    assert cases_visible_to(analyst).count() == 0
    with pytest.raises(PermissionDenied):
        case_for(analyst, victim_case.pk)


def test_a_case_outside_the_scope_is_not_found_rather_than_refused(outsider, victim_case):
    with pytest.raises(Http404):
        case_for(outsider, victim_case.pk)


def test_the_owner_opens_the_case(registrar, victim_case):
    assert case_for(registrar, victim_case.pk) == victim_case
