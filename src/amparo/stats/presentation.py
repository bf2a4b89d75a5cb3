"""A Table as JSON-ready records or as an aligned terminal table (what `amparo stats` prints)."""

from django.utils.translation import gettext as _

from amparo.stats.dimensions import UNKNOWN, dimension
from amparo.stats.domain.tables import Table

SHARE_DIGITS = 6


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, SHARE_DIGITS)


def table_records(table: Table) -> list[dict]:
    """One dict per row: the group's label under the dimension's name, its code, the count under the unit's name.

    Departments name their code "ubigeo" (the INEI code); other dimensions "code".
    """
    code_key = "ubigeo" if table.dimension == "department" else "code"
    records = []
    for row in table.rows:
        code = None if (row.key == UNKNOWN and code_key == "ubigeo") else row.key
        records.append(
            {
                table.dimension: row.label,
                code_key: code,
                table.unit: row.count,
                "share": _rounded(row.share),
                "ci_low": _rounded(row.ci_low),
                "ci_high": _rounded(row.ci_high),
                "family_facilitated": row.family_facilitated,
                "suppressed": row.suppressed,
            }
        )
    return records


def _cell(value, hidden: bool) -> str:
    return "*" if hidden else str(value)


def _percent(value: float | None) -> str:
    return "*" if value is None else f"{100 * value:.1f}%"


def render_terminal(table: Table) -> str:
    """An aligned plain-text table with its total and notes, in the active language."""
    unit_title = _("Cases") if table.unit == "cases" else _("Victims")
    header = [
        str(dimension(table.dimension).title),
        _("Code"),
        unit_title,
        _("Share"),
        _("95% CI"),
        _("Family-facilitated"),
    ]
    body = []
    for row in table.rows:
        interval = "*" if row.suppressed else f"{100 * row.ci_low:.1f}–{100 * row.ci_high:.1f}%"
        body.append(
            [
                row.label,
                row.key,
                _cell(row.count, row.suppressed),
                _percent(row.share),
                interval,
                _cell(row.family_facilitated, row.family_facilitated_suppressed),
            ]
        )
    total = "*" if table.total is None else str(table.total)
    family_total = "*" if table.family_facilitated_total is None else str(table.family_facilitated_total)
    footer = [_("Total"), "", total, "100.0%" if table.total else "", "", family_total]
    widths = [max(len(line[i]) for line in [header, *body, footer]) for i in range(len(header))]
    numeric = {2, 3, 4, 5}

    def line(cells: list[str]) -> str:
        padded = (c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    lines = [line(header), rule, *map(line, body), rule, line(footer)]
    if table.multi_valued:
        lines.append(_("A case may have several values: shares are of all cases and may add up to more than 100%."))
    if table.threshold is not None:
        lines.append(
            _(
                "* hidden: fewer than %(threshold)d, or hidden so that such a count cannot be worked out "
                "from the totals."
            )
            % {"threshold": table.threshold}
        )
    return "\n".join(lines)
