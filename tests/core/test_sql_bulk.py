"""Whole columns written by SQL: many rows per statement, the rest in a last one, shared values in every row."""

import pytest

from amparo.core.sql_bulk import ROWS_PER_STATEMENT, insert_rows
from amparo.registry.models import Person


@pytest.mark.django_db
def test_insert_rows_fills_whole_statements_and_the_rest_with_shared_values():
    rows = [(i, "Feminine" if i % 2 else "Masculine", "PE") for i in range(1, 2 * ROWS_PER_STATEMENT + 8)]
    insert_rows(Person, dict(zip(["id", "gender", "citizenship"], map(list, zip(*rows)))), {"is_synthetic": True})
    stored = list(Person.objects.order_by("id").values_list("id", "gender", "citizenship", "is_synthetic"))
    assert stored == [(*row, True) for row in rows]
