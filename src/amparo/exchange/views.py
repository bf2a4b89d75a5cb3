"""Pages for data managers: upload a file, watch it import, read and download what was rejected; export cases."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.core.tabular_files import write_frame
from amparo.exchange.exports import ExportRefused, cases_export
from amparo.exchange.formats import amparo as amparo_format
from amparo.exchange.forms import ExportForm, ImportForm
from amparo.exchange.models import ImportBatch
from amparo.exchange.rejections import problem_lines, rejection_frame
from amparo.exchange.services import FileImport, ImportRefused

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def data_manager_required(view):
    """Imports and exports are for data managers and administrators only."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        require(request.user, Capability.EXCHANGE)
        return view(request, *args, **kwargs)

    return wrapped


def _batch_for(user, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("source", "user"), pk=pk)


@data_manager_required
def import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = FileImport(
            data=form.cleaned_data["file"].read(),
            file_name=form.cleaned_data["file"].name,
            source=form.cleaned_data["source"],
            format_name=form.cleaned_data["format"],
            user=request.user,
            dry_run=form.cleaned_data["dry_run"],
            sheet=form.cleaned_data["sheet"] or None,
        )
        return StreamingHttpResponse(_progress_page(request, job), content_type="text/html; charset=utf-8")
    batches = ImportBatch.objects.select_related("source")[:20]
    return render(request, "exchange/import.html", {"form": form, "batches": batches})


def _progress_page(request, job: FileImport):
    """The page, streamed: each stage's message as it finishes, then a link to the result."""
    head, tail = render_to_string("exchange/progress.html", request=request).split("<!-- progress -->")
    yield head
    try:
        for message in job.stages():
            yield f"<li>{escape(message)}</li>\n"
        url = reverse("exchange:batch", args=[job.batch.pk])
        yield (
            f'</ol><p><a class="button" href="{url}">{escape(_("See the result"))}</a></p>'
            f'<meta http-equiv="refresh" content="1;url={url}"><ol hidden>'
        )
    except ImportRefused as error:
        yield f'</ol><p class="message error" role="alert">{escape(str(error))}</p><ol hidden>'
    yield tail


@data_manager_required
def export_view(request):
    """Cases in an exchange format, as a download; only those within the user's scope, audited."""
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data
        source = wanted["source"]
        try:
            content, _count = cases_export(
                format_name=wanted["format"],
                kind=wanted["kind"],
                year=wanted["year"],
                source_id=source.pk if source else None,
                user=request.user,
                include_identities=wanted.get("include_identities", False),
            )
        except ExportRefused as error:
            form.add_error(None, str(error))
        else:
            response = HttpResponse(content, content_type=CONTENT_TYPES[wanted["kind"]])
            response["Content-Disposition"] = (
                f'attachment; filename="amparo-{wanted["format"]}-{wanted["year"] or "all-years"}.{wanted["kind"]}"'
            )
            return response
    return render(request, "exchange/export.html", {"form": form})


@data_manager_required
def batch_view(request, pk):
    batch = _batch_for(request.user, pk)
    return render(request, "exchange/batch.html", {"batch": batch, "lines": problem_lines(batch)})


@data_manager_required
def rejections_download(request, pk, kind):
    batch = _batch_for(request.user, pk)
    content = write_frame(rejection_frame(batch), kind)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-batch-{batch.pk}.{kind}"'
    return response


@login_required
def template_download(request, kind):
    """The Amparo case file template, generated from the column definitions."""
    content = write_frame(amparo_format.template_rows(), kind)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="amparo-case-file-template.{kind}"'
    return response
