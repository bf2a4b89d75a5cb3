"""The blind index of names (NameToken, registry.name_index), filled for the identities already stored."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000


def index_stored_names(apps, schema_editor):
    from amparo.core import crypto
    from amparo.registry.name_index import PURPOSE, name_tokens_of

    PersonIdentity = apps.get_model("registry", "PersonIdentity")
    NameToken = apps.get_model("registry", "NameToken")
    if not PersonIdentity.objects.exists():
        return  # a new installation: no key ring needed yet
    key = crypto.purpose_keys(PURPOSE)[0]
    last = 0
    while batch := list(PersonIdentity.objects.filter(person_id__gt=last).order_by("person_id")
                        .values_list("person_id", "first_name", "second_name")[:BATCH]):
        NameToken.objects.bulk_create(
            NameToken(person_id=person_id, token=token)
            for person_id, given, surnames in batch
            for token in name_tokens_of(given or "", surnames or "", key)
        )
        last = batch[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField()),
                ("person", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                             related_name="name_tokens", to="registry.person")),
            ],
            options={
                "indexes": [models.Index(fields=["token", "person"], name="nametoken_token_person")],
                "constraints": [models.UniqueConstraint(fields=("person", "token"), name="nametoken_person_token")],
            },
        ),
        migrations.RunPython(index_stored_names, migrations.RunPython.noop),
    ]
