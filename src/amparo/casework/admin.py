"""Casework records in the admin, read-only: every write must go through the services and their rule."""

from django.contrib import admin

from amparo.casework.models import (
    CareArrangement,
    CaseEditConflict,
    FamilyAssessment,
    FollowUpVisit,
    Referral,
    ReintegrationPlan,
    SafetyApproval,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seeing is allowed to administrators; adding, changing and deleting are not (no bypass of the rule)."""

    exclude = ["rationale", "assessment", "summary", "notes", "submitted"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (
    ReintegrationPlan,
    SafetyApproval,
    CareArrangement,
    FamilyAssessment,
    FollowUpVisit,
    Referral,
    CaseEditConflict,
):
    admin.site.register(model, ReadOnlyAdmin)
