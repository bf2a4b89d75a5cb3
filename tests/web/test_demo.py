import pytest
from django.core.management import call_command

from amparo.accounts.models import User
from amparo.accounts.roles import Role
from amparo.registry.models import Case, Organisation
from amparo.registry.records import CaseRecord, PersonRecord
from amparo.registry.services import cases_register
from amparo.web.demo import OWNED_CASES_PER_USER, demo_casework_seed, demo_users_reset

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic_cases():
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    source = Organisation.objects.create(name="Policía (sintético)", org_type="LawEnforcement", is_synthetic=True)
    records = [
        CaseRecord(
            f"S-{i}", today - timedelta(days=500 + i), victim=PersonRecord("Feminine", "PE"), age_when_trafficked=4
        )
        for i in range(60)
    ]
    return cases_register(records=records, source=source, is_synthetic=True)


def test_there_is_one_demo_user_per_role_and_each_password_works(synthetic_cases):
    logins = demo_users_reset()
    assert sorted(login.role for login in logins) == sorted(Role)
    for login in logins:
        user = User.objects.get(username=login.username)
        assert user.check_password(login.password) and user.role == login.role


def test_passwords_are_new_on_every_run(synthetic_cases):
    first = {login.username: login.password for login in demo_users_reset()}
    second = {login.username: login.password for login in demo_users_reset()}
    assert all(first[name] != second[name] for name in first)
    assert User.objects.count() == len(Role)


def test_only_the_administrator_is_staff(synthetic_cases):
    demo_users_reset()
    assert list(User.objects.filter(is_staff=True).values_list("role", flat=True)) == [Role.ADMINISTRATOR]


def test_registrar_and_case_worker_own_some_cases_so_their_scope_is_not_empty(synthetic_cases):
    demo_users_reset()
    for role in (Role.REGISTRAR, Role.CASE_WORKER):
        assert Case.objects.filter(owner__role=role).count() == OWNED_CASES_PER_USER


def test_the_demo_command_prepares_everything_and_prints_users(capsys, synthetic_cases):
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    for login_name in ("registrador", "trabajadora", "supervisora", "datos", "analista", "admin"):
        assert login_name in out
    assert "SINTÉTICOS" in out or "SYNTHETIC" in out


def test_serve_refuses_a_bad_port():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="65535"):
        call_command("serve", "--port", "70000")


def test_serve_refuses_https_without_the_proxy_that_terminates_it(settings):
    from django.core.management.base import CommandError

    settings.HTTPS, settings.BEHIND_PROXY = True, False  # waitress alone would redirect every request forever
    with pytest.raises(CommandError, match="AMPARO_BEHIND_PROXY=True"):
        call_command("serve", "--port", "8000")


def test_amparo_help_lists_amparo_commands_in_the_terminal_language(monkeypatch, capsys):
    from amparo import cli

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("AMPARO_LANGUAGE", raising=False)
    try:
        cli.main(["--help"])
    finally:
        from django.utils import translation

        translation.deactivate()
    out = capsys.readouterr().out
    for command in ("demo", "serve", "synth", "stats"):
        assert f"\n  {command} " in out
    assert "From nothing to a running site" in out


def test_serve_says_so_when_the_port_is_taken():
    import socket

    from django.core.management.base import CommandError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=str(port)):
            call_command("serve", "--port", str(port))


@pytest.fixture
def family_cases():
    """Cases for the registrar (the newest 25) and the case worker (the next 25, 20 of them facilitated by a
    parent): the demo gives each of them cases of their own."""
    from datetime import date, timedelta

    from amparo.registry.records import PerpetratorRecord

    source = Organisation.objects.create(name="Fiscalía (sintético)", org_type="LawEnforcement", is_synthetic=True)
    records = [
        CaseRecord(
            f"F-{i}",
            date(2025, 1, 1) + timedelta(days=i),
            victim=PersonRecord("Feminine", "PE"),
            age_when_trafficked=11,
            perpetrators=[PerpetratorRecord("employer" if i % 5 == 0 else "parent")],
        )
        for i in range(50)
    ]
    return cases_register(records=records, source=source, is_synthetic=True)


