"""What the dashboard shows for a filter: headline figures, maps, drill-down by place, tables and hot spots.

Every number comes from the statistics engine (amparo.stats.engine); this module
only chooses the tables and turns them into printable ones.
"""

from dataclasses import replace

from django.utils.translation import get_language, gettext

from amparo.core import geography
from amparo.reports.domain.choropleth import Department
from amparo.reports.domain.numbers import format_int, format_percent, join_names
from amparo.reports.domain.presentation import Column, ReportTable
from amparo.reports.maps import department_maps
from amparo.reports.sentences import family_sentences, opening_sentence
from amparo.reports.tables import report_table, unit_label
from amparo.reports.trend import trend
from amparo.stats import engine
from amparo.stats.dimensions import dimension
from amparo.stats.domain.intervals import wilson_interval
from amparo.stats.engine import CaseFilter
from amparo.stats.presentation import protection_note

# Tables a dashboard user can see and download, besides "place" (the drill-down) and "hotspots".
DASHBOARD_DIMENSIONS = ("exploitation", "sex", "age_group", "relationship_group", "source")
DOWNLOADABLE = (
    "place",
    "hotspots",
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


def hotspots_table(filters: CaseFilter, suppress) -> ReportTable:
    """Districts ranked by family-facilitated cases: where parent-education programmes are most needed.

    Only districts with a family-facilitated case are listed: the districts of a table of those cases alone,
    so a district whose counts are hidden is listed because it has such cases, never merely because it has cases.
    """
    districts = engine.count_by("district", filters, suppress=suppress)
    family = engine.count_by("district", replace(filters, family_facilitated=True), suppress=suppress)
    all_cases = {r.key: r.count for r in districts.rows}
    listed = [r for r in family.rows if r.key != "unknown" and r.count != 0]
    ranked = sorted(listed, key=lambda r: (r.count is None, -(r.count or 0), r.key))
    rows, keys = [], []
    for r in ranked:
        if r.key not in all_cases:
            # Its cases perturbed to zero, the district is not listed: its part, kept within, is zero too.
            continue
        count, family = all_cases[r.key], r.count
        if family is not None and count is not None:
            family = min(family, count)  # two perturbed counts: the part kept within the whole
        share = low = high = None
        if family is not None and count:
            share = family / count
            low, high = wilson_interval(family, count)
        place = geography.place(r.key)
        rows.append(
            (
                place.name,
                geography.place(r.key[:4]).name,
                geography.place(r.key[:2]).name,
                family,
                count,
                share,
                low,
                high,
            )
        )
        keys.append(r.key)
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
