"""What the dashboard shows for a filter: headline figures, maps, drill-down by place, tables and hot spots.

Every number comes from the statistics engine (amparo.stats.engine); this module
only chooses the tables and turns them into printable ones.
"""

from dataclasses import replace

from django.utils.translation import get_language, gettext, pgettext

from amparo.core import geography
from amparo.reports.domain.choropleth import Department
from amparo.reports.domain.comparison import YearChange, year_change, year_changes
from amparo.reports.domain.flowmap import ABROAD, FlowMapText, flow_map
from amparo.reports.domain.numbers import format_int, format_percent, join_names
from amparo.reports.domain.presentation import Column, Graphic, ReportTable
from amparo.reports.maps import department_maps
from amparo.reports.sentences import family_sentences, opening_sentence
from amparo.reports.tables import report_crosstab, report_table, unit_label
from amparo.reports.trend import trend
from amparo.stats import engine
from amparo.stats.dimensions import dimension
from amparo.stats.domain.intervals import wilson_interval
from amparo.stats.domain.tables import TOTAL_KEY
from amparo.stats.engine import CaseFilter
from amparo.stats.presentation import protection_note

# Tables a dashboard user can see and download, besides "place" (the drill-down), "hotspots" and "routes".
DASHBOARD_DIMENSIONS = ("exploitation", "sex", "age_group", "relationship_group", "source")
DOWNLOADABLE = (
    "place",
    "hotspots",
    "routes",
    *DASHBOARD_DIMENSIONS,
    "lima_area",
    "minor",
    "age_broad",
    "citizenship",
    "recruiter_relationship",
    "family_facilitated",
    "organised_network",
    "trafficking_status",
)


def place_table(filters: CaseFilter, level: str, suppress) -> ReportTable:
    return report_table(engine.count_by(level, filters, suppress=suppress), slug="place")


def dimension_table(name: str, filters: CaseFilter, suppress) -> ReportTable:
    return report_table(engine.count_by(name, filters, suppress=suppress), slug=name.replace("_", "-"))


def crosstab_table(rows: str, columns: str, filters: CaseFilter, suppress) -> ReportTable:
    """Cases by two dimensions, with row and column margins and the total (the cross-table page, its downloads
    and the statistics API's crosstab)."""
    table = engine.crosstab(rows, columns, filters, suppress=suppress)
    row_title, column_title = dimension(rows).title, dimension(columns).title
    return report_crosstab(
        table,
        slug=f"{rows}-{columns}".replace("_", "-"),
        title=f"{row_title} × {column_title}",
        definition=gettext("Number of %(unit)s for each value of “%(rows)s” (rows) and of “%(columns)s” (columns).")
        % {"unit": unit_label(table.unit), "rows": row_title, "columns": column_title},
    )


def comparison_table(name: str, filters: CaseFilter, suppress) -> ReportTable:
    """Cases by a dimension in each of the filter's two years (earlier first), with the change and the change
    in percent: each year's table protected as every dashboard table is, and the changes worked out from its
    published counts (reports.domain.comparison)."""
    earlier_year, later_year = filters.years
    d = dimension(name)
    earlier = engine.count_by(name, replace(filters, years=(earlier_year,)), suppress=suppress)
    later = engine.count_by(name, replace(filters, years=(later_year,)), suppress=suppress)
    changes = year_changes(earlier.counts, later.counts, d.order() if d.ordered else None)
    changes.append(year_change(TOTAL_KEY, earlier.total, later.total))
    labels = d.labels() | {TOTAL_KEY: gettext("Total")}

    def row(change: YearChange) -> tuple:
        return (labels.get(change.key, change.key), change.earlier, change.later, change.change, change.percent)

    counted = gettext("Cases") if later.unit == "cases" else gettext("Victims")
    columns = (
        Column("label", str(d.title), "text"),
        Column(f"y{earlier_year}", f"{counted} {earlier_year}", "count", gettext("Number counted in this group.")),
        Column(f"y{later_year}", f"{counted} {later_year}", "count", gettext("Number counted in this group.")),
        Column(
            "change",
            pgettext("year comparison", "Change"),  # the noun: elsewhere "Change" is a button
            "count",
            gettext("The later year's count minus the earlier year's; unknown when either count is hidden."),
        ),
        Column(
            "change_percent",
            gettext("Change (%)"),
            "share",
            gettext("The change divided by the earlier year's count; unknown when that count is 0 or hidden."),
        ),
    )
    multi = (
        gettext("A case can have several values here, so the counts may add up to more than the total.")
        if d.multi_valued
        else ""
    )
    return ReportTable(
        slug=f"compare-{name.replace('_', '-')}",
        title=gettext("%(dimension)s: %(earlier)s compared with %(later)s")
        % {"dimension": d.title, "earlier": earlier_year, "later": later_year},
        definition=" ".join(
            text
            for text in (
                gettext("Number of %(unit)s for each value of “%(dimension)s” in each year, and how it changed.")
                % {"unit": unit_label(later.unit), "dimension": d.title},
                str(d.note),
            )
            if text
        ),
        unit=later.unit,
        unit_label=unit_label(later.unit),
        columns=columns,
        keys=tuple(change.key for change in changes),
        rows=tuple(row(change) for change in changes),
        threshold=later.threshold,
        note=" ".join(text for text in (protection_note(later.protection), multi) if text),
        protection=later.protection,
    )


