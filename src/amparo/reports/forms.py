"""The forms of the dashboard's cross-table and year-comparison pages: the dashboard's case filter
(registry.forms.CaseFilterForm) and what each page asks for besides. What they refuse, the page shows beside its
field and answers with 400."""

from dataclasses import replace

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.registry.case_filter import CaseFilter
from amparo.registry.forms import CaseFilterForm
from amparo.registry.selectors import last_complete_year
from amparo.stats.dimensions import DIMENSIONS

# Error messages as constants, so that tests can name them.
UNKNOWN_DIMENSION = _("“%(value)s” is not a dimension Amparo counts by.")
SAME_DIMENSIONS = _("The rows and the columns need two different dimensions.")
CHOOSE_BOTH = _("Choose a dimension for the rows and another for the columns.")
YEAR_RANGE = _("Choose a year from %(first)s to %(last)s.")
YEARS_IN_ORDER = _("The earlier year must come before the later one.")
FIRST_YEAR = 1900
# Comparing years by year would set each year beside itself.
COMPARISON_DIMENSIONS = tuple(name for name in DIMENSIONS if name != "year")


def _dimension_field(label, names, *, empty: bool) -> forms.ChoiceField:
    choices = [(name, DIMENSIONS[name].title) for name in names]
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", "—"), *choices] if empty else choices,
        error_messages={"invalid_choice": UNKNOWN_DIMENSION},
    )


class CrosstabForm(CaseFilterForm):
    """Two dimensions out of those the statistics API crosses (stats.dimensions.DIMENSIONS), and the dashboard's
    filters, with its default year. Neither dimension chosen is no table yet, not an error."""

    field_order = ["rows", "columns"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, default_year=True, **kwargs)
        self.fields["rows"] = _dimension_field(_("Rows"), DIMENSIONS, empty=True)
        self.fields["columns"] = _dimension_field(_("Columns"), DIMENSIONS, empty=True)
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        rows, columns = data.get("rows"), data.get("columns")
        if rows and rows == columns:
            self.add_error("columns", SAME_DIMENSIONS)
        elif bool(rows) != bool(columns) and "rows" not in self.errors and "columns" not in self.errors:
            self.add_error("columns" if rows else "rows", CHOOSE_BOTH)
        return data

    def chosen(self) -> bool:
        return bool(self.cleaned_data.get("rows") and self.cleaned_data.get("columns"))


class YearComparisonForm(CaseFilterForm):
    """Two years and a dimension, with the dashboard's filters but its year. No year chosen means the last
    complete year (as the dashboard opens on) against the one before it; `year_note` says so."""

    field_order = ["dimension", "year_from", "year_to"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, default_year=False, **kwargs)
        del self.fields["year"]
        last = timezone.localdate().year
        year_errors = {
            key: YEAR_RANGE % {"first": FIRST_YEAR, "last": last} for key in ("min_value", "max_value", "invalid")
        }
        for name, label in (("year_from", _("Earlier year")), ("year_to", _("Later year"))):
            self.fields[name] = forms.IntegerField(
                label=label, required=False, min_value=FIRST_YEAR, max_value=last, error_messages=year_errors
            )
        self.fields["dimension"] = _dimension_field(_("Compare by"), COMPARISON_DIMENSIONS, empty=False)
        self.order_fields(self.field_order)
        self.years_by_default = False

    def clean(self):
        data = super().clean()
        data["dimension"] = data.get("dimension") or "exploitation"
        if "year_from" in self.errors or "year_to" in self.errors:
            return data
        self.years_by_default = data.get("year_from") is None and data.get("year_to") is None
        if data.get("year_to") is None:
            data["year_to"] = last_complete_year(timezone.localdate()) or timezone.localdate().year
        if data.get("year_from") is None:
            data["year_from"] = data["year_to"] - 1
        if data["year_from"] >= data["year_to"]:
            self.add_error("year_to", YEARS_IN_ORDER)
        return data

    def years(self) -> tuple[int, int]:
        return self.cleaned_data["year_from"], self.cleaned_data["year_to"]

    def case_filter(self) -> CaseFilter:
        """The dashboard's filter over both years (each column of the comparison narrows it to one)."""
        return replace(super().case_filter(), years=self.years())

    def year_note(self) -> str:
        if not self.years_by_default:
            return ""
        earlier, later = self.years()
        if later < timezone.localdate().year:
            note = _("No years chosen: %(later)s, the last complete year, is compared with %(earlier)s.")
        else:  # every case is of this year, as the dashboard says when it opens on it
            note = _(
                "No years chosen: %(later)s, the newest year with cases, is compared with %(earlier)s; "
                "%(later)s is not complete yet."
            )
        return note % {"later": later, "earlier": earlier}
