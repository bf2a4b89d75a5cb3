"""Seal the trafficking events' descriptions: free text that may name the victim or a relative."""

from django.db import migrations

from amparo.core import crypto
from amparo.core.fields import EncryptedTextField

BATCH = 2000


def _rewrite(apps, schema_editor, change):
    """Rewrite every non-empty description with change(value), in batches, by SQL (the model would open it)."""
    table = schema_editor.quote_name("registry_traffickingevent")
    with schema_editor.connection.cursor() as cursor:
        last = 0
        while True:
            cursor.execute(f"SELECT id, description FROM {table} WHERE id > %s AND description <> '' ORDER BY id"
                           f" LIMIT {BATCH}", [last])
            rows = cursor.fetchall()
            if not rows:
                return
            cursor.executemany(f"UPDATE {table} SET description = %s WHERE id = %s",
                               [(change(text), pk) for pk, text in rows])
            last = rows[-1][0]


def seal(apps, schema_editor):
    _rewrite(apps, schema_editor, crypto.seal)


def open_sealed(apps, schema_editor):
    _rewrite(apps, schema_editor, crypto.open_sealed)


class Migration(migrations.Migration):

    dependencies = [("registry", "0005_trim_redundant_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(  # the column stays text: only its values change
            state_operations=[migrations.AlterField(
                model_name="traffickingevent",
                name="description",
                field=EncryptedTextField(blank=True, verbose_name="description"),
            )],
        ),
        migrations.RunPython(seal, open_sealed),
    ]
