"""Registering and editing cases from the casework forms: permissions, audit and edit conflicts.

The registry writes (`registry.services.case_register`, `case_update`); an edit based on a stale version
is refused there, and kept here (sealed) as a CaseEditConflict, so nothing typed is lost.
"""

import json
from dataclasses import asdict

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_change, audit_record
from amparo.casework.domain.changes import flatten_record
from amparo.casework.models import CaseEditConflict
from amparo.casework.selectors import case_record_of
from amparo.registry import services as registry
from amparo.registry.access import require_case
from amparo.registry.models import Case
from amparo.registry.records import CaseRecord, FieldProblem
from amparo.registry.services import InvalidCase, StaleVersion

NO_ORGANISATION = _("Your account belongs to no organisation, so it cannot register cases. Ask an administrator.")


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
