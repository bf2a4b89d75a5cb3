"""A choropleth of Peru's departments from boundaries in GeoJSON.

Amparo ships INEI's department limits (reports/data/peru_departments.geojson,
MPL-2.0, see the NOTICE beside it); an administrator may supply others. Each
feature must carry FIRST_IDDP (the 2-digit INEI department code) and NOMBDEP
(its name), as INEI's department limits do. Polygons are projected
equirectangularly, with longitudes shrunk by the cosine of the middle
latitude so that Peru keeps its shape, and written as SVG paths.
"""

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path

from amparo.reports.domain.colours import (
    INK,
    ZERO_FILL,
    Scale,
    hatch_pattern,
    hatched,
    legend,
    legend_height,
    legend_width,
)
from amparo.reports.domain.svg_text import title_text

CODE_PROPERTY = "FIRST_IDDP"
NAME_PROPERTY = "NOMBDEP"
_CODE = re.compile(r"^\d{2}$")


class BoundaryError(ValueError):
    """The boundary file cannot be read as department polygons."""


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]  # polygons -> rings -> (lon, lat)


def load_boundaries(path: str | Path) -> tuple[Department, ...]:
    """Read and check a GeoJSON FeatureCollection of departments; BoundaryError says what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BoundaryError(f"boundary file {path} does not exist")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryError(f"boundary file {path} is not GeoJSON: {error}") from None
    return parse_boundaries(data, source=str(path))


def parse_boundaries(data: object, source: str = "GeoJSON") -> tuple[Department, ...]:
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryError(f"{source}: expected a GeoJSON FeatureCollection")
    departments = []
    for number, feature in enumerate(data["features"], start=1):
        properties = (feature or {}).get("properties") or {}
        code, name = properties.get(CODE_PROPERTY), properties.get(NAME_PROPERTY)
        if code is None or name is None:
            raise BoundaryError(
                f"{source}: feature {number} lacks the property {CODE_PROPERTY if code is None else NAME_PROPERTY} "
                f"(each feature needs {CODE_PROPERTY}, the 2-digit department code, and {NAME_PROPERTY}, its name)"
            )
        code = str(code).zfill(2)
        if not _CODE.match(code):
            raise BoundaryError(
                f"{source}: feature {number} has {CODE_PROPERTY}={properties[CODE_PROPERTY]!r}; expected a 2-digit department code"
            )
        geometry = feature.get("geometry") or {}
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind == "Polygon":
            polygons = [coordinates]
        elif kind == "MultiPolygon":
            polygons = coordinates
        else:
            raise BoundaryError(
                f"{source}: feature {number} ({name}) has geometry {kind!r}; expected Polygon or MultiPolygon"
            )
        try:
            shaped = tuple(
                tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in polygon) for polygon in polygons
            )
        except (TypeError, ValueError, IndexError):
            raise BoundaryError(f"{source}: feature {number} ({name}) has malformed coordinates") from None
        departments.append(Department(code, str(name), shaped))
    if not departments:
        raise BoundaryError(f"{source}: the FeatureCollection has no features")
    return tuple(departments)


@cache
def peru_departments() -> tuple[Department, ...]:
    """The department boundaries shipped with Amparo, read once per process."""
    text = resources.files("amparo.reports").joinpath("data", "peru_departments.geojson").read_text("utf-8")
    return parse_boundaries(json.loads(text), source="peru_departments.geojson")


def _projector(departments: tuple[Department, ...], width: float):
    points = [p for d in departments for polygon in d.polygons for ring in polygon for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((north + south) / 2))
    scale = width / max((east - west) * shrink, 1e-9)
    height = (north - south) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * shrink * scale, (north - lat) * scale

    return project, height


def choropleth(
    departments: tuple[Department, ...],
    values: Mapping[str, float | None],
    *,
    names: Mapping[str, str],
    scale: Scale,
    title: str,
    ident: str,
    format_value: Callable[[float], str],
    format_bound: Callable[[float], str],
    zero_label: str,
    hidden_label: str,
    absent_text: str | None = None,
    links: Mapping[str, str] | None = None,
    width: float = 420,
) -> str:
    """The SVG map. `values` by department code: None means not published (hidden by disclosure control),
    drawn hatched, never as a count; absent means zero, or no cases at all when `absent_text` is given.
    `links` (department code -> URL) makes departments links (the dashboard's drill-down)."""
    project, map_height = _projector(departments, width)
    edge = 1  # room for half the outline's stroke at the map's west and north edges
    total_w = edge + width + 20 + max(160, legend_width(scale, format_bound, zero_label, hidden_label))
    heading, title_height = title_text(title, total_w, INK)
    top = 30 + title_height
    # The legend may be taller than a flat map (boundaries an administrator supplies).
    total_h = top + max(map_height, 10 + legend_height()) + 2 * edge
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="map choropleth" viewBox="0 0 {total_w:.0f} {total_h:.0f}" '
            f'width="{total_w:.0f}" height="{total_h:.0f}" role="img" aria-labelledby="{ident}-title" font-family="system-ui, sans-serif">'
            f'<title id="{ident}-title">{escape(title)}</title>{hatch_pattern(ident)}{heading}'
            f'<g transform="translate({edge} {top + edge:g})">'
        )
    ]
    for department in departments:
        absent = department.code not in values and absent_text is not None
        value = values.get(department.code, 0)
        hidden = value is None and not absent
        shown = absent_text if absent else hidden_label if hidden else format_value(value)
        fill = ZERO_FILL if absent else hatched(ident) if hidden else scale.fill(value)
        path = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(*p) for p in ring)) + " Z"
            for polygon in department.polygons
            for ring in polygon
        )
        name = names.get(department.code, department.name)
        status = " hidden" if hidden else ""
        shape = (
            f'<path class="department{status}" data-code="{department.code}" d="{path}" fill="{fill}" '
            f'fill-rule="evenodd" stroke="#5b6475" stroke-width="0.6"><title>{escape(name)}: {escape(shown)}</title></path>'
        )
        if links and department.code in links:
            shape = f'<a href="{escape(links[department.code])}">{shape}</a>'
        parts.append(shape)
    parts.append("</g>")
    parts.append(
        legend(
            scale,
            x=edge + width + 20,
            y=top + 10,
            format_bound=format_bound,
            zero_label=zero_label,
            hidden_label=hidden_label,
            hidden_fill=hatched(ident),
        )
    )
    parts.append("</svg>")
    return "".join(parts)
