"""The registry's look-ups stay indexed after migration 0005 dropped the indexes other indexes already serve."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from amparo.registry.models import Case, CaseCode, Perpetrator

LOOKUPS = {
    "cases of an owner": lambda: Case.objects.filter(owner_id=1),
    "cases of a source": lambda: Case.objects.filter(source_organisation_id=1),
    "codes of a case": lambda: CaseCode.objects.filter(case_id=1),
    "perpetrators of a case": lambda: Perpetrator.objects.filter(case_id=1),
    "cases a person perpetrated": lambda: Perpetrator.objects.filter(person_id=1),
}


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        return {name for model in (Case, CaseCode, Perpetrator)
                for name in connection.introspection.get_constraints(cursor, model._meta.db_table)}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
@pytest.mark.parametrize("lookup", LOOKUPS)
def test_each_lookup_searches_an_index_rather_than_scanning_the_table(lookup):
    plan = LOOKUPS[lookup]().explain()
    assert "SEARCH" in plan and "INDEX" in plan and "SCAN" not in plan.replace("USE TEMP B-TREE", ""), plan


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_the_duplicated_indexes_and_restores_them_when_reversed():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    dropped = {"registry_case_source_organisation_id_312d8e0d", "registry_casecode_case_id_8140ad4f",
               "registry_perpetrator_case_id_4feeba58", "registry_case_owner_id_e19fd145",
               "registry_perpetrator_person_id_f8d1f9ca"}
    assert not dropped & _index_names()
    assert {"case_owner", "perpetrator_person"} <= _index_names()
    try:
        executor.migrate([("registry", "0004_drop_statistics_indexes")])
        assert dropped <= _index_names()
        assert not {"case_owner", "perpetrator_person"} & _index_names()
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert not dropped & _index_names()
