"""Refuse UPDATE of a release or its approval in the database, whatever code or client tries."""

from django.db import migrations

TABLES = ("release_release", "release_releaseapproval")
SQLITE_CREATE = [
    f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, 'a release is immutable'); END""" for table in TABLES
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {table}_no_update" for table in TABLES]
POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION release_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'a release is immutable'; END; $$ LANGUAGE plpgsql""",
    *(f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
          FOR EACH ROW EXECUTE FUNCTION release_immutable()""" for table in TABLES),
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS release_immutable()",
]
STATEMENTS = {"sqlite": (SQLITE_CREATE, SQLITE_DROP), "postgresql": (POSTGRES_CREATE, POSTGRES_DROP)}


def _run(schema_editor, which: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"no immutability triggers for {schema_editor.connection.vendor}")
    for sql in statements[which]:
        schema_editor.execute(sql)


def create_triggers(apps, schema_editor):
    _run(schema_editor, 0)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("release", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
