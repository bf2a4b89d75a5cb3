import math
import xml.etree.ElementTree as ET

import pytest

from amparo.core import geography
from amparo.reports.domain.flowmap import (
    ABROAD,
    MAX_WIDTH,
    MIN_WIDTH,
    FlowMapText,
    flow_geometry,
    flow_map,
    flow_width,
    tile_centres,
)

SVG = "{http://www.w3.org/2000/svg}"
CENTRES = {"05": (0.0, 0.0), "15": (0.0, 100.0), "17": (100.0, 0.0)}
TEXT = FlowMapText(
    title="Routes",
    abroad="Abroad",
    loop="Ring: same department",
    width="Width: cases",
    route="%(origin)s → %(destination)s: %(count)s",
    not_drawn="Not drawn: %(hidden)s hidden, %(unplaced)s unknown.",
    empty="No route.",
)


def test_widths_follow_the_counts_up_to_the_widest():
    assert flow_width(40, 40) == MAX_WIDTH
    assert flow_width(20, 40) == pytest.approx(MAX_WIDTH / 2)
    assert flow_width(1, 400) == MIN_WIDTH  # a route of one case stays visible


def test_a_route_is_a_line_and_a_route_within_a_place_a_loop():
    geometry = flow_geometry({("05", "15"): 10, ("15", "15"): 5, ("17", "15"): 20}, CENTRES)
    assert [(line.origin, line.destination, line.count) for line in geometry.lines] == [
        ("17", "15", 20),
        ("05", "15", 10),
    ]  # widest first, drawn under the narrower
    assert [line.width for line in geometry.lines] == pytest.approx([MAX_WIDTH, MAX_WIDTH / 2])
    (loop,) = geometry.loops
    assert (loop.place, loop.count, loop.centre) == ("15", 5, CENTRES["15"])
    assert loop.width == pytest.approx(MAX_WIDTH / 4)
    assert geometry.largest == 20


def test_hidden_zero_and_unplaced_routes_are_not_drawn_but_counted():
    flows = {("05", "15"): None, ("05", "17"): 0, ("unknown", "15"): 3, ("05", "unknown"): None, ("17", "15"): 2}
    geometry = flow_geometry(flows, CENTRES)
    assert [(line.origin, line.destination) for line in geometry.lines] == [("17", "15")]
    assert (geometry.hidden, geometry.unplaced) == (2, 1)


def test_a_line_leaves_its_origin_and_its_arrowhead_points_at_the_destination():
    (line,) = flow_geometry({("05", "15"): 4}, CENTRES, clearance=10).lines
    tip, left, right = line.head
    assert math.dist(line.start, CENTRES["05"]) == pytest.approx(10)
    assert math.dist(tip, CENTRES["15"]) == pytest.approx(10)
    # The line stops at the middle of the head's base; the head is longer than it is wide.
    assert ((left[0] + right[0]) / 2, (left[1] + right[1]) / 2) == pytest.approx(line.end)
    assert math.dist(tip, line.end) > math.dist(left, right) / 2
    assert math.dist(line.end, CENTRES["15"]) > math.dist(tip, CENTRES["15"])


def test_the_two_directions_between_two_places_bow_apart():
    there, back = sorted(flow_geometry({("05", "15"): 4, ("15", "05"): 3}, CENTRES).lines, key=lambda f: f.origin)
    # Going down the page (05 to 15) an arrow bows to its right, which is the page's left, and back the other way.
    assert there.control[0] < 0 < back.control[0]


def test_neighbouring_places_keep_a_visible_line():
    centres = {"a": (0.0, 0.0), "b": (60.0, 0.0)}
    (line,) = flow_geometry({("a", "b"): 1}, centres).lines
    assert math.dist(line.start, line.end) > 10


def test_every_department_and_abroad_have_a_place_on_the_map():
    centres = tile_centres()
    assert set(centres) == {p.ubigeo for p in geography.departments()} | {ABROAD}
    assert len(set(centres.values())) == len(centres)


def _svg(flows) -> ET.Element:
    return ET.fromstring(
        flow_map(flows, names={"05": "Ayacucho", "15": "Lima"}, text=TEXT, ident="r", format_count=str)
    )


def test_the_map_draws_published_routes_with_titles_and_a_legend():
    root = _svg({("05", "15"): 12, ("17", "17"): 4, ("08", "17"): None, ("unknown", "15"): 2, (ABROAD, "07"): 1})
    assert root.find(f"{SVG}title").text == "Routes"
    routes = {g.get("data-route"): g for g in root.iter() if g.get("class") in ("flow", "flow-loop")}
    assert set(routes) == {"05-15", "17-17", "abroad-07"}
    assert routes["05-15"].find(f"{SVG}title").text == "Ayacucho → Lima: 12"
    assert routes["17-17"].tag == f"{SVG}circle"
    texts = " ".join(t.text for t in root.iter(f"{SVG}text"))
    assert "Width: cases" in texts and "Ring: same department" in texts
    assert "Not drawn: 1 hidden, 1 unknown." in texts
    assert "Abroad" in texts and "AYA" in texts


def test_a_hidden_count_is_never_written():
    root = _svg({("05", "15"): None})
    assert not [g for g in root.iter() if g.get("class") == "flow"]
    assert "No route." in " ".join(t.text for t in root.iter(f"{SVG}text"))
