"""The audit table refuses UPDATE and DELETE in the database itself (triggers, created by a migration of this app).

SQLite has no TRUNCATE, so emptying a whole database (`amparo flush`, and the
test runner between transactional tests) must be let through explicitly: the
SQLite DELETE trigger asks `amparo_audit_unlocked()`, a function this module
registers on each connection, which answers 1 only inside `audit_flush_allowed()`.
Any other client (the sqlite3 shell) lacks the function, so its DELETE fails too.
PostgreSQL's TRUNCATE does not fire row triggers, so it needs no such function.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_flush_allowed: ContextVar[bool] = ContextVar("amparo_audit_flush_allowed", default=False)


@contextmanager
def audit_flush_allowed() -> Iterator[None]:
    token = _flush_allowed.set(True)
    try:
        yield
    finally:
        _flush_allowed.reset(token)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite connections the function the DELETE trigger asks."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function("amparo_audit_unlocked", 0, lambda: int(_flush_allowed.get()))