def hotspots_table(filters: CaseFilter, suppress) -> ReportTable:
    """Districts ranked by family-facilitated cases: where parent-education programmes are most needed.

    Only districts with a family-facilitated case are listed: the districts of a table of those cases alone,
    so a district whose counts are hidden is listed because it has such cases, never merely because it has cases.
    """
    districts = engine.count_by("district", filters, suppress=suppress)
    family = engine.count_by("district", replace(filters, family_facilitated=True), suppress=suppress)
    # A district not listed among all cases was published as zero (perturbed to it: suppression lists its
    # hidden rows), and its family-facilitated cases, a part of that whole, are then published as zero too.
    all_cases = {r.key: r.count for r in districts.rows}
    published = []
    for r in family.rows:
        count, family_count = all_cases.get(r.key, 0), r.count
        if family_count is not None and count is not None:
            family_count = min(family_count, count)  # two perturbed counts: the part kept within the whole
        if r.key != "unknown" and family_count != 0:
            published.append((r.key, family_count, count))
    ranked = sorted(published, key=lambda p: (p[1] is None, -(p[1] or 0), p[0]))
    rows, keys = [], []
    for key, family, count in ranked:
        share = low = high = None
        if family is not None and count:
            share = family / count
            low, high = wilson_interval(family, count)
        place = geography.place(key)
        rows.append(
            (
                place.name,
                geography.place(key[:4]).name,
                geography.place(key[:2]).name,
                family,
                count,
                share,
                low,
                high,
            )
        )
        keys.append(key)
    columns = (
        Column("district", gettext("District"), "text"),
        Column("province", gettext("Province"), "text"),
        Column("department", gettext("Department"), "text"),
        Column(
            "family_facilitated",
            gettext("Family-facilitated cases"),
            "count",
            gettext("Cases in which a relative or a member of the victim's household took part."),
        ),
        Column("count", gettext("All cases"), "count", gettext("All cases of the district.")),
        Column(
            "family_facilitated_share",
            gettext("Family-facilitated share"),
            "share",
            gettext("Family-facilitated cases divided by all cases of the district."),
        ),
        Column(
            "ci_low", gettext("95% CI, low"), "share", gettext("Lower bound of the Wilson confidence interval (95%).")
        ),
        Column(
            "ci_high", gettext("95% CI, high"), "share", gettext("Upper bound of the Wilson confidence interval (95%).")
        ),
    )
    return ReportTable(
        slug="hotspots",
        title=gettext("Hot spots of family-facilitated cases by district"),
        definition=" ".join(
            (
                gettext("Districts ranked by the number of cases in which a relative or household member took part."),
                str(dimension("district").note),
            )
        ),
        unit=districts.unit,
        unit_label=unit_label(districts.unit),
        columns=columns,
        keys=tuple(keys),
        rows=tuple(rows),
        threshold=districts.threshold,
        note=protection_note(districts.protection),
        protection=districts.protection,
    )


ROUTE_DIMENSIONS = ("recruitment_department", "exploitation_department")


def routes_crosstab(filters: CaseFilter, suppress) -> engine.CrossTable:
    """Cases by department of recruitment (rows) and of exploitation (columns), protected as `suppress` says."""
    return engine.crosstab(*ROUTE_DIMENSIONS, filters, suppress=suppress)


def routes_table(filters: CaseFilter, suppress, crosstab: engine.CrossTable | None = None) -> ReportTable:
    """The origin-destination table, as the routes page shows it and its downloads give it."""
    return report_crosstab(
        crosstab or routes_crosstab(filters, suppress),
        slug="routes",
        title=gettext("Routes: department of recruitment and department of exploitation"),
        definition=gettext(
            "Cases by the department where the victim was recruited (rows) and the department where the victim "
            "was exploited (columns)."
        ),
    )


