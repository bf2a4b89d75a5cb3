"""Which roles may do which casework action; services and views both ask here."""

from django.core.exceptions import PermissionDenied

from amparo.accounts.access import cases_visible_to
from amparo.accounts.roles import Role

# Everyone who records cases; analysts only read statistics.
REGISTER_ROLES = frozenset({Role.REGISTRAR, Role.CASE_WORKER, Role.SUPERVISOR, Role.DATA_MANAGER, Role.ADMINISTRATOR})
# Everyone who looks after a child's care and reintegration.
CARE_ROLES = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.ADMINISTRATOR})
# Only supervisors approve safety assessments (and never on their own cases or plans).
APPROVER_ROLES = frozenset({Role.SUPERVISOR})
# Casework statistics and prevention planning.
STATISTICS_ROLES = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.DATA_MANAGER, Role.ANALYST, Role.ADMINISTRATOR})


def has_role(user, roles: frozenset) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.role in roles


def require_role(user, roles: frozenset) -> None:
    if not has_role(user, roles):
        raise PermissionDenied


def require_case(user, case, roles: frozenset) -> None:
    """The user holds one of the roles and the case is within their scope; refuse otherwise."""
    require_role(user, roles)
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        raise PermissionDenied
