import json
import xml.etree.ElementTree as ET

import pytest

from amparo.reports.domain.choropleth import BoundaryError, choropleth, load_boundaries, parse_boundaries
from amparo.reports.domain.colours import PALETTE, count_scale
from tests.reports.boundaries import square_feature

SVG = "{http://www.w3.org/2000/svg}"


def test_it_draws_one_path_per_department_of_the_supplied_boundaries(boundary_file):
    departments = load_boundaries(boundary_file)
    assert sorted(d.code for d in departments) == [f"{i:02d}" for i in range(1, 26)]
    svg = choropleth(
        departments,
        {"15": 120, "08": 36},
        names={},
        scale=count_scale([120, 36]),
        title="Cases",
        ident="m",
        format_value=str,
        format_bound=str,
        zero_label="none",
        hidden_label="hidden",
    )
    paths = {p.get("data-code"): p for p in ET.fromstring(svg).iter(f"{SVG}path")}
    assert len(paths) == 25
    assert paths["15"].get("fill") == PALETTE[-1]  # 5 of at most 5: the top class
    assert paths["15"].get("d").startswith("M")


def test_the_projection_keeps_north_up_and_west_left():
    departments = parse_boundaries(
        {
            "type": "FeatureCollection",
            "features": [square_feature("01", "NORTH-WEST", 0, 1), square_feature("02", "SOUTH-EAST", 1, 0)],
        }
    )
    svg = choropleth(
        departments,
        {},
        names={},
        scale=count_scale([]),
        title="t",
        ident="m",
        format_value=str,
        format_bound=str,
        zero_label="none",
        hidden_label="hidden",
    )
    paths = {p.get("data-code"): p.get("d") for p in ET.fromstring(svg).iter(f"{SVG}path")}
    first_point = {code: tuple(map(float, d[1:].split(" ")[0].split(","))) for code, d in paths.items()}
    assert first_point["01"][0] < first_point["02"][0]  # west is left
    assert first_point["01"][1] < first_point["02"][1]  # north is up


@pytest.mark.parametrize(
    "data, message",
    [
        ({"type": "Feature"}, "expected a GeoJSON FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "has no features"),
        (
            {"type": "FeatureCollection", "features": [{"properties": {"NOMBDEP": "LIMA"}, "geometry": None}]},
            "feature 1 lacks the property FIRST_IDDP",
        ),
        (
            {"type": "FeatureCollection", "features": [{"properties": {"FIRST_IDDP": "15"}, "geometry": None}]},
            "feature 1 lacks the property NOMBDEP",
        ),
        (
            {"type": "FeatureCollection", "features": [{"properties": {"FIRST_IDDP": "Lima", "NOMBDEP": "LIMA"}}]},
            "expected a 2-digit department code",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "properties": {"FIRST_IDDP": "15", "NOMBDEP": "LIMA"},
                        "geometry": {"type": "Point", "coordinates": [0, 0]},
                    }
                ],
            },
            "expected Polygon or MultiPolygon",
        ),
    ],
)
def test_it_refuses_boundaries_it_cannot_draw_and_says_why(data, message):
    with pytest.raises(BoundaryError, match=message):
        parse_boundaries(data)


def test_it_refuses_a_missing_or_unreadable_file(tmp_path):
    with pytest.raises(BoundaryError, match="does not exist"):
        load_boundaries(tmp_path / "nowhere.geojson")
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", "utf-8")
    with pytest.raises(BoundaryError, match="is not GeoJSON"):
        load_boundaries(broken)
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": [square_feature("15", "LIMA")]}), "utf-8")
    assert load_boundaries(good)[0].name == "LIMA"


def _flat_map(values, **extra) -> ET.Element:
    """Two departments side by side: a map much wider than tall, shorter than its legend."""
    departments = parse_boundaries(
        {
            "type": "FeatureCollection",
            "features": [square_feature("07", "CALLAO", 0, 0), square_feature("15", "LIMA", 1, 0)],
        }
    )
    svg = choropleth(
        departments,
        values,
        names={},
        scale=count_scale([v for v in values.values() if v is not None]),
        title="Cases",
        ident="m",
        format_value=str,
        format_bound=str,
        zero_label="none",
        hidden_label="not published",
        **extra,
    )
    return ET.fromstring(svg)


def test_a_department_not_published_is_hatched_and_departments_can_be_links():
    root = _flat_map({"07": None, "15": 5}, links={"15": "?department=15"})
    paths = {p.get("data-code"): p for p in root.iter(f"{SVG}path")}
    assert paths["07"].get("fill") == "url(#m-hatch)" and paths["07"].get("class") == "department hidden"
    assert paths["07"].find(f"{SVG}title").text == "CALLAO: not published"
    assert paths["15"].get("fill") == PALETTE[-1]  # 5 of at most 5: the top class
    assert root.find(f".//{SVG}pattern").get("id") == "m-hatch"
    anchors = list(root.iter(f"{SVG}a"))
    assert [(a.get("href"), a.find(f"{SVG}path").get("data-code")) for a in anchors] == [("?department=15", "15")]


def test_the_legend_fits_below_the_title_of_a_flat_map():
    root = _flat_map({"15": 4})
    height = float(root.get("viewBox").split()[3])
    swatches = list(root.find(f".//{SVG}g[@class='legend']").iter(f"{SVG}rect"))
    assert len(swatches) == 7  # five classes, none, not published
    assert all(float(r.get("y")) + float(r.get("height")) <= height for r in swatches)
