"""The account the import and export commands act for: one that may exchange data (`Capability.EXCHANGE`)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from amparo.accounts.access import may
from amparo.accounts.roles import Capability


class AccountRefused(ValueError):
    """The account named on the command line does not exist, is inactive, or may not exchange data."""


def exchange_account(username: str):
    """The active account called `username`, whose role may import and export (the commands act on its behalf,
    and the batch and the audit log name it)."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise AccountRefused(_("No active account is called %(name)s.") % {"name": username})
    if not may(user, Capability.EXCHANGE):
        raise AccountRefused(
            _("The role of %(name)s (%(role)s) may not import or export cases.")
            % {"name": username, "role": user.get_role_display()}
        )
    return user
