"""Registering and editing cases from the casework forms, audited, with optimistic locking.

New cases go through `registry.services.case_register`; edits through
`case_update`, which refuses a save based on a stale version and keeps the
refused version (sealed) so nothing typed is lost.
"""

import json
from dataclasses import asdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_change, audit_record
from amparo.casework.domain.changes import flatten_record
from amparo.casework.models import CaseEditConflict
from amparo.casework.selectors import case_record_of
from amparo.core import crypto, geography
from amparo.registry.access import require_case
from amparo.registry.models import Case, CaseCode, Perpetrator, Person, PersonIdentity, TraffickingEvent
from amparo.registry.records import CaseRecord, FieldProblem, PersonRecord, case_place, family_facilitated, validate_case
from amparo.registry.services import InvalidCase, _code_rows, case_refresh_derived, case_register

NO_ORGANISATION = _("Your account belongs to no organisation, so it cannot register cases. Ask an administrator.")


class EditConflict(Exception):
    """Someone saved the case after the editor opened it; the editor's version is kept in `conflict`."""

    def __init__(self, conflict: CaseEditConflict):
        self.conflict = conflict
        super().__init__(
            _("Someone else saved this case while you were editing it (your version %(expected)s, now %(current)s). "
              "Your changes were not saved, but they are kept: review them against the current case and save again.")
            % {"expected": conflict.expected_version, "current": conflict.current_version}
        )


def _duplicate_problem(record: CaseRecord, organisation_id: int, exclude_pk: int | None = None) -> list[FieldProblem]:
    same = Case.objects.filter(source_organisation_id=organisation_id, source_record_id=str(record.source_record_id).strip())
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        return [FieldProblem("source_record_id", record.source_record_id, "an identifier not yet used by this organisation")]
    return []


def case_create(*, record: CaseRecord, user, request=None) -> Case:
    """Register a case typed into the form; the registering user owns it (so OWN scope sees it)."""
    require(user, Capability.REGISTER)
    if user.organisation_id is None:
        raise InvalidCase([FieldProblem("source_organisation", None, str(NO_ORGANISATION))])
    problems = validate_case(record) + _duplicate_problem(record, user.organisation_id)
    if problems:
        raise InvalidCase(problems)
    with transaction.atomic():
        case = case_register(record=record, source=user.organisation, owner=user)
        audit_record(user=user, action=AuditAction.CREATE, obj=case, request=request,
                     details={"source": "casework form", "family_facilitated": case.family_facilitated})
    return case


def _set_identity(person: Person, record: PersonRecord) -> None:
    values = dict(
        first_name=record.first_name, second_name=record.second_name,
        birthdate=record.birthdate.isoformat() if record.birthdate else "",
        identity_number=record.identity_number,
        identity_number_hash=crypto.lookup_hash(record.identity_number) if record.identity_number else "",
    )
    identity = PersonIdentity.objects.filter(person=person).first()
    if identity is None:
        if any(values.values()):
            PersonIdentity.objects.create(person=person, **values)
        return
    for name, value in values.items():
        setattr(identity, name, value)
    identity.save()


def _update_perpetrators(case: Case, record: CaseRecord) -> None:
    """Update perpetrators in place by position, add the new ones, remove those no longer listed."""
    existing = list(case.perpetrators.select_related("person").order_by("id"))
    for position, wanted in enumerate(record.perpetrators):
        row = existing[position] if position < len(existing) else Perpetrator(case=case)
        row.relationship, row.lives_in_household, row.roles = wanted.relationship, wanted.lives_in_household, list(wanted.roles)
        if wanted.person is not None and row.person_id is None:
            row.person = Person.objects.create(is_synthetic=case.is_synthetic)
        if row.person_id is not None:
            _set_identity(row.person, wanted.person or PersonRecord())
        row.save()
    for row in existing[len(record.perpetrators):]:
        row.delete()


def case_update(*, case: Case, record: CaseRecord, expected_version: int, user, request=None) -> Case:
    """Save an edited case if nobody saved it since `expected_version`; raise EditConflict otherwise.

    The record replaces the stored identities too, so only users who may see them may edit.
    """
    require_case(user, case, Capability.REGISTER)
    require(user, Capability.IDENTITIES)
    problems = validate_case(record) + _duplicate_problem(record, case.source_organisation_id, exclude_pk=case.pk)
    if problems:
        raise InvalidCase(problems)
    department, province, district = case_place(record.events)
    with transaction.atomic():
        before = case_record_of(case, with_identities=True)
        updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(),
            source_record_id=str(record.source_record_id).strip(), registration_date=record.registration_date,
            status=record.status, trafficking_status=record.trafficking_status,
            trafficking_status_decision_org=record.trafficking_status_decision_org,
            forced_labour_industry=record.forced_labour_industry, age_when_trafficked=record.age_when_trafficked,
            organised_network=record.organised_network, legal_article=record.legal_article,
            department_code=department, province_code=province, district_code=district,
            family_facilitated=family_facilitated(record.perpetrators),
        )
        if updated:
            Person.objects.filter(pk=case.victim_id).update(
                gender=record.victim.gender, citizenship=record.victim.citizenship.upper())
            _set_identity(case.victim, record.victim)
            CaseCode.objects.filter(case=case).delete()
            CaseCode.objects.bulk_create([CaseCode(case=case, field=f, code=c) for f, c in _code_rows(record)])
            _update_perpetrators(case, record)
            TraffickingEvent.objects.filter(case=case).delete()
            TraffickingEvent.objects.bulk_create([
                TraffickingEvent(case=case, event_type=e.event_type, country=e.country,
                                 ubigeo=e.ubigeo and geography.normalise_ubigeo(e.ubigeo), date=e.date,
                                 description=e.description)
                for e in record.events
            ])
            case_refresh_derived(case)
            after = case_record_of(Case.objects.select_related("victim").get(pk=case.pk), with_identities=True)
            audit_change(user=user, obj=case, before=flatten_record(before), after=flatten_record(after),
                         request=request, details={"version": expected_version + 1})
    if not updated:
        current = Case.objects.values_list("version", flat=True).get(pk=case.pk)
        conflict = CaseEditConflict.objects.create(
            case=case, user=user, expected_version=expected_version, current_version=current,
            submitted=json.dumps(asdict(record), default=str),
        )
        audit_record(user=user, action=AuditAction.REFUSE, obj=case, request=request,
                     details={"reason": "edit_conflict", "conflict": conflict.pk,
                              "expected_version": expected_version, "current_version": current})
        raise EditConflict(conflict)
    case.refresh_from_db()
    return case
