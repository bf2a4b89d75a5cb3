from datetime import date

import pytest

from amparo.core import crypto
from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, PersonIdentity, TraffickingEvent
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import InvalidCase, case_register, cases_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return Organisation.objects.create(name="Policía", org_type="LawEnforcement")


def _record(record_id="P-1", **overrides):
    values = {
        "source_record_id": record_id,
        "registration_date": date(2010, 3, 4),
        "victim": PersonRecord("Feminine", "PE", "Rosa", "Quispe Mamani", date(1995, 2, 3), "40123456"),
        "exploitation_types": ["SexualExploitation", "ForcedLabour"],
        "control_methods": ["DebtBondage"],
        "perpetrators": [
            PerpetratorRecord("uncle_aunt", False, ["RecruiterOrIntermediary"]),
            PerpetratorRecord("stranger", False, ["Exploiter"]),
        ],
        "events": [EventRecord("Recruitment", "80101"), EventRecord("Exploitation", "170101", date=date(2010, 2, 1))],
        "age_when_trafficked": 15,
    }
    values.update(overrides)
    return CaseRecord(**values)


def test_it_stores_a_case_with_its_codes_perpetrators_and_events(police):
    case = case_register(record=_record(), source=police)
    assert set(CaseCode.objects.filter(case=case, field="vic_TypeOfExploitation").values_list("code", flat=True)) == {
        "SexualExploitation",
        "ForcedLabour",
    }
    assert Perpetrator.objects.filter(case=case).count() == 2
    assert list(TraffickingEvent.objects.filter(case=case).order_by("id").values_list("ubigeo", flat=True)) == [
        "080101",
        "170101",
    ]


def test_the_case_place_is_the_place_of_exploitation(police):
    case = Case.objects.get(pk=case_register(record=_record(), source=police).pk)
    assert (case.department_code, case.province_code, case.district_code) == ("17", "1701", "170101")


def test_a_relative_among_the_perpetrators_makes_the_case_family_facilitated(police):
    assert Case.objects.get(pk=case_register(record=_record(), source=police).pk).family_facilitated


def test_a_household_member_makes_the_case_family_facilitated(police):
    record = _record(perpetrators=[PerpetratorRecord("friend_acquaintance", True)])
    assert Case.objects.get(pk=case_register(record=record, source=police).pk).family_facilitated


def test_no_relative_and_no_household_member_is_not_family_facilitated(police):
    record = _record(perpetrators=[PerpetratorRecord("employer", False), PerpetratorRecord("intimate_partner", False)])
    assert not Case.objects.get(pk=case_register(record=record, source=police).pk).family_facilitated


def test_identifying_fields_are_sealed_in_the_database(police):
    from django.db import connection

    case = case_register(record=_record(), source=police)
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, second_name, identity_number, birthdate FROM registry_personidentity")
        stored = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in stored)
    assert "Rosa" not in "".join(stored) and "40123456" not in "".join(stored)
    identity = PersonIdentity.objects.get(person=case.victim)
    assert (identity.full_name, identity.identity_number, identity.birth_date) == (
        "Rosa Quispe Mamani",
        "40123456",
        date(1995, 2, 3),
    )
    assert identity.identity_number_hash == crypto.lookup_hash(" 40123456 ")


def test_an_invalid_record_is_refused_before_anything_is_written(police):
    good, bad = _record("P-1"), _record("P-2", exploitation_types=["Smuggling"])
    with pytest.raises(InvalidCase, match="vic_TypeOfExploitation='Smuggling'"):
        cases_register(records=[good, bad], source=police)
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"registration_date": date(2999, 1, 1)}, "registration_date"),
        ({"victim": PersonRecord(gender="Girl")}, "prs_Gender"),
        ({"victim": PersonRecord(citizenship="XX")}, "prs_Citizenship"),
        ({"age_when_trafficked": 140}, "vic_AgeWhenTrafficked"),
        ({"organised_network": "maybe"}, "organised_network"),
        ({"events": [EventRecord("Exploitation", "999999")]}, "ubigeo"),
        ({"events": [EventRecord("Exploitation", "150101", country="BO")]}, "hte_Country"),
        ({"perpetrators": [PerpetratorRecord("cousin")]}, "recruiter_relationship"),
        ({"source_record_id": " "}, "source_record_id"),
        ({"perpetrators": [PerpetratorRecord("parent", person=PersonRecord(gender="Aunt"))]}, "perpetrator_prs_Gender"),
        (
            {"perpetrators": [PerpetratorRecord("parent", person=PersonRecord(citizenship="Peru"))]},
            "perpetrator_prs_Citizenship",
        ),
        (
            {"perpetrators": [PerpetratorRecord("parent", person=PersonRecord(birthdate=date(2999, 1, 1)))]},
            "perpetrator_prs_Birthdate",
        ),
    ],
)
def test_each_invalid_field_is_named(police, overrides, field):
    with pytest.raises(InvalidCase) as error:
        case_register(record=_record(**overrides), source=police)
    assert [p.field for p in error.value.problems] == [field]


def test_the_same_source_record_cannot_be_stored_twice(police):
    from django.db import IntegrityError

    case_register(record=_record("P-9"), source=police)
    with pytest.raises(InvalidCase) as error:
        case_register(record=_record(" P-9 "), source=police)
    assert [(p.field, p.expected) for p in error.value.problems] == [
        ("source_record_id", "an identifier not yet used by this organisation")
    ]
    with pytest.raises(IntegrityError):  # the bulk service leaves it to the database's constraint
        cases_register(records=[_record("P-9")], source=police)


def test_a_database_constraint_refuses_an_invalid_code_written_around_the_services(police):
    from django.db import IntegrityError

    case = case_register(record=_record(), source=police)
    with pytest.raises(IntegrityError):
        Case.objects.filter(pk=case.pk).update(trafficking_status="Invented")
