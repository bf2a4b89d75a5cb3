"""The department maps of a report or dashboard: cases, family-facilitated share and hot spots, drawn on
Peru's department boundaries (the default) or on the tile grid.

The boundaries draw departments (Lima Metropolitana within Lima, as INEI's limits have it); the tile grid
gives Lima Metropolitana a tile of its own.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from django.utils.translation import get_language, gettext

from amparo.core import geography
from amparo.core.geography import LIMA_METROPOLITANA
from amparo.reports.domain.choropleth import Department, choropleth, peru_departments
from amparo.reports.domain.colours import SHARE_SCALE, Scale, count_scale
from amparo.reports.domain.numbers import format_int, format_percent
from amparo.reports.domain.presentation import Graphic
from amparo.reports.domain.tilemap import tile_map
from amparo.stats.engine import Table

BOUNDARIES, TILES = "boundaries", "tiles"
MAP_KINDS = (BOUNDARIES, TILES)


def boundaries_for(kind: str, supplied: tuple[Department, ...] | None = None) -> tuple[Department, ...] | None:
    """What `department_maps` draws on for a kind of map: boundaries (those supplied, else the ones Amparo
    ships), or None for the tile grid."""
    if kind not in MAP_KINDS:
        raise ValueError(f"unknown kind of map {kind!r}; expected one of {', '.join(MAP_KINDS)}")
    return None if kind == TILES else supplied or peru_departments()


def _names(tiles: bool) -> dict[str, str]:
    names = {p.ubigeo: p.name for p in geography.departments()}
    if tiles:
        names[geography.LIMA_DEPARTMENT] = gettext("Lima (rest of the department)")
        names[LIMA_METROPOLITANA] = gettext("Lima Metropolitana")
    else:
        names[geography.LIMA_DEPARTMENT] = gettext("Lima, Lima Metropolitana included")
    return names


def _share(count: int | None, family: int | None) -> float | None:
    if count is None or family is None:
        return None
    return family / count if count else 0.0


def department_values(departments: Table) -> tuple[dict, dict]:
    """(cases, family-facilitated share) by department code."""
    rows = [r for r in departments.rows if r.key != "unknown"]
    return {r.key: r.count for r in rows}, {r.key: _share(r.count, r.family_facilitated) for r in rows}


def tile_values(departments: Table, lima_areas: Table) -> tuple[dict, dict]:
    """(cases, family-facilitated share) by tile: Lima department split into Metropolitana and the rest."""
    cases, shares = department_values(departments)
    for area, code in (("metropolitana", LIMA_METROPOLITANA), ("provincias", geography.LIMA_DEPARTMENT)):
        row = next((r for r in lima_areas.rows if r.key == area), None)
        cases.pop(code, None)
        shares.pop(code, None)
        if row is not None:
            cases[code], shares[code] = row.count, _share(row.count, row.family_facilitated)
    return cases, shares


def districts_by_area(districts: Iterable[str], tiles: bool) -> dict[str, int]:
    """How many of `districts` (6-digit ubigeo) lie in each department, or each tile (Lima Metropolitana,
    province 1501, apart from the rest of Lima)."""
    return dict(
        Counter(LIMA_METROPOLITANA if tiles and code.startswith(LIMA_METROPOLITANA) else code[:2] for code in districts)
    )


def _draw(
    boundaries: tuple[Department, ...] | None,
    values: Mapping[str, float | None],
    *,
    ident: str,
    title: str,
    scale: Scale,
    formatter: Callable[[float], str],
    zero_label: str,
    absent_text: str | None = None,
    links: Mapping[str, str] | None = None,
) -> Graphic:
    """One map, on the boundaries or, without them, on the tile grid."""
    common = {
        "names": _names(boundaries is None),
        "scale": scale,
        "title": title,
        "ident": ident,
        "format_value": formatter,
        "format_bound": formatter,
        "zero_label": zero_label,
        "hidden_label": gettext("not published"),
        "absent_text": absent_text,
        "links": links,
    }
    svg = tile_map(values, **common) if boundaries is None else choropleth(boundaries, values, **common)
    return Graphic(ident, title, svg)


def _as_count(value: float) -> str:
    return format_int(int(value), get_language() or "en")


def _as_share(value: float) -> str:
    return format_percent(value, get_language() or "en")


def department_maps(
    departments: Table,
    lima_areas: Table,
    boundaries: tuple[Department, ...] | None = None,
    ident: str = "map",
    links: Mapping[str, str] | None = None,
) -> tuple[Graphic, ...]:
    """Two maps (cases; family-facilitated share), on the tile grid or, given boundaries, as a choropleth.

    `links` (department or tile code -> URL) makes the departments links, for the dashboard's drill-down.
    """
    if boundaries is None:
        cases, shares = tile_values(departments, lima_areas)
    else:
        cases, shares = department_values(departments)
    return (
        _draw(
            boundaries,
            cases,
            ident=f"{ident}-cases",
            title=gettext("Cases by department"),
            scale=count_scale(list(cases.values())),
            formatter=_as_count,
            zero_label=gettext("no cases"),
            links=links,
        ),
        _draw(
            boundaries,
            shares,
            ident=f"{ident}-family",
            title=gettext("Family-facilitated share by department"),
            scale=SHARE_SCALE,
            formatter=_as_share,
            zero_label=gettext("no cases"),
            absent_text="·",
            links=links,
        ),
    )


def hotspot_map(
    districts: Iterable[str],
    boundaries: tuple[Department, ...] | None = None,
    ident: str = "hotspots-map",
    links: Mapping[str, str] | None = None,
) -> Graphic:
    """The departments that hold hot spots, coloured by how many of the hot-spot `districts` each holds.

    The number of districts is read off the published list (every listed district counts once), so it
    needs no protection of its own and is never hidden."""
    values = districts_by_area(districts, tiles=boundaries is None)
    return _draw(
        boundaries,
        values,
        ident=ident,
        title=gettext("Districts with family-facilitated cases, by department"),
        scale=count_scale(list(values.values())),
        formatter=_as_count,
        zero_label=gettext("none"),
        links=links,
    )
