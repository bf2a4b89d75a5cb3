"""Django's admin writes accounts itself: every change it makes is audited as Amparo's own pages audit theirs,
and it deletes no account (deactivating keeps the log's who-did-what)."""

import pytest
from django.urls import reverse

from amparo.accounts.models import User
from amparo.audit.models import AuditEvent
from tests.personas import logged_in_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(organisation):
    return make_user("root_admin", "administrator", organisation, is_staff=True, is_superuser=True)


def _events(account, action):
    return AuditEvent.objects.filter(object_type="accounts.User", object_id=str(account.pk), action=action)


def _change_form(account: User, **changes) -> dict:
    data = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "is_active": "on" if account.is_active else "",
        "organisation": account.organisation_id or "",
        "role": account.role,
        "scope": account.scope,
        "date_joined_0": account.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": account.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_an_account_created_in_the_admin_is_audited(superuser):
    client = logged_in_client(superuser)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "new_registrar", "usable_password": "false", "password1": "", "password2": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="new_registrar")
    event = _events(created, "create").get()
    assert event.user_id == superuser.pk and event.details["changed"]["role"]["old"] is None


def test_a_role_changed_in_the_admin_is_audited_with_what_changed(superuser, case_worker):
    client = logged_in_client(superuser)
    response = client.post(
        reverse("admin:accounts_user_change", args=[case_worker.pk]), _change_form(case_worker, role="supervisor")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change = _events(case_worker, "change").get()
    assert change.user_id == superuser.pk
    assert change.details["changed"]["role"] == {"old": "case_worker", "new": "supervisor"}


def test_a_password_set_in_the_admin_is_audited_as_a_reset_and_the_password_never_logged(superuser, case_worker):
    client = logged_in_client(superuser)
    secret = "Una-clave-larga-de-prueba-2026"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[case_worker.pk]),
        {"password1": secret, "password2": secret, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = _events(case_worker, "change").get()
    assert event.user_id == superuser.pk and event.details["reset"] == "password"
    assert secret not in str(event.details)


def test_the_admin_deletes_no_account(superuser, case_worker):
    client = logged_in_client(superuser)
    response = client.post(reverse("admin:accounts_user_delete", args=[case_worker.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=case_worker.pk).exists()
