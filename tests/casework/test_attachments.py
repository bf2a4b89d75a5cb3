"""Documents kept with a case: sealed at rest, a PDF or a picture of limited size, opened only within scope,
each addition and opening audited."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from amparo.audit.models import AuditAction, AuditEvent
from amparo.casework.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    AttachmentProblem,
    attachment_problem,
    content_type_of,
)
from amparo.casework.models import CaseAttachment
from amparo.casework.services import CaseworkRefused, attachment_add
from amparo.core.fields import encrypted_fields

pytestmark = pytest.mark.django_db

# A small PDF that names the child, as a consent form does.
CONSENT = b"%PDF-1.4\n1 0 obj<<>>endobj\n% Consentimiento de Chaska Inquill, firmado por su abuela\n%%EOF\n"
NAME = "consentimiento-chaska.pdf"


def _upload(client, case, content=CONSENT, name=NAME, kind="consent"):
    return client.post(
        reverse("casework-attachment-create", args=[case.pk]),
        {"attachment-kind": kind, "attachment-document": SimpleUploadedFile(name, content, "application/pdf")},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize(
    "content, kind",
    [
        (CONSENT, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (b"<html><script>alert(1)</script>", None),
        (b"MZ\x90\x00", None),  # a Windows program
    ],
)
def test_a_document_is_recognised_by_its_content(content, kind):
    assert content_type_of(content) == kind


def test_a_document_must_be_small_not_empty_and_of_a_kept_type():
    assert attachment_problem(MAX_ATTACHMENT_BYTES + 1, CONSENT) == AttachmentProblem.TOO_LARGE
    assert attachment_problem(MAX_ATTACHMENT_BYTES, CONSENT) is None
    assert attachment_problem(30, b"<html>") == AttachmentProblem.NOT_ALLOWED
    assert attachment_problem(0, b"") == AttachmentProblem.EMPTY


def test_a_refusal_names_the_file_its_size_and_the_limit(family_case, case_worker):
    with translation.override("en"), pytest.raises(CaseworkRefused) as refused:
        attachment_add(
            case=family_case,
            user=case_worker,
            kind="other",
            name="big.pdf",
            content=b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES,
        )
    assert str(refused.value) == "big.pdf is 5,242,885 bytes; a document may have at most 5,242,880 bytes."


def test_a_document_is_sealed_at_rest_and_its_name_stays_out_of_the_log(family_case, case_worker, client_as):
    response = _upload(client_as(case_worker), family_case)
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get()
    assert (attachment.kind, attachment.content_type, attachment.size) == ("consent", "application/pdf", len(CONSENT))
    with connection.cursor() as cursor:
        cursor.execute("SELECT file_name, content FROM casework_caseattachment")
        raw_name, raw_content = cursor.fetchone()
    assert raw_name.startswith("enc1:") and raw_content.startswith("enc1:")
    for clear in (NAME, base64.b64encode(CONSENT).decode(), "Chaska"):
        assert clear not in raw_name + raw_content
    assert {"file_name", "content"} <= set(encrypted_fields()[CaseAttachment])  # rotated with every sealed value
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="casework.CaseAttachment")
    assert event.details == {"case": family_case.pk, "kind": "consent", "content_type": "application/pdf", "size": 91}
    assert len(CONSENT) == 91  # counted by hand: the size logged is the file's


def test_the_document_comes_back_as_it_was_to_save_and_each_opening_is_audited(family_case, case_worker, client_as):
    client = client_as(case_worker)
    _upload(client, family_case)
    attachment = CaseAttachment.objects.get()
    response = client.get(reverse("casework-attachment-download", args=[attachment.pk]))
    assert response.status_code == 200 and response.content == CONSENT
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{NAME}"
    assert response["X-Content-Type-Options"] == "nosniff"
    opened = AuditEvent.objects.filter(action=AuditAction.VIEW_IDENTITY, object_type="casework.CaseAttachment")
    assert list(opened.values_list("user", "object_id")) == [(case_worker.pk, str(attachment.pk))]
    history = client.get(reverse("casework-history", args=[family_case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert NAME in history.content.decode() and "Document added: Consent form." in history.content.decode()


def test_a_disguised_or_oversized_file_is_refused_beside_the_form(family_case, case_worker, client_as):
    client = client_as(case_worker)
    response = _upload(client, family_case, content=b"<html><script>alert(1)</script>", name="informe.pdf")
    assert response.status_code == 400
    assert "informe.pdf is not a PDF, PNG or JPEG file" in response.content.decode()
    response = _upload(client, family_case, content=b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES, name="grande.pdf")
    assert response.status_code == 400 and "grande.pdf is 5,242,885 bytes" in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_documents_stay_within_scope_and_casework(family_case, case_worker, outsider, data_manager, client_as):
    attachment = attachment_add(case=family_case, user=case_worker, kind="assessment", name=NAME, content=CONSENT)
    url = reverse("casework-attachment-download", args=[attachment.pk])
    assert client_as(outsider).get(url).status_code == 404
    assert client_as(data_manager).get(url).status_code == 403  # sees the case, does no casework
    assert client_as(outsider).get(reverse("casework-attachment-download", args=[attachment.pk + 1])).status_code == 404
    assert _upload(client_as(outsider), family_case).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_IDENTITY).exists()


def test_an_unknown_kind_is_refused(family_case, case_worker):
    with pytest.raises(ValueError):
        attachment_add(case=family_case, user=case_worker, kind="photo", name=NAME, content=CONSENT)
    with pytest.raises(CaseworkRefused):
        attachment_add(case=family_case, user=case_worker, kind="other", name="x.pdf", content=b"")
