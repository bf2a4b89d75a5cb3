"""No value of any sealed field ever reaches the audit log, whatever write put it there.

Every sealed field of the registry and casework models is filled with a
distinctive value through the services that audit (registration, edit, a
refused stale edit, every care action, an import, an export, identity views and
searches); the values are then changed where a service can change them. The
test then reads back every event's details and looks for each value.
"""

import base64
import json
from dataclasses import replace
from datetime import date

import pytest

from amparo.audit.models import AuditEvent
from amparo.casework import care_services
from amparo.casework.selectors import case_record_of
from amparo.casework.services import (
    EditConflict,
    attachment_add,
    attachment_open,
    case_close,
    case_create,
    case_note_add,
    case_update,
)
from amparo.core.fields import encrypted_fields
from amparo.exchange import services as exchange
from amparo.exchange.exports import cases_export
from amparo.registry.access import identity_for, victims_found
from amparo.registry.models import PersonIdentity
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord

pytestmark = pytest.mark.django_db

# Invented, each one found nowhere else in Amparo.
REGISTERED = {
    "victim_first_name": "Wayrasumaq",
    "victim_surnames": "Qhapaqkuna Ninawillka",
    "victim_dni": "70418263",
    "victim_birthdate": "2009-11-23",
    "perpetrator_first_name": "Tiburcia",
    "perpetrator_surnames": "Yawarpuma",
    "perpetrator_dni": "40817362",
    "perpetrator_birthdate": "1978-06-14",
    "description": "La llevaron a Mazuko desde Ocongate",
}
EDITED = {
    "victim_first_name": "Killapaqari",
    "victim_surnames": "Antawaylla Sumaqkuna",
    "victim_dni": "70526184",
    "victim_birthdate": "2009-12-02",
    "perpetrator_first_name": "Eulogia",
    "perpetrator_surnames": "Chuqimarka",
    "perpetrator_dni": "40926451",
    "perpetrator_birthdate": "1977-01-30",
    "description": "Su madrina la vendió en Huepetuhe",
}
UNTOUCHED_BY_ANY_FORM = {"address": "Jirón Qorichaska 417, Quillabamba", "phone": "984512376"}
CASEWORK = {
    "summary": "La abuela Saturnina protege a la niña",
    "rationale": "Volver con la tía Florentina",
    "caregiver_first_name": "Florentina",
    "caregiver_surnames": "Pumaqhawa",
    "caregiver_dni": "42751836",
    "approval": "Visita de Ulpiano: hogar seguro",
    "visit_notes": "Escolarizada en Paucartambo por Teodomira",
    "referral_notes": "Escuela de padres con Hermelinda",
    "case_note": "Llamó la madrina Eustaquia desde Marcapata",
    "closing_summary": "Vive con la tía Florentina en Ccatca",
    "attachment_name": "consentimiento-de-Wenceslada.pdf",
    "attachment_content": "%PDF-1.4 firmado por Wenceslada en Ocobamba",
}
# A document's content is kept as base64 text (sealed): that is the value to look for.
CASEWORK["attachment_content_kept"] = base64.b64encode(CASEWORK["attachment_content"].encode()).decode()
IMPORTED = {
    "first_name": "Chaskawarmi",
    "surnames": "Illariy Qispe",
    "dni": "71639428",
    "description": "Trabajaba en el fundo de Evaristo",
    "perpetrator_first_name": "Gumercindo",
    "perpetrator_dni": "43918275",
    "rejected_first_name": "Sisapaqari",
}
IMPORT_CSV = (
    "source_record_id,registration_date,prs_Gender,age,prs_FirstName,prs_SecondName,prs_IdentityNumber,"
    "exploitation_ubigeo,exploitation_description,recruiter_relationship,perpetrator_prs_FirstName,"
    "perpetrator_prs_IdentityNumber\n"
    f"IMP-1,2024-06-01,F,15,{IMPORTED['first_name']},{IMPORTED['surnames']},{IMPORTED['dni']},150101,"
    f"{IMPORTED['description']},padre,{IMPORTED['perpetrator_first_name']},{IMPORTED['perpetrator_dni']}\n"
    f"IMP-2,2024-06-02,X,200,{IMPORTED['rejected_first_name']},,,999999,,alien,,\n"
)
SECRETS = [
    *REGISTERED.values(),
    *EDITED.values(),
    *UNTOUCHED_BY_ANY_FORM.values(),
    *CASEWORK.values(),
    *IMPORTED.values(),
]


def _person(values: dict, who: str, **extra) -> PersonRecord:
    return PersonRecord(
        first_name=values[f"{who}_first_name"],
        second_name=values[f"{who}_surnames"],
        identity_number=values[f"{who}_dni"],
        birthdate=date.fromisoformat(values[f"{who}_birthdate"]),
        **extra,
    )


