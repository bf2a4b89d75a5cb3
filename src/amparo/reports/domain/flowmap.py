"""A flow map of trafficking routes: where victims were recruited and where they were exploited, on the tile grid.

Each route between two places is a curved arrow from the place of recruitment to the place of exploitation,
as wide as its published count; a route within one department is a ring around its tile, as thick. Routes
whose count disclosure control hides, or with an end not known, are not drawn: the table beside the map says
what they are. Arrows curve to the right of their direction, so that the two directions between two places
stay apart.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from amparo.reports.domain.colours import INK
from amparo.reports.domain.svg_text import shorten, title_text, wrap
from amparo.reports.domain.tilemap import GAP, TILE, TILES

FLOW_COLOUR = "#3182bd"
LOOP_COLOUR = "#e6550d"
TILE_FILL = "#f4f6f9"
MIN_WIDTH = 1.5
MAX_WIDTH = 14.0
BEND = 0.18  # how far an arrow bows out, as a share of its length
ARROW = 9.0  # the shortest arrowhead; a wider arrow's head is longer, so that it still reads as one
LEGEND_SIZE = 11


@dataclass(frozen=True)
class FlowLine:
    origin: str
    destination: str
    count: int
    width: float
    start: tuple[float, float]
    control: tuple[float, float]  # of the quadratic curve
    end: tuple[float, float]  # where the line stops: the base of its arrowhead
    head: tuple[tuple[float, float], ...]  # the arrowhead's corners: its tip, then the two ends of its base


@dataclass(frozen=True)
class FlowLoop:
    place: str
    count: int
    width: float
    centre: tuple[float, float]
    radius: float


@dataclass(frozen=True)
class FlowGeometry:
    lines: tuple[FlowLine, ...]  # widest first, so that narrow ones are drawn over them
    loops: tuple[FlowLoop, ...]
    hidden: int  # routes whose count is hidden (None): not drawn
    unplaced: int  # routes with an end that has no position (unknown): not drawn
    largest: int  # the largest count drawn, the one MAX_WIDTH stands for


def flow_width(count: int, largest: int, min_width: float = MIN_WIDTH, max_width: float = MAX_WIDTH) -> float:
    """A line's width, in proportion to its count between the narrowest visible line and `max_width`."""
    if largest <= 0:
        return min_width
    return max(min_width, max_width * count / largest)


def flow_geometry(
    flows: Mapping[tuple[str, str], int | None],
    centres: Mapping[str, tuple[float, float]],
    *,
    clearance: float = TILE * 0.42,
    loop_radius: float = TILE * 0.36,
) -> FlowGeometry:
    """The lines and loops of `flows` ((origin, destination) -> published count; None when hidden, zero
    routes are not drawn) between places at `centres`. Lines start and stop `clearance` away from the
    centres, so that the tiles' labels stay readable and the arrowheads show."""
    drawn = {key: n for key, n in flows.items() if n and key[0] in centres and key[1] in centres}
    hidden = sum(1 for n in flows.values() if n is None)
    unplaced = sum(1 for key, n in flows.items() if n and (key[0] not in centres or key[1] not in centres))
    largest = max(drawn.values(), default=0)
    lines, loops = [], []
    for (origin, destination), count in sorted(drawn.items(), key=lambda item: (-item[1], item[0])):
        width = flow_width(count, largest)
        if origin == destination:
            loops.append(FlowLoop(origin, count, width, centres[origin], loop_radius))
            continue
        (x1, y1), (x2, y2) = centres[origin], centres[destination]
        length = math.hypot(x2 - x1, y2 - y1)
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        # The right-hand normal of the direction of travel (y grows downwards in SVG).
        nx, ny = -uy, ux
        bow = BEND * length
        control = ((x1 + x2) / 2 + nx * bow, (y1 + y2) / 2 + ny * bow)
        # Between neighbouring tiles a full clearance would leave no line to see.
        room = min(clearance, 0.2 * length)
        head_length, head_half = max(ARROW, 1.4 * width), max(ARROW / 2, 0.9 * width)
        start = _towards((x1, y1), control, room)
        tip = _towards((x2, y2), control, room)
        end = _towards(tip, control, head_length)
        hx, hy = tip[0] - end[0], tip[1] - end[1]
        size = math.hypot(hx, hy) or 1.0
        px, py = -hy / size * head_half, hx / size * head_half
        head = (tip, (end[0] + px, end[1] + py), (end[0] - px, end[1] - py))
        lines.append(FlowLine(origin, destination, count, width, start, control, end, head))
    return FlowGeometry(tuple(lines), tuple(loops), hidden, unplaced, largest)


