"""The columnar path writes exactly what registry.services.cases_register writes."""

import polars as pl
import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.registry.frames import EVENT, PERPETRATOR
from amparo.exchange.services import file_import
from amparo.exchange.storage import ROWS_PER_STATEMENT, derived_columns, insert_rows
from amparo.registry.models import Case, Organisation, Person
from amparo.registry.records import EventRecord, PerpetratorRecord, case_place, family_facilitated
from tests.exchange import samples



def _person(person) -> tuple | None:
    """A person's stored fields, identity included, without ids."""
    if person is None:
        return None
    identity = getattr(person, "identity", None)
    return (person.gender, person.citizenship, person.is_synthetic, None if identity is None else (
        identity.first_name, identity.second_name, identity.birthdate, identity.identity_number,
        identity.identity_number_hash, identity.address, identity.phone))


def _snapshot(source) -> dict:
    """Everything stored for a source's cases, keyed by source_record_id, without ids or timestamps."""
    out = {}
    for case in Case.objects.filter(source_organisation=source).select_related("victim"):
        out[case.source_record_id] = {
            "case": {f.name: getattr(case, f.attname) for f in Case._meta.concrete_fields
                     if f.name not in ("id", "victim", "source_organisation", "created_at", "updated_at")},
            "victim": _person(case.victim),
            "codes": sorted((c.field, c.code) for c in case.coded_values.all()),
            "perpetrators": [(p.relationship, p.lives_in_household, tuple(p.roles), _person(p.person))
                             for p in case.perpetrators.select_related("person").order_by("id")],
            "events": [(e.event_type, e.country, e.ubigeo, e.date, e.description) for e in case.events.order_by("id")],
        }
    return out


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the columnar path is used on SQLite only")
@pytest.mark.parametrize("text, ids", [
    (samples.AMPARO_CSV + "ONG-6,2024-02-02,F,9,PE,,,150101,,,padre;tío,si,Ana,,\n", samples.AMPARO_VALID_IDS + ["ONG-6"]),
    (samples.AMPARO_FULL_CSV, samples.AMPARO_FULL_IDS),
])
def test_the_columnar_path_stores_what_the_registry_service_stores(text, ids):
    columnar = Organisation.objects.create(name="A", org_type="NGO")
    orm = Organisation.objects.create(name="B", org_type="NGO")
    file_import(data=text.encode(), file_name="a.csv", source=columnar, columnar=True)
    file_import(data=text.encode(), file_name="b.csv", source=orm, columnar=False)
    left, right = _snapshot(columnar), _snapshot(orm)
    assert sorted(left) == sorted(ids)
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
EVENTS = st.builds(lambda t, u, c: EventRecord(t, u, "PE" if u else c),
                   st.sampled_from(["Exploitation", "Transit", "Recruitment"]), PLACES, st.sampled_from(["PE", "CL"]))
PERPETRATORS = st.builds(PerpetratorRecord, st.sampled_from(["parent", "uncle_aunt", "employer", "stranger"]),
                         st.booleans())


@settings(max_examples=300)
@given(st.lists(st.lists(EVENTS, max_size=5), min_size=1, max_size=4),
       st.lists(st.lists(PERPETRATORS, max_size=3), min_size=1, max_size=4))
def test_the_derived_place_and_flag_are_the_registry_s_own(events, perpetrators):
    cases = list(zip(events, perpetrators))
    frame = pl.DataFrame({
        "events": [[{"event_type": e.event_type, "ubigeo": e.ubigeo, "country": e.country, "date": None,
                     "description": ""} for e in case_events] for case_events, _ in cases],
        "perpetrators": [[{"relationship": p.relationship, "lives_in_household": p.lives_in_household, "roles": [],
                           "gender": "", "citizenship": "", "first_name": "", "second_name": "", "birthdate": None,
                           "identity_number": ""} for p in case_perpetrators] for _, case_perpetrators in cases],
    }, schema={"events": pl.List(EVENT), "perpetrators": pl.List(PERPETRATOR)})
    derived = derived_columns(frame)
    assert derived.rows() == [(*case_place(e), family_facilitated(p)) for e, p in cases]


@pytest.mark.django_db
def test_insert_rows_fills_whole_statements_and_the_rest_with_shared_values():
    rows = [(i, "Feminine" if i % 2 else "Masculine", "PE") for i in range(1, 2 * ROWS_PER_STATEMENT + 8)]
    insert_rows(Person, dict(zip(["id", "gender", "citizenship"], map(list, zip(*rows)))), {"is_synthetic": True})
    stored = list(Person.objects.order_by("id").values_list("id", "gender", "citizenship", "is_synthetic"))
    assert stored == [(*row, True) for row in rows]
