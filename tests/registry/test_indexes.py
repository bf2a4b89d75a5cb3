"""The registry's look-ups are indexed, by no more indexes than they need: every index is paid for by each
imported case."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, Person, PersonIdentity, TraffickingEvent
from amparo.registry.selectors import years_with_cases

LOOKUPS = {
    "cases of an owner": lambda: Case.objects.filter(owner_id=1),
    "cases of a source": lambda: Case.objects.filter(source_organisation_id=1),
    "codes of a case": lambda: CaseCode.objects.filter(case_id=1),
    "perpetrators of a case": lambda: Perpetrator.objects.filter(case_id=1),
    "cases a person perpetrated": lambda: Perpetrator.objects.filter(person_id=1),
}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
@pytest.mark.parametrize("lookup", LOOKUPS)
def test_each_lookup_searches_an_index_rather_than_scanning_the_table(lookup):
    plan = LOOKUPS[lookup]().explain()
    assert "SEARCH" in plan and "INDEX" in plan and "SCAN" not in plan.replace("USE TEMP B-TREE", ""), plan


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
def test_the_years_with_cases_are_read_from_the_index_without_scanning_it(victim_case):
    """Every statistics request asks them (the filter's years), so a scan would grow with the registry."""
    with CaptureQueriesContext(connection) as queries:
        assert years_with_cases() == [2024]
    assert queries.captured_queries
    for query in queries.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "SEARCH" in plan and "SCAN" not in plan, (query["sql"], plan)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [Organisation, Person, PersonIdentity, Case, CaseCode, Perpetrator, TraffickingEvent],
    ids=lambda model: model.__name__,
)
def test_no_index_repeats_the_first_columns_of_another(model):
    """An index whose columns begin another index or unique constraint of the table serves no look-up that one
    does not (the foreign keys' own indexes on a case's source, a code's case and a perpetrator's case did)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    covering = {name: tuple(c["columns"]) for name, c in constraints.items() if c["index"] or c["unique"]}
    # PostgreSQL's *_like indexes serve LIKE on text (another operator class), which the others do not.
    redundant = [
        (name, other)
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not name.endswith("_like")
        for other, columns in covering.items()
        if not other.endswith("_like")
        if other != name and columns[: len(c["columns"])] == tuple(c["columns"])
    ]
    assert not redundant, redundant


@pytest.mark.django_db
def test_the_rows_most_of_which_have_no_owner_or_person_are_left_out_of_those_indexes():
    with connection.cursor() as cursor:
        case = connection.introspection.get_constraints(cursor, Case._meta.db_table)
        perpetrator = connection.introspection.get_constraints(cursor, Perpetrator._meta.db_table)
    assert case["case_owner"]["columns"] == ["owner_id"]
    assert perpetrator["perpetrator_person"]["columns"] == ["person_id"]
    assert not any(c["index"] and c["columns"] == ["owner_id"] for name, c in case.items() if name != "case_owner")
    assert not any(
        c["index"] and c["columns"] == ["person_id"] for name, c in perpetrator.items() if name != "perpetrator_person"
    )
