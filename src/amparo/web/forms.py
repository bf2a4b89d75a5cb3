from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core import age_bands, codelists, geography
from amparo.registry.models import Organisation
from amparo.registry.selectors import CaseListFilters, years_with_cases

EVERY = pgettext_lazy("filter", "All")


def _department_choices():
    return [("", _("All departments"))] + [(p.ubigeo, p.name) for p in geography.departments()]


class CaseFilterForm(forms.Form):
    """The case list's search and filters, from the query string. `place` (any ubigeo) comes from the
    statistics' links (a hot spot district, say) and is shown as the place the list is narrowed to."""

    q = forms.CharField(label=_("Record id or identity number"), required=False, max_length=100)
    year = forms.TypedMultipleChoiceField(label=_("Years"), required=False, coerce=int)
    department = forms.ChoiceField(label=_("Department"), required=False, choices=_department_choices)
    place = forms.CharField(required=False, widget=forms.HiddenInput, max_length=6)
    exploitation = forms.ChoiceField(
        label=_("Exploitation"), required=False,
        choices=[("", _("All types"))] + codelists.EXPLOITATION_TYPE.choices,
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", EVERY)] + codelists.GENDER.choices)
    age_group = forms.ChoiceField(label=_("Age group"), required=False, choices=[("", EVERY)] + [
        (band.label, band.label) for band in age_bands.PERU_BANDS] + [(age_bands.UNKNOWN, _("unknown"))])
    family = forms.ChoiceField(
        label=_("Family-facilitated"), required=False,
        choices=[("", EVERY), ("yes", _("Yes")), ("no", _("No"))],
    )
    status = forms.ChoiceField(label=_("Case status"), required=False,
                               choices=[("", EVERY)] + codelists.CASE_STATUS.choices)
    source = forms.ModelChoiceField(label=_("Source"), required=False, queryset=Organisation.objects.all(),
                                    empty_label=_("All sources"))

    def __init__(self, *args, by_identity_number: bool, **kwargs):
        """Only users who may see identities find a victim by identity number; for others the box says so."""
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years_with_cases()]
        if not by_identity_number:
            self.fields["q"].label = _("Record id")

    def clean_place(self) -> str:
        place = self.cleaned_data["place"]
        if not place:
            return ""
        try:
            return geography.place(place).ubigeo
        except geography.UnknownPlace:
            raise forms.ValidationError(_("%(value)s is not an INEI ubigeo.") % {"value": place}) from None

    def filters(self) -> CaseListFilters:
        data = self.cleaned_data
        family = {"yes": True, "no": False}.get(data.get("family") or "")
        return CaseListFilters(
            query=data.get("q") or "",
            years=tuple(data.get("year") or ()),
            place=data.get("place") or data.get("department") or "",
            exploitation=data.get("exploitation") or "",
            family_facilitated=family,
            status=data.get("status") or "",
            source=data["source"].pk if data.get("source") else None,
            sex=data.get("sex") or "",
            age_group=data.get("age_group") or "",
        )
