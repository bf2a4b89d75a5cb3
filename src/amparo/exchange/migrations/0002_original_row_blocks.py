"""Original rows of stored cases sealed by blocks (OriginalRowBlock) instead of one by one.

Existing provenance is moved: each batch's original rows go into blocks of a
thousand, in provenance order, and each provenance row points to its block.
"""

import json

import django.db.models.deletion
from django.db import migrations, models

import amparo.core.fields

BLOCK_ROWS = 1000


def rows_to_blocks(apps, schema_editor):
    CaseProvenance = apps.get_model("exchange", "CaseProvenance")
    OriginalRowBlock = apps.get_model("exchange", "OriginalRowBlock")
    batch_ids = CaseProvenance.objects.values_list("batch_id", flat=True).distinct().order_by("batch_id")
    for batch_id in list(batch_ids):
        last = 0  # a block's worth at a time: a batch can hold a million rows
        while part := list(CaseProvenance.objects.filter(batch_id=batch_id, id__gt=last).order_by("id")
                           .values_list("id", "row_number", "original_sealed")[:BLOCK_ROWS]):
            text = json.dumps({str(row): json.loads(original) for _, row, original in part}, ensure_ascii=False)
            block = OriginalRowBlock.objects.create(batch_id=batch_id, rows_sealed=text)
            CaseProvenance.objects.filter(id__in=[pk for pk, _, _ in part]).update(block=block)
            last = part[-1][0]


def blocks_to_rows(apps, schema_editor):
    CaseProvenance = apps.get_model("exchange", "CaseProvenance")
    for block in apps.get_model("exchange", "OriginalRowBlock").objects.order_by("id"):
        rows = json.loads(block.rows_sealed)
        for provenance in CaseProvenance.objects.filter(block=block):
            provenance.original_sealed = json.dumps(rows[str(provenance.row_number)], ensure_ascii=False)
            provenance.save(update_fields=["original_sealed"])


class Migration(migrations.Migration):

    dependencies = [
        ("exchange", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OriginalRowBlock",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rows_sealed", amparo.core.fields.EncryptedTextField(verbose_name="original rows")),
                ("batch", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                            related_name="original_blocks", to="exchange.importbatch")),
            ],
            options={
                "verbose_name": "block of original rows",
                "verbose_name_plural": "blocks of original rows",
            },
        ),
        migrations.AddField(
            model_name="caseprovenance",
            name="block",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="exchange.originalrowblock", verbose_name="original rows"),
        ),
        # A default, so that undoing the removal below can add the column back to existing rows.
        migrations.AlterField(
            model_name="caseprovenance",
            name="original_sealed",
            field=amparo.core.fields.EncryptedTextField(default="", verbose_name="original row"),
        ),
        migrations.RunPython(rows_to_blocks, blocks_to_rows),
        migrations.RemoveField(
            model_name="caseprovenance",
            name="original_sealed",
        ),
        migrations.AlterField(
            model_name="caseprovenance",
            name="block",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="exchange.originalrowblock", verbose_name="original rows"),
        ),
        migrations.AlterField(
            model_name="caseprovenance",
            name="case",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="provenance", to="registry.case"),
        ),
    ]
