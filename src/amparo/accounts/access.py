"""What a user may do: the one way to ask the capability table (`accounts.roles.CAPABILITIES`).

Views, services, commands, navigation and templates ask `may(user, Capability.X)`
or call `require(...)`; none tests a role. Which cases a user may do it to
(their scope) is decided by `registry.access`, the door to cases.
"""

from django.core.exceptions import PermissionDenied

from amparo.accounts.roles import CAPABILITIES, SUPERUSER_CAPABILITIES, Capability


def may(user, capability: Capability) -> bool:
    """Whether this active, signed-in user's role (or superuser status) holds the capability."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability] or (user.is_superuser and capability in SUPERUSER_CAPABILITIES)


def require(user, capability: Capability) -> None:
    """Refuse (PermissionDenied: 403 in a view) unless the user holds the capability."""
    if not may(user, capability):
        raise PermissionDenied


def statistics_suppressed_for(user) -> bool:
    """Small cells are hidden from everyone who may not see victims' identities (analysts, the public):
    a count of one or two can point at a child."""
    return not may(user, Capability.IDENTITIES)
