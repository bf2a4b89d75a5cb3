from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from amparo.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("Amparo", {"fields": ("organisation", "role", "scope")}),)
