"""The door to cases: which case records a user may open, and their victims' identities.

Every view, API endpoint, export and report reads cases through
`cases_visible_to` / `case_for`, identities through `identity_for` /
`identities_for`, and finds victims by identity number or name through
`victims_found`, so a scope check cannot be forgotten in one of them. What a
role may do at all is asked of `accounts.access.may`.
"""

import operator
from functools import reduce

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from amparo.accounts.access import may, require
from amparo.accounts.roles import Capability, Scope
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core import crypto
from amparo.core.dialects import dialect
from amparo.registry.models import Case, Person, PersonIdentity
from amparo.registry.name_index import people_named


def _scope_condition(user, through: str = "") -> Q | None:
    """The condition that keeps the cases within the user's scope (own, own organisation's, or all), on a
    case or on rows that reach their case `through` a relation ("case__"); None for a user with no scope.
    Asked as a condition of the row, never as `case IN (cases in scope)`: that list is the whole registry for
    an organisation's supervisor, and SQLite builds it before reading a single row."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    scope = user.effective_scope
    if scope == Scope.ALL:
        return Q()
    if scope == Scope.ORGANISATION and user.organisation_id:
        return Q(**{f"{through}source_organisation_id": user.organisation_id}) | Q(
            **{f"{through}owner__organisation_id": user.organisation_id}
        )
    return Q(**{f"{through}owner": user})


def cases_in_scope(user) -> QuerySet[Case]:
    """Cases within the user's scope (own, own organisation's, or all), whatever their role may do with them."""
    condition = _scope_condition(user)
    return Case.objects.none() if condition is None else Case.objects.filter(condition)


def cases_visible_to(user) -> QuerySet[Case]:
    """The case records the user may open: those in their scope, none for a role that may not open cases."""
    if not may(user, Capability.CASES):
        return Case.objects.none()
    return cases_in_scope(user)


def of_visible_cases(user, rows: QuerySet, through: str = "case") -> QuerySet:
    """The rows (plans, visits, placements) whose case, reached `through` that relation, the user may open."""
    condition = _scope_condition(user, f"{through}__")
    if condition is None or not may(user, Capability.CASES):
        return rows.none()
    return rows.filter(condition)


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


def _identities_shown(
    user, people: list[tuple[Case, int | None]], request=None, details: dict | None = None
) -> dict[int, PersonIdentity]:
    """{case id: the identifying data of the person named for it} for the cases the user may open, for users
    allowed to see identities; each case's view is audited, with `details` saying whose identity it was."""
    if not may(user, Capability.IDENTITIES):
        return {}
    named = [(case, person_id) for case, person_id in people if person_id is not None]
    if not named:
        return {}
    visible = set(cases_visible_to(user).filter(pk__in=[case.pk for case, _ in named]).values_list("pk", flat=True))
    identities = PersonIdentity.objects.in_bulk({person_id for case, person_id in named if case.pk in visible})
    shown = {case.pk: identities[person_id] for case, person_id in named if person_id in identities}
    with transaction.atomic():  # one write to the log for the page, not one per child
        for case, _ in named:
            if case.pk in shown:
                audit_record(user=user, action=AuditAction.VIEW_IDENTITY, obj=case, request=request, details=details)
    return shown


def identity_for(user, case: Case, request=None) -> PersonIdentity | None:
    """The victim's identifying data, for users allowed to see it; every view is audited."""
    return identities_for(user, [case], request).get(case.pk)


def person_identity_for(
    user, case: Case, person_id: int | None, *, request=None, details: dict | None = None
) -> PersonIdentity | None:
    """The identifying data of a person of this case (its victim, or the caregiver a plan names: the caller
    vouches that the person belongs to the case), for users who may see the case's identities; every view
    is audited on the case, with `details` saying whose identity it was."""
    return _identities_shown(user, [(case, person_id)], request, details).get(case.pk)


def identities_for(user, cases: list[Case], request=None) -> dict[int, PersonIdentity]:
    """{case id: its victim's identifying data} for those of the cases the user may open and whose victim has
    any, for users allowed to see identities; each case's view is audited."""
    return _identities_shown(user, [(case, case.victim_id) for case in cases], request)


def victims_found(user, text: str, request=None) -> QuerySet[Person]:
    """Victims within the user's scope whose identity number is exactly `text` (keyed hash look-up), or whose
    name has every word of it, in any order, spelled within one typo or sounding alike (the blind index of
    registry.name_index).

    Users who may not see identities get nothing. Every search is audited with its number of matches, never
    with what was searched. The victims are found once, here: the queryset returned selects them by id.
    """
    if not may(user, Capability.IDENTITIES) or not text.strip():
        return Person.objects.none()
    conditions = []
    if any(character.isdigit() for character in text):  # identity numbers have digits, names none
        by_number = PersonIdentity.objects.filter(identity_number_hash=crypto.lookup_hash(text))
        conditions.append(Q(pk__in=by_number.values("person_id")))
    named = people_named(text)
    if named is not None:
        conditions.append(named)
    found = []
    if conditions:
        victims = Person.objects.filter(
            reduce(operator.or_, conditions), Exists(cases_visible_to(user).filter(victim_id=OuterRef("pk")))
        )
        found = list(victims.values_list("pk", flat=True))
    audit_record(user=user, action=AuditAction.IDENTITY_SEARCH, details={"matches": len(found)}, request=request)
    return Person.objects.filter(pk__in=dialect().id_list(found))
