"""The report as PDF: the report's own HTML file, laid out for print by WeasyPrint.

One layout for screen, print and PDF: the HTML template's print stylesheet (A4 pages, tables and figures kept
whole) is what WeasyPrint follows, and its inline SVG charts and maps are drawn as vectors. WeasyPrint draws
text with the system's Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0), imported only when a PDF is asked
for, so a machine without it still writes every other format and says what is missing.
"""


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it draws text with are not installed; `reason` says which failed
    to load (the reader's message, in their language, is the caller's: reports.writers)."""

    def __init__(self, reason: str):
        super().__init__(f"WeasyPrint or Pango could not be loaded: {reason}")
        self.reason = reason


def html_to_pdf(html: str) -> bytes:
    """A self-contained HTML document (styles and SVG inline, nothing to fetch) as PDF bytes."""
    try:
        import weasyprint  # a few hundred milliseconds to import, and it loads Pango: only when asked
    except (ImportError, OSError) as error:  # OSError: the Python package is there, Pango is not
        raise PdfUnavailable(str(error)) from error
    # No base URL and no protocol allowed: the report refers to nothing outside itself, and must not start to.
    nothing = weasyprint.URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=html, url_fetcher=nothing).write_pdf()
