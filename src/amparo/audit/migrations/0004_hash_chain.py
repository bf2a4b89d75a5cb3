"""Chain the audit log (sequence number, previous hash, own hash), existing events in the order of their id; drop
the `delete` action nothing writes; and close the holes the append-only triggers left: SQLite's INSERT OR REPLACE
(which deletes the row it replaces without firing delete triggers) and PostgreSQL's TRUNCATE."""

import django.utils.timezone
from django.db import migrations, models

CHUNK_ROWS = 10_000

OLD_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
        "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
    ],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent"],
}
# An insert must be the next in the chain and may not reuse an id: INSERT OR REPLACE cannot remove a row.
SQLITE_CREATE = [
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
       WHEN NOT amparo_audit_unlocked()
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_auditevent_append_next BEFORE INSERT ON audit_auditevent
       WHEN NEW.sequence IS NOT (SELECT COALESCE(MAX(sequence), 0) + 1 FROM audit_auditevent)
         OR EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: an insert must be the next event'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditevent_append_next",
]
# TRUNCATE is let through only where `amparo flush` sets amparo.audit_unlocked (audit.append_only).
POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()""",
    """CREATE OR REPLACE FUNCTION audit_auditevent_append_next() RETURNS trigger AS $$
       BEGIN
         IF NEW.sequence IS DISTINCT FROM (SELECT COALESCE(MAX(sequence), 0) + 1 FROM audit_auditevent) THEN
           RAISE EXCEPTION 'audit events are append-only: an insert must be the next event';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_auditevent_append_next BEFORE INSERT ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_next()""",
    """CREATE OR REPLACE FUNCTION audit_auditevent_no_truncate() RETURNS trigger AS $$
       BEGIN
         IF current_setting('amparo.audit_unlocked', true) IS DISTINCT FROM 'on' THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_append_next ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_next()",
    "DROP FUNCTION IF EXISTS audit_auditevent_no_truncate()",
]
OLD_CREATE = {
    "sqlite": SQLITE_CREATE[:2],
    "postgresql": [POSTGRES_CREATE[1]],
}
NEW = {"sqlite": (SQLITE_CREATE, SQLITE_DROP), "postgresql": (POSTGRES_CREATE, POSTGRES_DROP)}


def _execute(schema_editor, statements) -> None:
    for sql in statements:
        schema_editor.execute(sql)


def drop_old_triggers(apps, schema_editor):
    _execute(schema_editor, OLD_TRIGGERS[schema_editor.connection.vendor])


def restore_old_triggers(apps, schema_editor):
    _execute(schema_editor, OLD_CREATE[schema_editor.connection.vendor])


def create_triggers(apps, schema_editor):
    _execute(schema_editor, NEW[schema_editor.connection.vendor][0])


def drop_triggers(apps, schema_editor):
    _execute(schema_editor, NEW[schema_editor.connection.vendor][1])


def chain_existing_events(apps, schema_editor):
    """The chain over the events already stored, in the order of their id, read as `audit verify` reads them."""
    from amparo.audit.domain.chain import GENESIS, event_hash
    from amparo.audit.selectors import chain_event_of_row

    columns = "id, at, user_id, username, action, object_type, object_id, details, ip_address"
    sequence, previous, last_id = 0, GENESIS, 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {columns} FROM audit_auditevent WHERE id > %s ORDER BY id LIMIT {CHUNK_ROWS}", [last_id]
            )
            rows = cursor.fetchall()
            if not rows:
                return
            updates = []
            for row_id, *content in rows:
                sequence += 1
                entry = event_hash(chain_event_of_row((sequence, *content, previous, "")))
                updates.append((sequence, previous, entry, row_id))
                previous, last_id = entry, row_id
            cursor.executemany(
                "UPDATE audit_auditevent SET sequence = %s, previous_hash = %s, entry_hash = %s WHERE id = %s",
                updates,
            )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [
        migrations.RunPython(drop_old_triggers, restore_old_triggers),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view_identity", "Viewed identifying data"),
                    ("create", "Created"),
                    ("change", "Changed"),
                    ("export", "Exported"),
                    ("import", "Imported"),
                    ("login", "Logged in"),
                    ("login_failed", "Failed login"),
                    ("logout", "Logged out"),
                    ("approve", "Approved"),
                    ("refuse", "Refused"),
                    ("key_rotation", "Rotated encryption keys"),
                    ("identity_search", "Searched by identity number"),
                    ("otp_device", "Set up a second factor"),
                    ("otp_verified", "Verified the second factor"),
                    ("otp_failed", "Failed second-factor code"),
                ],
                db_index=True,
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="time"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True, editable=False, verbose_name="sequence number"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="event hash"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="sequence number"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
