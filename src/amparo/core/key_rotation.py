"""Re-sealing every encrypted value with the active key, so that old keys can be dropped.

The sealed fields are found by introspection (every model with an
EncryptedTextField, in any app), so a new sealed field is rotated without
anyone remembering to list it here.
"""

from django.db import connection, transaction

from amparo.core import crypto
from amparo.core.fields import encrypted_fields

BATCH_SIZE = 1000


def _reseal_model(model, names: list[str], batch_size: int) -> int:
    """Read in primary-key order, batch by batch (values open on read), write back sealed with the active key."""
    pk_name = model._meta.pk.attname
    rows, last_pk = 0, None
    while True:
        batch = model._base_manager.order_by(pk_name)
        if last_pk is not None:
            batch = batch.filter(pk__gt=last_pk)
        values = list(batch.values_list(pk_name, *names)[:batch_size])
        if not values:
            return rows
        model._base_manager.bulk_update(
            [model(**{pk_name: row[0], **dict(zip(names, row[1:]))}) for row in values], names, batch_size=batch_size
        )
        rows += len(values)
        last_pk = values[-1][0]


def values_sealed_with(key_ids: tuple[str, ...]) -> int:
    """How many stored values are still sealed with one of these keys (counted in SQL on the raw column)."""
    if not key_ids:
        return 0
    total = 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, names in encrypted_fields().items():
            for name in names:
                column = model._meta.get_field(name).column
                conditions = " OR ".join(f"{quote(column)} LIKE %s" for _ in key_ids)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(model._meta.db_table)} WHERE {conditions}",
                    [f"{crypto.PREFIX}:{kid}:%" for kid in key_ids],
                )
                total += cursor.fetchone()[0]
    return total


def reseal_all(batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Re-seal every sealed value with the active key, all or nothing; rows per model label.

    A model whose sealed values are large (many rows in one value) caps its batch with `reseal_batch_size`.
    """
    counts = {}
    with transaction.atomic():
        for model, names in encrypted_fields().items():
            size = min(batch_size, getattr(model, "reseal_batch_size", batch_size))
            counts[model._meta.label] = _reseal_model(model, names, size)
    return counts
