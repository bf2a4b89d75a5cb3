"""Clients and tokens: hashed at rest, expiry, revocation, no session for writes, rate limits, every call audited."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from amparo.api import services
from amparo.api.domain.tokens import token_digest
from amparo.api.models import ApiToken
from amparo.audit.models import AuditAction, AuditEvent
from amparo.registry.models import Case
from tests.api.conftest import Caller, api_client, case

pytestmark = pytest.mark.django_db


def test_a_token_is_kept_only_as_its_digest(organisation):
    client, token = api_client(organisation, "data_manager", "ngo-data")
    stored = ApiToken.objects.get(client=client)
    assert stored.digest == token_digest(token) != token
    assert token not in str(list(ApiToken.objects.values_list()))
    assert client.account.has_usable_password() is False  # it never signs in on the login page


@pytest.mark.parametrize("token", [None, "amp_not-a-token"])
def test_a_missing_or_unknown_token_is_refused_and_nothing_stored(token):
    response = Caller(token).post("/cases", case("T-1"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Case.objects.count() == 0


def test_a_revoked_token_is_refused_and_audited_as_its_clients_failed_sign_in(organisation):
    client, token = api_client(organisation, "data_manager", "ngo-data")
    caller = Caller(token)
    assert caller.get("/codelists/prs_Gender").status_code == 200
    assert services.tokens_revoke(client=client) == 1
    assert caller.post("/cases", case("R-1")).status_code == 401
    assert caller.get("/codelists/prs_Gender").status_code == 401
    assert Case.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="api.ngo-data").count() == 2
    fresh = services.token_issue(client=client)
    assert Caller(fresh).get("/codelists/prs_Gender").status_code == 200


def test_an_expired_token_is_refused(organisation):
    client, token = api_client(organisation, "data_manager", "ngo-data", expires_at=timezone.now() + timedelta(hours=1))
    assert Caller(token).get("/codelists/prs_Gender").status_code == 200
    ApiToken.objects.filter(client=client).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Caller(token).post("/cases", case("X-1")).status_code == 401
    assert Case.objects.count() == 0


def test_a_session_reads_but_never_writes(client_as, data_manager):
    browser = client_as(data_manager)
    assert browser.get("/api/v1/stats/headline").status_code == 200
    response = browser.post("/api/v1/cases", '{"source_record_id": "S-1"}', content_type="application/json")
    assert response.status_code == 401
    assert Case.objects.count() == 0


def test_past_the_rate_a_client_gets_429_with_retry_after(organisation, settings):
    settings.API_RATE_PER_MINUTE = 3
    cache.clear()  # calls of earlier tests' clients, which may have had the same ids
    _client, token = api_client(organisation, "analyst", "ngo-analyst")
    _other, other_token = api_client(organisation, "analyst", "ngo-analyst-2")
    caller = Caller(token)
    assert [caller.get("/codelists/prs_Gender").status_code for _ in range(3)] == [200, 200, 200]
    limited = caller.get("/codelists/prs_Gender")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert Caller(other_token).get("/codelists/prs_Gender").status_code == 200  # the limit is per client


def test_every_call_is_audited_with_the_clients_name(organisation):
    _client, token = api_client(organisation, "data_manager", "ngo-data")
    caller = Caller(token)
    caller.get("/stats/count/department", sex="Feminine")
    caller.post("/cases", case("A-1"))
    events = AuditEvent.objects.filter(username="api.ngo-data")
    assert events.filter(action=AuditAction.EXPORT, details__client="ngo-data").count() == 1
    assert events.filter(action=AuditAction.IMPORT).count() == 1


def test_the_command_creates_a_client_shows_its_token_once_and_revokes_it(organisation, capsys):
    call_command("api_client", "create", "police-lima", "--organisation", organisation.name, "--role", "registrar")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert Caller(token).get("/codelists/prs_Gender").status_code == 200
    call_command("api_client", "list")
    listed = capsys.readouterr().out
    assert "police-lima" in listed and token not in listed and "valid" in listed
    call_command("api_client", "revoke", "police-lima")
    assert Caller(token).get("/codelists/prs_Gender").status_code == 401


def test_a_client_needs_a_known_role_and_a_plain_name(organisation):
    with pytest.raises(services.ClientRefused):
        services.client_create(name="Police Lima", organisation=organisation, role="registrar")
    with pytest.raises(services.ClientRefused):
        services.client_create(name="police", organisation=organisation, role="king")


def test_an_administrator_creates_a_client_in_the_admin_and_sees_its_token_once(organisation):
    from django.contrib.auth import get_user_model

    from tests.personas import logged_in_client

    superuser = get_user_model().objects.create_superuser("root", password="not-used-here", role="administrator")
    browser = logged_in_client(superuser)
    response = browser.post(
        "/admin/api/apiclient/add/",
        {"name": "hotline", "organisation": organisation.pk, "role": "registrar", "scope": ""},
        follow=True,
    )
    assert response.redirect_chain  # saved, back to the list
    shown = [str(message) for message in response.context["messages"]]
    token = shown[0].rsplit(" ", 1)[-1]
    assert Caller(token).get("/codelists/prs_Gender").status_code == 200
    assert token not in browser.get("/admin/api/apiclient/").content.decode()
