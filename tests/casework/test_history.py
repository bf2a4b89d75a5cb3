"""A case's notes, timeline, closure and printable summary."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from amparo.audit.models import AuditAction, AuditEvent
from amparo.casework import care_services
from amparo.casework.models import CaseClosure
from amparo.casework.services import (
    ALREADY_CLOSED,
    CLOSED_BEFORE_REGISTRATION,
    CLOSED_IN_THE_FUTURE,
    CaseworkRefused,
    case_close,
    case_create,
    case_note_add,
    case_update,
)
from amparo.casework.timeline import case_timeline, field_label
from amparo.registry.models import Case
from tests.casework.conftest import family_record

pytestmark = pytest.mark.django_db

NOTE = "La abuela Teodora llamó: la niña quiere volver al colegio en marzo."
TODAY = date(2025, 6, 30)


def _english(client, url: str, data=None):
    if data is None:
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    "path, label",
    [
        ("victim.first_name", "victim: first name"),
        ("perpetrators[1].person.identity_number", "perpetrator: identity number"),
        ("perpetrators[0].relationship", "perpetrator: relationship to the victim"),
        ("events[2].description", "event: description"),
        ("exploitation_types", "Type of exploitation"),
        ("age_when_trafficked", "age when trafficked"),
    ],
)
def test_an_audited_path_is_named_as_the_case_form_names_it(path, label):
    with translation.override("en"):
        assert field_label(path) == label


def test_a_note_is_sealed_audited_without_its_text_and_on_the_timeline(family_case, case_worker):
    note = case_note_add(case=family_case, user=case_worker, text=f"  {NOTE} ")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM casework_casenote WHERE id = %s", [note.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="casework.CaseNote")
    assert event.user == case_worker and event.details == {"case": family_case.pk}
    assert [(e.kind, e.text, e.who) for e in case_timeline(family_case) if e.kind == "note"] == [
        ("note", NOTE, case_worker.username)
    ]


def test_an_empty_note_is_refused(family_case, case_worker):
    with pytest.raises(CaseworkRefused):
        case_note_add(case=family_case, user=case_worker, text="   ")


def test_the_timeline_tells_the_case_newest_first(organisation, case_worker, supervisor):
    case = case_create(record=family_record(), user=case_worker)
    record = family_record()
    record.victim.first_name = "Chaska Rosa"
    record.exploitation_types = ["SexualExploitation", "ForcedLabour"]
    case = case_update(case=case, record=record, expected_version=1, user=case_worker)
    care_services.family_assessment_record(
        case=case, user=case_worker, assessed_on=date(2024, 2, 10), risk="high", summary="La madre sigue en casa."
    )
    care_services.care_arrangement_start(
        case=case, user=case_worker, arrangement_type="residential_care", started_on=date(2024, 2, 15)
    )
    plan = care_services.plan_propose(case=case, user=case_worker, destination_type="kinship")
    care_services.plan_decide(plan=plan, approver=supervisor, assessment="Abuela evaluada.", approve=True)
    visit = case.follow_up_visits.order_by("due_on").first()  # due 2024-03-15
    care_services.follow_up_record(visit=visit, user=case_worker, visited_on=date(2024, 3, 18), outcome="stable")
    care_services.referral_create(
        case=case, user=case_worker, programme="parent_education", referred_on=date(2024, 3, 20)
    )
    case_note_add(case=case, user=case_worker, text=NOTE)
    case_close(case=case, user=case_worker, closed_on=date(2024, 4, 1), outcome="stable_alternative_care", today=TODAY)

    with translation.override("en"):
        entries = case_timeline(case)
    # Days recorded by hand (assessment, placement, visit, referral, closure) fall before today's actions
    # (registration, edit, plan, decision, note), which carry the moment they were done.
    assert [e.kind for e in entries] == [
        "note",
        "decision",
        "plan",
        "edit",
        "registration",
        "closure",
        "referral",
        "visit",
        "placement",
        "assessment",
    ]
    by_kind = {e.kind: e for e in entries}
    assert by_kind["registration"].who == case_worker.username
    assert "Persona NGO" in by_kind["registration"].text and "2024-02-01" in by_kind["registration"].text
    assert by_kind["edit"].text == "Case edited: Type of exploitation, victim: first name."
    assert "Chaska" not in " ".join(e.text for e in entries)  # the edit names the field, never the value
    assert by_kind["decision"].who == supervisor.username and "approved" in by_kind["decision"].text
    assert by_kind["visit"].text == "Follow-up visit 1 month after placement: Stable."
    assert by_kind["closure"].text == "Case closed: Stable in alternative care."
    assert by_kind["closure"].when == date(2024, 4, 1)


def test_closing_a_case_records_its_outcome_and_status(family_case, case_worker):
    closure = case_close(
        case=family_case,
        user=case_worker,
        closed_on=date(2024, 5, 2),
        outcome="reintegrated_family",
        summary="Vive con la abuela.",
        today=TODAY,
    )
    family_case.refresh_from_db()
    assert family_case.status == "Closed" and family_case.version == 2
    assert CaseClosure.objects.get() == closure and closure.closed_by == case_worker
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(family_case.pk))
    assert event.details["changed"]["status"] == {"old": "Active", "new": "Closed"}
    assert event.details["changed"]["closure.outcome"] == {"old": None, "new": "reintegrated_family"}
    assert "abuela" not in str(event.details)


def test_a_transfer_closes_the_case_as_referred(family_case, case_worker):
    case_close(case=family_case, user=case_worker, closed_on=date(2024, 5, 2), outcome="transferred", today=TODAY)
    family_case.refresh_from_db()
    assert family_case.status == "ClosedReferred"


@pytest.mark.parametrize(
    "closed_on, message",
    [
        (date(2024, 1, 31), CLOSED_BEFORE_REGISTRATION % {"date": "2024-02-01"}),  # registered 2024-02-01
        (TODAY + timedelta(days=1), CLOSED_IN_THE_FUTURE),
    ],
)
def test_a_closing_day_outside_the_case_is_refused(family_case, case_worker, closed_on, message):
    with pytest.raises(CaseworkRefused, match=str(message).replace("(", r"\(").replace(")", r"\)")):
        case_close(case=family_case, user=case_worker, closed_on=closed_on, outcome="other", today=TODAY)
    family_case.refresh_from_db()
    assert family_case.status == "Active" and not CaseClosure.objects.exists()


def test_a_closed_case_cannot_be_closed_again_and_leaves_the_caseload(family_case, case_worker, client_as):
    case_close(case=family_case, user=case_worker, closed_on=date(2024, 5, 2), outcome="other", today=TODAY)
    with pytest.raises(CaseworkRefused, match=str(ALREADY_CLOSED)):
        case_close(case=family_case, user=case_worker, closed_on=date(2024, 5, 3), outcome="other", today=TODAY)
    body = _english(client_as(case_worker), reverse("casework-caseload")).content.decode()
    assert ">FAM-1<" not in body


def test_the_history_page_adds_notes_and_closes_the_case(family_case, case_worker, client_as):
    client = client_as(case_worker)
    history = reverse("casework-history", args=[family_case.pk])
    response = _english(client, reverse("casework-note-create", args=[family_case.pk]), {"text": NOTE})
    assert response.status_code == 302 and response["Location"] == history
    page = _english(client, history).content.decode()
    assert NOTE in page and "Close the case" in page

    refused = _english(
        client,
        reverse("casework-case-close", args=[family_case.pk]),
        {"closure-closed_on": "2023-01-01", "closure-outcome": "other"},
    )
    assert refused.status_code == 409
    assert "cannot be closed before it was registered (2024-02-01)" in refused.content.decode()

    closed = _english(
        client,
        reverse("casework-case-close", args=[family_case.pk]),
        {"closure-closed_on": timezone.localdate().isoformat(), "closure-outcome": "lost_contact"},
    )
    assert closed.status_code == 302
    page = _english(client, history).content.decode()
    assert "Case closed: Lost contact." in page and "casework-case-close" not in page
    assert f'action="{reverse("casework-case-close", args=[family_case.pk])}"' not in page


def test_only_casework_roles_within_scope_open_the_history(family_case, data_manager, outsider, client_as):
    assert client_as(data_manager).get(reverse("casework-history", args=[family_case.pk])).status_code == 403
    assert client_as(outsider).get(reverse("casework-history", args=[family_case.pk])).status_code == 404
    response = client_as(outsider).post(reverse("casework-note-create", args=[family_case.pk]), {"text": NOTE})
    assert response.status_code == 404 and not family_case.notes.exists()


def test_the_summary_names_the_child_audited_and_prints_without_the_navigation(family_case, case_worker, client_as):
    case_note_add(case=family_case, user=case_worker, text=NOTE)
    body = _english(client_as(case_worker), reverse("casework-summary", args=[family_case.pk])).content.decode()
    assert "Chaska Inquill Prueba" in body and "2011-05-04" in body and "Confidential" in body
    assert NOTE in body and f"Printed by {case_worker.username}" in body
    viewed = AuditEvent.objects.filter(user=case_worker, action=AuditAction.VIEW_IDENTITY)
    assert list(viewed.values_list("object_id", flat=True)) == [str(family_case.pk)]
    assert Case.objects.get(pk=family_case.pk).status == "Active"
