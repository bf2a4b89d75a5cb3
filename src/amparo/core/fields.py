"""A model field whose value is sealed (core.crypto) before it reaches the database, and where such fields are."""

from django.apps import apps
from django.db import models

from amparo.core import crypto


class EncryptedTextField(models.TextField):
    """Stores text sealed with AES-GCM; the database never holds it in clear.

    Encrypted values cannot be searched or sorted in SQL: pair the field with a
    keyed hash (crypto.lookup_hash) where exact look-up is needed.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.open_sealed(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.seal(value)


def encrypted_fields() -> dict[type, list[str]]:
    """{model: [names of its EncryptedTextFields]} for every concrete model that has some, in any app.

    Found by introspection, so that a new sealed field is rotated (core.key_rotation) and kept out of the
    audit log (audit.services) without anyone remembering to list it.
    """
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found[model] = names
    return found
