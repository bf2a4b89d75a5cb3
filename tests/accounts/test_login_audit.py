import pytest
from django.urls import reverse

from amparo.audit.models import AuditAction, AuditEvent
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-42"


def _post_login(client, username, password, address="10.1.2.3"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_login_is_audited_with_user_and_address(client, registrar):
    response = _post_login(client, registrar.username, PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.user_id, event.username, event.ip_address) == (registrar.pk, registrar.username, "10.1.2.3")


def test_a_failed_login_keeps_the_user_name_tried_but_never_the_password(client, registrar):
    _post_login(client, "someone-else", WRONG)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.user_id, event.username, event.ip_address) == (None, "someone-else", "10.1.2.3")
    assert WRONG not in str(event.details) and "password" not in str(event.details)
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_a_logout_is_audited(client, registrar):
    _post_login(client, registrar.username, PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, user=registrar).count() == 1


def test_five_failures_lock_the_account_from_that_address_with_a_message(client, registrar):
    statuses = [_post_login(client, registrar.username, WRONG).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = _post_login(client, registrar.username, PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert 'role="alert"' in response.content.decode() and "15 minut" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 6
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, details__locked_out=True).count() >= 1
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_the_lock_applies_to_that_user_name_and_address_only(client, registrar, case_worker):
    for _ in range(5):
        _post_login(client, registrar.username, WRONG)
    assert _post_login(client, case_worker.username, PASSWORD).status_code == 302  # a colleague, same office
    client.logout()
    assert _post_login(client, registrar.username, PASSWORD, address="10.9.9.9").status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, registrar):
    for _ in range(4):
        _post_login(client, registrar.username, WRONG)
    assert _post_login(client, registrar.username, PASSWORD).status_code == 302


def test_without_a_proxy_a_forwarded_header_is_not_believed(client, registrar):
    client.post(
        reverse("login"),
        {"username": registrar.username, "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == "10.1.2.3"
