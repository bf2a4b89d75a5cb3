from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.core import codelists
from amparo.exchange import formats
from amparo.exchange.exports import export_refusal
from amparo.exchange.uploads import MAX_UPLOAD_BYTES
from amparo.registry.models import Organisation


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV (comma, semicolon or tab), XLSX or JSON."))
    source = forms.ModelChoiceField(label=_("Source organisation"), queryset=Organisation.objects.all())
    format = forms.ChoiceField(
        label=_("Format"),
        initial="auto",
        choices=[
            ("auto", _("Recognise from the header")),
            *((name, fmt.LABEL) for name, fmt in formats.FORMATS.items()),
        ],
    )
    sheet = forms.CharField(label=_("Sheet"), required=False, help_text=_("XLSX only; the first sheet by default."))
    dry_run = forms.BooleanField(label=_("Dry run: check the file without storing anything"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB; import it with `amparo import`."))
        return upload


class ExportForm(forms.Form):
    """What to export; the identities box only for users whose role may see them."""

    format = forms.ChoiceField(label=_("Format"), choices=[(name, fmt.LABEL) for name, fmt in formats.FORMATS.items()])
    kind = forms.ChoiceField(
        label=_("File"),
        choices=[("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON")],
        help_text=_("JSON for the Amparo and HTCDS formats only."),
    )
    year = forms.IntegerField(
        label=_("Year of registration"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Every year when empty."),
    )
    source = forms.ModelChoiceField(
        label=_("Source organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("Every source"),
    )
    include_identities = forms.BooleanField(
        label=_("Include identifying data (names, identity numbers, birth dates, event descriptions)"),
        required=False,
        help_text=_("Amparo and HTCDS formats only. The export is recorded in the audit log."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not may(user, Capability.IDENTITIES):
            del self.fields["include_identities"]

    def clean(self):
        cleaned = super().clean()
        if "format" in cleaned and "kind" in cleaned:
            refusal = export_refusal(
                format_name=cleaned["format"],
                kind=cleaned["kind"],
                user=self.user,
                include_identities=cleaned.get("include_identities", False),
            )
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned


class OrganisationForm(forms.Form):
    """A new source organisation; registry.services.organisation_register checks the name is not taken."""

    name = forms.CharField(label=_("Name"), max_length=Organisation._meta.get_field("name").max_length)
    org_type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *codelists.ORGANISATION_TYPE.choices])
    country = forms.CharField(
        label=_("Country"), max_length=2, initial="PE", help_text=_("ISO 3166-1 alpha-2 code, e.g. PE.")
    )

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError(_("Give the country as two letters, e.g. PE."))
        return country
