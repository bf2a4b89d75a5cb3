from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "amparo.audit"
    verbose_name = _("Audit log")

    def ready(self):
        from django.db import connections

        from amparo.audit import signals  # noqa: F401  (connects the receivers that log sign-ins)
        from amparo.audit.append_only import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="amparo-audit-sqlite-function")
        for connection in connections.all(initialized_only=True):  # opened before the app was ready
            register_sqlite_function(None, connection)
