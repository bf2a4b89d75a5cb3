"""CTDC files, legacy and synthetic, from small hand-made rows with the real headers (never a CTDC file)."""

from datetime import date

import polars as pl

from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import ROW, Table
from amparo.exchange.formats import ImportContext
from amparo.exchange.formats.ctdc_legacy import CtdcLegacyFormat
from amparo.exchange.formats.ctdc_synthetic import CtdcSyntheticFormat
from tests.exchange import samples
from tests.exchange.samples import TODAY

CONTEXT = ImportContext("ab" * 32)
LEGACY, SYNTHETIC = CtdcLegacyFormat(), CtdcSyntheticFormat()


def _table(header, rows: list[dict], missing: str) -> Table:
    frame = pl.DataFrame(
        {c: [r.get(c, missing) for r in rows] for c in header}, schema=dict.fromkeys(header, pl.String)
    )
    return Table(list(header), frame.with_columns(pl.Series(ROW, range(2, 2 + len(rows)), dtype=pl.Int64)), "csv")


def test_a_legacy_row_becomes_codes_and_missing_values_stay_missing():
    rows = [
        {
            "yearOfRegistration": "2019",
            "Datasource": "Case Management",
            "gender": "Female",
            "citizenship": "PE",
            "meansOfControlDebtBondage": "1",
            "meansOfControlUsesChildren": "1",
            "meansOfControlThreats": "0",
            "isSexualExploit": "1",
            "isForcedLabour": "0",
            "typeOfSexProstitution": "1",
            "recruiterRelationFamily": "1",
            "recruiterRelationFriend": "0",
            "CountryOfExploitation": "PE",
        },
        {
            "yearOfRegistration": "2020",
            "Datasource": "Hotline",
            "gender": "Transgender/NonConforming",
            "isForcedLabour": "1",
            "typeOfLabourMiningOrDrilling": "1",
            "recruiterRelationOther": "1",
        },
        {"yearOfRegistration": "-99", "Datasource": "Hotline", "gender": "Male"},
    ]
    result = normalise_cases(LEGACY.to_amparo(_table(LEGACY.HEADER, rows, "-99"), CONTEXT), today=TODAY)
    assert list(result.problems) == [4]  # no year of registration: quarantined, not invented
    first, second = result.frame.iter_rows(named=True)
    assert first["source_record_id"] == "ctdc-abababababab-2" and first["registration_date"] == date(2019, 1, 1)
    assert (first["gender"], first["citizenship"], first["events"][0]["country"]) == ("Feminine", "PE", "PE")
    assert first["control_methods"] == ["DebtBondage", "ThreatensChildrenFamily"]
    assert first["exploitation_types"] == ["SexualExploitation"] and first["sex_exploitation_types"] == ["Prostitution"]
    assert [p["relationship"] for p in first["perpetrators"]] == ["other_relative"]
    assert second["gender"] == "NonConforming" and second["forced_labour_industry"] == "B_MiningAndQuarrying"
    assert [p["relationship"] for p in second["perpetrators"]] == ["unknown"] and second["control_methods"] == []


def test_a_synthetic_row_reads_alpha_3_countries_and_zero_padded_bands():
    result = normalise_cases(
        SYNTHETIC.to_amparo(_table(SYNTHETIC.HEADER, samples.CTDC_SYNTHETIC_ROWS, ""), CONTEXT), today=TODAY
    )
    assert result.problems == {}
    first, second = result.frame.iter_rows(named=True)
    assert (first["gender"], first["citizenship"], first["events"][0]["country"]) == ("Feminine", "PE", "PE")
    assert first["exploitation_types"] == ["SexualExploitation"] and first["control_methods"] == ["FalsePromises"]
    assert [p["relationship"] for p in first["perpetrators"]] == ["other_relative"]
    assert second["citizenship"] == "VE" and second["forced_labour_industry"] == "A_AgricultureForestryAndFishing"
