"""User accounts managed inside Amparo by administrators: who may, what each change does, that each is audited
through the one appender, and that a password is reset through a one-time link the administrator never reads
a password from."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from tests.personas import PASSWORD, logged_in_client, make_user, verified_device

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a river of quiet lanterns 42"
NOT_ADMINISTRATORS = ["registrar", "case_worker", "supervisor", "data_manager", "analyst"]


def _account_events(account, action=None):
    events = AuditEvent.objects.filter(object_type="accounts.User", object_id=str(account.pk))
    return events.filter(action=action) if action else events


def _link(response) -> str:
    return re.search(r'<code class="one-time-link">http://testserver([^<]+)</code>', response.content.decode()).group(1)


def _set_password(link: str, password: str = NEW_PASSWORD):
    """The owner, not logged in, follows the link and sets a password (Django moves the token to the session)."""
    owner = Client()
    form_page = owner.get(link, follow=True)
    if not form_page.context.get("validlink"):
        return form_page
    return owner.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


@pytest.fixture
def admin_client(administrator):
    return logged_in_client(administrator)


@pytest.mark.parametrize("role", NOT_ADMINISTRATORS)
def test_only_administrators_manage_accounts(personas, role, case_worker):
    client = logged_in_client(personas[role])
    assert client.get(reverse("account-list")).status_code == 403
    assert client.get(reverse("account-create")).status_code == 403
    assert client.get(reverse("account-edit", args=[case_worker.pk])).status_code == 403
    for name in ("account-active", "account-otp-reset", "account-password-reset"):
        assert client.post(reverse(name, args=[case_worker.pk]), {"active": "0"}).status_code == 403
    case_worker.refresh_from_db()
    assert case_worker.is_active and case_worker.has_usable_password()
    assert not _account_events(case_worker).exists()


def test_an_administrator_must_have_verified_the_second_factor(administrator):
    response = logged_in_client(administrator, verify=False).get(reverse("account-list"))
    assert response.status_code == 302 and response.url.startswith(reverse("two-factor-setup"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_administrator_creates_an_account_whose_owner_sets_the_password(
    admin_client, administrator, organisation, language
):
    response = admin_client.post(
        reverse("account-create"),
        {
            "username": "nueva_trabajadora",
            "first_name": "Yupanqui",
            "last_name": "Prueba",
            "email": "",
            "role": "case_worker",
            "scope": "",
            "organisation": organisation.pk,
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    account = User.objects.get(username="nueva_trabajadora")
    assert (account.role, account.organisation, account.has_usable_password()) == ("case_worker", organisation, False)
    created = _account_events(account, "create").get()
    assert created.username == administrator.username
    assert created.details["changed"]["role"] == {"old": None, "new": "case_worker"}
    assert created.details["changed"]["first_name"] == {"old": "[sealed]", "new": "[sealed]"}
    assert "Yupanqui" not in str(created.details)

    done = _set_password(_link(response))
    assert done.status_code == 302 and done["Location"] == reverse("password-set-done")
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    set_by_owner = _account_events(account, "change").get()
    assert set_by_owner.username == "nueva_trabajadora"
    assert set_by_owner.details["changed"] == {"password_set": {"old": False, "new": True}}
    assert not _set_password(_link(response)).context["validlink"]  # the link works once


def test_changing_role_scope_and_organisation_is_audited_field_by_field(
    admin_client, case_worker, outsider_organisation
):
    response = admin_client.post(
        reverse("account-edit", args=[case_worker.pk]),
        {
            "first_name": "",
            "last_name": "",
            "email": "",
            "role": "supervisor",
            "scope": "all",
            "organisation": outsider_organisation.pk,
        },
    )
    assert response.status_code == 302
    case_worker.refresh_from_db()
    assert (case_worker.role, case_worker.scope, case_worker.organisation) == (
        "supervisor",
        "all",
        outsider_organisation,
    )
    change = _account_events(case_worker, "change").get()
    assert change.details["changed"] == {
        "role": {"old": "case_worker", "new": "supervisor"},
        "scope": {"old": "", "new": "all"},
        "organisation": {"old": "Persona NGO", "new": outsider_organisation.name},
    }


def test_saving_an_account_unchanged_writes_no_event(admin_client, case_worker):
    data = {"first_name": "", "last_name": "", "email": "", "role": "case_worker", "scope": ""}
    data["organisation"] = case_worker.organisation_id
    assert admin_client.post(reverse("account-edit", args=[case_worker.pk]), data).status_code == 302
    assert not _account_events(case_worker).exists()


def test_an_administrator_cannot_change_their_own_rights_or_deactivate_themself(admin_client, administrator):
    data = {"first_name": "", "last_name": "", "email": "", "role": "analyst", "scope": ""}
    data["organisation"] = administrator.organisation_id
    response = admin_client.post(reverse("account-edit", args=[administrator.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and "another administrator" in response.content.decode()
    admin_client.post(reverse("account-active", args=[administrator.pk]), {"active": "0"})
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR and administrator.is_active
    assert not _account_events(administrator, "change").exists()


def test_a_deactivated_account_is_logged_out_and_can_log_in_again_once_activated(admin_client, registrar, victim_case):
    own_session = logged_in_client(registrar)
    assert own_session.get(reverse("case-detail", args=[victim_case.pk])).status_code == 200
    admin_client.post(reverse("account-active", args=[registrar.pk]), {"active": "0"})
    response = own_session.get(reverse("case-detail", args=[victim_case.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    login = Client().post(reverse("login"), {"username": registrar.username, "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in login.client.session  # the form again
    admin_client.post(reverse("account-active", args=[registrar.pk]), {"active": "1"})
    registrar.refresh_from_db()
    assert registrar.is_active
    login = Client().post(reverse("login"), {"username": registrar.username, "password": PASSWORD})
    assert login.status_code == 302
    changes = [e.details["changed"] for e in _account_events(registrar, "change").order_by("id")]
    assert changes == [{"is_active": {"old": True, "new": False}}, {"is_active": {"old": False, "new": True}}]


def test_resetting_a_second_factor_removes_the_devices_and_asks_for_a_new_one(admin_client, organisation):
    other = make_user("second_administrator", "administrator", organisation)
    verified_device(other)
    session = logged_in_client(other)
    assert session.get(reverse("audit-search")).status_code == 200
    admin_client.post(reverse("account-otp-reset", args=[other.pk]))
    assert not TOTPDevice.objects.filter(user=other).exists()
    response = session.get(reverse("audit-search"))
    assert response.status_code == 302 and response.url.startswith(reverse("two-factor-setup"))
    reset = _account_events(other, "change").get().details
    assert reset == {"reset": "second_factor", "changed": {"second_factor": {"old": True, "new": False}}}


def test_a_password_reset_ends_the_password_and_the_sessions_and_only_the_newest_link_works(
    admin_client, registrar, victim_case
):
    session = logged_in_client(registrar)
    first = admin_client.post(reverse("account-password-reset", args=[registrar.pk]), HTTP_ACCEPT_LANGUAGE="en")
    registrar.refresh_from_db()
    assert not registrar.has_usable_password()
    response = session.get(reverse("case-detail", args=[victim_case.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    second = admin_client.post(reverse("account-password-reset", args=[registrar.pk]))
    assert not _set_password(_link(first)).context["validlink"]
    assert _set_password(_link(second)).status_code == 302
    registrar.refresh_from_db()
    assert registrar.check_password(NEW_PASSWORD)
    page = first.content.decode()
    assert PASSWORD not in page and NEW_PASSWORD not in page
    events = _account_events(registrar, "change").order_by("id")
    assert [(e.username, e.details.get("reset"), e.details["changed"]) for e in events] == [
        ("persona_administrator", "password", {"password_set": {"old": True, "new": False}}),
        ("persona_administrator", "password", {}),  # reset again: nothing else changed, still recorded
        ("persona_registrar", None, {"password_set": {"old": False, "new": True}}),
    ]


def test_a_weak_password_is_refused_on_the_link_page(admin_client, registrar):
    response = admin_client.post(reverse("account-password-reset", args=[registrar.pk]))
    refused = _set_password(_link(response), "short1")
    assert refused.status_code == 200 and refused.context["form"].errors
    registrar.refresh_from_db()
    assert not registrar.has_usable_password()


def test_only_a_superuser_manages_a_superuser(admin_client, organisation):
    root = make_user("root", "analyst", organisation, is_superuser=True)
    response = admin_client.post(reverse("account-password-reset", args=[root.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.has_usable_password() and not _account_events(root).exists()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_list_shows_accounts_with_their_rights(admin_client, personas, organisation, language):
    make_user("gone", "registrar", organisation, is_active=False)
    page = admin_client.get(reverse("account-list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    listed = re.findall(r'<tr class="account">\s*<td><a href="[^"]+">([^<]+)</a>', page)
    assert listed == sorted(user.username for user in personas.values())  # the deactivated one hidden
    with translation.override(language):
        supervisor_label = str(Role.SUPERVISOR.label)
    assert supervisor_label in page
    every = admin_client.get(reverse("account-list") + "?inactive=on").content.decode()
    assert "gone" in every
