"""Importing: every row stored or quarantined, provenance kept, idempotent, atomic, dry runs write nothing."""

import io
import json

import pandas as pd
import pytest
from django.db import connection
from django.utils import translation

from amparo.audit.models import AuditEvent
from amparo.exchange import formats, services
from amparo.exchange.domain.fingerprint import fingerprint_text
from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import read_table
from amparo.exchange.models import CaseProvenance, ImportBatch, QuarantinedRow
from amparo.exchange.rejections import problem_lines
from amparo.exchange.services import ImportRefused, NewSource, file_import, organisation_find
from amparo.registry import bulk
from amparo.registry import services as registry_services
from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, PersonIdentity
from tests.exchange import samples
from tests.exchange.samples import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Organisation.objects.create(name="ONG Prueba", org_type="NGO")


def _import(source, text=samples.AMPARO_CSV, **options):
    return file_import(data=text.encode("utf-8"), file_name="casos.csv", source=source, **options)


def test_every_row_is_stored_or_quarantined_with_its_reasons(source):
    expected = pd.read_csv(io.StringIO(samples.AMPARO_CSV), dtype=str)
    batch = _import(source)
    assert batch.rows == len(expected)
    assert batch.created + batch.rejected == len(expected)
    assert sorted(Case.objects.values_list("source_record_id", flat=True)) == samples.AMPARO_VALID_IDS
    quarantined = QuarantinedRow.objects.get(batch=batch)
    assert quarantined.row_number == samples.AMPARO_BAD_ROW
    assert {p["column"] for p in quarantined.problems} == samples.AMPARO_BAD_COLUMNS
    assert quarantined.original == expected.fillna("").iloc[samples.AMPARO_BAD_ROW - 2].to_dict()


def test_the_stored_cases_hold_the_normalised_values(source):
    _import(source)
    first = Case.objects.get(source_record_id="ONG-1")
    assert (first.victim.gender, first.victim.citizenship, first.age_when_trafficked) == ("Feminine", "PE", 15)
    assert (first.department_code, first.district_code, first.family_facilitated) == ("15", "150101", True)
    assert sorted(first.codes("vic_MethodsOfControl")) == ["DebtBondage", "FalsePromises"]
    assert PersonIdentity.objects.get(person=first.victim).identity_number == "73918264"
    assert Case.objects.get(source_record_id="ONG-2").department_code == "08"
    lima = Case.objects.get(source_record_id="ONG-4")
    assert (lima.province_code, lima.organised_network, lima.victim.citizenship) == ("1501", "yes", "VE")
    assert Perpetrator.objects.get(case=lima).relationship == "intimate_partner" and not lima.family_facilitated


def test_the_original_row_is_kept_sealed_with_each_case(source):
    batch = _import(source)
    provenance = CaseProvenance.objects.get(case__source_record_id="ONG-1")
    assert provenance.batch == batch and provenance.row_number == 2
    assert provenance.original["dni"] == "73918264"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rows_sealed FROM exchange_originalrowblock UNION ALL "
            "SELECT original_sealed || problems_sealed FROM exchange_quarantinedrow"
        )
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "73918264" not in stored and "Zoilacunda" not in stored and "Narnia" not in stored
    assert len(batch.sha256) == 64 and batch.file_name == "casos.csv"


def test_each_case_reads_its_own_original_row_across_blocks(source, monkeypatch):
    monkeypatch.setattr(services, "BLOCK_ROWS", 2)
    batch = _import(source)
    assert batch.original_blocks.count() == 2  # four cases, two per block
    for provenance in CaseProvenance.objects.select_related("case"):
        assert provenance.original["source_record_id"] == provenance.case.source_record_id


def test_importing_the_same_file_twice_names_the_first_import_instead_of_making_a_batch(source):
    first = _import(source)
    messages = []
    again = file_import(
        data=samples.AMPARO_CSV.encode("utf-8"), file_name="casos (1).csv", source=source, progress=messages.append
    )
    assert again == first and ImportBatch.objects.count() == 1
    assert (again.created, again.rejected) == (len(samples.AMPARO_VALID_IDS), 1)  # what the first import did
    assert f"batch {first.pk}" in messages[-1] and "no new batch" in messages[-1]
    assert Case.objects.count() == len(samples.AMPARO_VALID_IDS)
    repeated = AuditEvent.objects.filter(action="import", object_id=str(first.pk)).order_by("id")
    assert [event.details.get("repeated", False) for event in repeated] == [False, True]


