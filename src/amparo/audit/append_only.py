"""The audit table refuses UPDATE, DELETE, TRUNCATE and any insert but the chain's next event in the database
itself (triggers, created by migrations of this app).

Emptying a whole database (`amparo flush`, and the test runner between
transactional tests) must be let through explicitly, inside
`audit_flush_allowed()`: on SQLite the DELETE trigger asks
`amparo_audit_unlocked()`, a function this module registers on each connection
(any other client, such as the sqlite3 shell, lacks it, so its DELETE fails);
on PostgreSQL the TRUNCATE trigger asks the session setting
`amparo.audit_unlocked`. Neither stops whoever owns the database (or the
table) and reads this: the hash chain and signed checkpoints catch what they
let through (`audit.domain.chain`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_flush_allowed: ContextVar[bool] = ContextVar("amparo_audit_flush_allowed", default=False)
_SESSION_UNLOCK = {"postgresql": ("SET amparo.audit_unlocked = 'on'", "RESET amparo.audit_unlocked")}


@contextmanager
def audit_flush_allowed(connection) -> Iterator[None]:
    token = _flush_allowed.set(True)
    unlock, lock = _SESSION_UNLOCK.get(connection.vendor, (None, None))
    if unlock:
        with connection.cursor() as cursor:
            cursor.execute(unlock)
    try:
        yield
    finally:
        _flush_allowed.reset(token)
        if lock:
            with connection.cursor() as cursor:
                cursor.execute(lock)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite connections the function the DELETE trigger asks."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function("amparo_audit_unlocked", 0, lambda: int(_flush_allowed.get()))
