import pytest

from amparo.exchange.domain.cases_frame import normalise_cases
from amparo.exchange.domain.readers import read_table
from amparo.exchange.formats import ImportContext, htcds
from tests.exchange import samples


def _normalised():
    table = read_table(samples.HTCDS_CSV.encode())
    return normalise_cases(htcds.to_amparo(table, ImportContext("0" * 64)))


def test_the_toolkit_spellings_and_quirks_are_read():
    result = _normalised()
    assert result.problems == {}
    rows = {r["source_record_id"]: r for r in result.frame.iter_rows(named=True)}
    assert rows["H-1"]["first_name"] == "Ana" and rows["H-1"]["decision_org"] == "Police"
    assert rows["H-1"]["control_methods"] == ["DebtBondage"]  # "DebtBondage " with the Kobo trailing space
    assert rows["H-2"]["control_methods"] == ["DebtBondage", "PhysicalAbuse"]  # Kobo's space-separated choices
    assert [rows[k]["relationships"] for k in ("H-1", "H-2", "H-3")] == [
        ["other_relative"], ["stranger"], ["friend_acquaintance"]]


def test_iso_subdivisions_become_departments_and_foreign_countries_stay_countries():
    rows = {r["source_record_id"]: r for r in _normalised().frame.iter_rows(named=True)}
    assert (rows["H-1"]["exploitation_ubigeo"], rows["H-1"]["exploitation_country"]) == ("08", "PE")
    assert (rows["H-2"]["exploitation_ubigeo"], rows["H-2"]["exploitation_country"]) == ("", "CL")
    assert rows["H-3"]["exploitation_ubigeo"] == "1501"


@pytest.mark.parametrize("codes, expected", [(["parent", "stranger"], "Familial"), (["employer"], "Acquainted"),
                                             (["stranger"], "Unaquainted"), (["unknown"], ""), ([], "")])
def test_the_coarse_htcds_relationship_is_the_closest_one(codes, expected):
    assert htcds._htcds_relationship(codes) == expected