def _case(values: dict) -> CaseRecord:
    return CaseRecord(
        source_record_id="SEALED-1",
        registration_date=date(2024, 2, 1),
        victim=_person(values, "victim", gender="Feminine", citizenship="PE"),
        exploitation_types=["ForcedLabour"],
        age_when_trafficked=14,
        perpetrators=[PerpetratorRecord("parent", True, ["RecruiterOrIntermediary"], _person(values, "perpetrator"))],
        events=[EventRecord("Exploitation", "170101", date=date(2024, 1, 10), description=values["description"])],
    )


def _every_audited_write(case_worker, supervisor, data_manager, organisation):
    case = case_create(record=_case(REGISTERED), user=case_worker)
    PersonIdentity.objects.filter(person=case.victim).update(**UNTOUCHED_BY_ANY_FORM)  # no form writes them yet
    stale = case_record_of(case, with_identities=True)
    case = case_update(case=case, record=_case(EDITED), expected_version=1, user=case_worker)
    with pytest.raises(EditConflict):
        case_update(case=case, record=replace(stale, status="Closed"), expected_version=1, user=supervisor)

    care_services.family_assessment_record(
        case=case, user=case_worker, assessed_on=date(2024, 3, 1), risk="low", summary=CASEWORK["summary"]
    )
    caregiver = PersonRecord(
        first_name=CASEWORK["caregiver_first_name"],
        second_name=CASEWORK["caregiver_surnames"],
        identity_number=CASEWORK["caregiver_dni"],
    )
    plan = care_services.plan_propose(
        case=case, user=case_worker, destination_type="kinship", caregiver=caregiver, rationale=CASEWORK["rationale"]
    )
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=CASEWORK["approval"], approve=True)
    arrangement = care_services.care_arrangement_start(
        case=case, user=case_worker, arrangement_type="kinship", started_on=date(2024, 4, 1), plan=plan
    )
    visit = arrangement.visits.order_by("due_on").first()
    care_services.follow_up_record(
        visit=visit, user=case_worker, visited_on=date(2024, 5, 2), outcome="stable", notes=CASEWORK["visit_notes"]
    )
    care_services.follow_up_record(
        visit=visit,
        user=case_worker,
        visited_on=date(2024, 5, 3),
        outcome="stable",
        notes=CASEWORK["visit_notes"] + " (corregido)",
    )
    referral = care_services.referral_create(
        case=case,
        user=case_worker,
        programme="parent_education",
        referred_on=date(2024, 5, 2),
        notes=CASEWORK["referral_notes"],
    )
    care_services.referral_set_status(referral=referral, user=case_worker, status="enrolled")
    case_note_add(case=case, user=case_worker, text=CASEWORK["case_note"])
    attachment = attachment_add(
        case=case,
        user=case_worker,
        kind="consent",
        name=CASEWORK["attachment_name"],
        content=CASEWORK["attachment_content"].encode(),
    )
    attachment_open(user=case_worker, attachment_id=attachment.pk)
    case_close(
        case=case,
        user=case_worker,
        closed_on=date(2024, 6, 1),
        outcome="reintegrated_family",
        summary=CASEWORK["closing_summary"],
        today=date(2024, 6, 2),
    )

    identity_for(case_worker, case)
    victims_found(case_worker, EDITED["victim_dni"])
    exchange.file_import(data=IMPORT_CSV.encode(), file_name="casos.csv", source=organisation, user=data_manager)
    cases_export(format_name="amparo", kind="csv", include_identities=True, user=data_manager)


def test_no_sealed_value_ever_reaches_the_audit_log(case_worker, supervisor, data_manager, organisation):
    _every_audited_write(case_worker, supervisor, data_manager, organisation)

    for model, names in encrypted_fields().items():  # the walk above filled every sealed field it must cover
        if model._meta.app_label in ("registry", "casework"):
            for name in names:
                stored = " ".join(model.objects.values_list(name, flat=True))
                assert any(secret in stored for secret in SECRETS), f"{model._meta.label}.{name} was never filled"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"create", "change", "refuse", "approve", "view_identity", "identity_search", "import", "export"} <= actions
    changes = AuditEvent.objects.filter(action="change", object_type="registry.Case").values_list("details", flat=True)
    [changed] = [details["changed"] for details in changes if details.get("reason") != "closure"]
    assert "events[0].description" in changed and "perpetrators[0].person.birthdate" in changed  # the edit was seen

    logged = json.dumps(list(AuditEvent.objects.values_list("details", flat=True)), ensure_ascii=False)
    leaked = [secret for secret in SECRETS if secret in logged or secret.upper() in logged]
    assert not leaked, f"sealed values in the audit log: {leaked}"
