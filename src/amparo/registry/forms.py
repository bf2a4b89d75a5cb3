"""The one form of the case filter: the dashboard, the hot spots, the statistics API and the case list read it."""

from django import forms
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core import age_bands, codelists, geography
from amparo.registry.case_filter import UNKNOWN, CaseFilter
from amparo.registry.models import Organisation
from amparo.registry.selectors import last_complete_year, years_with_cases

EVERY = pgettext_lazy("filter", "All")
FAMILY = {"yes": True, "no": False}
# Fields of one value each, in the order a query string lists them.
SINGLE_FIELDS = ("department", "province", "district", "exploitation", "sex", "age_group", "family", "source")


def _place_choices(places) -> list[tuple[str, str]]:
    return [(p.ubigeo, p.name) for p in places]


class PlaceCodeField(forms.CharField):
    """A province's or district's ubigeo, as a link sends it: checked against INEI's list, refused as a choice
    field refuses an unknown value, without a choice per place (nearly 2,000 districts) set up for every form
    of every page."""

    def __init__(self, *, digits: int, **kwargs):
        self.digits = digits
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and (len(value) != self.digits or not geography.is_place(value)):
            raise forms.ValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class CaseFilterForm(forms.Form):
    """The filter from a query string; every field may be left empty ("all").

    Province and district come from a drill-down or a link (a hot spot's district, say), so they travel
    as hidden fields. With `default_year`, choosing no year means the last complete year with cases
    (selectors.last_complete_year; `year_note` says so); without it, every year.
    """

    year = forms.TypedMultipleChoiceField(label=_("Years"), coerce=int, required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    province = PlaceCodeField(digits=4, label=_("Province"), required=False, widget=forms.HiddenInput)
    district = PlaceCodeField(digits=6, label=_("District"), required=False, widget=forms.HiddenInput)
    exploitation = forms.ChoiceField(label=_("Type of exploitation"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    age_group = forms.ChoiceField(label=_("Age group"), required=False)
    family = forms.ChoiceField(label=_("Family-facilitated"), required=False)
    source = forms.TypedChoiceField(label=_("Source organisation"), coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, *, default_year: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        everything = [("", EVERY)]
        self.available_years = years_with_cases()
        self.default_year = default_year
        self.year_by_default = False
        self.fields["year"].choices = [(y, str(y)) for y in self.available_years]
        self.fields["department"].choices = everything + _place_choices(geography.departments())
        self.fields["exploitation"].choices = everything + list(codelists.EXPLOITATION_TYPE.choices)
        self.fields["sex"].choices = everything + list(codelists.GENDER.choices)
        self.fields["age_group"].choices = (
            everything + [(b.label, b.label) for b in age_bands.PERU_BANDS] + [(UNKNOWN, _("unknown"))]
        )
        self.fields["family"].choices = everything + [("yes", _("Yes")), ("no", _("No"))]
        self.fields["source"].choices = everything + list(Organisation.objects.values_list("pk", "name"))

    def clean(self):
        data = super().clean()
        if not data.get("year") and self.default_year and self.available_years:
            data["year"] = [last_complete_year(timezone.localdate())]
            self.year_by_default = True
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

    def year_note(self) -> str:
        """Which year is shown when none was chosen, and why; "" when the user chose."""
        if not self.year_by_default:
            return ""
        year = self.cleaned_data["year"][0]
        if year < timezone.localdate().year:
            return _("No year chosen: %(year)s, the last complete year, is shown.") % {"year": year}
        return _("No year chosen: %(year)s, the newest year with cases, is shown; it is not complete yet.") % {
            "year": year
        }

    def case_filter(self) -> CaseFilter:
        data = self.cleaned_data

        def one(name: str) -> tuple:
            return (data[name],) if data.get(name) else ()

        return CaseFilter(
            years=tuple(data.get("year") or ()),
            departments=one("department"),
            provinces=one("province"),
            districts=one("district"),
            exploitation_types=one("exploitation"),
            sexes=one("sex"),
            age_groups=one("age_group"),
            source_organisation_ids=one("source"),
            family_facilitated=FAMILY.get(data.get("family") or ""),
        )

    def place(self) -> str:
        """The narrowest place chosen (an ubigeo), or ""."""
        data = self.cleaned_data
        return data.get("district") or data.get("province") or data.get("department") or ""

    def place_level(self) -> str:
        """The place dimension the drill-down shows next: department, then province, then district."""
        data = self.cleaned_data
        if data.get("province"):
            return "district"
        if data.get("department"):
            return "province"
        return "department"

    def query(self, **narrower) -> str:
        """The filter as a query string (for a link to the same cases elsewhere), with `narrower` fields set."""
        data = {**self.cleaned_data, **narrower}
        params = [("year", year) for year in data.get("year") or ()]
        params += [(name, data[name]) for name in SINGLE_FIELDS if data.get(name)]
        return urlencode(params)
