"""The report as Markdown: sentences, key figures and every table (charts and maps live in HTML)."""

from amparo.reports.domain.presentation import AnnualReport, ReportTable, format_cell


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table_markdown(table: ReportTable, lang: str, hidden: str = "—") -> str:
    lines = [f"### {_escape(table.title)}", "", _escape(table.definition), ""]
    lines.append("| " + " | ".join(_escape(c.label) for c in table.columns) + " |")
    lines.append("|" + "|".join("---" if c.kind == "text" else "---:" for c in table.columns) + "|")
    for row in table.rows:
        lines.append(
            "| " + " | ".join(_escape(format_cell(v, c.kind, lang, hidden)) for c, v in zip(table.columns, row)) + " |"
        )
    if table.note:
        lines += ["", f"*{_escape(table.note)}*"]
    return "\n".join(lines) + "\n"


def report_markdown(report: AnnualReport) -> str:
    labels = report.labels
    out = [f"# {report.title}", ""]
    out += [f"**{labels['summary']}.** " + " ".join(report.sentences), ""]
    out += [
        f"## {labels['figures']}",
        "",
        f"| {labels['figure']} | {labels['value']} | {labels['ci']} |",
        "|---|---:|---:|",
    ]
    for figure in report.figures:
        ci = "" if not figure.ci95 else " – ".join(format_cell(v, "share", report.lang) for v in figure.ci95)
        out.append(f"| {_escape(figure.label)} | {format_cell(figure.value, figure.kind, report.lang)} | {ci} |")
    out += ["", f"## {labels['tables']}", ""]
    for table in report.tables:
        out += [table_markdown(table, report.lang)]
    out += [f"## {labels['notes']}", ""]
    out += [f"- {labels['unit']}: {report.unit_label}"] + [f"- {_escape(n)}" for n in report.notes]
    out += [
        f"- {labels['generated']}: {report.generated}",
        f"- {labels['filters']}: `{report.filters_text}`",
        f"- {labels['revision']}: `{report.provenance.get('registry_revision', '')}`",
        "",
        labels["methods"],
        "",
        labels["credit"],
        "",
    ]
    return "\n".join(out)
