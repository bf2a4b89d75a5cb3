"""Roles, scopes and capabilities, as in Primero: what a user may do, and over which cases.

`CAPABILITIES` is the one table of who may do what. Code asks it through
`accounts.access.may` / `require`, never by testing a role.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("Registrar")
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    DATA_MANAGER = "data_manager", _("Data manager")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class Scope(models.TextChoices):
    OWN = "own", _("Own cases")
    ORGANISATION = "organisation", _("Own organisation's cases")
    ALL = "all", _("All cases")


DEFAULT_SCOPE = {
    Role.REGISTRAR: Scope.OWN,
    Role.CASE_WORKER: Scope.OWN,
    Role.SUPERVISOR: Scope.ORGANISATION,
    Role.DATA_MANAGER: Scope.ALL,
    Role.ANALYST: Scope.ALL,
    Role.ADMINISTRATOR: Scope.ALL,
}


class Capability(StrEnum):
    """Something a role may do; what it may do it to is the user's scope."""

    CASES = "cases"  # list cases and open their records
    IDENTITIES = "identities"  # see victims' and other people's identifying data
    REGISTER = "register"  # register and edit cases
    CARE = "care"  # a child's care, reintegration plans, placements, visits, referrals
    APPROVE = "approve"  # decide on a reintegration plan's safety assessment (two-person rule)
    CASEWORK_STATISTICS = "casework_statistics"  # re-trafficking after placement, for prevention planning
    EXCHANGE = "exchange"  # import and export files of cases
    LINK = "link"  # review record linkage across sources (pairs shown with their identities)
    RELEASE = "release"  # prepare statistical releases
    PUBLISH = "publish"  # approve another person's release for the public site (two-person rule)
    AUDIT = "audit"  # read the audit log
    USERS = "users"  # create user accounts, change their role, scope and organisation, deactivate them, reset
    # their password and second factor


_EVERY_RECORDING_ROLE = {Role.REGISTRAR, Role.CASE_WORKER, Role.SUPERVISOR, Role.DATA_MANAGER, Role.ADMINISTRATOR}

# Analysts work with statistics only: a case record (ages, places, dates) could undo the protection of the
# small counts they are shown. Imports write many cases at once and show rejected rows with their original
# values; exports hand over record-level data that, even without names, can single a child out; linkage
# and releases work on every source at once: all four are for data managers and administrators.
CAPABILITIES: dict[Capability, frozenset[Role]] = {
    Capability.CASES: frozenset(_EVERY_RECORDING_ROLE),
    Capability.IDENTITIES: frozenset(_EVERY_RECORDING_ROLE),
    Capability.REGISTER: frozenset(_EVERY_RECORDING_ROLE),
    Capability.CARE: frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.ADMINISTRATOR}),
    Capability.APPROVE: frozenset({Role.SUPERVISOR}),
    Capability.CASEWORK_STATISTICS: frozenset(
        {Role.CASE_WORKER, Role.SUPERVISOR, Role.DATA_MANAGER, Role.ANALYST, Role.ADMINISTRATOR}
    ),
    Capability.EXCHANGE: frozenset({Role.DATA_MANAGER, Role.ADMINISTRATOR}),
    Capability.LINK: frozenset({Role.DATA_MANAGER, Role.ADMINISTRATOR}),
    Capability.RELEASE: frozenset({Role.DATA_MANAGER, Role.ADMINISTRATOR}),
    Capability.PUBLISH: frozenset({Role.ADMINISTRATOR}),
    Capability.AUDIT: frozenset({Role.ADMINISTRATOR}),
    Capability.USERS: frozenset({Role.ADMINISTRATOR}),
}

# A superuser (made with `amparo createsuperuser`) looks after the installation whatever their role.
SUPERUSER_CAPABILITIES = frozenset({Capability.AUDIT, Capability.USERS})
