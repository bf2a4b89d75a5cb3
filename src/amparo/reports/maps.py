"""The department maps of a report or dashboard: cases and family-facilitated share, as tiles or boundaries."""

from django.utils.translation import get_language, gettext

from amparo.core import geography
from amparo.core.geography import LIMA_METROPOLITANA
from amparo.reports.domain.choropleth import Department, choropleth
from amparo.reports.domain.colours import SHARE_SCALE, count_scale
from amparo.reports.domain.numbers import format_int, format_percent
from amparo.reports.domain.presentation import Graphic
from amparo.reports.domain.tilemap import tile_map
from amparo.stats.engine import Table


def _names() -> dict[str, str]:
    names = {p.ubigeo: p.name for p in geography.departments()}
    names[geography.LIMA_DEPARTMENT] = gettext("Lima (rest of the department)")
    names[LIMA_METROPOLITANA] = gettext("Lima Metropolitana")
    return names


def _share(count: int | None, family: int | None) -> float | None:
    if count is None or family is None:
        return None
    return family / count if count else 0.0


def tile_values(departments: Table, lima_areas: Table) -> tuple[dict, dict]:
    """(cases, family-facilitated share) by tile: Lima department split into Metropolitana and the rest."""
    cases, shares = {}, {}
    for row in departments.rows:
        if row.key != "unknown":
            cases[row.key], shares[row.key] = row.count, _share(row.count, row.family_facilitated)
    for area, code in (("metropolitana", LIMA_METROPOLITANA), ("provincias", geography.LIMA_DEPARTMENT)):
        row = next((r for r in lima_areas.rows if r.key == area), None)
        cases.pop(code, None)
        shares.pop(code, None)
        if row is not None:
            cases[code], shares[code] = row.count, _share(row.count, row.family_facilitated)
    return cases, shares


def department_maps(
    departments: Table,
    lima_areas: Table,
    boundaries: tuple[Department, ...] | None = None,
    ident: str = "map",
    links: dict[str, str] | None = None,
) -> tuple[Graphic, ...]:
    """Two maps (cases; family-facilitated share), on the tile grid or, given boundaries, as a choropleth.

    `links` (tile code -> URL) makes the tiles links, for the dashboard's drill-down.
    """
    lang = get_language() or "en"
    common = {"zero_label": gettext("no cases"), "hidden_label": gettext("hidden")}
    tile_links = {"links": links} if links else {}
    count_title = gettext("Cases by department")
    share_title = gettext("Family-facilitated share by department")

    def as_count(v):
        return format_int(int(v), lang)

    def as_share(v):
        return format_percent(v, lang)

    if boundaries is None:
        cases, shares = tile_values(departments, lima_areas)
        names = _names()
        return (
            Graphic(
                f"{ident}-cases",
                count_title,
                tile_map(
                    cases,
                    names=names,
                    scale=count_scale(list(cases.values())),
                    title=count_title,
                    ident=f"{ident}-cases",
                    format_value=as_count,
                    format_bound=as_count,
                    **common,
                    **tile_links,
                ),
            ),
            Graphic(
                f"{ident}-family",
                share_title,
                tile_map(
                    shares,
                    names=names,
                    scale=SHARE_SCALE,
                    title=share_title,
                    absent_text="·",
                    ident=f"{ident}-family",
                    format_value=as_share,
                    format_bound=as_share,
                    **common,
                    **tile_links,
                ),
            ),
        )
    cases = {r.key: r.count for r in departments.rows if r.key != "unknown"}
    shares = {r.key: _share(r.count, r.family_facilitated) for r in departments.rows if r.key != "unknown"}
    names = {p.ubigeo: p.name for p in geography.departments()}
    return (
        Graphic(
            f"{ident}-cases",
            count_title,
            choropleth(
                boundaries,
                cases,
                names=names,
                scale=count_scale(list(cases.values())),
                title=count_title,
                ident=f"{ident}-cases",
                format_value=as_count,
                format_bound=as_count,
                **common,
            ),
        ),
        Graphic(
            f"{ident}-family",
            share_title,
            choropleth(
                boundaries,
                shares,
                names=names,
                scale=SHARE_SCALE,
                title=share_title,
                absent_text="·",
                ident=f"{ident}-family",
                format_value=as_share,
                format_bound=as_share,
                **common,
            ),
        ),
    )
