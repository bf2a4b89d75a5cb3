from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.audit.models import AuditAction
from amparo.audit.selectors import AuditFilters


class AuditSearchForm(forms.Form):
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action"))] + list(AuditAction.choices)
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    object_type = forms.CharField(
        label=_("Object type"), required=False, max_length=60, help_text=_("For example registry.Case")
    )
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        return AuditFilters(**{name: value for name, value in self.cleaned_data.items() if value})
