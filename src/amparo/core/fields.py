"""A model field whose value is sealed (core.crypto) before it reaches the database."""

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
