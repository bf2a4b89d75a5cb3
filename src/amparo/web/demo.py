"""The demo: one user per role, in a synthetic organisation, with fresh passwords each run."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from amparo.accounts.models import User
from amparo.accounts.roles import Role
from amparo.registry.models import Case, Organisation

DEMO_ORGANISATION = "Amparo demo (sintético)"
DEMO_USERNAMES = {
    Role.REGISTRAR: "registrador",
    Role.CASE_WORKER: "trabajadora",
    Role.SUPERVISOR: "supervisora",
    Role.DATA_MANAGER: "datos",
    Role.ANALYST: "analista",
    Role.ADMINISTRATOR: "admin",
}
OWNED_CASES_PER_USER = 25


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role


@transaction.atomic
def demo_users_reset() -> list[DemoLogin]:
    """Create (or reset) one demo user per role with a new random password, and give the registrar
    and the case worker some recent cases of their own so their 'own cases' scope is not empty."""
    organisation, _ = Organisation.objects.get_or_create(
        name=DEMO_ORGANISATION, defaults={"org_type": "NGO", "is_synthetic": True}
    )
    logins = []
    for role, username in DEMO_USERNAMES.items():
        user, _ = User.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.organisation = organisation
        user.role = role
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.save()
        logins.append(DemoLogin(username, password, role))
    for role in (Role.REGISTRAR, Role.CASE_WORKER):
        owner = User.objects.get(username=DEMO_USERNAMES[role])
        if not Case.objects.filter(owner=owner).exists():
            recent = Case.objects.filter(owner__isnull=True, is_synthetic=True).order_by("-registration_date", "-id")
            ids = list(recent.values_list("id", flat=True)[:OWNED_CASES_PER_USER])
            Case.objects.filter(id__in=ids).update(owner=owner)
    return logins
