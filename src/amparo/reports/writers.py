"""One entry point for every report format, used by the command and the web download."""

from amparo.reports.html_report import report_html
from amparo.reports.domain.json_report import report_json
from amparo.reports.domain.markdown_report import report_markdown
from amparo.reports.domain.presentation import AnnualReport
from amparo.reports.domain.tabular_files import write_xlsx

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
}


def render_report(report: AnnualReport, fmt: str) -> bytes:
    """The report's file content in one of FORMATS."""
    if fmt == "html":
        return report_html(report).encode("utf-8")
    if fmt == "json":
        return report_json(report).encode("utf-8")
    if fmt == "md":
        return report_markdown(report).encode("utf-8")
    if fmt == "xlsx":
        summary = [(report.labels["summary"], " ".join(report.sentences))]
        summary += [(f.label, "" if f.value is None else str(f.value)) for f in report.figures]
        summary += [(report.labels["unit"], report.unit_label)] + [(report.labels["notes"], n) for n in report.notes]
        return write_xlsx(report.tables, hidden=report.labels["hidden"], summary=summary,
                          summary_title=report.labels["summary"])
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def report_filename(report: AnnualReport, fmt: str) -> str:
    return f"amparo-report-{report.year}-{report.lang}.{FORMATS[fmt][1]}"
