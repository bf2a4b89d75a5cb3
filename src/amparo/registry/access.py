"""The door to cases: which case records a user may open, and their victims' identities.

Every view, API endpoint, export and report reads cases through
`cases_visible_to` / `case_for` and identities through `identity_for`, so a
scope check cannot be forgotten in one of them. What a role may do at all is
asked of `accounts.access.may`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from amparo.accounts.access import may, require
from amparo.accounts.roles import Capability, Scope
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core import crypto
from amparo.registry.models import Case, Person, PersonIdentity


def cases_in_scope(user) -> QuerySet[Case]:
    """Cases within the user's scope (own, own organisation's, or all), whatever their role may do with them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    scope = user.effective_scope
    if scope == Scope.ALL:
        return Case.objects.all()
    if scope == Scope.ORGANISATION and user.organisation_id:
        return Case.objects.filter(
            Q(source_organisation_id=user.organisation_id) | Q(owner__organisation_id=user.organisation_id)
        )
    return Case.objects.filter(owner=user)


def cases_visible_to(user) -> QuerySet[Case]:
    """The case records the user may open: those in their scope, none for a role that may not open cases."""
    if not may(user, Capability.CASES):
        return Case.objects.none()
    return cases_in_scope(user)


def case_for(user, pk) -> Case:
    """The case with this id if the user may open it; 404 for a case outside their scope (never reveal
    that it exists), 403 for a role that opens no case."""
    require(user, Capability.CASES)
    try:
        return cases_visible_to(user).select_related("victim", "source_organisation", "owner").get(pk=pk)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None


def require_case(user, case: Case, capability: Capability) -> None:
    """The user holds the capability and the case is within their scope; refuse otherwise."""
    require(user, capability)
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        raise PermissionDenied


def identity_for(user, case: Case, request=None) -> PersonIdentity | None:
    """The victim's identifying data, for users allowed to see it; every view is audited."""
    if not may(user, Capability.IDENTITIES) or not cases_visible_to(user).filter(pk=case.pk).exists():
        return None
    identity = PersonIdentity.objects.filter(person_id=case.victim_id).first()
    if identity is not None:
        audit_record(user=user, action=AuditAction.VIEW_IDENTITY, obj=case, request=request)
    return identity


def victims_with_identity_number(user, number: str, request=None) -> QuerySet[Person]:
    """Victims within the user's scope whose identity number is exactly `number` (keyed hash look-up).

    Users who may not see identities get nothing. Every search is audited with
    its number of matches, never with the number searched.
    """
    if not may(user, Capability.IDENTITIES) or not number.strip():
        return Person.objects.none()
    victims = Person.objects.filter(
        identity__identity_number_hash=crypto.lookup_hash(number),
        cases__in=cases_visible_to(user),
    ).distinct()
    audit_record(user=user, action=AuditAction.IDENTITY_SEARCH, details={"matches": victims.count()}, request=request)
    return victims