def test_the_same_file_again_makes_a_batch_when_it_changes_cases_back(source):
    """Another file changed a case since: the same file again puts it back, and says which file it repeats."""
    first = _import(source)
    _import(source, samples.AMPARO_CSV.replace("ONG-2,2024-04-02,M,16", "ONG-2,2024-04-02,M,17"))
    again = _import(source)
    assert (again.created, again.updated, again.unchanged) == (0, 1, len(samples.AMPARO_VALID_IDS) - 1)
    assert again.same_file_as == first and ImportBatch.objects.count() == 3
    assert Case.objects.get(source_record_id="ONG-2").age_when_trafficked == 16


def test_a_dry_run_of_a_file_imported_before_still_reports_what_it_would_do(source):
    first = _import(source)
    checked = file_import(data=samples.AMPARO_CSV.encode("utf-8"), file_name="casos.csv", source=source, dry_run=True)
    assert checked != first and checked.dry_run and checked.same_file_as == first
    assert checked.unchanged == len(samples.AMPARO_VALID_IDS)


def test_a_changed_row_updates_its_case_and_keeps_the_previous_version(source):
    _import(source)
    changed = samples.AMPARO_CSV.replace("ONG-2,2024-04-02,M,16", "ONG-2,2024-04-02,M,17")
    batch = _import(source, changed)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 3)
    case = Case.objects.get(source_record_id="ONG-2")
    assert case.age_when_trafficked == 17 and case.version == 2 and case.department_code == "08"
    versions = CaseProvenance.objects.filter(case=case).order_by("id")
    assert [p.action for p in versions] == ["created", "updated"]
    assert versions[0].original["edad"] == "16" and versions[1].original["edad"] == "17"


def test_the_same_id_from_another_source_is_another_case(source):
    _import(source)
    other = Organisation.objects.create(name="Fiscalía", org_type="CentralGovernmentOrganisation")
    assert _import(other).created == len(samples.AMPARO_VALID_IDS)


def test_a_dry_run_writes_no_case(source):
    batch = _import(source, dry_run=True)
    assert batch.dry_run and batch.created == len(samples.AMPARO_VALID_IDS) and batch.rejected == 1
    assert not Case.objects.exists() and not CaseProvenance.objects.exists()


def test_a_failure_part_way_leaves_the_database_as_it_was(source, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry_services, "cases_bulk_update", fail)  # runs after the new cases are inserted
    with pytest.raises(RuntimeError):
        _import(source)
    assert not Case.objects.exists() and not CaseCode.objects.exists()
    assert not ImportBatch.objects.exists() and not QuarantinedRow.objects.exists()


def test_a_duplicate_id_in_the_file_is_quarantined_naming_the_first_row(source):
    text = samples.AMPARO_CSV + "ONG-1,2024-06-01,F,10,PE,,,,,,,,,,\n"
    batch = _import(source, text)
    problems = QuarantinedRow.objects.get(batch=batch, row_number=7).problems
    assert problems[0]["reason"] == "duplicate_id" and problems[0]["params"] == {"first_row": "2"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("fecha_registro,sexo\n2024-01-01,F\n", "source_record_id"),
        ("source_record_id|registration_date\nA|2024-01-01\n", "delimiter"),
        ("foo,bar\n1,2\n", "not recognised"),
        ("source_record_id,registration_date\n", "no rows"),
    ],
)
def test_it_refuses_a_file_it_cannot_import(source, text, message):
    with pytest.raises(ImportRefused, match=message):
        _import(source, text)
    assert not ImportBatch.objects.exists()


def test_a_missing_required_column_is_named_with_the_columns_found(source):
    with pytest.raises(ImportRefused) as error:
        _import(source, "source_record_id,sexo,edad\nA,F,3\n", format_name="amparo")
    assert "registration_date" in str(error.value) and "sexo, edad" in str(error.value)


def test_an_unknown_source_is_refused_unless_its_type_is_given():
    with pytest.raises(ImportRefused, match="Unknown source organisation"):
        organisation_find("Nueva ONG")
    to_create = organisation_find("Nueva ONG", create_as="NGO")
    assert to_create == NewSource("Nueva ONG", "NGO") and not Organisation.objects.exists()  # the import creates it
    created = to_create.create()
    assert organisation_find("nueva ong") == created


