"""Give every case its record key (amparo.core.record_keys): existing cases each get their own random key."""

from django.db import migrations, models

import amparo.core.record_keys

BATCH = 5000


def draw_keys(apps, schema_editor):
    Case = apps.get_model("registry", "Case")
    ids = list(Case.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        keys = amparo.core.record_keys.new_record_keys(len(part))
        Case.objects.bulk_update([Case(id=i, record_key=k) for i, k in zip(part, keys)], ["record_key"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_name_index")]

    operations = [
        migrations.AddField(model_name="case", name="record_key", field=models.IntegerField(null=True, editable=False)),
        migrations.RunPython(draw_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="record_key",
            field=models.IntegerField(
                default=amparo.core.record_keys.new_record_key, editable=False, verbose_name="record key"
            ),
        ),
    ]
