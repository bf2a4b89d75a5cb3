import csv
from pathlib import Path

import pytest

from amparo.core import codelists

STANDARDS = Path(__file__).resolve().parents[1] / "data" / "htcds_v2_field_standards.tsv"  # see tests/data/README.md


def _htcds_values() -> dict[str, list[str]]:
    with STANDARDS.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {
            row["Field Name including Prefix"]: [
                v.strip() for v in row["Value Names (if picklist)"].split("|") if v.strip()
            ]
            for row in rows
            if row["Field Name including Prefix"]
        }


@pytest.mark.parametrize(
    "codelist",
    [
        codelists.GENDER,
        codelists.TRAFFICKING_STATUS,
        codelists.TRAFFICKING_STATUS_DECISION_ORG,
        codelists.CASE_STATUS,
        codelists.EXPLOITATION_TYPE,
        codelists.SEX_EXPLOITATION_TYPE,
        codelists.RECRUITMENT_METHOD,
        codelists.FORCED_LABOUR_INDUSTRY,
        codelists.METHODS_OF_CONTROL,
        codelists.ORGANISATION_TYPE,
        codelists.ROLE_IN_PROCESS,
        codelists.EVENT_TYPE,
        codelists.HTCDS_RELATIONSHIP_TO_TRAFFICKER,
    ],
    ids=lambda c: c.name,
)
def test_htcds_codelists_hold_every_value_of_the_standard(codelist):
    standard = _htcds_values()[codelist.name]
    assert set(standard) <= set(codelist.values)


def test_amparo_extensions_of_htcds_codelists_are_the_documented_ones():
    standard = _htcds_values()
    assert set(codelists.METHODS_OF_CONTROL.values) - set(standard["vic_MethodsOfControl"]) == {"RestrictsMovement"}
    assert set(codelists.FORCED_LABOUR_INDUSTRY.values) == set(standard["vic_ForcedLabourIndustry"])


def test_codes_are_unique_within_each_codelist():
    for codelist in codelists.ALL_CODELISTS:
        assert len(set(codelist.values)) == len(codelist.values), codelist.name


@pytest.mark.parametrize(
    "code,htcds,ctdc,group",
    [
        ("parent", "Familial", "Family", "family"),
        ("step_parent", "Familial", "Family", "family"),
        ("sibling", "Familial", "Family", "family"),
        ("grandparent", "Familial", "Family", "family"),
        ("uncle_aunt", "Familial", "Family", "family"),
        ("other_relative", "Familial", "Family", "family"),
        ("intimate_partner", "Acquainted", "IntimatePartner", "partner"),
        ("friend_acquaintance", "Acquainted", "Friend", "acquaintance"),
        ("employer", "Acquainted", "Other", "acquaintance"),
        ("stranger", "Unaquainted", "Other", "other"),
        ("unknown", None, "Unknown", "unknown"),
    ],
)
def test_detailed_relationship_maps_to_htcds_ctdc_and_group(code, htcds, ctdc, group):
    relationship = codelists.RELATIONSHIP_BY_CODE[code]
    assert (relationship.htcds, relationship.ctdc, relationship.group) == (htcds, ctdc, group)


def test_htcds_relationship_values_are_in_the_htcds_codelist():
    for relationship in codelists.RELATIONSHIPS:
        assert relationship.htcds is None or relationship.htcds in codelists.HTCDS_RELATIONSHIP_TO_TRAFFICKER


@pytest.mark.parametrize(
    "relationships,household,expected",
    [
        (["parent"], [False], True),
        (["uncle_aunt", "stranger"], [False, False], True),
        (["stranger"], [True], True),  # a household member who is not a relative
        (["friend_acquaintance", "employer"], [False, False], False),
        (["intimate_partner"], [False], False),
        ([], [], False),
    ],
)
def test_family_facilitated_means_a_relative_or_a_household_member(relationships, household, expected):
    assert codelists.is_family_facilitated(relationships, household) is expected


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("codelist", codelists.ALL_CODELISTS, ids=lambda c: c.name)
def test_no_two_codes_of_a_codelist_share_a_label(codelist, language):
    """Two different answers never read the same: «Desconocido» once meant both a stranger and an unknown
    relationship on the case form, the dashboard and the report."""
    from django.utils import translation

    with translation.override(language):
        labels = [str(code.label) for code in codelist]
    assert len(set(labels)) == len(labels), sorted(label for label in labels if labels.count(label) > 1)
