"""Importing changed rows again replaces the stored cases' content in bulk, and keeps what imports do not carry."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amparo.exchange import services
from amparo.exchange.models import CaseProvenance
from amparo.exchange.services import file_import
from amparo.registry.models import Case, Organisation, Perpetrator, Person, PersonIdentity, RegistryRevision
from tests.exchange import samples

pytestmark = pytest.mark.django_db

HEADER = (
    "source_record_id,registration_date,prs_Gender,age,prs_Citizenship,vic_TypeOfExploitation,"
    "vic_MethodsOfControl,exploitation_ubigeo,recruitment_ubigeo,recruiter_relationship,organised_network,"
    "prs_FirstName,prs_SecondName,prs_IdentityNumber\n"
)
FIRST = (
    HEADER
    + """\
U-1,2024-01-10,Feminine,15,PE,SexualExploitation,FalsePromises;DebtBondage,150101,080101,parent,no,Rosa,Quispe Mamani,73918264
U-2,2024-02-11,Masculine,30,VE,ForcedLabour,,170101,,employer,yes,,,
U-3,2024-03-12,Feminine,9,PE,ForcedBegging,,,,uncle_aunt,unknown,,,
"""
)
# Every row changes: statistical fields, codes, places, perpetrators; U-1 leaves its identity cells empty.
SECOND = (
    HEADER
    + """\
