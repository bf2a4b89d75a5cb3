"""The audit log in the Django admin: readable by administrators, never added to, changed or deleted."""

from django.contrib import admin

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "object_id"]
    date_hierarchy = "at"
    # The user id may point to a removed user; the kept user name says who it was.
    readonly_fields = [f.name for f in AuditEvent._meta.fields if f.name != "user"]
    exclude = ["user"]

    def has_view_permission(self, request, obj=None):
        return may(request.user, Capability.AUDIT)

    def has_module_permission(self, request):
        return may(request.user, Capability.AUDIT)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
