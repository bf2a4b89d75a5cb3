import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from amparo.audit.append_only import audit_flush_allowed
from amparo.audit.models import AuditAction, AuditEvent
from amparo.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(registrar):
    return audit_record(user=registrar, action=AuditAction.LOGIN)


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_model_refuses_to_save_an_existing_event(event):
    event.action = AuditAction.LOGOUT
    with pytest.raises(PermissionError):
        event.save()


def test_the_model_refuses_to_delete_an_event(event):
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_a_bulk_update(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.LOGOUT)
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.LOGIN


def test_the_database_refuses_a_bulk_delete(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_raw_sql_edits(event):
    with pytest.raises(DatabaseError):
        _raw("UPDATE audit_auditevent SET username = %s", ["someone"])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).username == event.username


def test_removing_a_user_leaves_their_events_untouched(event, registrar):
    registrar.delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.user_id, kept.username) == (event.user_id, "persona_registrar")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's flush truncates: test_tamper_postgresql")
def test_only_an_explicit_flush_empties_the_sqlite_table(event):
    with audit_flush_allowed(connection):
        _raw("DELETE FROM audit_auditevent")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_flush_command_empties_the_whole_database(registrar):
    audit_record(user=registrar, action=AuditAction.LOGIN)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
