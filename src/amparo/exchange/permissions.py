"""Who may use data exchange: read by the views, the import and export commands and the main navigation."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from amparo.accounts.roles import Role

# Imports write many cases at once and show rejected rows with their original values; exports hand over
# record-level data that, even without names, can single a child out. Both are for data managers and
# administrators.
EXCHANGE_ROLES = frozenset({Role.DATA_MANAGER, Role.ADMINISTRATOR})


class AccountRefused(ValueError):
    """The account named on the command line does not exist, is inactive, or may not exchange data."""


def exchange_account(username: str):
    """The active account called `username`, whose role may import and export (the commands act on its behalf,
    and the batch and the audit log name it)."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise AccountRefused(_("No active account is called %(name)s.") % {"name": username})
    if user.role not in EXCHANGE_ROLES:
        raise AccountRefused(_("The role of %(name)s (%(role)s) may not import or export cases.")
                             % {"name": username, "role": user.get_role_display()})
    return user
