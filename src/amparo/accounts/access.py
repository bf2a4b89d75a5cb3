"""What a user may do: the one way to ask the capability table (`accounts.roles.CAPABILITIES`).

Views, services, commands and the navigation ask `may(user, Capability.X)` or
call `require(...)`, and templates show what their view asked; none tests a role. Which cases a user may do it to
(their scope) is decided by `registry.access`, the door to cases.
"""

from django.core.exceptions import PermissionDenied

from amparo.accounts.roles import CAPABILITIES, SUPERUSER_CAPABILITIES, Capability, Scope


def may(user, capability: Capability) -> bool:
    """Whether this active, signed-in user's role (or superuser status) holds the capability."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability] or (user.is_superuser and capability in SUPERUSER_CAPABILITIES)


def require(user, capability: Capability) -> None:
    """Refuse (PermissionDenied: 403 in a view) unless the user holds the capability."""
    if not may(user, capability):
        raise PermissionDenied


def statistics_suppressed_for(user, *, within_scope: bool = False) -> bool:
    """Whether the user gets protected statistics (small counts hidden) rather than exact ones.

    A count of one or two can point at a child, so exact figures go only to those who may see the
    identities of every case the figures are about: roles that may see identities, for figures over their
    scope (`within_scope`) or with a scope of all cases. Everyone else, analysts and users whose scope is
    narrower than the registry, gets figures about cases beyond their reach protected.
    """
    if not may(user, Capability.IDENTITIES):
        return True
    return not within_scope and user.effective_scope != Scope.ALL
