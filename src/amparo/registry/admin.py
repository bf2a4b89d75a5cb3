from django.contrib import admin

from amparo.registry.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_type", "country", "is_synthetic"]
    list_filter = ["org_type", "is_synthetic"]
    search_fields = ["name"]
