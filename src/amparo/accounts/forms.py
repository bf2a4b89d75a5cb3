from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import User
from amparo.accounts.roles import Role, Scope


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class AccountForm(forms.ModelForm):
    """An account's names and rights; the user name only when it is created (the audit log keeps it)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "scope", "organisation"]
        help_texts = {"username": _("Letters, digits and @ . + - _ only; it cannot be changed later.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["username"]
        self.fields["scope"].choices = [("", _("The role's default"))] + list(Scope.choices)


class AccountSearchForm(forms.Form):
    query = forms.CharField(label=_("User name or name"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role"))] + list(Role.choices))
    inactive = forms.BooleanField(label=_("Deactivated accounts too"), required=False)
