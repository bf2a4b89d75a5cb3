"""The lattice search: k-anonymity checked by pandas on the written file, optimality by brute force."""

import itertools

import pandas as pd
import polars as pl
import pytest

from amparo.release.domain import kanonymity, microdata
from amparo.release.domain.kanonymity import (
    AnonymisationError,
    Generalised,
    Hierarchy,
    anonymise,
)


@pytest.mark.parametrize("k", [2, 5, 11])
def test_every_combination_of_the_written_file_occurs_at_least_k_times(case_table, tmp_path, k):
    rows, result = microdata.k_anonymous_microdata(case_table, k)
    path = tmp_path / "microdata.csv"
    microdata.write_microdata_csv(rows, path)

    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(written.columns) == list(microdata.MICRODATA_COLUMNS)
    sizes = written.groupby(list(written.columns), dropna=False).size()
    assert sizes.min() >= k
    assert len(written) + result.suppressed == len(case_table)
    assert result.suppressed <= 0.05 * len(case_table)


def test_the_written_file_keeps_the_codes_at_the_chosen_levels(case_table, tmp_path):
    rows, result = microdata.k_anonymous_microdata(case_table, 5)
    path = tmp_path / "microdata.csv"
    microdata.write_microdata_csv(rows, path)
    written = pd.read_csv(path, dtype=str, keep_default_na=False)

    assert set(written["year"]) <= {str(y) for y in range(2011, 2026)} | {""}
    assert set(written["family_facilitated"]) <= {"0", "1", ""}
    exploitation = [c for c in written.columns if c.startswith("exploitation_")]
    assert len(exploitation) == 11 and set(written[exploitation].stack()) <= {"0", "1", ""}
    expected_ages = {
        "10-year band": {"0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60+", "unknown"},
        "20-year band": {"0-19", "20-39", "40-59", "60+", "unknown"},
    }
    if result.levels["age_band"] in expected_ages:
        assert set(written["age_band"]) <= expected_ages[result.levels["age_band"]]


def _independent_loss(frame: pd.DataFrame, hierarchies: list[Hierarchy], node, k: int):
    """Suppressed rows and mean weighted loss of a node, recounted with pandas."""
    generalised = pd.DataFrame(
        {
            h.column: frame[h.column].map({v: h.at(v, level).label for v in frame[h.column].unique()})
            for h, level in zip(hierarchies, node)
        }
    )
    sizes = generalised.groupby(list(generalised.columns))[generalised.columns[0]].transform("size")
    small = sizes < k
    total_weight = sum(h.weight for h in hierarchies)
    row_loss = (
        sum(
            h.weight * frame[h.column].map({v: h.loss(v, level) for v in frame[h.column].unique()})
            for h, level in zip(hierarchies, node)
        )
        / total_weight
    )
    return int(small.sum()), float(row_loss.where(~small, 1.0).mean())


def test_the_chosen_node_is_the_one_of_least_loss_among_every_k_anonymous_node(case_table):
    table = microdata.quasi_identifiers(case_table).select("sex", "age_band", "department", "citizenship")
    by_column = {h.column: h for h in microdata.hierarchies(1)}
    hierarchies = [by_column[c] for c in table.columns]
    result = anonymise(table, hierarchies, k=5)

    frame = table.to_pandas()
    feasible = []
    for node in itertools.product(*(range(h.heights) for h in hierarchies)):
        suppressed, loss = _independent_loss(frame, hierarchies, node, 5)
        if suppressed <= 0.05 * len(frame):
            feasible.append((loss, node, suppressed))
    best_loss, _, _ = min(feasible)
    assert result.loss == pytest.approx(best_loss)
    assert (result.suppressed, pytest.approx(result.loss)) == _independent_loss(frame, hierarchies, result.node, 5)
    assert result.nodes_evaluated < result.lattice_size  # the bound and monotonicity spared most nodes


def test_a_hand_made_table_generalises_age_rather_than_suppress():
    ages = [str(a) for a in (10, 11, 12, 13, 14, 15, 16, 17, 18, 19)]
    table = pl.DataFrame({"age_band": ages * 3, "sex": ["Feminine"] * 30})
    hierarchies = [h for h in microdata.hierarchies(1) if h.column in ("age_band", "sex")]
    result = anonymise(table.select("sex", "age_band"), hierarchies, k=5)
    # Each year of age occurs 3 times: 5-year bands (10-14, 15-19) hold 15 each, nothing suppressed.
    assert result.levels == {"sex": "sex", "age_band": "5-year band"}
    assert result.suppressed == 0
    assert sorted(set(result.frame["age_band"])) == ["10-14", "15-19"]


