"""Events stored before the chain existed are chained by the migration, in the order of their id."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from amparo.audit.domain.chain import GENESIS, verify_chain
from amparo.audit.models import AuditAction, AuditEvent
from amparo.audit.selectors import audit_chain
from amparo.audit.services import audit_record

BEFORE = [("audit", "0003_append_only_triggers")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_events_are_chained_in_the_order_of_their_id(monkeypatch):
    monkeypatch.setattr("amparo.audit.migrations.0004_hash_chain.CHUNK_ROWS", 2)  # several chunks
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    try:
        event = old.get_model("audit", "AuditEvent")
        for n, details in enumerate([{}, {"epsilon": 2.0, "share": 0.5}, {"text": "Ñ"}, {"n": [1, None]}, {}]):
            event.objects.create(username=f"user{n}", action="login", details=details, ip_address="::1")
    finally:
        _migrate(latest)
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.sequence for e in stored] == [1, 2, 3, 4, 5]
    assert stored[0].previous_hash == GENESIS
    audit_record(user=None, action=AuditAction.LOGIN_FAILED, username="after")
    report = verify_chain(audit_chain())
    assert (report.events, report.broken) == (6, None)
