"""DP synthetic microdata: the file's shape, its privacy accounting and its closeness to the real cases."""

import itertools

import pandas as pd
import polars as pl
import pytest

from amparo.release.domain import synthetic
from amparo.release.domain.dp_tables import InvalidPrivacyParameter
from amparo.release.domain.microdata import MICRODATA_COLUMNS
from amparo.release.domain.synthetic import SynthesisError


@pytest.fixture(scope="module")
def years(case_table):
    return sorted(case_table["year"].unique().to_list())


def test_the_synthetic_file_has_the_microdata_columns_and_public_values_only(case_table, years):
    synthesis, errors = synthetic.synthetic_microdata(case_table, 4.0, years, seed=3)
    frame = synthesis.frame
    assert tuple(frame.columns) == MICRODATA_COLUMNS
    domains = synthetic.release_domains(years)
    for column in frame.columns:
        assert set(frame[column].unique().to_list()) <= set(domains[column]), column
    assert abs(frame.height - case_table.height) < 0.05 * case_table.height
    assert set(errors) == {1, 2, 3}
    assert len(synthesis.tree) == len(MICRODATA_COLUMNS) - 1


def test_the_budget_spent_is_the_one_asked_for(case_table, years):
    synthesis, _ = synthetic.synthetic_microdata(case_table, 2.5, years, seed=3)
    assert synthesis.epsilon == pytest.approx(2.5)


def test_the_tree_keeps_dependent_columns_together():
    # b copies a; c is independent noise: the tree must join a and b.
    frame = pl.DataFrame(
        {
            "a": [str(i % 4) for i in range(4000)],
            "b": [str(i % 4) for i in range(4000)],
            "c": [str((i * 7919) % 3) for i in range(4000)],
        }
    )
    domains = {"a": ["0", "1", "2", "3"], "b": ["0", "1", "2", "3"], "c": ["0", "1", "2"]}
    result = synthetic.synthesise(frame, domains, epsilon=3.0, seed=1)
    assert {"a", "b"} in [set(edge) for edge in result.tree]
    agreement = (result.frame["a"] == result.frame["b"]).mean()
    assert agreement > 0.9


def _pandas_marginal_error(real: pd.DataFrame, fake: pd.DataFrame, way: int) -> float:
    errors = []
    for subset in itertools.combinations(real.columns, way):
        subset = list(subset)
        joined = (
            real.groupby(subset)
            .size()
            .to_frame("real")
            .join(fake.groupby(subset).size().to_frame("fake"), how="outer")
            .fillna(0)
        )
        errors.append((joined["real"] - joined["fake"]).abs().mean())
    return sum(errors) / len(errors)


def test_marginal_errors_agree_with_an_independent_pandas_count(case_table):
    real = synthetic.synthetic_columns(case_table).select("sex", "department", "age_band", "family_facilitated")
    fake = real.sample(fraction=1.0, shuffle=True, seed=1).with_columns(
        pl.col("department").shift(1).fill_null("15")
    )  # same rows, departments moved one row down
    errors = synthetic.marginal_errors(real, fake)
    for way in (1, 2, 3):
        assert errors[way].mean_absolute_error == pytest.approx(
            _pandas_marginal_error(real.to_pandas(), fake.to_pandas(), way)
        )
    assert errors[1].mean_absolute_error < errors[2].mean_absolute_error


def test_the_tree_carries_dependence_that_independent_columns_lose(case_table, years):
    real = synthetic.synthetic_columns(case_table)
    synthesis, errors = synthetic.synthetic_microdata(case_table, 4.0, years, seed=5)
    # The same synthetic columns, each shuffled on its own: the same one-way counts, no dependence.
    independent = pl.DataFrame(
        {c: synthesis.frame[c].sample(fraction=1.0, shuffle=True, seed=i) for i, c in enumerate(real.columns)}
    )
    baseline = synthetic.marginal_errors(real, independent, ways=(2,))
    assert errors[2].total_variation_distance < baseline[2].total_variation_distance


@pytest.mark.parametrize("epsilon", [0, -4, float("nan")])
def test_epsilon_must_be_positive(case_table, years, epsilon):
    with pytest.raises(InvalidPrivacyParameter, match="epsilon for the synthetic data must be a number greater than 0"):
        synthetic.synthetic_microdata(case_table, epsilon, years)


def test_a_value_outside_its_public_domain_is_named():
    with pytest.raises(SynthesisError, match="column 'sex': value 'X' is not one of its 2 public values"):
        synthetic.synthesise(pl.DataFrame({"sex": ["F", "X"]}), {"sex": ["F", "M"]}, 1.0)


def test_no_rows_is_refused():
    with pytest.raises(SynthesisError, match="no rows"):
        synthetic.synthesise(pl.DataFrame({"sex": []}, schema={"sex": pl.String}), {"sex": ["F"]}, 1.0)
