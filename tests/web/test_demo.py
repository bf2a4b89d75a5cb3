import pytest
from django.core.management import call_command

from amparo.accounts.models import User
from amparo.accounts.roles import Role
from amparo.registry.models import Case, Organisation
from amparo.registry.records import CaseRecord, PersonRecord
from amparo.registry.services import cases_register
from amparo.web.demo import OWNED_CASES_PER_USER, demo_users_reset

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic_cases():
    from datetime import date

    source = Organisation.objects.create(name="Policía (sintético)", org_type="LawEnforcement", is_synthetic=True)
    records = [CaseRecord(f"S-{i}", date(2020, 1, 1 + i % 28), victim=PersonRecord("Feminine", "PE")) for i in range(60)]
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