def _towards(point: tuple[float, float], target: tuple[float, float], distance: float) -> tuple[float, float]:
    """`point` moved `distance` towards `target`."""
    dx, dy = target[0] - point[0], target[1] - point[1]
    length = math.hypot(dx, dy) or 1.0
    return point[0] + dx / length * distance, point[1] + dy / length * distance


ABROAD = "abroad"
# Where places abroad sit on the grid: the empty sea off the southern coast.
ABROAD_TILE = (0, 8)


def tile_centres(top: float = 0.0) -> dict[str, tuple[float, float]]:
    """The centre of each department's tile, and of the "abroad" box. Lima department's tile stands for the
    whole department (routes count departments): the Lima Metropolitana tile is not a place of its own here."""
    step = TILE + GAP
    centres = {code: (column * step + TILE / 2, top + row * step + TILE / 2) for code, column, row, _ in TILES}
    centres = {code: centre for code, centre in centres.items() if len(code) == 2}
    column, row = ABROAD_TILE
    centres[ABROAD] = (column * step + TILE / 2, top + row * step + TILE / 2)
    return centres


def _point(p: tuple[float, float]) -> str:
    return f"{p[0]:.1f} {p[1]:.1f}"


@dataclass(frozen=True)
class FlowMapText:
    """The words of the map, in the reader's language (the caller translates them)."""

    title: str
    abroad: str  # the box for places abroad
    loop: str  # what a ring means
    width: str  # what the width of a line means
    route: str  # a line's tooltip: "%(origin)s → %(destination)s: %(count)s"
    not_drawn: str  # "%(hidden)s routes hidden, %(unplaced)s with an unknown end: in the table only"
    empty: str  # when no route can be drawn


