"""The bulk writes store exactly what the single-case services store, table by table, on every database."""

import pytest
from django.db import connection, transaction

from amparo.core.record_keys import KEY_RANGE
from amparo.exchange import formats
from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import read_table
from amparo.registry.frames import record_of
from amparo.registry.models import Case, Organisation, Person
from amparo.registry.services import (
    case_register,
    case_update,
    cases_bulk_register,
    cases_bulk_update,
    cases_register,
)
from tests.exchange import samples
from tests.exchange.samples import TODAY
from tests.personas import victim_record

pytestmark = pytest.mark.django_db

# Every row of the full sample changed: dates, sex, age, place, perpetrators' relationships, household and roles
# (each perpetrator's person given again as it was, which both ways of updating keep).
CHANGED_FULL_CSV = (
    samples.AMPARO_FULL_CSV.replace("F-1,2024-06-01,F,15,", "F-1,2024-06-11,F,14,")
    .replace("padre;tío,si;no,", "tío;padre,no;si,")
    .replace('"RecruiterOrIntermediary,SoldIndividual;Exploiter"', '"Exploiter;RecruiterOrIntermediary"')
    .replace("F-2,2024-06-02,M,16,1501,", "F-2,2024-06-12,F,17,0801,")
    .replace(",employer,no,Exploiter,", ",stranger,si,,")
    .replace("F-3,2024-06-03,,,", "F-3,2024-06-13,M,9,")
)


def _frame(text: str):
    table = read_table(text.encode())
    normalised = normalise_cases(formats.get("amparo").to_amparo(table, formats.ImportContext("0" * 64)), today=TODAY)
    return normalised.frame


def _person(person) -> tuple | None:
    """A person's stored fields, identity and name index included, without ids."""
    if person is None:
        return None
    identity = getattr(person, "identity", None)
    return (
        person.gender,
        person.citizenship,
        person.is_synthetic,
        None
        if identity is None
        else (
            identity.first_name,
            identity.second_name,
            identity.birthdate,
            identity.identity_number,
            identity.identity_number_hash,
            identity.address,
            identity.phone,
        ),
        sorted(person.name_tokens.values_list("token", flat=True)),
    )


def _snapshot(source) -> dict:
    """Everything stored for a source's cases, keyed by source_record_id, without ids, timestamps or the random
    record keys (their own test below)."""
    out = {}
    for case in Case.objects.filter(source_organisation=source).select_related("victim"):
        out[case.source_record_id] = {
            "case": {
                f.name: getattr(case, f.attname)
                for f in Case._meta.concrete_fields
                if f.name not in ("id", "victim", "source_organisation", "created_at", "updated_at", "record_key")
            },
            "victim": _person(case.victim),
            "codes": sorted((c.field, c.code) for c in case.coded_values.all()),
            "perpetrators": [
                (p.relationship, p.lives_in_household, tuple(p.roles), _person(p.person))
                for p in case.perpetrators.select_related("person").order_by("id")
            ],
            "events": [(e.event_type, e.country, e.ubigeo, e.date, e.description) for e in case.events.order_by("id")],
        }
    return out


def _bulk_register(frame, source) -> list[int]:
    with transaction.atomic():
        return [case_id for _part, ids in cases_bulk_register(frame=frame, source=source) for case_id in ids]


def _sources():
    return (Organisation.objects.create(name=name, org_type="NGO") for name in ("Bulk", "Single"))


@pytest.mark.parametrize(
    "text, ids",
    [
        (
            samples.AMPARO_CSV + "ONG-6,2024-02-02,F,9,PE,,,150101,,,padre;tío,si,Ana,,\n",
            samples.AMPARO_VALID_IDS + ["ONG-6"],
        ),
        (samples.AMPARO_FULL_CSV, samples.AMPARO_FULL_IDS),
    ],
)
def test_the_bulk_insert_stores_what_the_single_case_service_stores(text, ids):
    bulk, single = _sources()
    frame = _frame(text)
    _bulk_register(frame, bulk)
    cases_register(records=[record_of(row) for row in frame.iter_rows(named=True)], source=single)
    left, right = _snapshot(bulk), _snapshot(single)
    assert sorted(left) == sorted(ids)
    assert left == right


def test_the_bulk_update_leaves_what_the_single_case_update_leaves():
    bulk, single = _sources()
    first, second = _frame(samples.AMPARO_FULL_CSV), _frame(CHANGED_FULL_CSV)
    ids = _bulk_register(first, bulk)
    with transaction.atomic():
        list(cases_bulk_update(frame=second, case_ids=ids))
    cases = cases_register(records=[record_of(row) for row in first.iter_rows(named=True)], source=single)
    for case, row in zip(cases, second.iter_rows(named=True)):
        case_update(case=case, record=record_of(row), expected_version=1)
    left, right = _snapshot(bulk), _snapshot(single)
    assert left != {} and all(content["case"]["version"] == 2 for content in left.values())
    assert left == right


def test_identities_are_sealed_in_the_database():
    source = Organisation.objects.create(name="A", org_type="NGO")
    _bulk_register(_frame(samples.AMPARO_CSV), source)
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, second_name, identity_number FROM registry_personidentity")
        stored = cursor.fetchall()
    assert stored and all(value.startswith("enc1:") for row in stored for value in row if value)


def test_the_orm_still_registers_cases_and_people_after_a_bulk_insert():
    """The bulk insert chooses its people's and cases' ids itself; on PostgreSQL it takes them from the
    tables' identity sequences, so the ORM's next rows do not collide with them."""
    source = Organisation.objects.create(name="A", org_type="NGO")
    ids = _bulk_register(_frame(samples.AMPARO_FULL_CSV), source)
    case = case_register(record=victim_record("AFTER-1"), source=source)
    person = Person.objects.create(gender="Feminine")
    assert case.pk > max(ids) and person.pk > case.victim_id
    assert Case.objects.filter(source_organisation=source).count() == len(ids) + 1


def _record_keys(source) -> dict[str, int]:
    return dict(Case.objects.filter(source_organisation=source).values_list("source_record_id", "record_key"))


def test_both_ways_of_storing_give_each_case_its_own_random_key_which_updates_keep():
    bulk, single = _sources()
    first, second = _frame(samples.AMPARO_FULL_CSV), _frame(CHANGED_FULL_CSV)
    ids = _bulk_register(first, bulk)
    cases = cases_register(records=[record_of(row) for row in first.iter_rows(named=True)], source=single)
    stored = {**_record_keys(bulk), **{f"single:{k}": v for k, v in _record_keys(single).items()}}
    assert len(stored) == 2 * len(samples.AMPARO_FULL_IDS)
    assert all(0 <= key < KEY_RANGE for key in stored.values())
    assert len(set(stored.values())) == len(stored)  # 2^31 values: a repeat among a few would be a fixed key

    with transaction.atomic():
        list(cases_bulk_update(frame=second, case_ids=ids))
    for case, row in zip(cases, second.iter_rows(named=True)):
        case_update(case=case, record=record_of(row), expected_version=1)
    assert {**_record_keys(bulk), **{f"single:{k}": v for k, v in _record_keys(single).items()}} == stored
