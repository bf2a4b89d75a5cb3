"""Migrating provenance stored before original rows were sealed by blocks keeps every original row readable."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from amparo.exchange.models import CaseProvenance, OriginalRowBlock
from amparo.registry.services import cases_register
from tests.personas import victim_record

BEFORE = [("exchange", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_original_rows_sealed_one_by_one_move_into_blocks(organisation, monkeypatch):
    monkeypatch.setattr("amparo.exchange.migrations.0002_original_row_blocks.BLOCK_ROWS", 2)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    cases = cases_register(records=[victim_record(f"M-{i}") for i in range(3)], source=organisation)
    old = _migrate(BEFORE)
    try:
        batch = old.get_model("exchange", "ImportBatch").objects.create(
            source_id=organisation.pk, file_name="old.csv", sha256="0" * 64, format="amparo"
        )
        for row, case in enumerate(cases, start=2):
            old.get_model("exchange", "CaseProvenance").objects.create(
                case_id=case.pk,
                batch=batch,
                row_number=row,
                action="created",
                content_hash="h",
                original_sealed=f'{{"id": "{case.source_record_id}", "dni": "7391826{row}"}}',
            )
    finally:
        _migrate(latest)
    originals = [p.original for p in CaseProvenance.objects.order_by("row_number")]
    assert originals == [{"id": f"M-{i}", "dni": f"7391826{i + 2}"} for i in range(3)]
    assert OriginalRowBlock.objects.count() == 2  # three rows, two per block
