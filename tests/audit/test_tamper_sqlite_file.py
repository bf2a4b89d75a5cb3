"""Tampering with the real SQLite file, with the sqlite3 library and no Django: the triggers refuse each plain
attempt, and whatever gets past them (the file's owner can drop triggers) makes `amparo audit verify` fail."""

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from amparo.audit.domain.chain import ChainEvent, event_hash

EVENTS = 6
# A fresh process with its own data directory, so the real settings write a real SQLite file (the test
# database is in memory): six events, then a signed checkpoint of the sixth.
APPEND = textwrap.dedent(f"""
    import sys
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from amparo.audit.models import AuditAction
    from amparo.audit.services import audit_record
    for n in range(1, {EVENTS} + 1):
        audit_record(user=None, action=AuditAction.LOGIN_FAILED, username=f"tried{{n}}", details={{"n": n}})
    call_command("audit", "checkpoint", "--out", sys.argv[1])
""")
TRIGGERS = ("audit_auditevent_no_update", "audit_auditevent_no_delete", "audit_auditevent_append_next")
REPOSITORY = Path(__file__).resolve().parents[2]


def _environment(data_dir: Path) -> dict:
    environment = {
        **os.environ,
        "AMPARO_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "amparo.settings",
        "AMPARO_LANGUAGE": "en",  # messages are asserted in English, the source language
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)]),
    }
    for name in ("AMPARO_DATABASE_URL", "AMPARO_FIELD_KEYS", "AMPARO_AUDIT_SIGNING_KEY"):
        environment.pop(name, None)
    return environment


