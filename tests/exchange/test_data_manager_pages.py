"""The data manager's pages: past imports with their counts, the rejected rows as a file to fix and import
again, the template in the page's language, and source organisations made inside Amparo."""

import csv
import io
import re

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from amparo.audit.models import AuditEvent
from amparo.exchange.models import ImportBatch
from amparo.exchange.services import file_import
from amparo.registry.models import Case, Organisation
from tests.exchange import samples

pytestmark = pytest.mark.django_db
ROLES_WITHOUT_EXCHANGE = ["registrar", "case_worker", "supervisor", "analyst"]


def _upload(client, source, text=samples.AMPARO_CSV, name="casos.csv", language="en"):
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8")), "source": source.pk, "format": "auto"}
    response = client.post(reverse("exchange:import"), data, HTTP_ACCEPT_LANGUAGE=language)
    return b"".join(response.streaming_content).decode()


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


# --- Past imports -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES_WITHOUT_EXCHANGE)
def test_only_data_managers_and_administrators_see_past_imports(client_as, personas, role):
    assert client_as(personas[role]).get(reverse("exchange:batches")).status_code == 403


@pytest.mark.parametrize("language", ["en", "es"])
def test_past_imports_list_each_import_with_its_counts(client_as, data_manager, organisation, language):
    client = client_as(data_manager)
    other = Organisation.objects.create(name="Fiscalía Prueba", org_type="CentralGovernmentOrganisation")
    _upload(client, organisation)
    _upload(client, other, samples.AMPARO_FULL_CSV, name="completo.csv")
    page = client.get(reverse("exchange:batches"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    rows = re.findall(r'<tr class="batch">(.*?)</tr>', page, re.S)
    cells = [re.findall(r'<td class="num">(\d+)</td>', row) for row in rows]
    # Counted independently: every row of each file, the valid ones created, the bad one rejected.
    sample = pd.read_csv(io.StringIO(samples.AMPARO_CSV), dtype=str)
    full = pd.read_csv(io.StringIO(samples.AMPARO_FULL_CSV), dtype=str)
    assert cells == [
        [str(len(full)), str(len(samples.AMPARO_FULL_IDS)), "0", "0", "0"],  # newest first
        [str(len(sample)), str(len(samples.AMPARO_VALID_IDS)), "0", "0", str(len(sample) - 4)],
    ]
    first = ImportBatch.objects.get(source=organisation)
    assert reverse("exchange:rejections", args=[first.pk, "csv"]) in rows[1]
    assert reverse("exchange:rejections", args=[first.pk, "csv"]) not in rows[0]  # nothing was rejected
    only = client.get(reverse("exchange:batches") + f"?source={other.pk}").content.decode()
    assert len(re.findall(r'<tr class="batch">', only)) == 1 and "completo.csv" in only


def test_a_repeated_file_adds_no_line_to_past_imports_and_links_the_earlier_batch(
    client_as, data_manager, organisation
):
    client = client_as(data_manager)
    _upload(client, organisation)
    page = _upload(client, organisation)
    batch = ImportBatch.objects.get()
    assert f"batch {batch.pk}" in page and reverse("exchange:batch", args=[batch.pk]) in page
    listed = client.get(reverse("exchange:batches")).content.decode()
    assert len(re.findall(r'<tr class="batch">', listed)) == 1


# --- The rejected rows, to fix and import again -------------------------------------------------------------

ORIGINAL_HEADER = next(csv.reader(io.StringIO(samples.AMPARO_CSV)))


def test_the_rejected_rows_come_as_they_were_in_the_file_with_their_problems(client_as, data_manager, organisation):
    client = client_as(data_manager)
    _upload(client, organisation)
    batch = ImportBatch.objects.get()
    response = client.get(reverse("exchange:rejections", args=[batch.pk, "csv"]), HTTP_ACCEPT_LANGUAGE="en")
    rows = _csv_rows(response.content)
    with translation.override("en"):
        problems_column = translation.gettext("Problems to fix")
    assert list(rows[0]) == [problems_column, *ORIGINAL_HEADER]
    original = pd.read_csv(io.StringIO(samples.AMPARO_CSV), dtype=str, keep_default_na=False)
    bad = original.iloc[samples.AMPARO_BAD_ROW - 2].to_dict()  # row 2 is the first after the header
    assert [{k: v for k, v in row.items() if k != problems_column} for row in rows] == [bad]
    problems = rows[0][problems_column]
    assert problems.startswith(f"Row {samples.AMPARO_BAD_ROW}:")
    assert all(column in problems for column in samples.AMPARO_BAD_COLUMNS)
    export = AuditEvent.objects.get(action="export", object_type="exchange.ImportBatch", object_id=str(batch.pk))
    assert export.details == {"rejected_rows": 1, "kind": "csv", "identities": True}


def test_the_rejected_rows_speak_spanish(client_as, data_manager, organisation):
    client = client_as(data_manager)
    _upload(client, organisation)
    batch = ImportBatch.objects.get()
    content = client.get(reverse("exchange:rejections", args=[batch.pk, "csv"]), HTTP_ACCEPT_LANGUAGE="es").content
    with translation.override("es"):
        problems_column = translation.gettext("Problems to fix")
        row_word = translation.gettext("Row %(row)s: %(problems)s") % {"row": samples.AMPARO_BAD_ROW, "problems": ""}
    rows = _csv_rows(content)
    assert list(rows[0])[0] == problems_column and rows[0][problems_column].startswith(row_word.strip())


def test_fixed_rejected_rows_import_again(client_as, data_manager, organisation):
    client = client_as(data_manager)
    _upload(client, organisation)
    batch = ImportBatch.objects.get()
    content = client.get(reverse("exchange:rejections", args=[batch.pk, "csv"])).content.decode("utf-8")
    fixed = (
        content.replace(",X,", ",F,")
        .replace(",200,", ",14,")
        .replace("Narnia", "PE")
        .replace(",foo,", ",SexualExploitation,")
        .replace("999999", "150101")
        .replace("alien", "tío")
        .replace("maybe", "no")
    )
    again = file_import(data=fixed.encode("utf-8"), file_name="corregido.csv", source=organisation)
    assert (again.created, again.rejected) == (1, 0)
    assert Case.objects.filter(source_record_id="ONG-3").exists()


def test_rejected_rows_of_a_ragged_line_lose_no_cell(data_manager, organisation):
    from amparo.exchange.rejections import rejected_rows_frame

    text = samples.AMPARO_CSV + "ONG-9,2024-01-01,F,12,PE,SexualExploitation,,150101,,,parent,no,,,,extra1,extra2\n"
    batch = file_import(data=text.encode("utf-8"), file_name="casos.csv", source=organisation)
    with translation.override("en"):
        frame = rejected_rows_frame(batch, reveal_identities=True)
    ragged = frame.row(frame.height - 1, named=True)
    assert ragged["source_record_id"] == "ONG-9" and ragged["dni"] == ""
    assert "extra1 | extra2" in ragged["Problems to fix"]


def test_identifying_cells_stay_empty_for_a_reader_who_may_not_see_identities(organisation):
    from amparo.exchange.rejections import rejected_rows_frame

    text = samples.AMPARO_CSV.replace(
        "ONG-3,2024-05-09,X,200,Narnia,foo,,999999,,,alien,maybe,,,",
        ("ONG-3,2024-05-09,X,200,Narnia,foo,,999999,,,alien,maybe,Zoilacunda,Huamanquispe Testaroja,73918264"),
    )
    batch = file_import(data=text.encode("utf-8"), file_name="casos.csv", source=organisation)
    shown = rejected_rows_frame(batch, reveal_identities=True).row(0, named=True)
    hidden = rejected_rows_frame(batch, reveal_identities=False).row(0, named=True)
    assert (shown["nombres"], shown["dni"]) == ("Zoilacunda", "73918264")
    assert (hidden["nombres"], hidden["apellidos"], hidden["dni"]) == ("", "", "")
    assert hidden["sexo"] == "X"


# --- The template in the page's language ------------------------------------------------------------------


def test_the_spanish_template_imports_as_it_is(client_as, data_manager, organisation):
    content = client_as(data_manager).get(reverse("exchange:template", args=["csv"]), HTTP_ACCEPT_LANGUAGE="es")
    assert content.content.decode().startswith("codigo_caso,fecha_registro,sexo,")
    batch = file_import(data=content.content, file_name="plantilla.csv", source=organisation)
    assert (batch.format, batch.created, batch.rejected) == ("amparo", 1, 0)


# --- Source organisations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES_WITHOUT_EXCHANGE)
def test_other_roles_may_not_add_a_source(client_as, personas, role):
    client = client_as(personas[role])
    assert client.get(reverse("exchange:sources")).status_code == 403
    response = client.post(reverse("exchange:sources"), {"name": "Nueva", "org_type": "NGO", "country": "PE"})
    assert response.status_code == 403 and not Organisation.objects.filter(name="Nueva").exists()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_data_manager_adds_a_source_and_imports_from_it(client_as, data_manager, language):
    client = client_as(data_manager)
    response = client.post(
        reverse("exchange:sources"),
        {"name": "  Defensoría   del Pueblo ", "org_type": "CentralGovernmentOrganisation", "country": "pe"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    source = Organisation.objects.get(name="Defensoría del Pueblo")
    assert (source.org_type, source.country) == ("CentralGovernmentOrganisation", "PE")
    assert response.status_code == 302 and response["Location"] == reverse("exchange:import") + f"?source={source.pk}"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<option value="{source.pk}" selected>' in page
    created = AuditEvent.objects.get(action="create", object_type="registry.Organisation")
    assert created.username == data_manager.username and created.object_id == str(source.pk)
    _upload(client, source)
    assert Case.objects.filter(source_organisation=source).count() == len(samples.AMPARO_VALID_IDS)


def test_a_source_named_like_another_but_for_accents_and_case_is_refused(client_as, data_manager, organisation):
    response = client_as(data_manager).post(
        reverse("exchange:sources"),
        {"name": organisation.name.upper().replace("O", "Ó"), "org_type": "NGO", "country": "PE"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert Organisation.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="registry.Organisation").exists()
