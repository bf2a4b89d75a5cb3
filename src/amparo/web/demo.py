"""The demo: one user per role, in a synthetic organisation, with fresh passwords each run, and some
casework on the case worker's cases so that the reintegration safeguards can be seen at work."""

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from amparo.accounts.models import User
from amparo.accounts.roles import Role
from amparo.casework import care_services as care
from amparo.casework.models import CareArrangement, FollowUpVisit
from amparo.core.age_bands import ADULT_AGE
from amparo.registry.models import Case
from amparo.registry.records import PersonRecord
from amparo.registry.services import cases_set_owner, organisation_get_or_create
from amparo.synth.domain import names

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
def demo_users_reset(today: date | None = None) -> list[DemoLogin]:
    """Create (or reset) one demo user per role with a new random password, and give the registrar some
    recent cases of their own, and the case worker children whose casework the demo can tell, so that
    their 'own cases' scope is not empty."""
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
    today = today or timezone.localdate()
    for role, chosen in ((Role.REGISTRAR, _recent_cases), (Role.CASE_WORKER, _children_for_casework)):
        owner = User.objects.get(username=DEMO_USERNAMES[role])
        if not Case.objects.filter(owner=owner).exists():
            unowned = Case.objects.filter(owner__isnull=True, is_synthetic=True).order_by("-registration_date", "-id")
            cases_set_owner(case_ids=chosen(unowned, today), owner=owner)
    return logins


def _recent_cases(unowned, today: date) -> list[int]:
    return list(unowned.values_list("id", flat=True)[:OWNED_CASES_PER_USER])


# The casework told below reaches this far back: every child's case was registered before it began.
STORY_DAYS = 430


def _children_for_casework(unowned, today: date) -> list[int]:
    """The newest cases registered before the demo's casework began whose victims are still children today."""
    candidates = unowned.filter(
        registration_date__lte=today - timedelta(days=STORY_DAYS), age_when_trafficked__lt=ADULT_AGE
    ).values_list("id", "registration_date", "age_when_trafficked")
    chosen = []
    for pk, registered, age in candidates.iterator():
        if is_child_today(age, registered, today):
            chosen.append(pk)
            if len(chosen) == OWNED_CASES_PER_USER:
                break
    return chosen


def is_child_today(age_when_trafficked: int, registered: date, today: date) -> bool:
    """Whether a victim trafficked at this age (in whole years), at most a year before the case was registered,
    is certainly under 18 today: a page that says «niña o niño» must be about a child."""
    years_since = (today - registered).days / 365.25
    return age_when_trafficked + 2 + years_since < ADULT_AGE


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


def _caregiver(rng: random.Random) -> PersonRecord:
    """A synthetic woman of Lima as caregiver, named from the synthetic registry's pools, so the supervisor who
    decides the plan sees who the child would live with."""
    return PersonRecord(
        "Feminine",
        "PE",
        first_name=names.given_names(rng, "Feminine", "PE"),
        second_name=names.full_surnames(rng, "PE", "15"),
        identity_number=f"{rng.randrange(10**7, 10**8)}",
    )


@transaction.atomic
def demo_casework_seed(today: date | None = None) -> None:
    """Care arrangements, follow-up visits, reintegration plans and referrals on the case worker's cases,
    made through the casework services (so every rule and the audit apply), once. One return to the
    extended family waits for the supervisor's approval; another was approved, carried out, and the child
    was trafficked again by the third month. Every date follows the one before: registration, assessment,
    proposal, approval, placement, visits."""
    worker = User.objects.get(username=DEMO_USERNAMES[Role.CASE_WORKER])
    supervisor = User.objects.get(username=DEMO_USERNAMES[Role.SUPERVISOR])
    if CareArrangement.objects.filter(case__owner=worker).exists():
        return
    today = today or timezone.localdate()
    rng = random.Random(2010)

    def days_ago(days: int) -> date:
        return today - timedelta(days=days)

    def moment(days: int) -> datetime:  # mid-morning of a working day, that many days ago
        return timezone.make_aware(datetime.combine(days_ago(days), time(10)))

    owned = Case.objects.filter(owner=worker, registration_date__lte=days_ago(STORY_DAYS)).order_by("id")
    children = [
        case
        for case in owned
        if case.age_when_trafficked is not None
        and is_child_today(case.age_when_trafficked, case.registration_date, today)
    ]
    family = [case for case in children if case.family_facilitated][:5]
    other = [case for case in children if not case.family_facilitated][:1]
    if len(family) < 5:
        return  # a registry too small for the story (tests); the demo's synthetic registry always has them

    for case, placement in zip(family, _PLACEMENTS):
        _place(case, worker, placement.arrangement_type, days_ago(placement.days_ago), placement.outcomes)

    waiting = family[0]  # after a year in the shelter, a grandmother asks to take the child home
    care.family_assessment_record(
        case=waiting,
        user=worker,
        assessed_on=days_ago(12),
        risk="medium",
        summary="Visita domiciliaria: la abuela vive aparte de los tratantes (demo).",
    )
    care.plan_propose(
        case=waiting,
        user=worker,
        destination_type="kinship",
        caregiver=_caregiver(rng),
        caregiver_relationship="grandparent",
        rationale="Reintegración con la abuela materna (demo).",
        proposed_at=moment(10),
    )

    returned = family[3]
    care.family_assessment_record(
        case=returned,
        user=worker,
        assessed_on=days_ago(230),
        risk="low",
        summary="La tía no tiene relación con los tratantes (demo).",
    )
    plan = care.plan_propose(
        case=returned,
        user=worker,
        destination_type="kinship",
        caregiver=_caregiver(rng),
        caregiver_relationship="uncle_aunt",
        rationale="Reintegración con una tía (demo).",
        proposed_at=moment(225),
    )
    care.plan_decide(
        plan=plan,
        approver=supervisor,
        approve=True,
        assessment="Evaluación de seguridad revisada; visitas mensuales (demo).",
        decided_at=moment(215),
    )
    _place(returned, worker, plan.destination_type, days_ago(200), ("stable", "re_trafficked"), plan=plan)

    for case in other:
        home = care.plan_propose(
            case=case,
            user=worker,
            destination_type="parents",
            rationale="Retorno al hogar (demo).",
            proposed_at=moment(160),
        )
        _place(case, worker, home.destination_type, days_ago(150), ("stable", "stable"), plan=home)

    for case, programme, days, status in (
        (family[0], "parent_education", 60, "enrolled"),
        (family[3], "family_strengthening", 190, "completed"),
        (family[4], "parent_education", 10, "referred"),
    ):
        referral = care.referral_create(case=case, user=worker, programme=programme, referred_on=days_ago(days))
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
