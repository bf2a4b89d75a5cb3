"""Who may work with releases, and the one door to a release for them.

Permission is asked here once, through the capability table (accounts.access.may), so the pages cannot forget it.
Approval has its own, stricter rule (an administrator who did not make the release), kept in
services.release_approve, which the command and the pages share.
"""

from django.http import Http404

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.release.models import Release


def may_manage_releases(user) -> bool:
    """Data managers and administrators make releases and review them before publication."""
    return may(user, Capability.RELEASE)


def release_for(user, pk) -> Release:
    """The release with this id if the user may review releases; 404 otherwise (never reveal that it exists)."""
    if not may_manage_releases(user):
        raise Http404
    try:
        return Release.objects.select_related("approval", "approval__approved_by", "created_by").get(pk=pk)
    except (Release.DoesNotExist, ValueError):
        raise Http404 from None
