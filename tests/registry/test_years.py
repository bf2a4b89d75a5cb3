"""The years the pages offer, found from the index of registration dates without reading every case, and
which year a page opens on when none is chosen: the last complete year with cases."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, PersonRecord
from amparo.registry.selectors import last_complete_year, years_with_cases
from amparo.registry.services import case_register, cases_register
from tests.personas import victim_record

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 15)


def _register(*days: date) -> None:
    source, _ = Organisation.objects.get_or_create(name="Police unit", org_type="LawEnforcement")
    records = [CaseRecord(f"C-{i}", day, victim=PersonRecord("Feminine", "PE")) for i, day in enumerate(days)]
    cases_register(records=records, source=source)


def test_no_case_no_year():
    assert last_complete_year(TODAY) is None


def test_a_case_of_this_year_does_not_move_it_past_the_last_complete_year_with_cases():
    _register(date(2022, 6, 1), date(2024, 12, 31), date(2026, 1, 2))
    assert last_complete_year(TODAY) == 2024  # 2025 has no case


def test_this_year_when_every_case_is_of_this_year():
    _register(date(2026, 1, 2), date(2026, 2, 1))
    assert last_complete_year(TODAY) == 2026


def test_the_years_run_from_the_last_registration_to_the_first(organisation):
    assert years_with_cases() == []
    for number, day in enumerate([date(2019, 5, 1), date(2022, 1, 3), date(2021, 12, 31)]):
        record = victim_record(f"Y-{number}")
        record.registration_date = day
        record.events = []
        case_register(record=record, source=organisation)
    assert years_with_cases() == [2022, 2021, 2020, 2019]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_no_case_is_scanned_to_find_them(victim_case):
    with CaptureQueriesContext(connection) as queries:
        years_with_cases()
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "SCAN registry_case" not in plan, plan
