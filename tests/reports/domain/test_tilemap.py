import xml.etree.ElementTree as ET

from amparo.core import geography
from amparo.reports.domain.colours import PALETTE, SHARE_SCALE, ZERO_FILL, count_scale
from amparo.reports.domain.tilemap import TILES, tile_map

SVG = "{http://www.w3.org/2000/svg}"


def _tiles(values, scale=None, **extra) -> dict[str, ET.Element]:
    svg = tile_map(
        values,
        names={},
        scale=scale or count_scale(list(values.values())),
        title="Cases",
        ident="t",
        format_value=lambda v: str(v),
        format_bound=str,
        zero_label="none",
        hidden_label="hidden",
        **extra,
    )
    root = ET.fromstring(svg)
    return {g.get("data-code"): g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[:1] == ["tile"]}


def test_the_grid_has_every_department_once_and_lima_metropolitana_apart():
    codes = [code for code, *_ in TILES]
    assert sorted(codes) == sorted([p.ubigeo for p in geography.departments()] + [geography.LIMA_METROPOLITANA])
    positions = [(column, row) for _, column, row, _ in TILES]
    assert len(set(positions)) == len(positions)


def test_tiles_are_coloured_by_value_with_zero_and_hidden_apart():
    tiles = _tiles({"1501": 120, "08": 36, "17": None})
    fill = {code: g.find(f"{SVG}rect").get("fill") for code, g in tiles.items()}
    assert fill["1501"] == PALETTE[-1]
    assert fill["08"] == PALETTE[1]
    assert fill["17"] == "url(#t-hatch)"  # hatched: not published, never a class of the scale
    assert tiles["17"].get("class") == "tile hidden"
    assert [t.text for t in tiles["17"].iter(f"{SVG}text")] == ["MDD", "—"]
    assert fill["24"] == ZERO_FILL  # Tumbes: no case
    assert tiles["1501"].find(f"{SVG}title").text.endswith(": 120")


def test_a_share_map_tells_no_cases_from_a_zero_share():
    tiles = _tiles({"08": 0.0, "15": 0.9}, scale=SHARE_SCALE, absent_text="·")
    assert tiles["08"].find(f"{SVG}rect").get("fill") == PALETTE[0]
    assert tiles["24"].find(f"{SVG}rect").get("fill") == ZERO_FILL
    assert tiles["24"].find(f"{SVG}title").text.endswith(": ·")


def test_tiles_can_be_links_for_drill_down():
    tiles_svg = tile_map(
        {"08": 3},
        names={},
        scale=count_scale([3]),
        title="Cases",
        ident="t",
        format_value=str,
        format_bound=str,
        zero_label="none",
        hidden_label="hidden",
        links={"08": "?year=2010&department=08"},
    )
    root = ET.fromstring(tiles_svg)
    anchors = list(root.iter(f"{SVG}a"))
    assert len(anchors) == 1 and anchors[0].get("href") == "?year=2010&department=08"
    assert anchors[0].find(f"{SVG}g").get("data-code") == "08"