@pytest.fixture(scope="module")
def logged(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("audit-file")
    result = subprocess.run(
        [sys.executable, "-c", APPEND, str(data_dir / "checkpoint.json")],
        env=_environment(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return data_dir


@pytest.fixture
def copy(logged, tmp_path) -> Path:
    """A copy of the data directory (database, keys, checkpoint) to tamper with."""
    return Path(shutil.copytree(logged, tmp_path / "data"))


def _verify(data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from amparo.cli import main; main()",
            "audit",
            "verify",
            "--checkpoint",
            str(data_dir / "checkpoint.json"),
        ],
        env=_environment(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _database(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "amparo.sqlite3", isolation_level=None)


def _stored(db: sqlite3.Connection, sequence: int) -> ChainEvent:
    row = db.execute(
        "SELECT sequence, at, user_id, username, action, object_type, object_id, details, ip_address, "
        "previous_hash, entry_hash FROM audit_auditevent WHERE sequence = ?",
        [sequence],
    ).fetchone()
    at = datetime.fromisoformat(row[1]).replace(tzinfo=UTC)
    return ChainEvent(row[0], at, row[2], row[3], row[4], row[5], row[6], {"n": sequence}, row[8], row[9], row[10])


def _insert(db: sqlite3.Connection, event: ChainEvent, verb: str = "INSERT", row_id: int | None = None) -> None:
    db.execute(
        f"{verb} INTO audit_auditevent (id, at, user_id, username, action, object_type, object_id, details, "
        "ip_address, sequence, previous_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            row_id,
            event.at.replace(tzinfo=None).isoformat(sep=" "),
            event.user_id,
            event.username,
            event.action,
            event.object_type,
            event.object_id,
            '{"n": 0}',
            event.ip_address,
            event.sequence,
            event.previous_hash,
            event.entry_hash,
        ],
    )


def _drop_triggers(db: sqlite3.Connection) -> None:
    for name in TRIGGERS:
        db.execute(f"DROP TRIGGER {name}")


def test_the_untampered_file_verifies_against_its_checkpoint(copy):
    result = _verify(copy)
    assert result.returncode == 0, result.stderr
    assert f"intact: {EVENTS} events" in result.stdout


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'login' WHERE sequence = 3",
        "DELETE FROM audit_auditevent WHERE sequence = 3",
        "DELETE FROM audit_auditevent",
        # REPLACE deletes the row it replaces without firing delete triggers (recursive_triggers is off).
        (
            "INSERT OR REPLACE INTO audit_auditevent (id, at, username, action, object_type, object_id, details, "
            "sequence, previous_hash, entry_hash) SELECT id, at, 'someone', 'login', '', '', '{}', sequence, "
            "previous_hash, entry_hash FROM audit_auditevent WHERE sequence = 3"
        ),
        (
            "REPLACE INTO audit_auditevent (id, at, username, action, object_type, object_id, details, sequence, "
            f"previous_hash, entry_hash) SELECT id, at, 'someone', 'login', '', '', '{{}}', {EVENTS + 1}, "
            "previous_hash, entry_hash FROM audit_auditevent WHERE sequence = 3"
        ),
        (
            "INSERT INTO audit_auditevent (at, username, action, object_type, object_id, details, sequence, "
            "previous_hash, entry_hash) VALUES ('2026-01-01 00:00:00', 'x', 'login', '', '', '{}', 3, '', '')"
        ),
    ],
    ids=["update", "delete", "truncate", "insert or replace", "replace as the next event", "insert in the middle"],
)
def test_the_triggers_refuse_a_plain_client(copy, statement):
    db = _database(copy)
    before = db.execute("SELECT * FROM audit_auditevent ORDER BY id").fetchall()
    with pytest.raises(sqlite3.DatabaseError):
        db.execute(statement)
    assert db.execute("SELECT * FROM audit_auditevent ORDER BY id").fetchall() == before


def _update(db):
    db.execute("UPDATE audit_auditevent SET action = 'view_identity' WHERE sequence = 3")


def _delete(db):
    db.execute("DELETE FROM audit_auditevent WHERE sequence = 3")


def _insert_in_the_middle(db):
    """A forged event with a correct hash after event 3; the later events renumbered to make room."""
    db.execute(f"UPDATE audit_auditevent SET sequence = sequence + {EVENTS} WHERE sequence > 3")
    db.execute(f"UPDATE audit_auditevent SET sequence = sequence - {EVENTS} + 1 WHERE sequence > {EVENTS}")
    third = _stored(db, 3)
    forged = replace(third, sequence=4, username="forged", details={"n": 0}, previous_hash=third.entry_hash)
    _insert(db, replace(forged, entry_hash=event_hash(forged)))


def _replace(db):
    third = _stored(db, 3)
    row_id = db.execute("SELECT id FROM audit_auditevent WHERE sequence = 3").fetchone()[0]
    _insert(db, replace(third, action="login"), verb="INSERT OR REPLACE", row_id=row_id)


def _truncate(db):
    db.execute("DELETE FROM audit_auditevent")


def _drop_the_tail(db):
    db.execute("DELETE FROM audit_auditevent WHERE sequence > 4")


def _swap_two(db):
    db.execute("UPDATE audit_auditevent SET sequence = 1000 WHERE sequence = 3")
    db.execute("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = 4")
    db.execute("UPDATE audit_auditevent SET sequence = 4 WHERE sequence = 1000")


def _rewrite_with_fresh_hashes(db):
    """Every event changed and every hash recomputed: a consistent chain that is not the one signed."""
    previous = "0" * 64
    for sequence in range(1, EVENTS + 1):
        event = replace(_stored(db, sequence), username="rewritten", details={"n": 0}, previous_hash=previous)
        previous = event_hash(event)
        db.execute(
            "UPDATE audit_auditevent SET username = 'rewritten', details = '{\"n\": 0}', previous_hash = ?, "
            "entry_hash = ? WHERE sequence = ?",
            [event.previous_hash, previous, sequence],
        )


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (_update, "Event 3 was changed"),
        (_delete, "Event 3 is missing"),
        (_insert_in_the_middle, "Event 5 does not follow event 4"),
        (_replace, "Event 3 was changed"),
        (_truncate, "The log ends at event 0 but a checkpoint was signed at event 6"),
        (_drop_the_tail, "The log ends at event 4 but a checkpoint was signed at event 6"),
        (_swap_two, "Event 3 does not follow event 2"),
        (_rewrite_with_fresh_hashes, "Event 6 is not the one the checkpoint signed"),
    ],
    ids=["update", "delete", "insert", "replace", "truncate", "truncate tail", "reorder", "rewrite"],
)
def test_verify_fails_once_the_triggers_are_dropped_and_the_log_changed(copy, tamper, reason):
    db = _database(copy)
    _drop_triggers(db)
    tamper(db)
    db.close()
    result = _verify(copy)
    assert result.returncode != 0
    assert "The audit log is broken at event" in result.stderr and reason in result.stderr, result.stderr
