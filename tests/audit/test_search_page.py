from datetime import timedelta

import pytest
from django.utils import timezone

from amparo.audit.models import AuditAction, AuditEvent
from amparo.audit.services import audit_record

pytestmark = pytest.mark.django_db

URL = "/audit/"


@pytest.fixture
def admin_client(client_as, administrator):
    """Logged in first: logging in writes an event of its own."""
    return client_as(administrator)


@pytest.fixture
def events(admin_client, registrar, analyst, victim_case):
    """Four events besides the administrator's login."""
    audit_record(user=registrar, action=AuditAction.LOGIN)
    audit_record(user=registrar, action=AuditAction.VIEW_IDENTITY, obj=victim_case)
    audit_record(user=analyst, action=AuditAction.EXPORT)
    audit_record(user=None, action=AuditAction.LOGIN_FAILED, username="intruder")
    return AuditEvent.objects.order_by("id")


def _rows(response) -> int:
    return response.content.decode().count('<tr class="audit-event">')


def test_an_administrator_sees_every_event(admin_client, events):
    response = admin_client.get(URL)
    assert response.status_code == 200 and _rows(response) == 5


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"username": "persona_reg"}, 2),
        ({"action": "export"}, 1),
        ({"username": "intruder", "action": "login_failed"}, 1),
        ({"object_type": "registry.case"}, 1),
        ({"action": "key_rotation"}, 0),
    ],
)
def test_the_filters_narrow_the_events(admin_client, events, query, expected):
    assert _rows(admin_client.get(URL, query)) == expected


def test_the_object_filter_finds_the_case(admin_client, events, victim_case):
    response = admin_client.get(URL, {"object_id": victim_case.pk})
    assert _rows(response) == 1


def test_the_date_range_includes_whole_days(admin_client, events):
    today = timezone.localdate()
    client = admin_client
    assert _rows(client.get(URL, {"date_from": today, "date_to": today})) == 5
    assert _rows(client.get(URL, {"date_to": today - timedelta(days=1)})) == 0
    assert _rows(client.get(URL, {"date_from": today + timedelta(days=1)})) == 0


def test_a_reversed_date_range_is_explained(admin_client, events):
    today = timezone.localdate()
    response = admin_client.get(URL, {"date_from": today, "date_to": today - timedelta(days=2)})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


@pytest.mark.parametrize("role", ["registrar", "case_worker", "supervisor", "data_manager", "analyst"])
def test_other_roles_are_refused(client_as, personas, role, events):
    assert client_as(personas[role]).get(URL).status_code == 403


def test_nobody_can_post_to_the_log(admin_client, events):
    assert admin_client.post(URL, {"action": "login"}).status_code == 405
    assert AuditEvent.objects.count() == 5


def test_the_admin_shows_the_log_read_only(admin_client, administrator, events):
    administrator.is_staff = True
    administrator.save()
    client = admin_client
    event = events.first()
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "logout"})
    assert response.status_code in (200, 403)
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.LOGIN
    assert AuditEvent.objects.count() == 5
