"""The hot spots list the districts with family-facilitated cases, and only those: counted by hand."""

import pytest

from amparo.core.record_keys import KEY_RANGE
from amparo.registry.models import Case
from amparo.reports.dashboard import hotspots_table
from amparo.stats.engine import CaseFilter

pytestmark = pytest.mark.django_db

Y2010 = CaseFilter(years=(2010,))


def _columns(table, *names):
    index = [next(i for i, c in enumerate(table.columns) if c.key == name) for name in names]
    return {key: tuple(row[i] for i in index) for key, row in zip(table.keys, table.rows)}


def test_districts_without_a_family_facilitated_case_are_not_hot_spots(registry):
    """Hand-made 2010, districts with a family-facilitated case: 150101 (L01, L03: 2 of 2), 150132 (L02),
    080101 (C01), 170101 (M01, of M01 and M02). 150501 (L05, employer) and 070101 (L06, stranger) have none."""
    exact = hotspots_table(Y2010, suppress=False)
    assert _columns(exact, "family_facilitated", "count") == {
        "150101": (2, 2),
        "080101": (1, 1),
        "150132": (1, 1),
        "170101": (1, 2),
    }
    assert list(exact.keys) == ["150101", "080101", "150132", "170101"]
    suppressed = hotspots_table(Y2010, suppress=5)  # every count is below 5: hidden, but the districts stand
    assert list(suppressed.keys) == ["080101", "150101", "150132", "170101"]
    assert set(_columns(suppressed, "family_facilitated", "count").values()) == {(None, None)}
    # Perturbed: a zero stays zero, so no district without a family-facilitated case appears; a district
    # perturbed to zero is left out; the others are ranked by what is published, each within ±3 of the truth.
    perturbed = _columns(hotspots_table(Y2010, suppress=True), "family_facilitated", "count")
    truth = {key: family for key, (family, _count) in _columns(exact, "family_facilitated", "count").items()}
    assert set(perturbed) <= set(truth)
    assert all(0 < family <= count and abs(family - truth[key]) <= 3 for key, (family, count) in perturbed.items())
    assert list(perturbed) == sorted(perturbed, key=lambda key: (-perturbed[key][0], key))


def test_a_district_whose_cases_are_published_as_zero_is_no_hot_spot(registry):
    """170101 holds M01 (family-facilitated) and M02. With M01's key at 0.7 of the key range and M02's at 0.35,
    amparo-ckm-3 publishes its one family case as 2 (a count of 1 moves +1 for keys in [.655, .905)) and its two
    cases as 0 (a count of 2 moves -2 for keys in [0, .15); the keys add up to 0.05): the whole is zero, so its
    part is too, and the district is not listed."""
    Case.objects.filter(source_record_id="M01").update(record_key=int(0.7 * KEY_RANGE))
    Case.objects.filter(source_record_id="M02").update(record_key=int(0.35 * KEY_RANGE))
    assert "170101" not in hotspots_table(Y2010, suppress=True).keys
