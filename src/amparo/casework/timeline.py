"""A case's history, newest first: its registration, the edits the audit log recorded (named by the fields a
person edits, not the paths the log keeps), family assessments, reintegration plans and their decisions,
placements, follow-up visits made, referrals, notes and the closure. Reads only."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from amparo.audit.models import AuditAction
from amparo.audit.selectors import AuditFilters, audit_events
from amparo.registry.models import Case, CaseCode, Perpetrator, Person, PersonIdentity, TraffickingEvent
from amparo.registry.records import CODE_LISTS

_POSITION = re.compile(r"\[\d+\]")
_PARTS = {
    "victim": (gettext_lazy("victim"), (PersonIdentity, Person)),
    "perpetrators": (gettext_lazy("perpetrator"), (Perpetrator,)),
    "perpetrators.person": (gettext_lazy("perpetrator"), (PersonIdentity, Person)),
    "events": (gettext_lazy("event"), (TraffickingEvent,)),
}
_CODE_FIELDS = {attribute: CaseCode.Field(field).label for field, attribute, _codelist in CODE_LISTS}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a case: when (a day, or a moment), what, and who did it ("" if unknown)."""

    when: date | datetime
    kind: str  # registration, edit, refusal, assessment, plan, decision, placement, placement_end, visit, referral,
    # note, attachment, closure
    text: str
    who: str = ""

    @property
    def moment(self) -> datetime:
        """When, as a moment: a day counts from its start."""
        if isinstance(self.when, datetime):
            return self.when
        return timezone.make_aware(datetime.combine(self.when, time.min))

    @property
    def is_day(self) -> bool:
        return not isinstance(self.when, datetime)


def _verbose(models: tuple, name: str) -> str:
    for model in models:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name.replace("_", " ")


def field_label(path: str) -> str:
    """The field of a case an audited path names, as the case form calls it: `perpetrators[0].person.first_name`
    is the perpetrator's first name, `exploitation_types` the type of exploitation."""
    plain = _POSITION.sub("", path)
    owner, _dot, name = plain.rpartition(".")
    if owner in _PARTS:
        part, models = _PARTS[owner]
        return f"{part}: {_verbose(models, name)}"
    if plain in _CODE_FIELDS:
        return str(_CODE_FIELDS[plain])
    return _verbose((Case,), plain)


def _edit_text(details: dict) -> str:
    labels = sorted({field_label(path) for path in details.get("changed", {})})
    return _("Case edited: %(fields)s.") % {"fields": ", ".join(labels)} if labels else _("Case saved unchanged.")


def _from_audit(case: Case) -> tuple[list[TimelineEntry], str]:
    """Edits and refused edits of the case, and who registered it, from the audit log."""
    entries, registered_by = [], ""
    for event in audit_events(AuditFilters(object_type=Case._meta.label, object_id=str(case.pk))).order_by("at"):
        if event.action == AuditAction.CREATE:
            registered_by = event.username
        elif event.action == AuditAction.CHANGE and event.details.get("reason") != "closure":
            entries.append(TimelineEntry(event.at, "edit", _edit_text(event.details), event.username))
        elif event.action == AuditAction.REFUSE and event.details.get("reason") == "edit_conflict":
            text = _("An edit was refused: someone else had saved the case first; the edit was kept.")
            entries.append(TimelineEntry(event.at, "refusal", text, event.username))
    return entries, registered_by


def _who(user) -> str:
    return user.get_username() if user is not None else ""


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Everything that happened to the case, newest first."""
    entries, registered_by = _from_audit(case)
    entries.append(
        TimelineEntry(
            case.created_at,
            "registration",
            _("Registered by %(source)s (registration date %(date)s).")
            % {"source": case.source_organisation.name, "date": case.registration_date.isoformat()},
            registered_by,
        )
    )
    for assessment in case.family_assessments.select_related("created_by"):
        text = _("Family assessment: %(risk)s.") % {"risk": assessment.get_risk_display()}
        entries.append(TimelineEntry(assessment.assessed_on, "assessment", text, _who(assessment.created_by)))
    for plan in case.reintegration_plans.select_related("proposed_by").prefetch_related("approvals__approver"):
        text = _("Reintegration plan proposed: %(destination)s.") % {"destination": plan.get_destination_type_display()}
        entries.append(TimelineEntry(plan.proposed_at, "plan", text, _who(plan.proposed_by)))
        for approval in plan.approvals.all():
            text = (
                _("Safety assessment approved: %(destination)s.")
                if approval.approved
                else _("Safety assessment refused: %(destination)s.")
            ) % {"destination": plan.get_destination_type_display()}
            entries.append(TimelineEntry(approval.decided_at, "decision", text, _who(approval.approver)))
    for arrangement in case.care_arrangements.select_related("created_by"):
        kind = arrangement.get_arrangement_type_display()
        text = _("Placement started: %(arrangement)s.") % {"arrangement": kind}
        entries.append(TimelineEntry(arrangement.started_on, "placement", text, _who(arrangement.created_by)))
        if arrangement.ended_on:
            text = _("Placement ended: %(arrangement)s.") % {"arrangement": kind}
            entries.append(TimelineEntry(arrangement.ended_on, "placement_end", text))
    for visit in case.follow_up_visits.exclude(visited_on=None).select_related("recorded_by"):
        text = ngettext(
            "Follow-up visit %(months)s month after placement: %(outcome)s.",
            "Follow-up visit %(months)s months after placement: %(outcome)s.",
            visit.months_after,
        ) % {"months": visit.months_after, "outcome": visit.get_outcome_display()}
        entries.append(TimelineEntry(visit.visited_on, "visit", text, _who(visit.recorded_by)))
    for referral in case.referrals.select_related("created_by"):
        text = _("Family referred to %(programme)s (now %(status)s).") % {
            "programme": referral.get_programme_display(),
            "status": referral.get_status_display(),
        }
        entries.append(TimelineEntry(referral.referred_on, "referral", text, _who(referral.created_by)))
    for note in case.notes.select_related("author"):
        entries.append(TimelineEntry(note.written_at, "note", note.text, _who(note.author)))
    for attachment in case.attachments.defer("content").select_related("uploaded_by"):
        text = _("Document added: %(kind)s.") % {"kind": attachment.get_kind_display()}
        entries.append(TimelineEntry(attachment.uploaded_at, "attachment", text, _who(attachment.uploaded_by)))
    for closure in case.closures.select_related("closed_by"):
        text = _("Case closed: %(outcome)s.") % {"outcome": closure.get_outcome_display()}
        if closure.summary:
            text = f"{text} {closure.summary}"
        entries.append(TimelineEntry(closure.closed_on, "closure", text, _who(closure.closed_by)))
    return sorted(entries, key=lambda entry: entry.moment, reverse=True)
