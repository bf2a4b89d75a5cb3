"""Drop indexes that another index already serves, and leave rows without an owner or a person out of theirs.

Every index is paid for by each imported case. The foreign keys' own indexes on the case's source, a
code's case and a perpetrator's case duplicate the first column of case_unique_source_record,
casecode_unique and perpetrator_case_relationship. Imported cases have no owner and most perpetrators
no person, so those two indexes become partial. Only the indexes change (state and database are
separated so that SQLite does not copy whole tables to drop an index).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (index Django created for the foreign key, its table, its column)
FOREIGN_KEY_INDEXES = [
    ("registry_case_owner_id_e19fd145", "registry_case", "owner_id"),
    ("registry_case_source_organisation_id_312d8e0d", "registry_case", "source_organisation_id"),
    ("registry_casecode_case_id_8140ad4f", "registry_casecode", "case_id"),
    ("registry_perpetrator_case_id_4feeba58", "registry_perpetrator", "case_id"),
    ("registry_perpetrator_person_id_f8d1f9ca", "registry_perpetrator", "person_id"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0004_drop_statistics_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="owner",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.SET_NULL, related_name="owned_cases",
                                            to=settings.AUTH_USER_MODEL, verbose_name="case owner"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="source_organisation",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="cases", to="registry.organisation",
                                            verbose_name="source organisation"),
                ),
                migrations.AlterField(
                    model_name="casecode",
                    name="case",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="coded_values", to="registry.case"),
                ),
                migrations.AlterField(
                    model_name="perpetrator",
                    name="case",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="perpetrators", to="registry.case"),
                ),
                migrations.AlterField(
                    model_name="perpetrator",
                    name="person",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="perpetrations", to="registry.person"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"', reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
                for name, table, column in FOREIGN_KEY_INDEXES
            ],
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(("owner__isnull", False)), fields=["owner"], name="case_owner"),
        ),
        migrations.AddIndex(
            model_name="perpetrator",
            index=models.Index(condition=models.Q(("person__isnull", False)), fields=["person"],
                               name="perpetrator_person"),
        ),
    ]
