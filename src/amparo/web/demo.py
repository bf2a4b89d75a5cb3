"""The demo: one user per role, in a synthetic organisation, with fresh passwords each run, and some
casework on the case worker's cases so that the reintegration safeguards can be seen at work."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from amparo.accounts.models import User
from amparo.accounts.roles import Role
from amparo.casework import care_services as care
from amparo.casework.models import CareArrangement, FollowUpVisit
from amparo.registry.models import Case
from amparo.registry.records import PersonRecord
from amparo.registry.services import cases_set_owner, organisation_get_or_create

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
    organisation = organisation_get_or_create(name=DEMO_ORGANISATION, org_type="NGO", is_synthetic=True)
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
            cases_set_owner(case_ids=ids, owner=owner)
    return logins


@dataclass(frozen=True)
class _Placement:
    """One child's care in the demo: where, since how many days ago, and the outcome of each visit made."""

    arrangement_type: str
    days_ago: int
    outcomes: tuple[str, ...] = ()


# Children in a shelter or with a foster family; visits not yet made and already due show as overdue.
_PLACEMENTS = (
    _Placement("residential_care", 400, ("stable", "stable", "stable")),
    _Placement("residential_care", 20),
    _Placement("foster_family", 250, ("stable", "stable", "stable")),
)


@transaction.atomic
def demo_casework_seed(today: date | None = None) -> None:
    """Care arrangements, follow-up visits, reintegration plans and referrals on the case worker's cases,
    made through the casework services (so every rule and the audit apply), once. One return to the
    extended family waits for the supervisor's approval; another was approved, carried out, and the child
    was trafficked again by the third month."""
    worker = User.objects.get(username=DEMO_USERNAMES[Role.CASE_WORKER])
    supervisor = User.objects.get(username=DEMO_USERNAMES[Role.SUPERVISOR])
    if CareArrangement.objects.filter(case__owner=worker).exists():
        return
    today = today or timezone.localdate()
    owned = Case.objects.filter(owner=worker).order_by("id")
    family, other = list(owned.filter(family_facilitated=True)[:5]), list(owned.filter(family_facilitated=False)[:1])
    if len(family) < 5:
        return  # a registry too small for the story (tests); the demo's synthetic registry always has them

    for case, placement in zip(family, _PLACEMENTS):
        _place(case, worker, placement.arrangement_type, today - timedelta(days=placement.days_ago), placement.outcomes)

    waiting = family[0]  # after a year in the shelter, a grandmother asks to take the child home
    care.family_assessment_record(
        case=waiting,
        user=worker,
        assessed_on=today - timedelta(days=12),
        risk="medium",
        summary="Visita domiciliaria: la abuela vive aparte de los tratantes (demo).",
    )
    care.plan_propose(
        case=waiting,
        user=worker,
        destination_type="kinship",
        caregiver=PersonRecord("Feminine", "PE"),
        rationale="Reintegración con la abuela materna (demo).",
    )

    returned = family[3]
    care.family_assessment_record(
        case=returned,
        user=worker,
        assessed_on=today - timedelta(days=230),
        risk="low",
        summary="La tía no tiene relación con los tratantes (demo).",
    )
    plan = care.plan_propose(
        case=returned,
        user=worker,
        destination_type="kinship",
        caregiver=PersonRecord("Feminine", "PE"),
        rationale="Reintegración con una tía (demo).",
    )
    care.plan_decide(
        plan=plan,
        approver=supervisor,
        approve=True,
        assessment="Evaluación de seguridad revisada; visitas mensuales (demo).",
    )
    _place(returned, worker, plan.destination_type, today - timedelta(days=200), ("stable", "re_trafficked"), plan=plan)

    for case in other:
        home = care.plan_propose(
            case=case, user=worker, destination_type="parents", rationale="Retorno al hogar (demo)."
        )
        _place(case, worker, home.destination_type, today - timedelta(days=150), ("stable", "stable"), plan=home)

    for case, programme, days_ago, status in (
        (family[0], "parent_education", 60, "enrolled"),
        (family[3], "family_strengthening", 190, "completed"),
        (family[4], "parent_education", 10, "referred"),
    ):
        referral = care.referral_create(
            case=case, user=worker, programme=programme, referred_on=today - timedelta(days=days_ago)
        )
        if status != "referred":
            care.referral_set_status(referral=referral, user=worker, status=status)


def _place(case, worker, arrangement_type, started_on, outcomes, plan=None) -> None:
    """Place the child and record the first visits (each on its due date) with these outcomes."""
    arrangement = care.care_arrangement_start(
        case=case, user=worker, arrangement_type=arrangement_type, started_on=started_on, plan=plan
    )
    visits = FollowUpVisit.objects.filter(arrangement=arrangement).order_by("months_after")
    for visit, outcome in zip(visits, outcomes):
        care.follow_up_record(visit=visit, user=worker, visited_on=visit.due_on, outcome=outcome)
