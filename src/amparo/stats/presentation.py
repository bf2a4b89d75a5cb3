"""A Table as JSON-ready records or as an aligned terminal table (what `amparo stats` prints), and the note
every output prints on how its figures were protected."""

from django.utils.translation import gettext as _

from amparo.stats.dimensions import UNKNOWN, dimension
from amparo.stats.domain.protection import CELL_KEY, SUPPRESSION, Protection
from amparo.stats.domain.tables import TOTAL_KEY, Table

SHARE_DIGITS = 6


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, SHARE_DIGITS)


def protection_note(protection: Protection) -> str:
    """Whether and how figures were protected, in the active language: the line every channel prints."""
    if protection.method == CELL_KEY:
        return _(
            "Protected by cell-key perturbation (table %(table)s, max noise ±%(noise)d): every figure, totals "
            "included, carries a small noise of its own, the same every time it is asked for, so a table need not "
            "add up."
        ) % {"table": protection.table, "noise": protection.max_noise}
    if protection.method == SUPPRESSION:
        return _(
            "Counts from 1 to %(below)s are hidden (—) to protect victims, and so are other cells where needed "
            "so that no hidden count can be worked out from the totals."
        ) % {"below": protection.threshold - 1}
    return _("Exact figures, not protected: not for publication.")


def table_document(table: Table) -> dict:
    """The table as JSON: its protection, total and one record per row (`table_records`)."""
    return {
        "dimension": table.dimension,
        "unit": table.unit,
        "protection": table.protection.as_json(),
        "note": protection_note(table.protection),
        "total": table.total,
        "family_facilitated_total": table.family_facilitated_total,
        "rows": table_records(table),
    }


def table_records(table: Table) -> list[dict]:
    """One dict per row, then one for the total (code "total"): the group's label under the dimension's name,
    its code, the count under the unit's name and the family-facilitated count under "family_facilitated_" and
    the unit's name (so that the label of the family_facilitated dimension is not overwritten).

    Departments name their code "ubigeo" (the INEI code; null for unknown); other dimensions "code".
    """
    code_key = "ubigeo" if table.dimension == "department" else "code"
    family_key = f"family_facilitated_{table.unit}"
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
                family_key: row.family_facilitated,
                "suppressed": row.suppressed,
            }
        )
    records.append(
        {
            table.dimension: _("Total"),
            code_key: TOTAL_KEY,
            table.unit: table.total,
            "share": 1.0 if table.total else None,
            "ci_low": None,
            "ci_high": None,
            family_key: table.family_facilitated_total,
            "suppressed": table.total is None,
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
    if dimension(table.dimension).note:
        lines.append(str(dimension(table.dimension).note))
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
    else:
        lines.append(protection_note(table.protection))
    return "\n".join(lines)
