import pytest

from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import ReadError, read_table
from amparo.exchange.formats import ImportContext, htcds
from amparo.exchange.formats.htcds import HtcdsFormat
from tests.exchange import samples
from tests.exchange.samples import TODAY


def _normalised():
    table = read_table(samples.HTCDS_CSV.encode())
    return normalise_cases(HtcdsFormat().to_amparo(table, ImportContext("0" * 64)), today=TODAY)


def test_the_toolkit_spellings_and_quirks_are_read():
    result = _normalised()
    assert result.problems == {}
    rows = {r["source_record_id"]: r for r in result.frame.iter_rows(named=True)}
    assert rows["H-1"]["first_name"] == "Ana" and rows["H-1"]["trafficking_status_decision_org"] == "Police"
    assert rows["H-1"]["control_methods"] == ["DebtBondage"]  # "DebtBondage " with the Kobo trailing space
    assert rows["H-2"]["control_methods"] == ["DebtBondage", "PhysicalAbuse"]  # Kobo's space-separated choices
    assert [[p["relationship"] for p in rows[k]["perpetrators"]] for k in ("H-1", "H-2", "H-3")] == [
        ["other_relative"],
        ["stranger"],
        ["friend_acquaintance"],
    ]


def test_iso_subdivisions_become_departments_and_foreign_countries_stay_countries():
    rows = {r["source_record_id"]: r for r in _normalised().frame.iter_rows(named=True)}
    assert [(e["ubigeo"], e["country"]) for e in rows["H-1"]["events"]] == [("08", "PE")]
    assert [(e["ubigeo"], e["country"]) for e in rows["H-2"]["events"]] == [("", "CL")]
    assert [e["ubigeo"] for e in rows["H-3"]["events"]] == ["1501"]


@pytest.mark.parametrize(
    "codes, expected",
    [
        (["parent", "stranger"], "Familial"),
        (["employer"], "Acquainted"),
        (["stranger"], "Unaquainted"),
        (["unknown"], ""),
        ([], ""),
    ],
)
def test_the_coarse_htcds_relationship_is_the_closest_one(codes, expected):
    assert htcds._htcds_relationship(codes) == expected


NESTED = """[{"source_record_id": "N-1", "registration_date": "2024-05-02", "prs_Gender": "Feminine",
  "vic_TypeOfExploitation": ["SexualExploitation"],
  "events": [{"hte_Type": "Recruitment", "hte_Country": "PE", "hte_State": "PE-CUS", "hte_Date": "2024-01-10"},
             {"hte_Type": "explotación", "hte_Country": "PE", "hte_Ubigeo": "170101"}]},
 {"source_record_id": "N-2", "registration_date": "2024-05-03", "events": []}]"""


def test_nested_htcds_events_are_read_in_their_order():
    table = read_table(NESTED.encode())
    result = normalise_cases(HtcdsFormat().to_amparo(table, ImportContext("0" * 64)), today=TODAY)
    assert result.problems == {}
    rows = {r["source_record_id"]: r for r in result.frame.iter_rows(named=True)}
    assert [(e["event_type"], e["ubigeo"], str(e["date"])) for e in rows["N-1"]["events"]] == [
        ("Recruitment", "08", "2024-01-10"),
        ("Exploitation", "170101", "None"),
    ]
    assert rows["N-2"]["events"] == []


@pytest.mark.parametrize(
    "case, message",
    [
        ('"events": [{"hte_Type": ""}]', "Case 1: an event has no hte_Type"),
        ('"events": [{"hte_Country": "PE"}]', "Case 1: an event has no hte_Type"),
        ('"events": {"hte_Type": "Exploitation"}', 'Case 1: "events" must be a list of objects'),
        ('"perpetrators": ["parent"]', 'Case 1: "perpetrators" must be a list of objects'),
        (
            '"exploitation_hte_Country": "PE", "events": [{"hte_Type": "Exploitation", "hte_Country": "CL"}]',
            "Case 1: exploitation_hte_Country given both nested and as fields of the case",
        ),
    ],
)
def test_nested_values_that_cannot_be_read_refuse_the_file(case, message):
    with pytest.raises(ReadError) as refused:
        read_table(f'[{{"source_record_id": "N-1", {case}}}]'.encode())
    assert message in str(refused.value)
