"""Tampering with the real PostgreSQL table: the triggers refuse each plain attempt (TRUNCATE included), the
chain never forks under concurrent writers, and what a table owner does with its triggers disabled makes
`amparo audit verify` fail. Each test's changes, the disabled triggers included, roll back with its transaction."""

import threading
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from amparo.audit.append_only import audit_flush_allowed
from amparo.audit.domain.chain import GENESIS, ChainEvent, event_hash, verify_chain
from amparo.audit.models import AuditAction, AuditEvent
from amparo.audit.selectors import CHAIN_COLUMNS, audit_chain, chain_event_of_row
from amparo.audit.services import audit_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL table's own tests"),
]
EVENTS = 6


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _refused(statement: str) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(statement)


@pytest.fixture
def checkpoint(tmp_path):
    for n in range(1, EVENTS + 1):
        audit_record(user=None, action=AuditAction.LOGIN_FAILED, username=f"tried{n}", details={"n": n})
    path = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "--out", str(path), stdout=StringIO())
    return path


def _stored(sequence: int) -> ChainEvent:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {CHAIN_COLUMNS} FROM audit_auditevent WHERE sequence = %s", [sequence])
        return chain_event_of_row(cursor.fetchone())


def _rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent ORDER BY id")
        return cursor.fetchall()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'login' WHERE sequence = 3",
        "DELETE FROM audit_auditevent WHERE sequence = 3",
        "TRUNCATE audit_auditevent",
        (
            "INSERT INTO audit_auditevent (at, username, action, object_type, object_id, details, sequence, "
            "previous_hash, entry_hash) VALUES (now(), 'x', 'login', '', '', '{}', 3, '', '')"
        ),
        (
            "INSERT INTO audit_auditevent (id, at, username, action, object_type, object_id, details, sequence, "
            "previous_hash, entry_hash) SELECT id, at, 'x', 'login', '', '', '{}', sequence, previous_hash, entry_hash "
            "FROM audit_auditevent WHERE sequence = 3 ON CONFLICT (id) DO UPDATE SET action = 'login'"
        ),
    ],
    ids=["update", "delete", "truncate", "insert in the middle", "upsert"],
)
def test_the_triggers_refuse_a_plain_client(checkpoint, statement):
    before = _rows()
    _refused(statement)
    assert _rows() == before


def test_only_an_explicit_flush_truncates_the_table(checkpoint):
    with transaction.atomic(), audit_flush_allowed(connection):
        _sql("TRUNCATE audit_auditevent")
    assert not AuditEvent.objects.exists()


def _update():
    _sql("UPDATE audit_auditevent SET action = 'view_identity' WHERE sequence = 3")


def _delete():
    _sql("DELETE FROM audit_auditevent WHERE sequence = 3")


def _insert_in_the_middle():
    _sql(f"UPDATE audit_auditevent SET sequence = sequence + 1 + {EVENTS} WHERE sequence > 3")
    _sql(f"UPDATE audit_auditevent SET sequence = sequence - {EVENTS} WHERE sequence > {EVENTS}")
    third = _stored(3)
    forged = replace(third, sequence=4, username="forged", previous_hash=third.entry_hash)
    _sql(
        "INSERT INTO audit_auditevent (at, username, action, object_type, object_id, details, sequence, "
        "previous_hash, entry_hash) VALUES (%s, %s, %s, '', '', %s, 4, %s, %s)",
        [forged.at, forged.username, forged.action, '{"n": 3}', forged.previous_hash, event_hash(forged)],
    )


def _truncate():
    _sql("TRUNCATE audit_auditevent")


def _drop_the_tail():
    _sql("DELETE FROM audit_auditevent WHERE sequence > 4")


def _swap_two():
    for old, new in [(3, 1000), (4, 3), (1000, 4)]:
        _sql("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [new, old])


def _rewrite_with_fresh_hashes():
    previous = GENESIS
    for sequence in range(1, EVENTS + 1):
        event = replace(_stored(sequence), username="rewritten", previous_hash=previous)
        previous = event_hash(event)
        _sql(
            "UPDATE audit_auditevent SET username = 'rewritten', previous_hash = %s, entry_hash = %s "
            "WHERE sequence = %s",
            [event.previous_hash, previous, sequence],
        )


TAMPERING = [
    (_update, "Event 3 was changed"),
    (_delete, "Event 3 is missing"),
    (_insert_in_the_middle, "Event 5 does not follow event 4"),
    (_truncate, "The log ends at event 0 but a checkpoint was signed at event 6"),
    (_drop_the_tail, "The log ends at event 4 but a checkpoint was signed at event 6"),
    (_swap_two, "Event 3 does not follow event 2"),
    (_rewrite_with_fresh_hashes, "Event 6 is not the one the checkpoint signed"),
]
IDS = ["update", "delete", "insert", "truncate", "truncate tail", "reorder", "rewrite"]


@pytest.mark.parametrize(("tamper", "reason"), TAMPERING, ids=IDS)
def test_verify_fails_once_the_owner_disables_the_triggers_and_changes_the_log(checkpoint, tamper, reason):
    _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    tamper()
    with pytest.raises(CommandError, match=reason):
        call_command("audit", "verify", "--checkpoint", str(checkpoint))


def test_verify_fails_when_a_superuser_skips_the_triggers_as_a_replica(checkpoint):
    _sql("SET LOCAL session_replication_role = replica")
    _update()
    with pytest.raises(CommandError, match="Event 3 was changed"):
        call_command("audit", "verify", "--checkpoint", str(checkpoint))


def test_the_untampered_table_verifies_against_its_checkpoint(checkpoint):
    out = StringIO()
    call_command("audit", "verify", "--checkpoint", str(checkpoint), stdout=out)
    assert f"intact: {EVENTS} events" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_one_after_the_other_and_never_fork_the_chain():
    threads, appends = 8, 25
    start = threading.Barrier(threads)
    failures = []

    def write(number: int) -> None:
        try:
            start.wait()
            for n in range(appends):
                audit_record(user=None, action=AuditAction.LOGIN_FAILED, username=f"w{number}-{n}")
        except Exception as error:  # reported below, with every other thread's
            failures.append(repr(error))
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, threads * appends + 1))
    report = verify_chain(audit_chain())
    assert (report.broken, report.events) == (None, threads * appends)
