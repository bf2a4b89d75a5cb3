"""Cases by year, whatever years the filter chose: one trend for the dashboard, the report and the API."""

from dataclasses import dataclass, replace

from django.utils.translation import get_language, gettext

from amparo.reports.domain.charts import Point, line_chart
from amparo.reports.domain.numbers import format_int, format_percent
from amparo.reports.domain.presentation import Graphic, ReportTable
from amparo.reports.tables import hidden_text, report_table
from amparo.stats import engine
from amparo.stats.engine import CaseFilter


@dataclass(frozen=True)
class Trend:
    table: ReportTable  # cases (or victims) per year with data, with its total
    cases: Graphic  # line chart of the count per year
    family_share: Graphic  # line chart of the family-facilitated share per year


def trend(filters: CaseFilter, unit: str = "cases", *, suppress, until: int | None = None) -> Trend:
    """The count per year of the filter's cases in every year; the charts stop at `until` (a report's year)."""
    lang = get_language() or "en"
    years = engine.count_by("year", replace(filters, years=()), unit, suppress=suppress)
    rows = sorted(
        (r for r in years.rows if r.key.isdigit() and (until is None or int(r.key) <= until)), key=lambda r: r.key
    )
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
