"""The registry's own edit of a case: all of its content replaced, or nothing when the version is stale."""

from dataclasses import replace
from datetime import date

import pytest
from django.db import connection

from amparo.core import crypto
from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, Person, PersonIdentity
from amparo.registry.records import EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import (
    InvalidCase,
    StaleVersion,
    case_register,
    case_update,
    organisation_get_or_create,
    person_register,
)
from tests.personas import victim_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Organisation.objects.create(name="ONG", org_type="NGO")


def test_an_update_replaces_values_codes_perpetrators_and_events_and_bumps_the_version(source):
    case = case_register(record=victim_record("E-1"), source=source)
    edited = replace(
        victim_record("E-1"),
        age_when_trafficked=16,
        exploitation_types=["ForcedLabour"],
        perpetrators=[PerpetratorRecord("employer"), PerpetratorRecord("stranger")],
        events=[EventRecord("Exploitation", "080101")],
    )
    case = case_update(case=case, record=edited, expected_version=1)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.version, stored.age_when_trafficked, stored.district_code, stored.family_facilitated) == (
        2,
        16,
        "080101",
        False,
    )
    assert list(CaseCode.objects.filter(case=case).values_list("code", flat=True)) == ["ForcedLabour"]
    assert list(Perpetrator.objects.filter(case=case).order_by("id").values_list("relationship", flat=True)) == [
        "employer",
        "stranger",
    ]


def test_a_stale_version_writes_nothing_and_says_the_current_one(source):
    case = case_register(record=victim_record("E-2"), source=source)
    case_update(case=case, record=replace(victim_record("E-2"), age_when_trafficked=16), expected_version=1)
    with pytest.raises(StaleVersion) as stale:
        case_update(case=case, record=replace(victim_record("E-2"), age_when_trafficked=17), expected_version=1)
    assert stale.value.current_version == 2
    assert Case.objects.get(pk=case.pk).age_when_trafficked == 16


def test_an_invalid_record_or_an_id_in_use_is_refused_before_anything_is_written(source):
    case_register(record=victim_record("E-3"), source=source)
    case = case_register(record=victim_record("E-4"), source=source)
    with pytest.raises(InvalidCase) as invalid:
        case_update(case=case, record=replace(victim_record("E-3"), age_when_trafficked=130), expected_version=1)
    assert [p.field for p in invalid.value.problems] == ["vic_AgeWhenTrafficked", "source_record_id"]
    assert Case.objects.get(pk=case.pk).version == 1


def test_a_field_of_the_identity_left_empty_is_erased_and_the_look_up_hash_follows(source):
    case = case_register(record=victim_record("E-5"), source=source)
    edited = replace(victim_record("E-5"), victim=PersonRecord("Feminine", "PE", "Rosa", "", None, "40000001"))
    case_update(case=case, record=edited, expected_version=1)
    identity = PersonIdentity.objects.get(person_id=case.victim_id)
    assert (identity.first_name, identity.second_name, identity.birthdate, identity.identity_number) == (
        "Rosa",
        "",
        "",
        "40000001",
    )
    assert identity.identity_number_hash == crypto.lookup_hash("40000001")


def test_a_perpetrator_named_in_an_edit_gets_a_person_with_a_sealed_identity(source):
    case = case_register(record=victim_record("E-6"), source=source)
    named = PerpetratorRecord("uncle_aunt", True, person=PersonRecord(first_name="Teodoro", identity_number="41112222"))
    case_update(case=case, record=replace(victim_record("E-6"), perpetrators=[named]), expected_version=1)
    perpetrator = Perpetrator.objects.get(case=case)
    assert perpetrator.person.identity.identity_number_hash == crypto.lookup_hash("41112222")
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name FROM registry_personidentity WHERE person_id = %s", [perpetrator.person_id])
        assert cursor.fetchone()[0].startswith("enc1:")


def test_a_person_registered_alone_has_an_identity_only_when_something_identifies_them():
    named = person_register(person=PersonRecord("Feminine", "pe", "Julia", birthdate=date(1970, 1, 2)))
    unnamed = person_register(person=PersonRecord("Feminine", "PE"))
    assert (named.citizenship, named.identity.birthdate, named.identity.identity_number_hash) == (
        "PE",
        "1970-01-02",
        "",
    )
    assert not PersonIdentity.objects.filter(person=unnamed).exists() and Person.objects.count() == 2


def test_an_organisation_is_found_by_its_name_or_created_and_an_unknown_type_refused():
    first = organisation_get_or_create(name="Fiscalía", org_type="CentralGovernmentOrganisation")
    assert organisation_get_or_create(name="Fiscalía", org_type="NGO") == first
    with pytest.raises(ValueError, match="Club.*NGO, LawEnforcement"):
        organisation_get_or_create(name="Club", org_type="Club")
    assert Organisation.objects.count() == 1
