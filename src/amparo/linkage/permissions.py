"""Who may run linkage and decide about pairs: the capability table's LINK, within the user's scope."""

from django.core.exceptions import PermissionDenied

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.registry.access import cases_visible_to


def may_review(user) -> bool:
    return may(user, Capability.LINK)


def require_reviewer(user, person_ids: tuple[int, ...] = ()) -> None:
    """Refuse unless the user may review links, and sees a case of each victim in `person_ids`."""
    if not may_review(user):
        raise PermissionDenied
    visible = set(cases_visible_to(user).filter(victim_id__in=person_ids).values_list("victim_id", flat=True))
    if visible != set(person_ids):
        raise PermissionDenied
