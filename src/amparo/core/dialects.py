"""What differs between the databases Amparo runs on, for the SQL it writes itself (bulk writes, frames read
by SQL): one small object per backend, chosen by the connection's vendor here and nowhere else.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.db import OperationalError, connection
from django.db.models.expressions import RawSQL

POSTGRESQL_PARAMETERS = 65_535  # the protocol's limit on the values of one statement
SQLITE_CACHE_KIB = 256 * 1024


class Dialect:
    """The standard SQL both backends speak; each backend overrides what it does otherwise."""

    # Functions that turn a query's rows into the text of one JSON object of arrays, one per column.
    json_object = "json_build_object({})::text"
    json_array = "json_agg"
    # Whether a value shared by every row of a multi-row INSERT can be bound once per statement.
    binds_shared_values = False
    # The rows of a JSON array of whole numbers bound as one parameter.
    json_integers = "SELECT (jsonb_array_elements_text(%s::jsonb))::bigint"

    def parameter_limit(self) -> int:
        """How many values one statement may bind."""
        return connection.features.max_query_params or POSTGRESQL_PARAMETERS

    def insert_sql(self, table: str, columns: tuple[str, ...], shared: tuple[str, ...], rows: int) -> str:
        """An INSERT of `rows` rows of `columns`, then the `shared` columns (one value for every row)."""
        return _insert_sql(table, columns, shared, rows, self.binds_shared_values and bool(shared))

    def id_list(self, ids: list[int]) -> RawSQL:
        """A subquery of these ids for an `__in` look-up, bound as one parameter however many they are (an IN list
        of one parameter each would meet the backend's limit on parameters)."""
        return RawSQL(self.json_integers, [json.dumps(list(ids))])

    def new_ids(self, model, count: int) -> list[int]:
        """`count` primary keys for new rows of `model`, taken from its identity sequence, which they advance:
        rows inserted later by the ORM, in this transaction or another, never get one of them."""
        table, column = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            return sorted(value for (value,) in cursor.fetchall())

    @contextmanager
    def large_page_cache(self) -> Iterator[None]:
        """Keep the indexes being filled in memory while a bulk write runs, where the backend needs telling."""
        yield

    @contextmanager
    def waiting_at_most(self, seconds: float) -> Iterator[None]:
        """Writes made meanwhile wait at most `seconds` for another writer before failing, where a writer can
        hold the whole database (PostgreSQL locks rows, so no other writer holds what they write)."""
        yield

    def is_busy(self, error: Exception) -> bool:
        """Whether `error` says only that another writer held the database longer than this one would wait."""
        return False


class SQLite(Dialect):
    json_object = "json_object({})"
    json_array = "json_group_array"
    json_integers = "SELECT value FROM json_each(%s)"
    binds_shared_values = True  # by number (?N): the statement's set-up, not each row, pays for them

    def parameter_limit(self) -> int:
        """The limit the library in use states (250,000 in SQLite 3.40; Django assumes the historical 999),
        since more rows per statement means fewer rebuilds of the CHECK constraints' IN lists."""
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)

    def new_ids(self, model, count: int) -> list[int]:
        """The keys after the largest stored: the write transaction that inserts them holds the database, so
        no other writer can take one meanwhile."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX({quote(model._meta.pk.column)}), 0) FROM {table_of(model)}")
            first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))

    @contextmanager
    def large_page_cache(self) -> Iterator[None]:
        """SQLite's page cache for this connection raised while the write runs (its default is 2 MB)."""
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            previous = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")

    @contextmanager
    def waiting_at_most(self, seconds: float) -> Iterator[None]:
        """SQLite's busy timeout for this connection lowered while the block runs (an import holds the one
        write lock for as long as it stores)."""
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            previous = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")

    def is_busy(self, error: Exception) -> bool:
        return isinstance(error, OperationalError) and "database is locked" in str(error)


DIALECTS = {"sqlite": SQLite(), "postgresql": Dialect()}


def dialect() -> Dialect:
    return DIALECTS[connection.vendor]


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_of(model) -> str:
    return quote(model._meta.db_table)


@lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...], shared: tuple[str, ...], rows: int, numbered: bool) -> str:
    """Built once per shape: a million cases reuse a few shapes thousands of times."""
    names = ", ".join(quote(c) for c in [*columns, *shared])
    if not numbered:
        values = ["(" + ", ".join(["%s"] * (len(columns) + len(shared))) + ")"] * rows
    else:
        width, bound = len(columns), rows * len(columns)
        tail = "".join(f", ?{bound + 1 + i}" for i in range(len(shared)))
        values = ["(" + ", ".join(f"?{row * width + i + 1}" for i in range(width)) + tail + ")" for row in range(rows)]
    return f"INSERT INTO {quote(table)} ({names}) VALUES " + ", ".join(values)
