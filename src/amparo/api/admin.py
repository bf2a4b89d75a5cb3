"""API clients in Django's admin: create one (its token is shown once), issue a new token, revoke tokens."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from amparo.accounts.roles import Role, Scope
from amparo.api import services
from amparo.api.models import ApiClient, ApiToken
from amparo.registry.models import Organisation


class ApiClientCreationForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(Organisation.objects.all(), label=_("organisation"))
    role = forms.ChoiceField(choices=Role.choices, label=_("role"))
    scope = forms.ChoiceField(
        choices=[("", _("The role's default scope"))] + list(Scope.choices), required=False, label=_("scope")
    )

    class Meta:
        model = ApiClient
        fields = ["name"]


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _show_token(request, client, token):
    messages.warning(
        request,
        _("Token of %(client)s, shown this once; copy it now: %(token)s") % {"client": client.name, "token": token},
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "role", "created_at"]
    inlines = [ApiTokenInline]
    actions = ["issue_token", "revoke_tokens"]

    @admin.display(description=_("organisation"))
    def organisation(self, client):
        return client.account.organisation

    @admin.display(description=_("role"))
    def role(self, client):
        return client.account.get_role_display()

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a client being created has no token yet

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientCreationForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["name", "account", "created_by"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        try:
            client, token = services.client_create(
                name=data["name"],
                organisation=data["organisation"],
                role=data["role"],
                scope=data["scope"],
                created_by=request.user,
            )
        except services.ClientRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        obj.pk, obj.account = client.pk, client.account
        _show_token(request, client, token)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description=_("Issue a new token (shown once)"))
    def issue_token(self, request, queryset):
        for client in queryset:
            _show_token(request, client, services.token_issue(client=client, issued_by=request.user))

    @admin.action(description=_("Revoke every token"))
    def revoke_tokens(self, request, queryset):
        revoked = sum(services.tokens_revoke(client=client, revoked_by=request.user) for client in queryset)
        messages.success(request, _("%(count)s tokens revoked.") % {"count": revoked})

    def has_delete_permission(self, request, obj=None):
        return False  # a client's account stays, named in the audit log; revoke its tokens instead
