"""Importing: every row stored or quarantined, provenance kept, idempotent, atomic, dry runs write nothing."""

import io
import json

import pandas as pd
import pytest
from django.db import connection

from amparo.exchange import services, storage
from amparo.exchange.models import CaseProvenance, ImportBatch, QuarantinedRow
from amparo.exchange.services import ImportRefused, file_import, organisation_find
from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, PersonIdentity
from tests.exchange import samples

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
        cursor.execute("SELECT rows_sealed FROM exchange_originalrowblock UNION ALL "
                       "SELECT original_sealed || problems_sealed FROM exchange_quarantinedrow")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "73918264" not in stored and "Zoilacunda" not in stored and "Narnia" not in stored
    assert len(batch.sha256) == 64 and batch.file_name == "casos.csv"


def test_each_case_reads_its_own_original_row_across_blocks(source, monkeypatch):
    monkeypatch.setattr(services, "BLOCK_ROWS", 2)
    batch = _import(source)
    assert batch.original_blocks.count() == 2  # four cases, two per block
    for provenance in CaseProvenance.objects.select_related("case"):
        assert provenance.original["source_record_id"] == provenance.case.source_record_id


def test_importing_the_same_file_twice_creates_nothing_and_says_so(source):
    first = _import(source)
    second = _import(source)
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert second.same_file_as == first
    assert Case.objects.count() == first.created


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

    monkeypatch.setattr(storage, "cases_update", fail)  # runs after the new cases are inserted
    with pytest.raises(RuntimeError):
        _import(source)
    assert not Case.objects.exists() and not CaseCode.objects.exists()
    assert not ImportBatch.objects.exists() and not QuarantinedRow.objects.exists()


def test_a_duplicate_id_in_the_file_is_quarantined_naming_the_first_row(source):
    text = samples.AMPARO_CSV + "ONG-1,2024-06-01,F,10,PE,,,,,,,,,,\n"
    batch = _import(source, text)
    problems = QuarantinedRow.objects.get(batch=batch, row_number=7).problems
    assert problems[0]["reason"] == "duplicate_id" and problems[0]["params"] == {"first_row": "2"}


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("fecha_registro,sexo\n2024-01-01,F\n", "source_record_id"),
    ("source_record_id|registration_date\nA|2024-01-01\n", "delimiter"),
    ("foo,bar\n1,2\n", "not recognised"),
    ("source_record_id,registration_date\n", "no rows"),
])
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
    created = organisation_find("Nueva ONG", create_as="NGO")
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