def test_quarantined_problems_are_stored_as_json_reasons(source):
    batch = _import(source)
    problems = json.loads(QuarantinedRow.objects.get(batch=batch).problems_sealed)
    assert all({"row", "column", "value", "reason", "params"} <= set(p) for p in problems)


def test_a_row_longer_than_the_header_is_quarantined_with_its_cells(source):
    text = "source_record_id,registration_date\nA,2024-01-01\nB,2024-01-02,extra\n"
    batch = _import(source, text)
    quarantined = QuarantinedRow.objects.get(batch=batch)
    assert (batch.created, batch.rejected, quarantined.row_number) == (1, 1, 3)
    assert quarantined.original == {"cells": ["B", "2024-01-02", "extra"]}
    assert quarantined.problems[0]["reason"] == "ragged"


def test_cases_from_a_synthetic_source_are_labelled_synthetic():
    synthetic = Organisation.objects.create(name="Synthetic registry", org_type="NGO", is_synthetic=True)
    _import(synthetic)
    assert set(Case.objects.values_list("is_synthetic", flat=True)) == {True}
    assert set(Case.objects.values_list("victim__is_synthetic", flat=True)) == {True}


NESTED_JSON = """[
 {"source_record_id": "J-1", "registration_date": "2024-05-01",
  "perpetrators": [{"relationship": "parent", "in_household": true, "per_RoleInProcess": ["RecruiterOrIntermediary"]}],
  "events": [{"hte_Type": "Transit", "hte_Country": "BO"}, {"hte_Type": "Exploitation", "hte_Ubigeo": "150101"},
             {"hte_Type": "Exploitation", "hte_Country": "CL", "hte_Description": "Mina; Antofagasta"}]},
 {"source_record_id": "J-2", "registration_date": "2024-05-02",
  "events": [{"hte_Type": "Exploitation", "hte_Country": "PE"}, {"hte_Type": "Smuggling", "hte_Country": "EC"}]}
]"""


def test_nested_perpetrators_and_events_are_stored_and_an_unknown_event_type_quarantines_its_case(source):
    batch = _import(source, NESTED_JSON)
    assert (batch.format, batch.created, batch.rejected) == ("htcds", 1, 1)
    case = Case.objects.get(source_record_id="J-1")
    assert [(e.event_type, e.country, e.ubigeo, e.description) for e in case.events.order_by("id")] == [
        ("Transit", "BO", "", ""),
        ("Exploitation", "PE", "150101", ""),
        ("Exploitation", "CL", "", "Mina; Antofagasta"),
    ]
    assert [(p.relationship, p.lives_in_household, p.roles) for p in case.perpetrators.all()] == [
        ("parent", True, ["RecruiterOrIntermediary"])
    ]
    assert problem_lines(batch) == [
        {
            "row": 3,
            "column": "event_order",
            "value": "Exploitation;Smuggling",
            "expected": "one of: Recruitment, Transit, Exploitation",
        }
    ]


def test_the_rejection_report_says_how_many_values_a_list_needs_and_hides_identities(source):
    text = (
        "source_record_id,registration_date,recruiter_relationship,perpetrator_prs_IdentityNumber,transit_country,"
        "transit_date\nA,2024-01-01,padre;tío,43334444,,\nB,2024-01-01,,,BO;CL,2024-01-01\n"
    )
    batch = _import(source, text)
    expected = [
        {
            "row": 2,
            "column": "perpetrator_prs_IdentityNumber",
            "value": "***",
            "expected": "one value per perpetrator, separated by ';': 2, as many as the relationships in "
            "recruiter_relationship (or nothing)",
        },
        {
            "row": 3,
            "column": "transit_date",
            "value": "2024-01-01",
            "expected": "one value per event, separated by ';': 2, as many as the other columns of these events hold "
            "(or nothing)",
        },
    ]
    assert problem_lines(batch) == expected
    with translation.override("es"):
        spanish = problem_lines(batch, reveal_identities=True)
    assert spanish[0]["value"] == "43334444" and spanish[0]["expected"].startswith("un valor por tratante")


