"""The dashboard's filters: query parameters checked by a form and turned into the engine's CaseFilter."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core import age_bands, codelists, geography
from amparo.registry.models import Organisation
from amparo.stats.engine import CaseFilter

UNKNOWN = "unknown"


def _place_choices(places) -> list[tuple[str, str]]:
    return [(p.ubigeo, p.name) for p in places]


class StatsFilterForm(forms.Form):
    """Every field may be left empty ("all"); years default to the latest year with data."""

    year = forms.TypedMultipleChoiceField(label=_("Years"), coerce=int, required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    exploitation = forms.ChoiceField(label=_("Type of exploitation"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    age_group = forms.ChoiceField(label=_("Age group"), required=False)
    source = forms.TypedChoiceField(label=_("Source organisation"), coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, *, years: list[int]):
        super().__init__(data)
        everything = [("", pgettext_lazy("filter", "All"))]
        self.available_years = years
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["department"].choices = everything + _place_choices(geography.departments())
        self.fields["province"].choices = everything + _place_choices(geography.provinces())
        self.fields["district"].choices = everything + _place_choices(geography.districts())
        self.fields["exploitation"].choices = everything + list(codelists.EXPLOITATION_TYPE.choices)
        self.fields["sex"].choices = everything + list(codelists.GENDER.choices)
        self.fields["age_group"].choices = everything + [(b.label, b.label) for b in age_bands.PERU_BANDS]
        self.fields["source"].choices = everything + list(Organisation.objects.values_list("pk", "name"))

    def clean(self):
        data = super().clean()
        if not data.get("year") and self.available_years:
            data["year"] = [self.available_years[0]]
        # Drill-down: a place outside a newly chosen parent is dropped; a district implies its
        # province and department, a province its department.
        department, province, district = data.get("department"), data.get("province"), data.get("district")
        if district and not district.startswith(province or department or ""):
            data["district"] = ""
        if province and department and not province.startswith(department):
            data["province"] = data["district"] = ""
        if data.get("district"):
            data["province"] = data["district"][:4]
        if data.get("province"):
            data["department"] = data["province"][:2]
        return data

    def case_filter(self) -> CaseFilter:
        data = self.cleaned_data
        return CaseFilter(
            years=tuple(data.get("year") or ()),
            departments=(data["department"],) if data.get("department") else (),
            provinces=(data["province"],) if data.get("province") else (),
            districts=(data["district"],) if data.get("district") else (),
            exploitation_types=(data["exploitation"],) if data.get("exploitation") else (),
            sexes=(data["sex"],) if data.get("sex") else (),
            age_groups=(data["age_group"],) if data.get("age_group") else (),
            source_organisation_ids=(data["source"],) if data.get("source") else (),
        )

    def place_level(self) -> str:
        """The place dimension the drill-down shows next: department, then province, then district."""
        data = self.cleaned_data
        if data.get("province"):
            return "district"
        if data.get("department"):
            return "province"
        return "department"
