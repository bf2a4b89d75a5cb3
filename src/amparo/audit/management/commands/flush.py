"""Django's `flush`, which empties every table, let through the audit table's triggers
(SQLite's DELETE, PostgreSQL's TRUNCATE).

Emptying the whole database is an operator's act outside the application
(like dropping it); the test runner also uses it between transactional tests.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from amparo.audit.append_only import audit_flush_allowed


class Command(FlushCommand):
    def handle(self, **options):
        with audit_flush_allowed(connections[options.get("database") or DEFAULT_DB_ALIAS]):
            return super().handle(**options)
