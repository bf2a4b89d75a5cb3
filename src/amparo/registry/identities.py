"""What identifies a person, as the registry keeps it: the fields PersonIdentity seals, and the keyed hash
that finds a person by identity number.

The one rule for every writer: the single-case services store `identity_of` a person through the ORM,
the bulk writes `identity_columns` of many people by SQL; both seal through PersonIdentity's own fields.
"""

from dataclasses import fields

import polars as pl

from amparo.core import crypto
from amparo.core.fields import EncryptedTextField
from amparo.registry.models import PersonIdentity
from amparo.registry.records import PersonRecord

_PERSON_RECORD_FIELDS = [f.name for f in fields(PersonRecord)]
_SEALED = {f.name for f in PersonIdentity._meta.concrete_fields if isinstance(f, EncryptedTextField)}
# What a person record says that identifies them: sealed at rest.
IDENTITY_FIELDS: tuple[str, ...] = tuple(name for name in _PERSON_RECORD_FIELDS if name in _SEALED)
HASH = "identity_number_hash"


def identity_number_hash(number: str) -> str:
    """The keyed hash an identity number is searched by; empty for no number."""
    return crypto.lookup_hash(number) if number.strip() else ""


def identity_of(person: PersonRecord) -> dict[str, str]:
    """PersonIdentity's values for a person, in clear (its fields seal them on save), with the hash."""
    values = {name: "" if getattr(person, name) is None else str(getattr(person, name)) for name in IDENTITY_FIELDS}
    return values | {HASH: identity_number_hash(values["identity_number"])}


def identity_given(values: dict[str, str]) -> bool:
    """Whether anything identifies the person (who has no PersonIdentity otherwise)."""
    return any(values[name] for name in IDENTITY_FIELDS)


def identity_columns(people: pl.DataFrame) -> pl.DataFrame:
    """`identity_of` each row of a frame of people (PersonRecord's fields), sealed as the database keeps them,
    with `given` (identity_given) for each; for the bulk writes, which bypass the ORM."""
    texts = people.select(pl.col(name).cast(pl.String).fill_null("") for name in IDENTITY_FIELDS)
    sealed = {name: _sealed(PersonIdentity._meta.get_field(name), texts[name].to_list()) for name in IDENTITY_FIELDS}
    hashes = list(map(identity_number_hash, texts["identity_number"].to_list()))
    given = texts.select(pl.any_horizontal(pl.all() != "")).to_series()
    schema = {**dict.fromkeys([*IDENTITY_FIELDS, HASH], pl.String), "given": pl.Boolean}
    return pl.DataFrame({**sealed, HASH: hashes, "given": given}, schema=schema)


def _sealed(field, texts: list[str]) -> list[str]:
    """Each text as the sealed field stores it; an empty one stays empty, as the field leaves it (most people of
    an import have no identity, and preparing their empty values cost more than sealing the others)."""
    return [field.get_prep_value(text) if text else text for text in texts]
