"""The capability table and the one way to ask it, checked against the rules as docs/security.md states them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from amparo.accounts.access import may, require, statistics_suppressed_for
from amparo.accounts.roles import Capability, Role, Scope

pytestmark = pytest.mark.django_db

C = Capability
# Written out by hand from docs/security.md, not read from the table under test.
EXPECTED = {
    Role.REGISTRAR: {C.CASES, C.IDENTITIES, C.REGISTER},
    Role.CASE_WORKER: {C.CASES, C.IDENTITIES, C.REGISTER, C.CARE, C.CASEWORK_STATISTICS},
    Role.SUPERVISOR: {C.CASES, C.IDENTITIES, C.REGISTER, C.CARE, C.APPROVE, C.CASEWORK_STATISTICS},
    Role.DATA_MANAGER: {C.CASES, C.IDENTITIES, C.REGISTER, C.CASEWORK_STATISTICS, C.EXCHANGE, C.LINK, C.RELEASE},
    Role.ANALYST: {C.CASEWORK_STATISTICS},
    Role.ADMINISTRATOR: {
        C.CASES,
        C.IDENTITIES,
        C.REGISTER,
        C.CARE,
        C.CASEWORK_STATISTICS,
        C.EXCHANGE,
        C.LINK,
        C.RELEASE,
        C.PUBLISH,
        C.AUDIT,
        C.USERS,
    },
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_its_capabilities(role, personas):
    assert {c for c in Capability if may(personas[role], c)} == EXPECTED[role]


def test_a_superuser_reads_the_audit_log_and_manages_accounts_whatever_their_role(analyst):
    analyst.is_superuser = True
    assert {c for c in Capability if may(analyst, c)} == {C.CASEWORK_STATISTICS, C.AUDIT, C.USERS}


def test_inactive_and_anonymous_users_may_do_nothing(administrator):
    administrator.is_active = False
    for user in (administrator, AnonymousUser(), None):
        assert not any(may(user, c) for c in Capability)


def test_require_refuses_what_the_role_may_not_do(analyst, data_manager):
    require(data_manager, C.EXCHANGE)
    with pytest.raises(PermissionDenied):
        require(analyst, C.EXCHANGE)


@pytest.mark.parametrize(
    "role, exact",
    [
        (Role.REGISTRAR, False),
        (Role.CASE_WORKER, False),
        (Role.SUPERVISOR, False),  # scope narrower than the registry
        (Role.DATA_MANAGER, True),
        (Role.ADMINISTRATOR, True),
        (Role.ANALYST, False),  # may see no identity
    ],
)
def test_exact_statistics_of_the_whole_registry_only_for_identity_roles_that_see_every_case(role, exact, personas):
    assert statistics_suppressed_for(personas[role]) is not exact


def test_a_scope_widened_to_every_case_gets_exact_statistics(registrar, analyst):
    registrar.scope = analyst.scope = Scope.ALL
    assert not statistics_suppressed_for(registrar)
    assert statistics_suppressed_for(analyst)


def test_figures_within_the_users_scope_are_exact_for_identity_roles_only(registrar, analyst):
    assert not statistics_suppressed_for(registrar, within_scope=True)
    assert statistics_suppressed_for(analyst, within_scope=True)
