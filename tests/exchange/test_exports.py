"""Exports: identities only on request, formulas neutralised, CTDC coding rules (counted by hand)."""

import io
import json
from datetime import date

import polars as pl
import pytest

from amparo.exchange.exports import ExportRefused, cases_export
from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import cases_register
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME, victim_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    records = [
        victim_record("V-1"),  # SexualExploitation, uncle_aunt in household, age 15, PE, Lima
        CaseRecord(
            '=HYPERLINK("http://x")',
            date(2023, 2, 1),
            PersonRecord("Masculine", "VE"),
            age_when_trafficked=30,
            exploitation_types=["ForcedLabour", "SexualExploitation"],
            control_methods=["DebtBondage", "PhysicalAbuse"],
            forced_labour_industry="B_MiningAndQuarrying",
            perpetrators=[PerpetratorRecord("employer")],
            events=[EventRecord("Exploitation", "", "CL")],
        ),
        CaseRecord("-99", date(2023, 3, 1), PersonRecord("NonSpecifiedUnknown")),
    ]
    return cases_register(records=records, source=source)


def _csv(content: bytes) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(content), infer_schema=False)


def test_identities_are_left_out_unless_asked_for(cases):
    for fmt in ("amparo", "htcds"):
        content, count = cases_export(format_name=fmt, kind="csv")
        assert count == 3 and VICTIM_FIRST_NAME.encode() not in content and VICTIM_DNI.encode() not in content
    content, _ = cases_export(format_name="amparo", kind="csv", include_identities=True)
    assert VICTIM_FIRST_NAME.encode() in content and VICTIM_DNI.encode() in content


def test_ctdc_files_never_hold_identities(cases):
    with pytest.raises(ExportRefused):
        cases_export(format_name="ctdc-legacy", kind="csv", include_identities=True)


def test_a_role_that_may_not_see_identities_cannot_export_them(cases, analyst):
    with pytest.raises(ExportRefused):
        cases_export(format_name="amparo", kind="csv", include_identities=True, user=analyst)


def test_cells_a_spreadsheet_would_run_are_neutralised_but_numbers_are_not(cases):
    rows = _csv(cases_export(format_name="amparo", kind="csv")[0])
    assert set(rows["source_record_id"]) == {"V-1", '\'=HYPERLINK("http://x")', "-99"}


def test_the_legacy_ctdc_file_follows_its_coding_rules(cases):
    rows = {
        r["yearOfRegistration"] + r["gender"]: r
        for r in _csv(cases_export(format_name="ctdc-legacy", kind="csv")[0]).iter_rows(named=True)
    }
    victim, labourer, unknown = rows["2024Female"], rows["2023Male"], rows["2023Unknown"]
    assert (victim["ageBroad"], victim["majorityStatusAtExploit"], victim["citizenship"]) == ("9--17", "Minor", "PE")
    assert victim["meansOfControlDebtBondage"] == "-99"  # no means recorded: missing in the whole group
    assert (victim["recruiterRelationFamily"], victim["recruiterRelationOther"]) == ("1", "0")
    assert victim["RecruiterRelationship"] == "Family/Relative"
    assert (
        labourer["meansOfControlDebtBondage"],
        labourer["meansOfControlPhysicalAbuse"],
        labourer["meansOfControlThreats"],
    ) == ("1", "1", "0")
    assert (labourer["isSexAndLabour"], labourer["typeOfLabourMiningOrDrilling"]) == ("1", "1")
    assert (labourer["recruiterRelationOther"], labourer["CountryOfExploitation"]) == ("1", "CL")
    assert (unknown["ageBroad"], unknown["citizenship"], unknown["isForcedLabour"]) == ("-99", "-99", "-99")


def test_the_synthetic_ctdc_file_merges_flags_and_uses_alpha_3(cases):
    rows = _csv(cases_export(format_name="ctdc-synthetic", kind="csv")[0])
    assert rows.width == 27
    labourer = rows.filter(pl.col("gender") == "Man").row(0, named=True)
    assert (labourer["citizenship"], labourer["CountryOfExploitation"]) == ("VEN", "CHL")
    assert (labourer["meansDebtBondageEarnings"], labourer["meansAbusePsyPhySex"], labourer["meansThreats"]) == (
        "1",
        "1",
        None,
    )
    victim = rows.filter(pl.col("gender") == "Woman").row(0, named=True)
    assert (victim["ageBroad"], victim["recruiterRelationFamily"]) == ("09--17", "1")


def test_htcds_json_keeps_multiple_values_as_lists(cases):
    records = json.loads(cases_export(format_name="htcds", kind="json")[0])["records"]
    labourer = next(r for r in records if r["prs_Gender"] == "Masculine")
    assert labourer["vic_TypeOfExploitation"] == ["ForcedLabour", "SexualExploitation"]
    assert labourer["vic_RelationshipToTrafficker"] == "Acquainted"


def test_a_kind_the_format_does_not_have_is_refused(cases):
    with pytest.raises(ExportRefused, match="csv, xlsx"):
        cases_export(format_name="ctdc-synthetic", kind="json")
