from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.core import codelists
from amparo.registry.forms import EVERY, CaseFilterForm


class CaseListForm(CaseFilterForm):
    """The case filter the statistics use, and what only the case list asks: a search and the case status."""

    q = forms.CharField(label=_("Record id, name or identity number"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Case status"), required=False, choices=[("", EVERY)] + codelists.CASE_STATUS.choices
    )
    field_order = ["q"]

    def __init__(self, *args, by_identity_number: bool, **kwargs):
        """Only users who may see identities find a victim by name or identity number; for others the box says
        so."""
        super().__init__(*args, **kwargs)
        if not by_identity_number:
            self.fields["q"].label = _("Record id")
