from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.exchange import formats
from amparo.registry.models import Organisation

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV (comma, semicolon or tab), XLSX or JSON."))
    source = forms.ModelChoiceField(label=_("Source organisation"), queryset=Organisation.objects.all())
    format = forms.ChoiceField(label=_("Format"), initial="auto", choices=[
        ("auto", _("Recognise from the header")), *((name, module.LABEL) for name, module in formats.FORMATS.items())])
    sheet = forms.CharField(label=_("Sheet"), required=False, help_text=_("XLSX only; the first sheet by default."))
    dry_run = forms.BooleanField(label=_("Dry run: check the file without storing anything"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB; import it with `amparo import`."))
        return upload
