"""Domestic work travels through both CTDC files: read as the HTCDS industry code, written as the flag."""

import io

import polars as pl
import pytest

from amparo.exchange.exports import cases_export
from amparo.exchange.services import file_import
from amparo.registry.models import Case, Organisation

pytestmark = pytest.mark.django_db

DOMESTIC_WORK = "T_ActivitiesOfHouseholdsAsEmployers"  # vic_ForcedLabourIndustry in the HTCDS v2.0 field sheet

# Written by hand, with the columns CTDC names in its own files, so that nothing here comes from the format modules.
LEGACY = (
    "yearOfRegistration,Datasource,gender,isForcedLabour,typeOfLabourDomesticWork,typeOfLabourConstruction\n"
    "2021,Case Management,Female,1,1,0\n"
)
SYNTHETIC = (
    "yearOfRegistration,gender,isForcedLabour,typeOfLabourDomesticWork,typeOfLabourConstruction\n2021,Woman,1,1,\n"
)


@pytest.mark.parametrize("format_name, content", [("ctdc-legacy", LEGACY), ("ctdc-synthetic", SYNTHETIC)])
def test_a_domestic_worker_is_stored_with_the_household_industry_and_exported_with_the_flag(format_name, content):
    source = Organisation.objects.create(name="CTDC", org_type="NGO")
    batch = file_import(data=content.encode(), file_name="ctdc.csv", source=source)
    assert (batch.format, batch.created, batch.rejected) == (format_name, 1, 0)
    case = Case.objects.get(source_organisation=source)
    assert (case.forced_labour_industry, case.codes("vic_TypeOfExploitation")) == (DOMESTIC_WORK, ["ForcedLabour"])

    exported = pl.read_csv(io.BytesIO(cases_export(format_name=format_name, kind="csv")[0]), infer_schema=False)
    row = exported.row(0, named=True)
    assert (row["typeOfLabourDomesticWork"], row["isForcedLabour"]) == ("1", "1")
    assert row["typeOfLabourConstruction"] in ("0", None)  # legacy writes 0, synthetic leaves the flag empty
