"""A page that changes nothing in its session writes it only to push back the idle time-out, once a minute."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amparo.accounts.sessions import REFRESH_EVERY_SECONDS, REFRESHED

pytestmark = pytest.mark.django_db


def _writes(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]


def test_reading_pages_writes_nothing_within_a_minute(client_as, registrar):
    client = client_as(registrar)
    _writes(client, "/cases/")  # the first page after logging in pushes the expiry back once
    assert _writes(client, "/cases/") == [] and _writes(client, "/") == []


def test_an_active_session_is_pushed_back_once_a_minute_has_passed(client_as, registrar):
    client = client_as(registrar)
    _writes(client, "/cases/")
    session = client.session
    stored = Session.objects.get(session_key=session.session_key)
    session[REFRESHED] -= REFRESH_EVERY_SECONDS + 1
    session.save()
    Session.objects.filter(pk=stored.pk).update(expire_date=stored.expire_date - timedelta(minutes=10))

    writes = _writes(client, "/cases/")

    assert len(writes) == 1 and "django_session" in writes[0]
    assert Session.objects.get(pk=stored.pk).expire_date > stored.expire_date