def test_a_changed_row_updates_the_perpetrators_in_place_and_an_older_file_keeps_those_named_by_hand(source):
    _import(source, samples.AMPARO_FULL_CSV)
    case = Case.objects.get(source_record_id="F-1")
    people = list(case.perpetrators.order_by("id").values_list("person_id", flat=True))
    changed = samples.AMPARO_FULL_CSV.replace("Rosa;", "Rosa María;")
    assert _import(source, changed).updated == 1
    assert list(case.perpetrators.order_by("id").values_list("person_id", flat=True)) == people
    assert case.perpetrators.order_by("id").first().person.identity.first_name == "Rosa María"
    assert case.events.count() == 5 and case.events.get(ubigeo="150101").description == "Bar en Lima; luego mina"
    older = "source_record_id,registration_date,recruiter_relationship\nF-1,2024-06-01,stranger\n"
    assert _import(source, older).updated == 1
    assert [(p.relationship, p.person_id) for p in case.perpetrators.order_by("id")] == [
        ("parent", people[0]),
        ("uncle_aunt", people[1]),
        ("stranger", None),
    ]


def test_a_row_that_holds_no_more_than_before_keeps_the_fingerprint_it_had(source):
    """Its text is the one imports made before perpetrators and events were lists (copied from such an import), so
    importing a file again after the change reads its rows as unchanged."""
    table = read_table(samples.AMPARO_CSV.encode())
    frame = normalise_cases(formats.get("amparo").to_amparo(table, formats.ImportContext("0" * 64)), today=TODAY).frame
    assert fingerprint_text(frame)[0] == (
        '{"source_record_id":"ONG-1","registration_date":"2024-03-15","birthdate":null,"exploitation_date":null,'
        '"recruitment_date":null,"age":15,"citizenship":"PE","first_name":"Zoilacunda",'
        '"second_name":"Huamanquispe Testaroja","identity_number":"73918264","gender":"Feminine","status":"Active",'
        '"trafficking_status":"PossibleVictimOfTrafficking","decision_org":"","forced_labour_industry":"",'
        '"organised_network":"no","legal_article":"","exploitation_types":["SexualExploitation"],'
        '"sex_exploitation_types":[],"control_methods":["FalsePromises","DebtBondage"],"recruitment_methods":[],'
        '"relationships":["parent"],"in_household":false,"exploitation_ubigeo":"150101","exploitation_country":"PE",'
        '"recruitment_ubigeo":"080101","recruitment_country":"PE"}'
    )
    _import(source, samples.AMPARO_FULL_CSV)
    again = _import(source, samples.AMPARO_FULL_CSV, dry_run=True)
    assert (again.updated, again.unchanged) == (0, 3)


def test_a_file_of_several_parts_reports_each_part_as_it_is_stored(source, monkeypatch):
    """Four valid rows in parts of three: new cases reported after 3 and 4; a second file changing
    every case reports its updates the same way; a file of one part adds no such line."""
    monkeypatch.setattr(bulk, "CHUNK", 3)

    def messages(text):
        job = services.FileImport(data=text.encode("utf-8"), file_name="casos.csv", source=source)
        return [str(message) for message in job.stages()]

    first = messages(samples.AMPARO_CSV)
    assert [m for m in first if " of 4 new" in m] == ["Stored 3 of 4 new cases.", "Stored 4 of 4 new cases."]
    assert Case.objects.count() == 4 and CaseProvenance.objects.count() == 4
    changed = messages(samples.AMPARO_CSV.replace("2024", "2022").replace("2023-12-31", "2022-12-31"))  # every date
    assert [m for m in changed if " of 4 changed" in m] == [
        "Updated 3 of 4 changed cases.",
        "Updated 4 of 4 changed cases.",
    ]
    monkeypatch.setattr(bulk, "CHUNK", 50_000)
    other = Organisation.objects.create(name="Otra ONG", org_type="NGO")
    job = services.FileImport(data=samples.AMPARO_CSV.encode("utf-8"), file_name="casos.csv", source=other)
    assert not [m for m in job.stages() if "of 4 new cases" in str(m)]


def test_a_place_cell_holding_a_separator_character_is_quarantined_not_a_crash(source):
    """Any character may stand in a cell: a unit separator inside an ubigeo is a bad place, nothing more."""
    data = (
        b"source_record_id,registration_date,exploitation_ubigeo,exploitation_country\n"
        b"S-1,2024-01-02,15\x1f01,PE\nS-2,2024-01-03,150101,PE\n"
    )
    batch = file_import(data=data, file_name="places.csv", source=source)
    assert (batch.created, batch.rejected) == (1, 1)
    assert QuarantinedRow.objects.filter(batch=batch).count() == 1
