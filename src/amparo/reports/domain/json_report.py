"""The report as JSON data: every figure with its definition and unit, hidden cells as null."""

from amparo.reports.domain.presentation import AnnualReport, ReportTable


def table_json(table: ReportTable) -> dict:
    return {
        "slug": table.slug,
        "title": table.title,
        "definition": table.definition,
        "unit": table.unit,
        "unit_label": table.unit_label,
        "suppression_threshold": table.threshold,
        "protection": table.protection.as_json(),
        "note": table.note,
        "columns": [
            {"key": c.key, "label": c.label, "kind": c.kind, "definition": c.definition} for c in table.columns
        ],
        "rows": [
            {"key": key, **{c.key: value for c, value in zip(table.columns, row)}}
            for key, row in zip(table.keys, table.rows)
        ],
    }


def report_json(report: AnnualReport) -> dict:
    return {
        "title": report.title,
        "year": report.year,
        "language": report.lang,
        "unit": report.unit,
        "unit_label": report.unit_label,
        "generated": report.generated,
        "provenance": report.provenance,
        "synthetic": report.synthetic,
        "suppression_threshold": report.threshold,
        "protection": report.protection.as_json(),
        "notes": list(report.notes),
        "sentences": list(report.sentences),
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "value": f.value,
                "kind": f.kind,
                "definition": f.definition,
                "unit": report.unit,
                "ci95": list(f.ci95) if f.ci95 else None,
            }
            for f in report.figures
        ],
        "tables": [table_json(t) for t in report.tables],
        "credit": report.labels.get("credit", ""),
    }
