"""The columnar path writes exactly what registry.services.cases_register writes."""

import polars as pl
import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.exchange.domain.cases_frame import EVENTS
from amparo.exchange.services import file_import
from amparo.exchange.storage import ROWS_PER_STATEMENT, derived_columns, insert_rows
from amparo.registry.models import Case, Organisation, Person
from amparo.registry.records import EventRecord, case_place
from tests.exchange import samples



def _snapshot(source) -> dict:
    """Everything stored for a source's cases, keyed by source_record_id, without ids or timestamps."""
    out = {}
    for case in Case.objects.filter(source_organisation=source).select_related("victim"):
        identity = getattr(case.victim, "identity", None)
        out[case.source_record_id] = {
            "case": {f.name: getattr(case, f.attname) for f in Case._meta.concrete_fields
                     if f.name not in ("id", "victim", "source_organisation", "created_at", "updated_at")},
            "victim": (case.victim.gender, case.victim.citizenship, case.victim.is_synthetic),
            "identity": None if identity is None else (
                identity.first_name, identity.second_name, identity.birthdate, identity.identity_number,
                identity.identity_number_hash, identity.address, identity.phone),
            "codes": sorted((c.field, c.code) for c in case.coded_values.all()),
            "perpetrators": sorted((p.relationship, p.lives_in_household, tuple(p.roles), p.person_id)
                                   for p in case.perpetrators.all()),
            "events": [(e.event_type, e.country, e.ubigeo, e.date, e.description) for e in case.events.order_by("id")],
        }
    return out


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the columnar path is used on SQLite only")
def test_the_columnar_path_stores_what_the_registry_service_stores():
    columnar = Organisation.objects.create(name="A", org_type="NGO")
    orm = Organisation.objects.create(name="B", org_type="NGO")
    text = samples.AMPARO_CSV + "ONG-6,2024-02-02,F,9,PE,,,150101,,,padre;tío,si,Ana,,\n"
    file_import(data=text.encode(), file_name="a.csv", source=columnar, columnar=True)
    file_import(data=text.encode(), file_name="b.csv", source=orm, columnar=False)
    left, right = _snapshot(columnar), _snapshot(orm)
    assert sorted(left) == sorted(samples.AMPARO_VALID_IDS + ["ONG-6"])
    assert left == right


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the columnar path is used on SQLite only")
def test_identities_are_sealed_in_the_database():
    source = Organisation.objects.create(name="A", org_type="NGO")
    file_import(data=samples.AMPARO_CSV.encode(), file_name="a.csv", source=source, columnar=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, second_name, identity_number FROM registry_personidentity")
        stored = cursor.fetchall()
    assert stored and all(value.startswith("enc1:") for row in stored for value in row if value)


PLACES = st.sampled_from(["", "15", "1501", "150101", "08", "0801", "080101", "25"])
COUNTRIES = st.sampled_from(["", "PE", "CL"])


@settings(max_examples=300)
@given(PLACES, COUNTRIES, PLACES, COUNTRIES)
def test_the_derived_place_is_case_place_of_both_events(exploitation, e_country, recruitment, r_country):
    row = {"exploitation_ubigeo": exploitation, "exploitation_country": e_country if not exploitation else "PE",
           "recruitment_ubigeo": recruitment, "recruitment_country": r_country if not recruitment else "PE"}
    events = [EventRecord(t, row[f"{p}_ubigeo"], row[f"{p}_country"] or "PE") for p, t in EVENTS
              if row[f"{p}_ubigeo"] or row[f"{p}_country"]]
    frame = pl.DataFrame([row | {"relationships": ["parent"], "in_household": False}],
                         schema_overrides={"relationships": pl.List(pl.String)})
    derived = derived_columns(frame).row(0)
    assert derived[:3] == case_place(events) and derived[3] is True


@pytest.mark.django_db
def test_insert_rows_fills_whole_statements_and_the_rest_with_shared_values():
    rows = [(i, "Feminine" if i % 2 else "Masculine", "PE") for i in range(1, 2 * ROWS_PER_STATEMENT + 8)]
    insert_rows(Person, dict(zip(["id", "gender", "citizenship"], map(list, zip(*rows)))), {"is_synthetic": True})
    stored = list(Person.objects.order_by("id").values_list("id", "gender", "citizenship", "is_synthetic"))
    assert stored == [(*row, True) for row in rows]