def routes(filters: CaseFilter, suppress) -> dict:
    """The routes page: the origin-destination table and its flow map, both from one protected crosstab."""
    crosstab = routes_crosstab(filters, suppress)
    lang = get_language() or "en"
    flows = {
        (origin, destination): crosstab.cells[i][j]
        for i, origin in enumerate(crosstab.row_keys)
        for j, destination in enumerate(crosstab.column_keys)
    }
    names = {p.ubigeo: p.name for p in geography.departments()} | {ABROAD: gettext("Abroad")}
    title = gettext("Routes of trafficking, from department of recruitment to department of exploitation")
    text = FlowMapText(
        title=title,
        abroad=gettext("Abroad"),
        loop=gettext("Ring: recruited and exploited in the same department"),
        width=gettext("Width of an arrow: cases on the route"),
        route=gettext("%(origin)s → %(destination)s: %(count)s"),
        not_drawn=gettext(
            "Not drawn, in the table only: %(hidden)s routes with a hidden count, %(unplaced)s with an unknown end."
        ),
        empty=gettext("No route with a known place of recruitment and of exploitation."),
    )
    svg = flow_map(flows, names=names, text=text, ident="routes-map", format_count=lambda n: format_int(n, lang))
    return {
        "routes": routes_table(filters, suppress, crosstab),
        "map": Graphic("routes-map", title, svg),
        "protection_note": protection_note(crosstab.protection),
    }


def headline_json(figures: engine.Headline) -> dict:
    """The headline figures as the JSON API gives them, every word in the request's language."""
    return {
        "unit": figures.unit,
        "total": {
            "value": figures.total,
            "label": gettext("Cases registered") if figures.unit == "cases" else gettext("Victims registered"),
            "definition": gettext("Cases (reports) registered in the selected years and filters.")
            if figures.unit == "cases"
            else gettext("Unique persons with a case registered in the selected years and filters."),
        },
        "family_facilitated": {
            "value": figures.family_facilitated,
            "label": gettext("Family-facilitated cases"),
            "definition": gettext("Cases in which a relative or a member of the victim's household took part."),
        },
        "family_facilitated_share": {
            "value": figures.family_facilitated_share,
            "ci95": figures.family_facilitated_ci,
            "label": gettext("Family-facilitated share"),
            "definition": gettext(
                "Family-facilitated cases divided by all cases, with its Wilson confidence interval (95%)."
            ),
        },
        "top_departments": [
            {"key": r.key, "label": r.label, "count": r.count, "share": r.share, "ci95": [r.ci_low, r.ci_high]}
            for r in figures.top_departments
        ],
    }


def year_sentences(filters: CaseFilter, headline: engine.Headline) -> list[str]:
    """The report's sentences when one year is chosen (they speak of a year), saying which cases they count:
    those of the chosen place, and those matching the other filters."""
    if len(filters.years) != 1:
        return []
    year, departments = filters.years[0], headline.departments
    codes = filters.districts or filters.provinces or filters.departments
    place = join_names([geography.place_name(code) for code in codes], get_language() or "en")
    others = replace(filters, years=(), departments=(), provinces=(), districts=())
    filtered = bool(others.as_dict())
    return [opening_sentence(year, departments, place=place, filtered=filtered)] + (
        family_sentences(year, departments, place=place) if departments.total else []
    )


def overview(
    filters: CaseFilter,
    place_level: str,
    suppress,
    links: dict[str, str] | None = None,
    boundaries: tuple[Department, ...] | None = None,
) -> dict:
    """Everything the dashboard's main page shows; `links` make the maps' departments drill down; the maps
    are drawn on `boundaries`, or on the tile grid without them (maps.boundaries_for)."""
    figures = engine.headline(filters, suppress=suppress)
    departments = figures.departments
    lima = engine.count_by("lima_area", filters, suppress=suppress)
    lang = get_language() or "en"
    return {
        "headline": figures,
        "headline_text": {
            "total": "—" if figures.total is None else format_int(figures.total, lang),
            "family": "—" if figures.family_facilitated is None else format_int(figures.family_facilitated, lang),
            "share": "—"
            if figures.family_facilitated_share is None
            else format_percent(figures.family_facilitated_share, lang),
            "ci_label": gettext("95% CI"),
            "ci": ""
            if figures.family_facilitated_ci is None
            else " – ".join(format_percent(v, lang, 1) for v in figures.family_facilitated_ci),
            "top": [(r.label, format_percent(r.share, lang)) for r in figures.top_departments],
        },
        "sentences": year_sentences(filters, figures),
        "maps": department_maps(departments, lima, boundaries, links=links),
        "place": report_table(departments, slug="place")
        if place_level == "department"
        else place_table(filters, place_level, suppress),
        "tables": [dimension_table(name, filters, suppress) for name in DASHBOARD_DIMENSIONS],
        "trend": trend(filters, suppress=suppress).cases,
        "protection_note": protection_note(engine.protection(suppress)),
    }
