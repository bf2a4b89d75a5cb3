"""The hot spots list the districts with family-facilitated cases, and only those: counted by hand."""

import math
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from django.urls import reverse

from amparo.core import geography
from amparo.core.record_keys import KEY_RANGE
from amparo.registry.models import Case
from amparo.reports.dashboard import hotspots_table
from amparo.reports.domain.colours import PALETTE, ZERO_FILL
from amparo.stats.engine import CaseFilter
from tests.reports.expected import synthetic_cases

pytestmark = pytest.mark.django_db

Y2010 = CaseFilter(years=(2010,))
SVG = "{http://www.w3.org/2000/svg}"


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


# The hot spots page: a page of 25 districts at a time, the map of their departments, bad pages refused.

PER_PAGE = 25


@pytest.fixture
def hot_spots_2010(synthetic_csv):
    """The 2010 hot spots by pandas: districts with a family-facilitated case, most such cases first (then by
    code), with how many of them each department holds."""
    cases = synthetic_cases(synthetic_csv)
    family = cases[(cases.year == 2010) & (cases.district != "") & cases.family_facilitated]
    counts = family.district.value_counts()
    ranked = sorted(counts.index, key=lambda district: (-counts[district], district))
    return ranked, pd.Series(ranked).str[:2].value_counts().to_dict()


def _page(client, query: str):
    response = client.get(reverse("dashboard-hotspots") + query, HTTP_ACCEPT_LANGUAGE="en")
    return response, response.content.decode()


def _districts(html: str) -> list[str]:
    """The districts of the page's table, in order, by the cases each links to."""
    return re.findall(r'<th scope="row"><a href="/cases/\?[^"]*district=(\d{6})', html)


def test_the_hot_spots_come_a_page_of_25_at_a_time_in_their_order(hot_spots_2010, data_manager, client_as):
    ranked, _by_department = hot_spots_2010
    pages = math.ceil(len(ranked) / PER_PAGE)
    assert pages >= 2  # the synthetic 2010 has enough hot spots to page
    client = client_as(data_manager)
    seen = []
    for number in range(1, pages + 1):
        response, html = _page(client, f"?year=2010&page={number}")
        assert response.status_code == 200
        on_page = _districts(html)
        assert on_page == ranked[(number - 1) * PER_PAGE : number * PER_PAGE]
        first, last = (number - 1) * PER_PAGE + 1, min(number * PER_PAGE, len(ranked))
        assert f"Districts {first} to {last} of {len(ranked)}" in html
        seen += on_page
    assert seen == ranked  # every hot spot once, none left out
    _response, first_page = _page(client, "?year=2010")
    assert _districts(first_page) == ranked[:PER_PAGE]
    # Page links keep the filters (year, sex, the kind of map).
    _response, html = _page(client, "?year=2010&sex=Feminine&map=tiles")
    links = re.findall(r'<nav class="stats-pages[^>]*>(.*?)</nav>', html, re.S)[0]
    assert 'href="?year=2010&amp;sex=Feminine&amp;map=tiles&amp;page=2"' in links


def test_the_hot_spots_map_counts_each_departments_hot_spot_districts(hot_spots_2010, data_manager, client_as):
    _ranked, by_department = hot_spots_2010
    _response, html = _page(client_as(data_manager), "?year=2010&page=2")
    svg = ET.fromstring(re.search(r'<figure id="hotspots-map">(.*?)</figure>', html, re.S).group(1))
    paths = {p.get("data-code"): p for p in svg.iter(f"{SVG}path")}
    assert len(paths) == 25 and "choropleth" in svg.get("class")
    names = {p.ubigeo: p.name for p in geography.departments()}
    names["15"] = "Lima, Lima Metropolitana included"
    for code, path in paths.items():
        assert path.find(f"{SVG}title").text == f"{names[code]}: {by_department.get(code, 0)}"
        assert (path.get("fill") == ZERO_FILL) == (code not in by_department)
    top = max(by_department.values())
    assert all(paths[code].get("fill") == PALETTE[-1] for code, n in by_department.items() if n == top)
    # Each department leads to its own hot spots, from the first page.
    assert '<a href="?year=2010&amp;department=08">' in html
    _response, tiles = _page(client_as(data_manager), "?year=2010&map=tiles")
    assert 'class="map tile-map"' in tiles and 'data-code="1501"' in tiles


@pytest.mark.parametrize(
    "query, message",
    [
        ("page=abc", "There is no page abc"),
        ("page=0", "There is no page 0"),
        ("page=-1", "There is no page -1"),
        ("page=999", "There is no page 999: the pages run from 1 to"),
        ("page=%C2%B2", "There is no page ²"),
        ("page=" + "9" * 5000, "There is no page 999"),
        ("map=globe", "Unknown map globe: choose boundaries or tiles."),
    ],
)
def test_a_bad_page_or_map_is_refused_with_a_message(synthetic_csv, data_manager, client_as, query, message):
    response, html = _page(client_as(data_manager), f"?year=2010&{query}")
    assert response.status_code == 400
    assert message in html
