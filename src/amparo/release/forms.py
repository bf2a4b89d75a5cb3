from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.release import services


class ReleaseForm(forms.Form):
    """The parameters of a new release; their ranges are the service's to refuse, in its words."""

    year = forms.IntegerField(label=_("Year"))
    k = forms.IntegerField(label=_("k (smallest group in the microdata)"), initial=services.DEFAULT_K)
    epsilon_tables = forms.FloatField(label=_("Epsilon for the tables"), initial=services.DEFAULT_EPSILON_TABLES)
    epsilon_synthetic = forms.FloatField(
        label=_("Epsilon for the synthetic data"), initial=services.DEFAULT_EPSILON_SYNTHETIC
    )
