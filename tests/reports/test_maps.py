"""The department maps of the report and the dashboard, on the boundaries Amparo ships and on the tile grid,
checked against the hand-made registry's counts (tests/stats/cases.py), written out here by hand."""

import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from amparo.core import geography
from amparo.reports.annual import build_annual_report
from amparo.reports.domain.choropleth import peru_departments
from amparo.reports.domain.colours import PALETTE, ZERO_FILL
from amparo.reports.maps import districts_by_area
from tests.reports.boundaries import PERU

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
# 2010 of the hand-made registry: Lima 5 (4 of them in Lima Metropolitana, 1 in the rest of Lima), Callao 1,
# Cusco 3, Madre de Dios 2, one case with no place. Five classes up to the largest count, 5: one count each.
CASES_2010 = {"15": 5, "07": 1, "08": 3, "17": 2}
TILES_2010 = {"1501": 4, "15": 1, "07": 1, "08": 3, "17": 2}  # the largest is 4: classes of one, four of them


def _shapes(svg: str) -> dict[str, ET.Element]:
    """Each department's path (boundaries) or tile's rectangle (tile grid), by code."""
    root = ET.fromstring(svg)
    paths = {p.get("data-code"): p for p in root.iter(f"{SVG}path")}
    tiles = {g.get("data-code"): g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g") if g.get("data-code")}
    return paths or tiles


def _classes(svg: str) -> dict[str, str]:
    return {code: shape.get("fill") for code, shape in _shapes(svg).items()}


def test_the_shipped_boundaries_are_perus_25_departments_with_their_inei_codes():
    """Each feature's code is the INEI code of the department its name names (Callao 07 apart from Lima 15)."""
    features = json.loads(PERU.read_text("utf-8"))["features"]
    codes = {f["properties"]["FIRST_IDDP"]: f["properties"]["NOMBDEP"] for f in features}
    assert len(features) == len(codes) == 25
    assert {code: geography.find_department(name).ubigeo for code, name in codes.items()} == {c: c for c in codes}
    assert set(codes) == {p.ubigeo for p in geography.departments()}
    assert codes["07"] == "CALLAO" and codes["15"] == "LIMA"
    for department in peru_departments():
        for polygon in department.polygons:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert all(-81.5 < lon < -68.5 and -18.5 < lat < 0.1 for lon, lat in ring)  # Peru's extent
    licence = PERU.parent / "LICENSE"
    assert licence.read_text("utf-8").startswith("Mozilla Public License Version 2.0")
    assert "peru-geojson" in (PERU.parent / "NOTICE").read_text("utf-8")


def test_the_report_maps_every_department_on_its_boundary_coloured_by_its_count(registry):
    report = build_annual_report(year=2010, lang="en", suppress=False)
    cases, shares = report.maps
    assert 'class="map choropleth"' in cases.svg and 'class="map choropleth"' in shares.svg
    paths = _shapes(cases.svg)
    assert sorted(paths) == sorted(p.ubigeo for p in geography.departments())  # one path each, none twice
    assert len(ET.fromstring(cases.svg).findall(f".//{SVG}path")) == 25
    expected = {code: PALETTE[CASES_2010[code] - 1] if code in CASES_2010 else ZERO_FILL for code in paths}
    assert _classes(cases.svg) == expected
    assert paths["15"].find(f"{SVG}title").text == "Lima, Lima Metropolitana included: 5"
    # Shares: Lima 3 of 5 (60 %, the third class: 40-60 %), Callao 0 of 1 (0 %: a value, the first class),
    # Cusco 1 of 3 (33 %), Madre de Dios 1 of 2 (50 %); departments without cases stay white.
    share_fills = _classes(shares.svg)
    assert [share_fills[c] for c in ("15", "07", "08", "17")] == [PALETTE[2], PALETTE[0], PALETTE[1], PALETTE[2]]
    assert share_fills["24"] == ZERO_FILL


def test_the_tile_grid_stays_a_choice_with_lima_metropolitana_apart(registry):
    cases, _shares = build_annual_report(year=2010, lang="en", suppress=False, map_kind="tiles").maps
    assert 'class="map tile-map"' in cases.svg
    fills = _classes(cases.svg)
    assert len(fills) == 26
    assert {code: fill for code, fill in fills.items() if fill != ZERO_FILL} == {
        code: PALETTE[count - 1] for code, count in TILES_2010.items()
    }


@pytest.mark.parametrize("map_kind", ["boundaries", "tiles"])
def test_a_department_not_published_is_hatched_never_coloured_as_a_count(registry, map_kind):
    """With a threshold of 5, Lima (5) is published and Callao, Cusco and Madre de Dios are not."""
    cases, shares = build_annual_report(year=2010, lang="en", suppress=5, map_kind=map_kind).maps
    for graphic in (cases, shares):
        root = ET.fromstring(graphic.svg)
        pattern = root.find(f".//{SVG}pattern")
        assert pattern is not None and pattern.get("id") == f"{graphic.slug}-hatch"
        fills = _classes(graphic.svg)
        hatched = {code for code, fill in fills.items() if fill == f"url(#{graphic.slug}-hatch)"}
        assert hatched >= {"07", "08", "17"}
        assert not hatched & {"24", "16"}  # no case at all: white, not hidden
        legend = root.find(f".//{SVG}g[@class='legend']")
        assert legend[-2].get("fill") == f"url(#{graphic.slug}-hatch)" and legend[-1].text == "not published"
    fills = _classes(cases.svg)
    if map_kind == "boundaries":
        assert fills["15"] == PALETTE[-1]  # the only published count, the largest
        assert _shapes(cases.svg)["08"].find(f"{SVG}title").text == "Cusco: not published"
    else:  # Lima Metropolitana (4) and the rest of Lima (1) are both below the threshold
        assert fills["1501"] == fills["15"] == "url(#map-cases-hatch)"


def test_hot_spot_districts_are_counted_by_department_or_by_tile():
    districts = ["150101", "150132", "150501", "070101", "080101", "080102"]
    assert districts_by_area(districts, tiles=False) == {"15": 3, "07": 1, "08": 2}
    assert districts_by_area(districts, tiles=True) == {"1501": 2, "15": 1, "07": 1, "08": 2}


def test_the_report_command_draws_boundaries_by_default_and_tiles_on_request(registry, tmp_path):
    for args, kind, shape, shapes in (
        ((), "choropleth", "department", 50),
        (("--map", "tiles"), "tile-map", "tile", 52),
    ):
        out = tmp_path / f"{kind}.html"
        call_command("report", "--year", "2010", "--no-suppress", "--out", str(out), *args, stderr=io.StringIO())
        html = out.read_text("utf-8")
        assert html.count(f'class="map {kind}"') == 2 and html.count(f'class="{shape}"') == shapes
    with translation.override("en"), pytest.raises(CommandError, match="cannot go with --map tiles"):
        call_command("report", "--year", "2010", "--map", "tiles", "--boundaries", str(PERU), stdout=io.StringIO())


def test_the_dashboard_and_the_report_download_take_the_kind_of_map_and_refuse_others(
    registry, data_manager, client_as
):
    client = client_as(data_manager)
    for query, kind in (("", "choropleth"), ("&map=boundaries", "choropleth"), ("&map=tiles", "tile-map")):
        html = client.get(reverse("dashboard") + "?year=2010" + query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert html.count(f'class="map {kind}"') == 2
        report = client.get(reverse("report-download") + "?year=2010&lang=en&format=html" + query)
        assert report.status_code == 200 and report.content.decode().count(f'class="map {kind}"') == 2
    refused = client.get(reverse("dashboard") + "?year=2010&map=globe", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Unknown map globe: choose boundaries or tiles." in refused.content.decode()
    refused = client.get(reverse("report-download") + "?year=2010&map=globe", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and refused.content.decode() == "Unknown map globe: choose boundaries or tiles."
    # The choice travels with the filters and is offered beside the maps.
    html = client.get(reverse("dashboard") + "?year=2010&map=tiles", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('<input type="hidden" name="map" value="tiles">') == 2  # the filters and the report download
    assert '<a href="?year=2010&amp;map=boundaries">Department boundaries</a>' in html
