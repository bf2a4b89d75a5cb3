"""Cases by year, whatever years the filter chose: one trend for the dashboard, the report and the API."""

from dataclasses import dataclass, replace

from django.utils.translation import get_language, gettext

from amparo.registry.selectors import years_with_cases
from amparo.reports.domain.charts import Point, line_chart
from amparo.reports.domain.numbers import format_int, format_percent
from amparo.reports.domain.presentation import Graphic, ReportTable
from amparo.reports.tables import hidden_text, report_table
from amparo.stats import engine
from amparo.stats.engine import CaseFilter


@dataclass(frozen=True)
class Trend:
    table: ReportTable  # cases (or victims) per year, in order, with the total of those years
    cases: Graphic  # line chart of the count per year
    family_share: Graphic  # line chart of the family-facilitated share per year


def trend(filters: CaseFilter, unit: str = "cases", *, suppress, until: int | None = None) -> Trend:
    """The count per year of the filter's cases, whatever years it chose, from the registry's first year with
    cases to `until` (a report's year) or its last: the table and the charts show the same years, in order,
    a year without such cases as zero."""
    lang = get_language() or "en"
    span = years_with_cases()  # newest first
    last = until if until is not None else span[0] if span else None
    first = min(span[-1], last) if span else last
    shown = [] if last is None else [str(year) for year in range(first, last + 1)]
    years = engine.count_by("year", replace(filters, years=tuple(map(int, shown))), unit, suppress=suppress, keys=shown)
    years = replace(years, rows=tuple(sorted(years.rows, key=lambda r: r.key)))
    rows = years.rows
    counts = [Point(r.key, r.count, hidden_text() if r.count is None else format_int(r.count, lang)) for r in rows]
    shares = [
        Point(
            r.key,
            None if r.count is None or r.family_facilitated is None else r.family_facilitated / r.count,
            hidden_text()
            if r.count is None or r.family_facilitated is None
            else format_percent(r.family_facilitated / r.count, lang),
        )
        for r in rows
        if r.count != 0
    ]
    cases_title, share_title = gettext("Cases by year"), gettext("Family-facilitated share by year")
    return Trend(
        table=report_table(years, slug="trend", title=cases_title, chart=False),
        cases=Graphic(
            "trend-cases",
            cases_title,
            line_chart(
                counts,
                title=cases_title,
                ident="trend-cases",
                empty_text=gettext("No cases."),
                format_tick=lambda v: format_int(round(v), lang),
            ),
        ),
        family_share=Graphic(
            "trend-family",
            share_title,
            line_chart(
                shares,
                title=share_title,
                ident="trend-family",
                empty_text=gettext("No cases."),
                format_tick=lambda v: format_percent(v, lang),
            ),
        ),
    )