def test_the_demo_shows_the_reintegration_safeguards_at_work(family_cases):
    from datetime import date, timedelta

    from amparo.casework.models import CareArrangement, FollowUpVisit, Referral, ReintegrationPlan, SafetyApproval
    from amparo.casework.selectors import plans_awaiting_decision

    demo_users_reset()
    today = date(2026, 6, 30)
    demo_casework_seed(today)
    worker = User.objects.get(username="trabajadora")
    plans = ReintegrationPlan.objects.filter(case__owner=worker)
    # One return to the extended family held for the supervisor, one approved by her and carried out, and a
    # return home in a case the family did not facilitate, which needs no approval.
    assert sorted(plans.values_list("status", flat=True)) == ["awaiting_approval", "placed", "placed"]
    approval = SafetyApproval.objects.get()
    assert approval.approver.username == "supervisora" and approval.plan.case.family_facilitated
    assert not plans.get(status="placed", case__family_facilitated=False).approvals.exists()
    # The held return is in the supervisor's queue, with the grandmother named and her relationship given.
    queue = plans_awaiting_decision(User.objects.get(username="supervisora"))
    assert [(p.status, p.caregiver_relationship) for p in queue] == [("awaiting_approval", "grandparent")]
    assert queue[0].caregiver.identity.first_name and queue[0].caregiver.identity.identity_number
    # Five children placed, visits made and overdue, one trafficked again, three families referred.
    assert CareArrangement.objects.filter(ended_on=None).count() == 5
    visits = FollowUpVisit.objects.filter(case__owner=worker)
    assert visits.filter(outcome="re_trafficked").count() == 1
    # Visits at 1, 3, 6 and 12 months. Overdue: the shelter's 12-month visit (placed 400 days ago) and the
    # return's 6-month visit (200 days ago); due within 30 days: the newest shelter's first (placed 20 days ago).
    assert visits.filter(visited_on=None, due_on__lt=today).count() == 2
    assert visits.filter(visited_on=None, due_on__gte=today, due_on__lte=today + timedelta(days=30)).count() == 1
    assert Referral.objects.count() == 3
    demo_casework_seed(today)  # a second run adds nothing
    assert CareArrangement.objects.count() == 5 and plans.count() == 3


def _incoherent_casework(worker, today) -> list[str]:
    """Every date of the worker's casework that does not follow the one it must follow, and every case whose
    victim is not a child today (by the sealed birth date where one is recorded, else the age when trafficked,
    at most a year before registration)."""
    from amparo.casework.models import CareArrangement, FamilyAssessment, FollowUpVisit, Referral, ReintegrationPlan

    problems = []
    cases = {c.pk: c for c in Case.objects.filter(owner=worker).select_related("victim__identity")}
    for case in cases.values():
        registered = case.registration_date
        born = getattr(getattr(case.victim, "identity", None), "birth_date", None)
        if born is not None:
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        else:
            age = (
                None
                if case.age_when_trafficked is None
                else case.age_when_trafficked + 1 + (today - registered).days // 365
            )
        has_casework = (
            CareArrangement.objects.filter(case=case).exists() or ReintegrationPlan.objects.filter(case=case).exists()
        )
        if has_casework and (age is None or age >= 18):
            problems.append(f"{case.source_record_id}: {age} years old on a page for children")
    for a in CareArrangement.objects.filter(case__owner=worker).select_related("case", "plan"):
        if not cases[a.case_id].registration_date <= a.started_on <= today:
            problems.append(f"placement {a.pk} on {a.started_on}, case registered {a.case.registration_date}")
        if a.plan is not None:
            decided = [d.decided_at.date() for d in a.plan.approvals.all()]
            if not all(a.plan.proposed_at.date() <= day <= a.started_on for day in decided):
                problems.append(f"placement {a.pk} on {a.started_on}, plan decided {decided}")
            if a.plan.proposed_at.date() > a.started_on:
                problems.append(f"placement {a.pk} on {a.started_on}, plan proposed {a.plan.proposed_at}")
    for plan in ReintegrationPlan.objects.filter(case__owner=worker):
        if not cases[plan.case_id].registration_date <= plan.proposed_at.date() <= today:
            problems.append(f"plan {plan.pk} proposed {plan.proposed_at}")
        assessed = FamilyAssessment.objects.filter(case=plan.case).values_list("assessed_on", flat=True)
        family_return = plan.case.family_facilitated and plan.destination_type in ("parents", "kinship")
        if family_return and not any(day <= plan.proposed_at.date() for day in assessed):
            problems.append(f"plan {plan.pk} proposed {plan.proposed_at} before any family assessment")
    for visit in FollowUpVisit.objects.filter(case__owner=worker).select_related("arrangement"):
        if visit.visited_on is not None and not visit.arrangement.started_on <= visit.visited_on <= today:
            problems.append(f"visit {visit.pk} on {visit.visited_on}")
    for model, field in ((FamilyAssessment, "assessed_on"), (Referral, "referred_on")):
        for row in model.objects.filter(case__owner=worker).select_related("case"):
            if not row.case.registration_date <= getattr(row, field) <= today:
                problems.append(f"{model.__name__} {row.pk} on {getattr(row, field)}")
    return problems


def test_every_date_of_the_demos_casework_follows_the_one_before_and_every_child_is_a_child(family_cases):
    from datetime import date

    today = date(2026, 6, 30)
    demo_users_reset(today)
    demo_casework_seed(today)
    assert _incoherent_casework(User.objects.get(username="trabajadora"), today) == []


@pytest.mark.django_db(transaction=True)
def test_the_demos_casework_on_the_synthetic_registry_is_coherent(transactional_db):
    """The demo as `amparo demo` makes it, on the calibrated synthetic registry, today."""
    import io

    from django.utils import timezone

    from amparo.casework.models import CareArrangement

    call_command("synth", "--years", "2023-2025", stdout=io.StringIO())
    today = timezone.localdate()
    demo_users_reset(today)
    demo_casework_seed(today)
    worker = User.objects.get(username="trabajadora")
    assert CareArrangement.objects.filter(case__owner=worker).count() == 5
    assert _incoherent_casework(worker, today) == []
