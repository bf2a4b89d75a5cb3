"""Casework records: care arrangements and their history, family assessments, reintegration plans,
safety approvals, follow-up visits, prevention referrals, case notes and closures, and rejected concurrent
edits.

Every row is written by `casework.services` / `casework.care_services`, which apply the
reintegration rule first; the admin shows these models read-only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core import codelists
from amparo.core.fields import EncryptedTextField
from amparo.registry.models import Case, Person


class ReintegrationPlan(models.Model):
    """Where the child should live next, and with whom; held until approved when the family is at risk."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Blocked: awaiting a supervisor's safety approval")
        READY = "ready", _("Ready for placement")
        REFUSED = "refused", pgettext_lazy("plan status", "Refused")
        PLACED = "placed", _("Placed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reintegration_plans", verbose_name=_("case"))
    destination_type = models.CharField(
        _("destination"), max_length=30, choices=codelists.CARE_ARRANGEMENT_TYPE.choices
    )
    caregiver = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("caregiver")
    )
    caregiver_relationship = models.CharField(
        _("caregiver's relationship to the child"),
        max_length=30,
        choices=codelists.RECRUITER_RELATIONSHIP.choices,
        blank=True,
    )
    rationale = EncryptedTextField(_("rationale"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("reintegration plan")
        verbose_name_plural = _("reintegration plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(destination_type__in=codelists.CARE_ARRANGEMENT_TYPE.values), name="plan_destination_valid"
            ),
            models.CheckConstraint(
                condition=Q(caregiver_relationship="")
                | Q(caregiver_relationship__in=codelists.RECRUITER_RELATIONSHIP.values),
                name="plan_caregiver_relationship_valid",
            ),
        ]

    @property
    def is_closed(self) -> bool:
        """Carried out or refused: no decision is taken on it any more (domain.reintegration.awaits_decision)."""
        return self.status in (self.Status.PLACED, self.Status.REFUSED)


class SafetyApproval(models.Model):
    """A supervisor's decision on a plan's documented safety assessment (two-person rule)."""

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approver")
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    assessment = EncryptedTextField(_("safety assessment"))
    approved = models.BooleanField(_("approved"))

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("safety approval")
        verbose_name_plural = _("safety approvals")
        constraints = [models.CheckConstraint(condition=~Q(assessment=""), name="approval_assessment_required")]


class CareArrangement(models.Model):
    """Where and with whom the child lives from a date; the one without an end date is the current one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="care_arrangements", verbose_name=_("case"))
    arrangement_type = models.CharField(
        _("care arrangement"), max_length=30, choices=codelists.CARE_ARRANGEMENT_TYPE.choices
    )
    caregiver = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("caregiver")
    )
    plan = models.ForeignKey(
        ReintegrationPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrangements",
        verbose_name=_("reintegration plan"),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("care arrangement")
        verbose_name_plural = _("care arrangements")
        constraints = [
            models.CheckConstraint(
                condition=Q(arrangement_type__in=codelists.CARE_ARRANGEMENT_TYPE.values), name="arrangement_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="arrangement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["arrangement_type", "case"], name="arrangement_type_case")]


class FamilyAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family_assessments", verbose_name=_("case"))
    assessed_on = models.DateField(_("assessed on"))
    risk = models.CharField(_("risk"), max_length=10, choices=codelists.FAMILY_ASSESSMENT_RISK.choices)
    summary = EncryptedTextField(_("summary"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("family assessment")
        verbose_name_plural = _("family assessments")


class FollowUpVisit(models.Model):
    """A visit due some months after a placement started, and what was found."""

    arrangement = models.ForeignKey(CareArrangement, on_delete=models.CASCADE, related_name="visits")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_up_visits")
    months_after = models.PositiveSmallIntegerField(_("months after placement"))
    due_on = models.DateField(_("due on"), db_index=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=codelists.FOLLOW_UP_OUTCOME.choices, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=codelists.FOLLOW_UP_OUTCOME.values), name="visit_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(visited_on__isnull=False), name="visit_outcome_needs_date"
            ),
        ]


class Referral(models.Model):
    """A family referred to a parent-education or family-strengthening programme (prevention)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    programme = models.CharField(_("programme"), max_length=30, choices=codelists.REFERRAL_PROGRAMME.choices)
    status = models.CharField(_("status"), max_length=20, choices=codelists.REFERRAL_STATUS.choices, default="referred")
    referred_on = models.DateField(_("referred on"))
    notes = EncryptedTextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__in=codelists.REFERRAL_PROGRAMME.values), name="referral_programme_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=codelists.REFERRAL_STATUS.values), name="referral_status_valid"
            ),
        ]


class CaseNote(models.Model):
    """What a case worker wrote down about a case: free text, which may name people, so sealed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    text = EncryptedTextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="case_note_text_required")]


class CaseClosure(models.Model):
    """A case closed, on a day, with its outcome; the case's status says it is closed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures", verbose_name=_("case"))
    closed_on = models.DateField(_("closed on"))
    outcome = models.CharField(_("outcome"), max_length=30, choices=codelists.CASE_CLOSURE_OUTCOME.choices)
    summary = EncryptedTextField(_("closing summary"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closed_on", "-id"]
        verbose_name = _("case closure")
        verbose_name_plural = _("case closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=codelists.CASE_CLOSURE_OUTCOME.values), name="closure_outcome_valid"
            ),
        ]


class CaseAttachment(models.Model):
    """A document kept with a case (an assessment, a consent form): its name and content sealed like identities,
    the content as base64 text (so key rotation re-seals it with every other sealed value)."""

    # Rows are large: key rotation re-seals them a few at a time.
    reseal_batch_size = 20

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case"))
    kind = models.CharField(_("kind of document"), max_length=20, choices=codelists.ATTACHMENT_KIND.choices)
    file_name = EncryptedTextField(_("file name"))
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    content = EncryptedTextField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    uploaded_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=codelists.ATTACHMENT_KIND.values), name="attachment_kind_valid"
            ),
        ]


class CaseEditConflict(models.Model):
    """An edit refused because someone else saved the case first; kept sealed so nothing is lost."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="edit_conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    expected_version = models.PositiveIntegerField()
    current_version = models.PositiveIntegerField()
    submitted = EncryptedTextField(help_text=_("The refused version of the case, as JSON, sealed."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("edit conflict")
        verbose_name_plural = _("edit conflicts")
