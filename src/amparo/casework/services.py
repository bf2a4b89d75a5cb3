"""Registering, editing, annotating and closing cases from the casework forms: permissions, audit and edit
conflicts.

The registry writes (`registry.services.case_register`, `case_update`, `case_status_set`); an edit based on
a stale version is refused there, and kept here (sealed) as a CaseEditConflict, so nothing typed is lost.
"""

import base64
import json
from dataclasses import asdict
from datetime import date

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_change, audit_record
from amparo.casework.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    AttachmentProblem,
    attachment_problem,
    content_type_of,
)
from amparo.casework.domain.changes import flatten_record
from amparo.casework.models import CaseAttachment, CaseClosure, CaseEditConflict, CaseNote
from amparo.casework.selectors import case_record_of
from amparo.core import codelists
from amparo.registry import services as registry
from amparo.registry.access import case_for, require_case
from amparo.registry.models import Case
from amparo.registry.records import CaseRecord, FieldProblem
from amparo.registry.services import InvalidCase, StaleVersion

ATTACHMENT_MESSAGES = {
    AttachmentProblem.EMPTY: _("%(name)s is empty."),
    AttachmentProblem.TOO_LARGE: _("%(name)s is %(size)s bytes; a document may have at most %(limit)s bytes."),
    AttachmentProblem.NOT_ALLOWED: _("%(name)s is not a PDF, PNG or JPEG file (judged by its content, not its name)."),
}
ALREADY_CLOSED = _("This case is closed already.")
CLOSED_BEFORE_REGISTRATION = _("A case cannot be closed before it was registered (%(date)s).")
CLOSED_IN_THE_FUTURE = _("A case cannot be closed on a day still to come.")
EMPTY_NOTE = _("Write the note before saving it.")
NO_ORGANISATION = _("Your account belongs to no organisation, so it cannot register cases. Ask an administrator.")


class CaseworkRefused(ValueError):
    """A note or a closure that cannot be recorded; the message says why."""


class EditConflict(Exception):
    """Someone saved the case after the editor opened it; the editor's version is kept in `conflict`."""

    def __init__(self, conflict: CaseEditConflict):
        self.conflict = conflict
        super().__init__(
            _(
                "Someone else saved this case while you were editing it (your version %(expected)s, now %(current)s). "
                "Your changes were not saved, but they are kept: review them against the current case and save again."
            )
            % {"expected": conflict.expected_version, "current": conflict.current_version}
        )


def case_create(*, record: CaseRecord, user, request=None) -> Case:
    """Register a case typed into the form; the registering user owns it (so OWN scope sees it)."""
    require(user, Capability.REGISTER)
    if user.organisation_id is None:
        raise InvalidCase([FieldProblem("source_organisation", None, str(NO_ORGANISATION))])
    with transaction.atomic():
        case = registry.case_register(record=record, source=user.organisation, owner=user)
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            obj=case,
            request=request,
            details={"source": "casework form", "family_facilitated": case.family_facilitated},
        )
    return case


def case_update(*, case: Case, record: CaseRecord, expected_version: int, user, request=None) -> Case:
    """Save an edited case if nobody saved it since `expected_version`; raise EditConflict otherwise.

    The record replaces the stored identities too, so only users who may see them may edit.
    """
    require_case(user, case, Capability.REGISTER)
    require(user, Capability.IDENTITIES)
    with transaction.atomic():
        before = case_record_of(case, with_identities=True)
        try:
            case = registry.case_update(case=case, record=record, expected_version=expected_version)
        except StaleVersion as stale:
            current = stale.current_version
        else:
            after = case_record_of(Case.objects.select_related("victim").get(pk=case.pk), with_identities=True)
            audit_change(
                user=user,
                obj=case,
                before=flatten_record(before),
                after=flatten_record(after),
                request=request,
                details={"version": expected_version + 1},
            )
            return case
    conflict = CaseEditConflict.objects.create(
        case=case,
        user=user,
        expected_version=expected_version,
        current_version=current,
        submitted=json.dumps(asdict(record), default=str),
    )
    audit_record(
        user=user,
        action=AuditAction.REFUSE,
        obj=case,
        request=request,
        details={
            "reason": "edit_conflict",
            "conflict": conflict.pk,
            "expected_version": expected_version,
            "current_version": current,
        },
    )
    raise EditConflict(conflict)


