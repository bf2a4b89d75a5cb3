from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from amparo.accounts.models import User
from amparo.accounts.services import PASSWORD, account_saved_elsewhere, account_values


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Django's admin of accounts, for superusers: every change it makes is audited as Amparo's own account pages
    audit theirs, and accounts are deactivated, never deleted, so the log keeps who did what."""

    list_display = ["username", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("Amparo", {"fields": ("organisation", "role", "scope")}),)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = account_values(User.objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            account_saved_elsewhere(actor=request.user, account=obj, before=before, request=request)

    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        before = account_values(account) if account is not None else None
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and account is not None:
            account.refresh_from_db()
            account_saved_elsewhere(actor=request.user, account=account, before=before, request=request, reset=PASSWORD)
        return response
