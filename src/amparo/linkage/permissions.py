"""Who may run linkage and decide about pairs: read by the services, the views and the navigation."""

from django.core.exceptions import PermissionDenied

from amparo.accounts.access import cases_visible_to
from amparo.accounts.roles import Role

# Linking reads every victim's identity and changes how many victims every statistic counts: it is the
# data managers' job (administrators stand in for them).
REVIEW_ROLES = frozenset({Role.DATA_MANAGER, Role.ADMINISTRATOR})


def may_review(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in REVIEW_ROLES))


def require_reviewer(user, person_ids: tuple[int, ...] = ()) -> None:
    """Refuse unless the user may review links, and sees a case of each victim in `person_ids`."""
    if not may_review(user):
        raise PermissionDenied
    visible = set(cases_visible_to(user).filter(victim_id__in=person_ids).values_list("victim_id", flat=True))
    if visible != set(person_ids):
        raise PermissionDenied
