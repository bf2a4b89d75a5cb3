"""The annual report as PDF, from the command and from the dashboard: a real PDF whose text, charts and maps
included, carries the figures pandas computes from the synthetic CSV, in Spanish and in English."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from tests.reports.expected import synthetic_cases

pypdf = pytest.importorskip("pypdf", reason="the pypdf package (dev extra) reads the PDF's text")

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    """Every word the PDF draws, in reading order, with line breaks as spaces (a sentence may wrap)."""
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def year_2010(synthetic_csv):
    """The 2010 figures, counted by pandas: cases, family-facilitated ones, Lima's, Lima Metropolitana's."""
    cases = synthetic_cases(synthetic_csv)
    year = cases[cases.year == 2010]
    lima = year[year.department == "15"]
    return {
        "total": len(year),
        "family": int(year.family_facilitated.sum()),
        "family_share": year.family_facilitated.mean(),
        "lima": len(lima),
        "lima_share": len(lima) / len(year),
        "metropolitana": int((lima.province == "1501").sum()),
    }


def test_the_command_writes_a_spanish_pdf_with_the_figures_charts_and_maps(year_2010, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no --out: a PDF is never written to a terminal, but to a file named for it
    err = io.StringIO()
    call_command(
        "report", "--year", "2010", "--lang", "es", "--format", "pdf", "--no-suppress", "--map", "tiles", stderr=err
    )
    out = tmp_path / "amparo-report-2010-es.pdf"
    assert err.getvalue().startswith("amparo-report-2010-es.pdf: ")
    text = _text(out.read_bytes())
    f = year_2010
    assert "Trata de personas en el Perú: casos registrados en 2010" in text
    lima_percent = f"{round(100 * f['lima_share'])} %"
    assert (
        f"En 2010 se registraron {f['total']} casos de trata de personas; {f['lima']} ({lima_percent}) en Lima" in text
    )
    family_share = f"{100 * f['family_share']:.1f}".replace(".", ",") + " %"
    assert f"{f['total']} Casos registrados" in text
    assert f"{f['family']} Casos facilitados por familiares" in text
    assert f"{family_share} Porcentaje facilitado por familiares" in text
    # The inline SVG tile map (asked for: Lima Metropolitana has a tile of its own) is drawn, its labels with it.
    assert "Casos por departamento" in text and f"LMA {f['metropolitana']}" in text
    assert "datos SINTÉTICOS" in text
    assert "/dashboard/methods/" in text  # the report says where its methods are explained


def test_the_dashboard_downloads_an_english_pdf_with_the_same_figures(year_2010, data_manager, client_as):
    response = client_as(data_manager).get(reverse("report-download") + "?year=2010&lang=en&format=pdf&map=tiles")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="amparo-report-2010-en.pdf"'
    text = _text(response.content)
    f = year_2010
    assert "Human trafficking in Peru: cases registered in 2010" in text
    assert (
        f"In 2010, {f['total']} cases of human trafficking were registered; "
        f"{f['lima']} ({round(100 * f['lima_share'])}%) in Lima" in text
    )
    assert f"{f['total']} Cases registered" in text
    assert f"{f['family']} Family-facilitated cases" in text
    assert f"{100 * f['family_share']:.1f}% Family-facilitated share" in text
    assert "Cases by department" in text and f"LMA {f['metropolitana']}" in text
    # A data manager's default is exact figures, and the PDF says so as the HTML does.
    assert "Exact figures, not protected: not for publication." in text


def test_the_dashboard_offers_pdf_and_refuses_an_unknown_format_with_a_clear_message(
    synthetic_csv, data_manager, client_as
):
    client = client_as(data_manager)
    assert '<option value="pdf">PDF</option>' in client.get(reverse("dashboard") + "?year=2010").content.decode()
    response = client.get(reverse("report-download") + "?year=2010&format=docx", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.content.decode() == "Unknown format docx: choose one of html, pdf, xlsx, json, md."


def test_the_command_refuses_an_unknown_format(db):
    with pytest.raises(CommandError, match="invalid choice: 'docx'"):
        call_command("report", "--year", "2010", "--format", "docx", stdout=io.StringIO(), stderr=io.StringIO())


def test_without_weasyprint_the_pdf_is_refused_with_what_to_install(db, monkeypatch, data_manager, client_as):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails, as without Pango
    with translation.override("en"), pytest.raises(CommandError, match="libpango-1.0-0 and libpangoft2-1.0-0"):
        call_command("report", "--year", "2010", "--format", "pdf", "--out", "unused.pdf", stderr=io.StringIO())
    url = reverse("report-download") + "?year=2010&lang=en&format=pdf"
    response = client_as(data_manager).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503 and "Writing a PDF needs WeasyPrint" in response.content.decode()
    spanish = client_as(data_manager).get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert spanish.startswith("Para escribir un PDF") and "libpango-1.0-0 y libpangoft2-1.0-0" in spanish
    html = client_as(data_manager).get(reverse("report-download") + "?year=2010&lang=en&format=html")
    assert html.status_code == 200  # every other format still works


def test_the_default_pdf_draws_the_maps_on_the_department_boundaries(year_2010, data_manager, client_as):
    response = client_as(data_manager).get(reverse("report-download") + "?year=2010&lang=en&format=pdf")
    text = _text(response.content)
    assert response.status_code == 200 and "Cases by department" in text
    assert "LMA" not in text  # no tile grid: Lima Metropolitana is drawn within Lima
