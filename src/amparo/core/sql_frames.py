"""Read the result of a query into a Polars frame without a Python object per value.

Fetching rows through the database driver makes a Python object of every value, which
dominates the time and memory of reading large tables (figures in docs/benchmarks.md).
Here the database itself builds, for a range of
an integer key at a time, one JSON array per column, and Polars parses it. It runs on
Django's connection, inside whatever transaction is open, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io

import polars as pl
from django.db import connection

from amparo.core.dialects import dialect

KEYS_PER_PART = 250_000  # bounds the JSON text held at once, whatever the size of the table


def read_frame(sql: str, params: list | tuple, schema: dict[str, pl.DataType], *, part_by: str) -> pl.DataFrame:
    """The rows of `sql` as a frame typed by `schema` (the query's columns, named and in order), read a range
    of `part_by` (an integer column of the schema, such as a case id) at a time. Row order is not kept:
    sort the frame if it matters."""
    names = list(schema)
    sql_dialect = dialect()
    arrays = sql_dialect.json_object.format(", ".join(f"'{name}', {sql_dialect.json_array}({name})" for name in names))

    def part_sql(find_last: bool) -> str:
        last_key = f"(SELECT MAX({part_by}) FROM query_rows)" if find_last else "NULL"
        return (
            f"WITH query_rows ({', '.join(names)}) AS ({sql}) SELECT COUNT(*), {arrays}, {last_key}"
            f" FROM query_rows WHERE {part_by} > %s AND {part_by} <= %s"
        )

    parts, low, last = [], 0, None
    with connection.cursor() as cursor:
        while last is None or low < last:  # the first part also finds the last key: one query for small tables
            cursor.execute(part_sql(find_last=last is None), [*params, low, low + KEYS_PER_PART])
            count, text, highest = cursor.fetchone()
            if last is None:
                last = highest or 0
            if count:
                parts.append(pl.read_json(io.StringIO(text)).explode(pl.all(), empty_as_null=True))
            low += KEYS_PER_PART
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, how="vertical_relaxed").select(_typed(name, dtype) for name, dtype in schema.items())


def _typed(name: str, dtype: pl.DataType) -> pl.Expr:
    """A column as parsed from JSON, in its type: dates come as ISO text from both databases."""
    if dtype == pl.Date:
        return pl.col(name).cast(pl.String).str.to_date("%Y-%m-%d")
    return pl.col(name).cast(dtype)
