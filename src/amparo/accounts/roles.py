"""Roles and scopes, as in Primero: what a user may do and over which cases."""

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

# Roles that may see victims' identifying data (within their scope).
IDENTITY_ROLES = frozenset({Role.REGISTRAR, Role.CASE_WORKER, Role.SUPERVISOR, Role.DATA_MANAGER, Role.ADMINISTRATOR})