U-1,2024-01-11,Feminine,16,PE,ForcedLabour;ForcedBegging,PhysicalAbuse,170101,,stranger,yes,,,
U-2,2024-02-12,Feminine,31,CO,SexualExploitation,DebtBondage,,250101,parent,no,Luis,Torres,40512345
U-3,2024-03-13,Masculine,10,PE,,,080101,,friend_acquaintance,no,,,
"""
)


def _import(source, text):
    return file_import(data=text.encode(), file_name="casos.csv", source=source)


def _content(source) -> dict:
    """Each case's content as read through the ORM (not through the importer's own reads)."""
    content = {}
    for case in Case.objects.filter(source_organisation=source).select_related("victim"):
        content[case.source_record_id] = (
            case.registration_date,
            case.age_when_trafficked,
            case.organised_network,
            case.status,
            case.trafficking_status,
            case.department_code,
            case.province_code,
            case.district_code,
            case.family_facilitated,
            case.victim.gender,
            case.victim.citizenship,
            sorted(case.coded_values.values_list("field", "code")),
            sorted(case.perpetrators.values_list("relationship", "lives_in_household", "person_id")),
            sorted(case.events.values_list("event_type", "country", "ubigeo", "date")),
        )
    return content


def _identity(case: Case) -> tuple:
    identity = PersonIdentity.objects.get(person_id=case.victim_id)
    return identity.first_name, identity.second_name, identity.identity_number, identity.address, identity.phone


def test_an_update_leaves_the_same_content_as_importing_the_new_file_into_an_empty_registry():
    updated, fresh = (Organisation.objects.create(name=name, org_type="NGO") for name in ("Actualizada", "Nueva"))
    _import(updated, FIRST)
    versions = dict(Case.objects.values_list("source_record_id", "version"))
    batch = _import(updated, SECOND)
    _import(fresh, SECOND)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 3, 0)
    assert _content(updated) == _content(fresh)
    assert dict(Case.objects.filter(source_organisation=updated).values_list("source_record_id", "version")) == {
        record: version + 1 for record, version in versions.items()
    }
    assert CaseProvenance.objects.filter(action="updated", batch=batch).count() == 3


def test_an_update_writes_nothing_else_and_keeps_the_number_of_people():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    _import(source, FIRST)
    people, cases = Person.objects.count(), Case.objects.count()
    _import(source, SECOND)
    # U-2 now has an identity: the same victim gets one, no new person is created
    assert (Person.objects.count(), Case.objects.count()) == (people, cases)
    assert PersonIdentity.objects.count() == 2


def test_identifying_fields_a_row_leaves_empty_keep_their_stored_values():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    _import(source, FIRST)
    case = Case.objects.get(source_record_id="U-1")
    PersonIdentity.objects.filter(person_id=case.victim_id).update(address="", phone="")
    identity = PersonIdentity.objects.get(person_id=case.victim_id)
    identity.address, identity.phone = "Jr. Puno 123", "987654321"  # recorded in casework
    identity.save()
    _import(source, SECOND)  # U-1's identity cells are empty
    assert _identity(case) == ("Rosa", "Quispe Mamani", "73918264", "Jr. Puno 123", "987654321")
    renamed = SECOND.replace(
        "U-1,2024-01-11,Feminine,16,PE,ForcedLabour;ForcedBegging,PhysicalAbuse,170101,,stranger,yes,,,",
        "U-1,2024-01-11,Feminine,16,PE,ForcedLabour;ForcedBegging,PhysicalAbuse,170101,,stranger,yes,Rosa Elena,,",
    )
    _import(source, renamed)
    assert _identity(case) == ("Rosa Elena", "Quispe Mamani", "73918264", "Jr. Puno 123", "987654321")
    assert PersonIdentity.objects.get(person_id=case.victim_id).identity_number_hash != ""


def test_a_perpetrator_recorded_in_casework_stays_and_still_makes_the_case_family_facilitated():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    _import(source, FIRST)
    case = Case.objects.get(source_record_id="U-3")
    mother = Person.objects.create(gender="Feminine")
    Perpetrator.objects.create(case=case, person=mother, relationship="parent")
    _import(source, SECOND)  # U-3's imported perpetrator is now a friend
    case.refresh_from_db()
    assert sorted(case.perpetrators.values_list("relationship", "person_id")) == [
        ("friend_acquaintance", None),
        ("parent", mother.pk),
    ]
    assert case.family_facilitated is True
    assert Case.objects.get(source_record_id="U-1").family_facilitated is False  # only a stranger now


def test_an_update_tells_the_statistics_to_reload():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    _import(source, FIRST)
    before = RegistryRevision.objects.get().token
    _import(source, SECOND)
    assert RegistryRevision.objects.get().token != before


def test_updates_are_made_by_a_few_statements_whatever_the_number_of_cases():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    rows = [f"B-{i},2024-01-10,Feminine,15,PE,SexualExploitation,,150101,,parent,no,,," for i in range(300)]
    _import(source, HEADER + "\n".join(rows))
    changed = [row.replace(",no,", ",yes,") for row in rows]
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        batch = _import(source, HEADER + "\n".join(changed))
    assert batch.updated == 300
    assert len(queries) < 40, len(queries)  # a few statements per part, not per case


def test_a_row_that_names_perpetrators_keeps_their_identity_fields_it_leaves_empty():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    _import(source, samples.AMPARO_FULL_CSV)
    case = Case.objects.get(source_record_id="F-1")
    mother, uncle = case.perpetrators.order_by("id")
    # the mother's gender and birth date and the uncle's identity number are left empty; the uncle is now named
    changed = samples.AMPARO_FULL_CSV.replace(",Femenino;,Rosa;,1980-02-03;,;43334444", ",;,Rosa;Julio,;,;")
    assert changed != samples.AMPARO_FULL_CSV
    assert _import(source, changed).updated == 1
    mother.refresh_from_db(), uncle.refresh_from_db()
    assert (mother.person.identity.first_name, mother.person.identity.birthdate) == ("Rosa", "1980-02-03")
    assert (uncle.person.identity.first_name, uncle.person.identity.identity_number) == ("Julio", "43334444")
    assert mother.person.gender == "Feminine"  # the gender left empty stays too


@pytest.mark.parametrize("looked_up", [services.LOOKED_UP_BY_IDENTIFIER, 0], ids=["own cases", "whole source"])
def test_new_changed_and_unchanged_rows_are_told_apart_whether_an_import_reads_its_own_cases_or_all(
    looked_up, monkeypatch
):
    monkeypatch.setattr(services, "LOOKED_UP_BY_IDENTIFIER", looked_up)
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    _import(source, FIRST)
    first, second = FIRST.splitlines()[1:3]
    new = "U-4" + second[3:]
    batch = _import(source, "\n".join([HEADER.strip(), first, SECOND.splitlines()[2], new]))
    assert (batch.created, batch.updated, batch.unchanged) == (1, 1, 1)  # U-4 new, U-2 changed, U-1 as it was
    assert Case.objects.filter(source_organisation=source).count() == 4


def test_an_import_of_a_few_rows_asks_for_its_own_cases_only():
    """An API call sends a few cases to a source that may hold a million: what it reads must not grow with them."""
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    _import(source, FIRST)
    with CaptureQueriesContext(connection) as queries:
        _import(source, HEADER + SECOND.splitlines()[2] + "\n")
    [known] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("WITH") and "content_hash" in q["sql"]]
    assert "'U-2'" in known and "'U-1'" not in known and "'U-3'" not in known
