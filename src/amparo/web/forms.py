from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core import codelists, geography
from amparo.registry.models import Organisation
from amparo.registry.selectors import CaseListFilters


def _department_choices():
    return [("", _("All departments"))] + [(p.ubigeo, p.name) for p in geography.departments()]


class CaseFilterForm(forms.Form):
    """The case list's search and filters, from the query string."""

    q = forms.CharField(label=_("Record id or identity number"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    department = forms.ChoiceField(label=_("Department"), required=False, choices=_department_choices)
    exploitation = forms.ChoiceField(
        label=_("Exploitation"), required=False,
        choices=[("", _("All types"))] + codelists.EXPLOITATION_TYPE.choices,
    )
    family = forms.ChoiceField(
        label=_("Family-facilitated"), required=False,
        choices=[("", pgettext_lazy("filter", "All")), ("yes", _("Yes")), ("no", _("No"))],
    )
    status = forms.ChoiceField(label=_("Case status"), required=False,
                               choices=[("", pgettext_lazy("filter", "All"))] + codelists.CASE_STATUS.choices)
    source = forms.ModelChoiceField(label=_("Source"), required=False, queryset=Organisation.objects.all(),
                                    empty_label=_("All sources"))

    def __init__(self, *args, by_identity_number: bool, **kwargs):
        """Only users who may see identities find a victim by identity number; for others the box says so."""
        super().__init__(*args, **kwargs)
        if not by_identity_number:
            self.fields["q"].label = _("Record id")

    def filters(self) -> CaseListFilters:
        data = self.cleaned_data
        family = {"yes": True, "no": False}.get(data.get("family") or "")
        return CaseListFilters(
            query=data.get("q") or "",
            year=data.get("year"),
            department=data.get("department") or "",
            exploitation=data.get("exploitation") or "",
            family_facilitated=family,
            status=data.get("status") or "",
            source=data["source"].pk if data.get("source") else None,
        )
