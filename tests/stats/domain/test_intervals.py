import math

import pytest

from amparo.stats.domain.intervals import wilson_interval


def closed_form(count, total, z=1.959963984540054):
    """The Wilson bounds written the other way round: (2np + z² ± z·sqrt(z² + 4np(1-p))) / (2(n + z²))."""
    p = count / total
    root = z * math.sqrt(z * z + 4 * total * p * (1 - p))
    return ((2 * count + z * z - root) / (2 * (total + z * z)), (2 * count + z * z + root) / (2 * (total + z * z)))


@pytest.mark.parametrize(
    "count,total,low,high",
    [
        # Published Wilson 95% intervals (Newcombe 1998, table I; Agresti & Coull 1998).
        (0, 10, 0.0, 0.2775),
        (1, 10, 0.0179, 0.4042),
        (5, 10, 0.2366, 0.7634),
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
    ],
)
def test_it_matches_published_intervals(count, total, low, high):
    assert wilson_interval(count, total) == pytest.approx((low, high), abs=1e-4)


@pytest.mark.parametrize("count,total", [(120, 253), (110, 120), (3, 7), (1, 1), (0, 1), (999, 1000)])
def test_it_matches_the_closed_form(count, total):
    assert wilson_interval(count, total) == pytest.approx(closed_form(count, total), abs=1e-12)


def test_it_contains_the_share_and_stays_in_the_unit_interval():
    for total in range(1, 60):
        for count in range(total + 1):
            low, high = wilson_interval(count, total)
            assert 0.0 <= low <= count / total <= high <= 1.0


def test_nothing_observed_gives_the_whole_interval():
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize("count,total", [(3, 2), (-1, 5), (1, -1)])
def test_it_refuses_impossible_counts(count, total):
    with pytest.raises(ValueError, match="count <= total"):
        wilson_interval(count, total)
