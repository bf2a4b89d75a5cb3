"""Django's `flush`, which empties every table, let through the audit table's DELETE trigger on SQLite.

Emptying the whole database is an operator's act outside the application
(like dropping it); the test runner also uses it between transactional tests.
"""

from django.core.management.commands.flush import Command as FlushCommand

from amparo.audit.append_only import audit_flush_allowed


class Command(FlushCommand):
    def handle(self, **options):
        with audit_flush_allowed():
            return super().handle(**options)