def test_rare_rows_are_suppressed_within_the_limit_and_left_out():
    table = pl.DataFrame({"sex": ["Feminine"] * 99 + ["Masculine"]})
    hierarchy = [h for h in microdata.hierarchies(1) if h.column == "sex"]
    result = anonymise(table, hierarchy, k=5)
    assert result.levels == {"sex": "sex"} and result.suppressed == 1
    assert result.frame["sex"].to_list() == ["Feminine"] * 99
    strict = anonymise(table, hierarchy, k=5, max_suppression=0.0)
    assert strict.levels == {"sex": "suppressed"} and strict.frame["sex"].to_list() == [""] * 100


@pytest.mark.parametrize(
    "k,message", [(0, "k must be at least 1, not 0"), (101, "k = 101 is larger than the 100 rows to publish")]
)
def test_bad_k_is_refused_with_a_clear_message(k, message):
    table = pl.DataFrame({"sex": ["Feminine"] * 100})
    with pytest.raises(AnonymisationError, match=message):
        anonymise(table, [h for h in microdata.hierarchies(1) if h.column == "sex"], k=k)


def test_a_column_without_hierarchy_is_refused():
    with pytest.raises(AnonymisationError, match="one hierarchy per column"):
        anonymise(
            pl.DataFrame({"sex": ["x"], "other": ["y"]}), [h for h in microdata.hierarchies(1) if h.column == "sex"], 1
        )


@pytest.mark.parametrize(
    "column,value,labels",
    [
        ("age_band", "14", ["14", "10-14", "10-19", "0-19", ""]),
        ("age_band", "72", ["72", "60+", "60+", "60+", ""]),
        ("age_band", "unknown", ["unknown", "unknown", "unknown", "unknown", ""]),
        ("department", "08", ["08", "south", ""]),
        ("department", "07", ["07", "lima_callao", ""]),
        ("citizenship", "VE", ["VE", "foreign", ""]),
        ("citizenship", "PE", ["PE", "PE", ""]),
        ("sex", "Feminine", ["Feminine", ""]),
    ],
)
def test_hierarchy_labels(column, value, labels):
    hierarchy = next(h for h in microdata.hierarchies(1) if h.column == column)
    assert [hierarchy.at(value, level).label for level in range(hierarchy.heights)] == labels


def test_the_exploitation_profile_folds_rare_types_into_other():
    hierarchy = next(h for h in microdata.hierarchies(1) if h.column == microdata.PROFILE)
    # SexualExploitation, ForcedLabour, ChildLabour, ForcedMarriage, Servitude, ForcedMilitary..., OrganRemoval,
    # ForcedBegging, ForcedAdoption, Surrogacy, Other
    begging = "0|0|0|0|0|0|0|1|0|0|0"
    folded = hierarchy.at(begging, 1).label.split("|")
    assert folded == ["0", "0", "0", "", "0", "", "", "", "", "", "1"]
    assert hierarchy.at("1|0|0|0|0|0|0|0|0|0|0", 1) == Generalised("1|0|0||0||||||0", 1)
    assert hierarchy.loss(begging, 1) == pytest.approx(126 / 2047)


def test_losses_are_between_zero_and_one_and_grow_with_the_level(case_table):
    table = microdata.quasi_identifiers(case_table)
    for hierarchy in microdata.hierarchies(table["year"].n_unique()):
        for value in table[hierarchy.column].unique().to_list():
            losses = [hierarchy.loss(value, level) for level in range(hierarchy.heights)]
            assert losses == sorted(losses) and losses[0] == 0 and losses[-1] == 1


def test_a_suppressed_share_is_reported():
    result = kanonymity.Anonymisation(
        pl.DataFrame(),
        5,
        (0,),
        {},
        rows=200,
        suppressed=3,
        loss=0.1,
        generalisation_loss=0.1,
        nodes_evaluated=1,
        lattice_size=2,
    )
    assert result.suppressed_share == 0.015
