"""Whole columns written by SQL, for bulk writes that would spend more on an ORM object per row than on the row:
many rows per INSERT, statements run many times, look-ups by long lists of keys. The same program on every
backend; what differs is in core.dialects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import closing

from django.db import connection

from amparo.core.dialects import dialect

# Rows per INSERT: the fastest measured (docs/benchmarks.md, the import).
ROWS_PER_STATEMENT = 500


def insert_rows(model, columns: Mapping[str, list], shared: dict | None = None) -> None:
    """Insert whole columns (name -> list of values, all of one length), many rows per INSERT; `shared`
    (column -> value) holds the columns whose value is the same in every row.

    One statement per row would pay the statement's set-up for every row (on SQLite that includes building
    the lists of the CHECK constraints' IN clauses), which costs more than the row itself. The columns are
    interleaved into one flat list by slice assignment, so no tuple is built per row.
    """
    sql = dialect()
    shared = dict(shared or {})
    rows = len(next(iter(columns.values()), []))
    if not sql.binds_shared_values:
        columns = {**columns, **{name: [value] * rows for name, value in shared.items()}}
        shared = {}
    width = len(columns)
    values: list = [None] * (rows * width)
    for position, column in enumerate(columns.values()):
        values[position::width] = column
    per = max(1, min(ROWS_PER_STATEMENT, (sql.parameter_limit() - len(shared)) // width))
    full = (rows - rows % per) * width
    bound = tuple(shared.values())
    table, names, shared_names, step = model._meta.db_table, tuple(columns), tuple(shared), per * width
    # Values bound by number are SQLite's own syntax, which Django's cursor cannot log when it records
    # queries (DEBUG, tests): the driver's cursor runs them, in the same transaction.
    with closing(connection.connection.cursor()) if shared else connection.cursor() as cursor:
        if full:
            cursor.executemany(
                sql.insert_sql(table, names, shared_names, per),
                ((*values[start : start + step], *bound) for start in range(0, full, step)),
            )
        if full < len(values):
            cursor.execute(sql.insert_sql(table, names, shared_names, rows % per), (*values[full:], *bound))


def execute_many(statement: str, rows: Iterable) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(statement, list(rows))


def in_chunks(sql_before_list: str, values: list) -> list[tuple]:
    """Run `... IN (values)` in as few statements as the backend allows; the rows of a SELECT, if any."""
    rows: list[tuple] = []
    per = dialect().parameter_limit()
    with connection.cursor() as cursor:
        for start in range(0, len(values), per):
            part = values[start : start + per]
            cursor.execute(f"{sql_before_list} ({', '.join(['%s'] * len(part))})", part)
            if cursor.description:
                rows += cursor.fetchall()
    return rows


def large_page_cache():
    """Keep the indexes being filled in memory while a bulk write runs (this connection only); it covers
    what is written after the cases too, such as an import's provenance."""
    return dialect().large_page_cache()
