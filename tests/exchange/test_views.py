"""The upload page: data managers only; progress, result, rejected rows and downloads."""

import io

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amparo.exchange.domain.columns import COLUMN_NAMES
from amparo.exchange.models import ImportBatch
from amparo.registry.models import Case
from tests.exchange import samples
from tests.exchange.samples import SPANISH_HEADERS

pytestmark = pytest.mark.django_db


def _read(content: bytes, kind: str) -> pl.DataFrame:
    if kind == "csv":
        return pl.read_csv(io.BytesIO(content))
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return pl.DataFrame(rows[1:], schema=[str(c) for c in rows[0]], orient="row")


def _upload(client, organisation, text=samples.AMPARO_CSV, **extra):
    data = {
        "file": SimpleUploadedFile("casos.csv", text.encode("utf-8")),
        "source": organisation.pk,
        "format": "auto",
        **extra,
    }
    response = client.post(reverse("exchange:import"), data, HTTP_ACCEPT_LANGUAGE="en")
    return response, b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("exchange:import"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["registrar", "case_worker", "supervisor", "analyst"])
def test_other_roles_may_not_import(client_as, personas, role):
    assert client_as(personas[role]).get(reverse("exchange:import")).status_code == 403


def test_an_outsider_may_not_see_a_batch(client_as, data_manager, outsider, organisation):
    _upload(client_as(data_manager), organisation)
    batch = ImportBatch.objects.get()
    assert client_as(outsider).get(reverse("exchange:batch", args=[batch.pk])).status_code == 403


def test_a_data_manager_imports_a_file_and_sees_progress_and_result(client_as, data_manager, organisation):
    client = client_as(data_manager)
    assert client.get(reverse("exchange:import")).status_code == 200
    response, page = _upload(client, organisation)
    assert response.status_code == 200
    assert "5 rows" in page and "4 rows valid, 1 rejected" in page
    batch = ImportBatch.objects.get()
    assert reverse("exchange:batch", args=[batch.pk]) in page
    assert Case.objects.count() == 4 and batch.user == data_manager
    result = client.get(reverse("exchange:batch", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Narnia" in result and "sexo" in result and "Zoilacunda" not in result


def test_a_refused_file_shows_the_reason(client_as, data_manager, organisation):
    _response, page = _upload(client_as(data_manager), organisation, text="foo,bar\n1,2\n")
    assert "not recognised" in page and "foo, bar" in page
    assert not ImportBatch.objects.exists()


def test_a_dry_run_from_the_page_stores_nothing(client_as, data_manager, organisation):
    _upload(client_as(data_manager), organisation, dry_run="on")
    assert ImportBatch.objects.get().dry_run and not Case.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_template_has_every_column_in_the_language_of_the_page(client_as, data_manager, kind, language):
    url = reverse("exchange:template", args=[kind])
    frame = _read(client_as(data_manager).get(url, HTTP_ACCEPT_LANGUAGE=language).content, kind)
    expected = COLUMN_NAMES if language == "en" else tuple(SPANISH_HEADERS)
    assert tuple(frame.columns) == expected and frame.height == 1