def flow_map(
    flows: Mapping[tuple[str, str], int | None],
    *,
    names: Mapping[str, str],
    text: FlowMapText,
    ident: str,
    format_count,
) -> str:
    """The SVG flow map of `flows` ((origin, destination) -> published count, None when hidden) over the
    department tiles; `names` labels the places in tooltips; `format_count` writes a count."""
    step = TILE + GAP
    columns = 1 + max(c for _, c, _, _ in TILES)
    rows = 1 + max(r for _, _, r, _ in TILES)
    grid_w = columns * step
    legend_w = 210.0
    width = grid_w + 24 + legend_w
    heading, title_height = title_text(text.title, width, INK)
    top = 30 + title_height
    centres = tile_centres(top)
    geometry = flow_geometry(flows, centres)
    height = top + rows * step
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="map flow-map" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{ident}-title" '
            f'font-family="system-ui, sans-serif"><title id="{ident}-title">{escape(text.title)}</title>{heading}'
        ),
    ]
    abbreviations = {code: abbreviation for code, _, _, abbreviation in TILES}
    labels = []
    for code, (cx, cy) in centres.items():
        label = shorten(text.abroad, TILE - 4, 10) if code == ABROAD else abbreviations[code]
        dashed = ' stroke-dasharray="4 3"' if code == ABROAD else ""  # not a place of Peru
        parts.append(
            f'<rect class="tile" data-code="{code}" x="{cx - TILE / 2:g}" y="{cy - TILE / 2:g}" width="{TILE}" '
            f'height="{TILE}" rx="4" fill="{TILE_FILL}" stroke="#8a94a6" stroke-width="0.8"{dashed}>'
            f"<title>{escape(names.get(code, code))}</title></rect>"
        )
        # Drawn over the routes, with a white halo, so that an arrow crossing a tile leaves its name readable.
        labels.append(
            f'<text x="{cx:g}" y="{cy + 4:g}" font-size="{10 if code == ABROAD else 12}" font-weight="600" '
            f'text-anchor="middle" fill="{INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke" '
            f'stroke-linejoin="round">{escape(label)}</text>'
        )
    for loop in geometry.loops:
        name = names.get(loop.place, loop.place)
        tip = text.route % {"origin": name, "destination": name, "count": format_count(loop.count)}
        parts.append(
            f'<circle class="flow-loop" data-route="{loop.place}-{loop.place}" cx="{loop.centre[0]:g}" '
            f'cy="{loop.centre[1]:g}" r="{loop.radius:g}" fill="none" stroke="{LOOP_COLOUR}" '
            f'stroke-opacity="0.75" stroke-width="{loop.width:.1f}"><title>{escape(tip)}</title></circle>'
        )
    for line in geometry.lines:
        tip = text.route % {
            "origin": names.get(line.origin, line.origin),
            "destination": names.get(line.destination, line.destination),
            "count": format_count(line.count),
        }
        head = " ".join(_point(p) for p in line.head)
        parts.append(
            f'<g class="flow" data-route="{line.origin}-{line.destination}"><title>{escape(tip)}</title>'
            f'<path d="M{_point(line.start)} Q{_point(line.control)} {_point(line.end)}" fill="none" '
            f'stroke="{FLOW_COLOUR}" stroke-opacity="0.7" stroke-width="{line.width:.1f}"/>'
            f'<polygon points="{head}" fill="{FLOW_COLOUR}"/></g>'
        )
    parts.extend(labels)
    parts.append(_legend(geometry, text, x=grid_w + 24, y=top + 6, width=legend_w, format_count=format_count))
    parts.append("</svg>")
    return "".join(parts)


def _legend(geometry: FlowGeometry, text: FlowMapText, *, x: float, y: float, width: float, format_count) -> str:
    """Sample widths with their counts, the ring, and what is not drawn."""
    parts = ['<g class="legend">']
    line_y = y

    def lines_of(words: str) -> None:
        nonlocal line_y
        for line in wrap(words, width, LEGEND_SIZE):
            line_y += 15
            parts.append(f'<text x="{x:g}" y="{line_y:g}" font-size="{LEGEND_SIZE}" fill="{INK}">{escape(line)}</text>')

    if not geometry.largest:
        lines_of(text.empty)
    else:
        lines_of(text.width)
        samples = sorted({geometry.largest, max(1, round(geometry.largest / 2)), max(1, round(geometry.largest / 10))})
        for count in reversed(samples):
            line_y += 20
            stroke = flow_width(count, geometry.largest)
            parts.append(
                f'<line x1="{x:g}" y1="{line_y - 4:g}" x2="{x + 44:g}" y2="{line_y - 4:g}" stroke="{FLOW_COLOUR}" '
                f'stroke-opacity="0.7" stroke-width="{stroke:.1f}"/>'
                f'<text x="{x + 56:g}" y="{line_y:g}" font-size="{LEGEND_SIZE}" fill="{INK}">'
                f"{escape(format_count(count))}</text>"
            )
        line_y += 26
        parts.append(
            f'<circle cx="{x + 12:g}" cy="{line_y - 4:g}" r="9" fill="none" stroke="{LOOP_COLOUR}" '
            f'stroke-opacity="0.75" stroke-width="3"/>'
        )
        for i, line in enumerate(wrap(text.loop, width - 32, LEGEND_SIZE)):
            parts.append(
                f'<text x="{x + 32:g}" y="{line_y + 15 * i:g}" font-size="{LEGEND_SIZE}" fill="{INK}">'
                f"{escape(line)}</text>"
            )
        line_y += 15 * (len(wrap(text.loop, width - 32, LEGEND_SIZE)) - 1) + 8
    if geometry.hidden or geometry.unplaced:
        lines_of(text.not_drawn % {"hidden": geometry.hidden, "unplaced": geometry.unplaced})
    parts.append("</g>")
    return "".join(parts)
