"""Pages for data managers: upload a file, watch it import, read and download what was rejected; export cases."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.core.tabular_files import write_frame
from amparo.exchange.exports import ExportRefused, cases_export, rejected_rows_export
from amparo.exchange.formats import amparo as amparo_format
from amparo.exchange.forms import ExportForm, ImportForm, OrganisationForm
from amparo.exchange.models import ImportBatch
from amparo.exchange.rejections import problem_lines
from amparo.exchange.selectors import import_batches
from amparo.exchange.services import FileImport, ImportRefused
from amparo.registry.models import Organisation
from amparo.registry.services import organisation_register

RECENT_BATCHES = 10
BATCHES_PER_PAGE = 50
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
    form = ImportForm(request.POST or None, request.FILES or None, initial={"source": request.GET.get("source")})
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
    batches = import_batches()[:RECENT_BATCHES]
    return render(request, "exchange/import.html", {"form": form, "batches": batches})


@data_manager_required
def batches_view(request):
    """Every past import with its counts and the way to its rejected rows, newest first."""
    source = request.GET.get("source")
    source_id = int(source) if source and source.isdigit() else None
    page = Paginator(import_batches(source_id=source_id), BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    sources = Organisation.objects.filter(import_batches__isnull=False).distinct().order_by("name")
    return render(request, "exchange/batches.html", {"page": page, "sources": sources, "source_id": source_id})


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
def sources_view(request):
    """The source organisations files come from, and a form to add one."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_register(user=request.user, request=request, **form.cleaned_data)
        except ValueError as refused:
            form.add_error("name", str(refused))
        else:
            messages.success(request, _("%(name)s was added as a source organisation.") % {"name": organisation.name})
            return redirect(f"{reverse('exchange:import')}?source={organisation.pk}")
    organisations = Organisation.objects.annotate(imports=Count("import_batches")).order_by("name")
    return render(
        request,
        "exchange/sources.html",
        {"form": form, "organisations": organisations},
        status=400 if form.is_bound and form.errors else 200,
    )


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
    content = rejected_rows_export(batch=batch, kind=kind, user=request.user, request=request)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-batch-{batch.pk}.{kind}"'
    return response


@login_required
def template_download(request, kind):
    """The Amparo case file template, generated from the column definitions, in the language of the page it
    was asked from."""
    content = write_frame(amparo_format.template_rows(get_language().split("-")[0]), kind)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="amparo-case-file-template.{kind}"'
    return response
