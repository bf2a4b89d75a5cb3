"""Reading a query's rows as JSON arrays built by the database: the same values, types and rows as the
driver's own rows, whatever the size of the parts."""

from datetime import date

import polars as pl
import pytest
from django.db import connection

from amparo.core import sql_frames
from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, PersonRecord
from amparo.registry.services import cases_register

pytestmark = pytest.mark.django_db

SCHEMA = {"case_id": pl.Int64, "record": pl.String, "registered": pl.Date, "age": pl.Int16, "family": pl.Boolean}
SQL = (
    "SELECT id, source_record_id, registration_date, age_when_trafficked, family_facilitated FROM registry_case"
    " WHERE source_record_id <> %s"
)


@pytest.fixture
def cases():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    records = [
        CaseRecord(
            f'R-{n} "quoted", ñandú',
            date(2020 + n % 3, 1 + n % 12, 1),
            PersonRecord("Feminine", "PE"),
            age_when_trafficked=None if n % 4 == 0 else n,
        )
        for n in range(11)
    ]
    return cases_register(records=records, source=source)


@pytest.mark.parametrize("per_part", [2, 5, 1000])
def test_the_frame_holds_what_the_driver_returns(cases, monkeypatch, per_part):
    monkeypatch.setattr(sql_frames, "KEYS_PER_PART", per_part)
    with connection.cursor() as cursor:
        cursor.execute(SQL + " ORDER BY id", ['R-3 "quoted", ñandú'])
        expected = [
            (i, r, d if isinstance(d, date) else date.fromisoformat(d), a, bool(f))
            for i, r, d, a, f in cursor.fetchall()
        ]
    frame = sql_frames.read_frame(SQL, ['R-3 "quoted", ñandú'], SCHEMA, part_by="case_id").sort("case_id")
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame.rows() == expected and len(expected) == 10


def test_no_rows_give_an_empty_frame_of_the_schema(db):
    frame = sql_frames.read_frame(SQL, ["x"], SCHEMA, part_by="case_id")
    assert frame.is_empty() and frame.schema == pl.Schema(SCHEMA)
