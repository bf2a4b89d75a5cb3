"""Every file the reports write, for the command and the web downloads: the annual report and the dashboard's
tables. Spreadsheet and JSON files are written by core.tabular_files, which neutralises formulas."""

from django.utils.translation import gettext

from amparo.core.tabular_files import PROVENANCE, json_bytes
from amparo.reports.domain.json_report import report_json, table_json
from amparo.reports.domain.markdown_report import report_markdown
from amparo.reports.domain.pdf_report import PdfUnavailable, html_to_pdf
from amparo.reports.domain.presentation import AnnualReport, ReportTable
from amparo.reports.domain.tabular_files import write_csv, write_xlsx
from amparo.reports.html_report import report_html

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
}
# Formats that are not text: written to a file, never to a terminal.
BINARY_FORMATS = ("pdf", "xlsx")
TABLE_FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": FORMATS["xlsx"][0], "json": FORMATS["json"][0]}


def pdf_unavailable_message(error: PdfUnavailable) -> str:
    """What the command and the download say when this machine cannot write a PDF: what to install."""
    return gettext(
        "Writing a PDF needs WeasyPrint and the system's Pango library (Debian packages libpango-1.0-0 and "
        "libpangoft2-1.0-0): %(reason)s"
    ) % {"reason": error.reason}


def render_report(report: AnnualReport, fmt: str) -> bytes:
    """The report's file content in one of FORMATS."""
    if fmt == "html":
        return report_html(report).encode("utf-8")
    if fmt == "pdf":
        return html_to_pdf(report_html(report))  # the same HTML, so the PDF cannot say anything else
    if fmt == "json":
        return json_bytes(report_json(report))
    if fmt == "md":
        return report_markdown(report).encode("utf-8")
    if fmt == "xlsx":
        summary = [(report.labels["summary"], " ".join(report.sentences))]
        summary += [(f.label, "" if f.value is None else str(f.value)) for f in report.figures]
        summary += [(report.labels["unit"], report.unit_label)] + [(report.labels["notes"], n) for n in report.notes]
        return write_xlsx(
            report.tables,
            hidden=report.labels["hidden"],
            summary=summary,
            summary_title=report.labels["summary"],
            provenance=report.provenance,
        )
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def report_filename(report: AnnualReport, fmt: str) -> str:
    return f"amparo-report-{report.year}-{report.lang}.{FORMATS[fmt][1]}"


def render_table(table: ReportTable, fmt: str, *, hidden: str, provenance: dict) -> bytes:
    """One dashboard table's file content in one of TABLE_FORMATS, with the filter and registry revision it
    was computed from (a CSV file is one table, with no room for them: the audit log keeps them)."""
    if fmt == "csv":
        return write_csv(table, hidden=hidden)
    if fmt == "xlsx":
        return write_xlsx([table], hidden=hidden, provenance=provenance)
    if fmt == "json":
        return json_bytes({**table_json(table), PROVENANCE: provenance})
    raise ValueError(f"unknown table format {fmt!r}; expected one of {', '.join(TABLE_FORMATS)}")