def case_note_add(*, case: Case, user, text: str, request=None) -> CaseNote:
    """Add a note to a case (sealed: it may name people); audited without its text."""
    require_case(user, case, Capability.CARE)
    if not text.strip():
        raise CaseworkRefused(EMPTY_NOTE)
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, text=text.strip(), author=user)
        audit_record(user=user, action=AuditAction.CREATE, obj=note, request=request, details={"case": case.pk})
    return note


def case_close(*, case: Case, user, closed_on: date, outcome: str, summary: str = "", today: date, request=None):
    """Close an open case with its outcome on a day between its registration and today: the closure is kept
    and the case's status becomes closed (closed as referred for a transfer), audited as a change."""
    require_case(user, case, Capability.CARE)
    if outcome not in codelists.CASE_CLOSURE_OUTCOME:
        raise ValueError(f"unknown closure outcome {outcome!r}")
    case.refresh_from_db(fields=["status", "registration_date"])
    if case.status in codelists.CLOSED_STATUSES:
        raise CaseworkRefused(ALREADY_CLOSED)
    if closed_on < case.registration_date:
        raise CaseworkRefused(CLOSED_BEFORE_REGISTRATION % {"date": case.registration_date.isoformat()})
    if closed_on > today:
        raise CaseworkRefused(CLOSED_IN_THE_FUTURE)
    before = {"status": case.status}
    with transaction.atomic():
        closure = CaseClosure.objects.create(
            case=case, closed_on=closed_on, outcome=outcome, summary=summary.strip(), closed_by=user
        )
        case = registry.case_status_set(case=case, status=codelists.CLOSURE_STATUS.get(outcome, "Closed"))
        audit_change(
            user=user,
            obj=case,
            before=before,
            after={"status": case.status, "closure.outcome": outcome, "closure.closed_on": closed_on.isoformat()},
            request=request,
            details={"reason": "closure", "closure": closure.pk},
        )
    return closure


def attachment_add(*, case: Case, user, kind: str, name: str, content: bytes, request=None) -> CaseAttachment:
    """Keep a document with a case, sealed; refused (CaseworkRefused, saying why) unless it is a PDF or a
    picture within the size limit. Audited with its kind, type and size, never its name."""
    require_case(user, case, Capability.CARE)
    if kind not in codelists.ATTACHMENT_KIND:
        raise ValueError(f"unknown kind of document {kind!r}")
    problem = attachment_problem(len(content), content)
    if problem:
        size, limit = f"{len(content):,}", f"{MAX_ATTACHMENT_BYTES:,}"
        raise CaseworkRefused(ATTACHMENT_MESSAGES[problem] % {"name": name, "size": size, "limit": limit})
    with transaction.atomic():
        attachment = CaseAttachment.objects.create(
            case=case,
            kind=kind,
            file_name=name,
            content_type=content_type_of(content),
            size=len(content),
            content=base64.b64encode(content).decode("ascii"),
            uploaded_by=user,
        )
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            obj=attachment,
            request=request,
            details={"case": case.pk, "kind": kind, "content_type": attachment.content_type, "size": len(content)},
        )
    return attachment


def attachment_open(*, user, attachment_id: int, request=None) -> tuple[CaseAttachment, bytes]:
    """A document and its content, for a user who may work on its case (404 outside their scope); each
    opening is audited as a view of identifying data."""
    attachment = CaseAttachment.objects.filter(pk=attachment_id).only("case_id").first()
    if attachment is None:
        raise Http404
    case = case_for(user, attachment.case_id)
    require_case(user, case, Capability.CARE)
    attachment = CaseAttachment.objects.get(pk=attachment_id)
    audit_record(
        user=user, action=AuditAction.VIEW_IDENTITY, obj=attachment, request=request, details={"case": case.pk}
    )
    return attachment, base64.b64decode(attachment.content)
