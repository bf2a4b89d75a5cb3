"""Who may see what: the one place where case visibility and identity access are decided.

Every view, API endpoint, export and report reads cases through
`cases_visible_to` and identities through `identity_for`, so a permission
check cannot be forgotten in one of them.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from amparo.accounts.roles import Role, Scope
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core import crypto
from amparo.registry.models import Case, Person, PersonIdentity


def cases_visible_to(user) -> QuerySet[Case]:
    """Cases within the user's scope: own, own organisation's, or all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    scope = user.effective_scope
    if scope == Scope.ALL:
        return Case.objects.all()
    if scope == Scope.ORGANISATION and user.organisation_id:
        return Case.objects.filter(Q(source_organisation_id=user.organisation_id) | Q(owner__organisation_id=user.organisation_id))
    return Case.objects.filter(owner=user)


def case_for(user, pk) -> Case:
    """The case with this id if the user may see it; 404 otherwise (never reveal that it exists)."""
    try:
        return cases_visible_to(user).select_related("victim", "source_organisation", "owner").get(pk=pk)
    except (Case.DoesNotExist, ValueError):
        raise Http404


def may_see_identities(user) -> bool:
    return user is not None and user.is_authenticated and user.may_see_identities


def identity_for(user, case: Case, request=None) -> PersonIdentity | None:
    """The victim's identifying data, for users allowed to see it; every view is audited."""
    if not may_see_identities(user) or not cases_visible_to(user).filter(pk=case.pk).exists():
        return None
    identity = PersonIdentity.objects.filter(person_id=case.victim_id).first()
    if identity is not None:
        audit_record(user=user, action=AuditAction.VIEW_IDENTITY, obj=case, request=request)
    return identity


def is_administrator(user) -> bool:
    """Administrators (role) and superusers: user management, audit log, keys."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and (user.is_superuser or user.role == Role.ADMINISTRATOR))


def victims_with_identity_number(user, number: str, request=None) -> QuerySet[Person]:
    """Victims within the user's scope whose identity number is exactly `number` (keyed hash look-up).

    Users who may not see identities get nothing. Every search is audited with
    its number of matches, never with the number searched.
    """
    if not may_see_identities(user) or not number.strip():
        return Person.objects.none()
    victims = Person.objects.filter(
        identity__identity_number_hash=crypto.lookup_hash(number),
        cases__in=cases_visible_to(user),
    ).distinct()
    audit_record(user=user, action=AuditAction.IDENTITY_SEARCH, details={"matches": victims.count()}, request=request)
    return victims


def statistics_suppressed_for(user) -> bool:
    """Small cells are hidden from everyone who may not see victims' identities (analysts, the public):
    a count of one or two can point at a child."""
    return not may_see_identities(user)
