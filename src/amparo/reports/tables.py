"""Engine results turned into printable report tables, with their charts and notes, in the active language."""

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from amparo.linkage.selectors import latest_run
from amparo.reports.domain.charts import Bar, bar_chart
from amparo.reports.domain.numbers import format_int, format_percent
from amparo.reports.domain.presentation import Column, ReportTable
from amparo.stats.dimensions import dimension
from amparo.stats.domain.tables import TOTAL_KEY
from amparo.stats.engine import CrossTable, Table
from amparo.stats.presentation import protection_note

UNIT_LABELS = {"cases": _("cases (reports)"), "victims": _("victims (unique persons)")}
UNLINKED_VICTIMS = _("victims (unlinked records: no linkage run yet)")


def unit_label(unit: str) -> str:
    """The unit's name; "victims" before any linkage run says that it counts records, not people."""
    if unit == "victims" and latest_run() is None:
        return str(UNLINKED_VICTIMS)
    return str(UNIT_LABELS[unit])


def _lang() -> str:
    return get_language() or "en"


def hidden_text() -> str:
    return gettext("hidden")


def _notes(*notes: str) -> str:
    return " ".join(n for n in notes if n)


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def count_columns(dimension_title: str, unit: str) -> tuple[Column, ...]:
    counted = gettext("Cases") if unit == "cases" else gettext("Victims")
    return (
        Column("label", dimension_title, "text"),
        Column("count", counted, "count", gettext("Number counted in this group.")),
        Column("share", gettext("Share"), "share", gettext("Count divided by the total of the table.")),
        Column(
            "ci_low",
            gettext("95% CI, low"),
            "share",
            gettext("Lower bound of the share's Wilson confidence interval (95%)."),
        ),
        Column(
            "ci_high",
            gettext("95% CI, high"),
            "share",
            gettext("Upper bound of the share's Wilson confidence interval (95%)."),
        ),
        Column(
            "family_facilitated",
            gettext("Family-facilitated"),
            "count",
            gettext("Number in this group in which a relative or a member of the victim's household took part."),
        ),
        Column(
            "family_facilitated_share",
            gettext("Family-facilitated share"),
            "share",
            gettext("Family-facilitated count divided by the group's count."),
        ),
    )


def report_table(table: Table, *, slug: str, title: str | None = None, chart: bool = True) -> ReportTable:
    """A one-way engine table with its total row and bar chart."""
    lang = _lang()
    dim = dimension(table.dimension)
    rows = [
        (r.label, r.count, r.share, r.ci_low, r.ci_high, r.family_facilitated, _share(r.family_facilitated, r.count))
        for r in table.rows
    ]
    rows.append(
        (
            gettext("Total"),
            table.total,
            1.0 if table.total else None,
            None,
            None,
            table.family_facilitated_total,
            _share(table.family_facilitated_total, table.total),
        )
    )
    keys = [r.key for r in table.rows] + [TOTAL_KEY]
    multi = (
        gettext("A case can have several values here, so shares may add up to more than 100%.")
        if table.multi_valued
        else ""
    )
    title = title or str(dim.title)
    svg = ""
    if chart:
        bars = [
            Bar(
                r.label,
                r.count,
                hidden_text() if r.count is None else f"{format_int(r.count, lang)} ({format_percent(r.share, lang)})",
            )
            for r in table.rows
        ]
        svg = bar_chart(bars, title=title, ident=f"chart-{slug}", empty_text=gettext("No cases."))
    return ReportTable(
        slug=slug,
        title=title,
        definition=_notes(
            gettext("Number of %(unit)s for each value of “%(dimension)s”.")
            % {"unit": unit_label(table.unit), "dimension": dim.title},
            str(dim.note),
        ),
        unit=table.unit,
        unit_label=unit_label(table.unit),
        columns=count_columns(str(dim.title), table.unit),
        keys=tuple(keys),
        rows=tuple(rows),
        threshold=table.threshold,
        note=_notes(protection_note(table.protection), multi),
        chart=svg,
        protection=table.protection,
    )


def report_crosstab(table: CrossTable, *, slug: str, title: str, definition: str) -> ReportTable:
    """A two-way engine table with its margins as the last column and row."""
    rows_dim = dimension(table.row_dimension)
    columns = [Column("label", str(rows_dim.title), "text")]
    columns += [Column(f"c:{key}", label, "count") for key, label in zip(table.column_keys, table.column_labels)]
    columns.append(Column(TOTAL_KEY, gettext("Total"), "count"))
    rows = [(label, *cells, total) for label, cells, total in zip(table.row_labels, table.cells, table.row_totals)]
    rows.append((gettext("Total"), *table.column_totals, table.total))
    multi = dimension(table.row_dimension).multi_valued or dimension(table.column_dimension).multi_valued
    return ReportTable(
        slug=slug,
        title=title,
        definition=_notes(definition, str(rows_dim.note)),
        unit=table.unit,
        unit_label=unit_label(table.unit),
        columns=tuple(columns),
        keys=(*table.row_keys, TOTAL_KEY),
        rows=tuple(rows),
        threshold=table.threshold,
        protection=table.protection,
        note=_notes(
            protection_note(table.protection),
            gettext("Totals count each case once, so they can be smaller than the sum of a case's several values.")
            if multi
            else "",
        ),
    )
