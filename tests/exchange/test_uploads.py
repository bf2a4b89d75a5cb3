"""Uploads are held in memory: nothing of a file sent for import is ever written to disk."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amparo.exchange import forms, uploads
from amparo.exchange.models import ImportBatch
from amparo.registry.models import Case
from tests.exchange import samples

pytestmark = pytest.mark.django_db


def _large_case_file(rows: int) -> bytes:
    header, first = samples.AMPARO_CSV.splitlines()[:2]
    lines = [first.replace("ONG-1,", f"ONG-{number},", 1) for number in range(rows)]
    return "\n".join([header, *lines, ""]).encode()


def _post(client, organisation, content: bytes) -> str:
    upload = {"file": SimpleUploadedFile("casos.csv", content), "source": organisation.pk, "format": "auto"}
    response = client.post(reverse("exchange:import"), upload, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_a_large_upload_is_imported_without_touching_the_disk(
    client_as, data_manager, organisation, settings, tmp_path
):
    content = _large_case_file(20_000)
    assert len(content) > 2.5 * 2**20  # Django would spool it to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "not-there")  # where it would, and could not
    page = _post(client_as(data_manager), organisation, content)
    assert "Read 20000 rows" in page
    assert ImportBatch.objects.get().created == Case.objects.count() == 20_000
    assert not (tmp_path / "not-there").exists()


def test_an_upload_over_the_limit_is_counted_not_kept_and_refused(client_as, data_manager, organisation, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 2**20)
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 2**20)
    page = _post(client_as(data_manager), organisation, _large_case_file(12_000))
    assert "The file is larger than 200 MB" in page
    assert not ImportBatch.objects.exists() and not Case.objects.exists()


def test_the_handler_keeps_a_file_up_to_the_limit_and_only_counts_the_rest(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10)
    handler = uploads.InMemoryUpload()
    handler.new_file("file", "a.csv", "text/csv", 0)
    handler.receive_data_chunk(b"12345", 0)
    handler.receive_data_chunk(b"67890", 5)
    assert handler.file_complete(10).read() == b"1234567890"
    handler.new_file("file", "b.csv", "text/csv", 0)
    for start in range(0, 30, 6):
        handler.receive_data_chunk(b"abcdef", start)
    kept = handler.file_complete(30)
    assert kept.size == 30 and kept.read() == b""
