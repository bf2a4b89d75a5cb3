"""The perturbation table's promises, checked over every count and the whole range of cell keys."""

from fractions import Fraction

import numpy as np
import pytest

from amparo.core.record_keys import KEY_RANGE
from amparo.stats.domain.cellkey import AMPARO_TABLE, PerturbationTable, perturb

KEYS = np.linspace(0, KEY_RANGE - 1, 20_001, dtype=np.int64)  # evenly spread cell keys


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5, 17, 120, 10_000])
def test_noise_is_bounded_zero_stays_zero_and_nothing_goes_negative(count):
    published = np.array(perturb([count] * len(KEYS), KEYS))
    assert published.min() >= 0
    assert np.abs(published - count).max() <= AMPARO_TABLE.max_noise == 3
    if count == 0:
        assert set(published) == {0}
    else:
        assert len(set(published)) > 1  # small counts are perturbed, not only hidden


EXPECTED_NOISES = {  # docs/publication.md's table, written out again
    1: {-1: 0.45, 0: 0.205, 1: 0.25, 2: 0.085, 3: 0.01},
    2: {-2: 0.15, -1: 0.20, 0: 0.305, 1: 0.20, 2: 0.135, 3: 0.01},
    3: {-3: 0.01, -2: 0.10, -1: 0.20, 0: 0.38, 1: 0.20, 2: 0.10, 3: 0.01},
}


@pytest.mark.parametrize("count", [1, 2, 3, 7, 120])
def test_noises_follow_the_table_and_average_to_nothing(count):
    """Over evenly spread keys each noise comes up as often as the table says."""
    expected = EXPECTED_NOISES[min(count, 3)]
    noise = np.array(perturb([count] * len(KEYS), KEYS)) - count
    shares = {int(n): float(np.mean(noise == n)) for n in np.unique(noise)}
    assert shares == pytest.approx(expected, abs=1e-3)
    assert abs(noise.mean()) < 1e-3


def test_a_published_value_could_come_from_any_count_within_the_bound_and_only_extremes_reach_its_ends():
    """What an attacker learns from one published value p is that the true count is in [p - 3, p + 3] (at least 1
    when p is above zero, since zero stays zero), and no narrower: every count in that range can give p. The
    counts at the two ends give p only by a noise that comes up once in a hundred draws or less, so a bound
    from one cell is tight only after an extreme noise; the lower end 1 of a positive p is the exception."""
    for p in range(12):
        could = {c for c in range(p + 10) for noise, share in AMPARO_TABLE.row(c) if share and c + noise == p}
        low = max(int(p > 0), p - 3)
        assert could == set(range(low, p + 4))
        for end in {p + 3} | ({low} if low > 1 else set()):
            share = sum(prob for noise, prob in AMPARO_TABLE.row(end) if end + noise == p)
            assert share <= Fraction(1, 100)


def test_the_same_cell_always_gets_the_same_value_and_the_key_sum_wraps():
    counts, sums = [3, 3, 40], [5, 5 + KEY_RANGE, 12_345_678_901]
    first = perturb(counts, sums)
    assert first == perturb(counts, sums) and first[0] == first[1]
    assert perturb([40], [12_345_678_901 % KEY_RANGE]) == first[2:]


def test_a_table_that_breaks_a_promise_is_refused():
    with pytest.raises(ValueError, match="zero must stay zero"):
        PerturbationTable("t", (((0, Fraction(1, 2)), (1, Fraction(1, 2))),))
    with pytest.raises(ValueError, match="could become negative"):
        PerturbationTable("t", (((0, Fraction(1)),), ((-2, Fraction(1, 2)), (2, Fraction(1, 2)))))
    with pytest.raises(ValueError, match="biased"):
        PerturbationTable("t", (((0, Fraction(1)),), ((0, Fraction(1, 2)), (1, Fraction(1, 2)))))
