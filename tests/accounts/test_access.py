import pytest

from amparo.accounts.access import identity_for, is_administrator, victims_with_identity_number
from amparo.audit.models import AuditAction, AuditEvent
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME

pytestmark = pytest.mark.django_db


def test_the_owner_finds_the_victim_by_exact_identity_number(registrar, victim_case):
    assert list(victims_with_identity_number(registrar, VICTIM_DNI)) == [victim_case.victim]


def test_spaces_around_and_inside_the_number_do_not_matter(registrar, victim_case):
    assert victims_with_identity_number(registrar, f" {VICTIM_DNI[:4]} {VICTIM_DNI[4:]} ").count() == 1


def test_another_number_finds_nobody(registrar, victim_case):
    assert victims_with_identity_number(registrar, "11111111").count() == 0


def test_an_analyst_never_finds_a_victim_by_identity_number(analyst, victim_case):
    assert victims_with_identity_number(analyst, VICTIM_DNI).count() == 0


def test_a_user_outside_the_scope_finds_nobody(outsider, case_worker, victim_case):
    assert victims_with_identity_number(outsider, VICTIM_DNI).count() == 0
    assert victims_with_identity_number(case_worker, VICTIM_DNI).count() == 0  # own cases only, owns none


def test_a_supervisor_of_the_organisation_finds_the_victim(supervisor, victim_case):
    assert victims_with_identity_number(supervisor, VICTIM_DNI).count() == 1


def test_each_search_is_audited_with_its_count_never_the_number(registrar, victim_case):
    victims_with_identity_number(registrar, VICTIM_DNI)
    event = AuditEvent.objects.get(action=AuditAction.IDENTITY_SEARCH)
    assert event.user == registrar and event.details == {"matches": 1}
    assert VICTIM_DNI not in str(event.details)


def test_identities_are_given_to_allowed_roles_and_each_view_is_audited(registrar, analyst, victim_case):
    assert identity_for(analyst, victim_case) is None
    assert identity_for(registrar, victim_case).first_name == VICTIM_FIRST_NAME
    assert list(AuditEvent.objects.values_list("action", "user")) == [(AuditAction.VIEW_IDENTITY, registrar.pk)]


def test_administrators_are_the_administrator_role_and_superusers(administrator, analyst, registrar):
    registrar.is_superuser = True
    assert is_administrator(administrator) and is_administrator(registrar) and not is_administrator(analyst)
    administrator.is_active = False
    assert not is_administrator(administrator)
