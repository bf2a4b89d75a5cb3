"""The report as one self-contained HTML file (a Django template): its own print stylesheet, inline SVG, nothing fetched."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from amparo.reports.domain.presentation import AnnualReport, ReportTable, format_cell


def formatted_rows(table: ReportTable, lang: str, hidden: str) -> list[dict]:
    """Rows as the templates print them: text of each cell and whether it is a number."""
    rows = []
    for key, row in zip(table.keys, table.rows):
        rows.append(
            {
                "key": key,
                "is_total": key == "total",
                "cells": [
                    {"text": format_cell(v, c.kind, lang, hidden), "number": c.kind != "text", "hidden": v is None}
                    for c, v in zip(table.columns, row)
                ],
            }
        )
    return rows


def report_html(report: AnnualReport) -> str:
    hidden = "—"
    tables = [
        {"table": t, "rows": formatted_rows(t, report.lang, hidden), "chart": mark_safe(t.chart)} for t in report.tables
    ]
    figures = [
        {
            "figure": f,
            "text": format_cell(f.value, f.kind, report.lang, hidden),
            "ci": " – ".join(format_cell(v, "share", report.lang) for v in f.ci95) if f.ci95 else "",
        }
        for f in report.figures
    ]
    return render_to_string(
        "reports/annual_report.html",
        {
            "report": report,
            "labels": report.labels,
            "figures": figures,
            "tables": tables,
            "maps": [{"graphic": g, "svg": mark_safe(g.svg)} for g in report.maps],
            "charts": [{"graphic": g, "svg": mark_safe(g.svg)} for g in report.charts],
        },
    )
