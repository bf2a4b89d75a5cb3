"""Release pages for data managers and administrators, and the public site. Thin: the work is in services,
selectors and publication; every release is reached through access.release_for."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from amparo.accounts.access import may, require
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.release import publication, selectors, services
from amparo.release.access import may_manage_releases, release_for
from amparo.release.domain.files import FILE_NAMES
from amparo.release.forms import ReleaseForm
from amparo.release.services import ReleaseRefused

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_response(release, name: str, *, public: bool) -> HttpResponse:
    if name not in FILE_NAMES:
        raise Http404
    response = HttpResponse(
        services.release_file(release, name, public=public), content_type=CONTENT_TYPES[name.rsplit(".", 1)[1]]
    )
    response["Content-Disposition"] = f'attachment; filename="amparo-{release.year}-release-{release.pk}-{name}"'
    return response


def _list_page(request, form, status=200):
    if not may_manage_releases(request.user):
        raise Http404
    return render(
        request, "release/release_list.html", {"form": form, "releases": selectors.release_list()}, status=status
    )


@login_required
@require_GET
def release_list_view(request):
    require(request.user, Capability.RELEASE)
    return _list_page(request, ReleaseForm())


@login_required
@require_POST
def release_create_view(request):
    if not may_manage_releases(request.user):
        raise Http404
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        release = services.release_create(user=request.user, request=request, **form.cleaned_data)
    except ReleaseRefused as refusal:
        form.add_error(None, str(refusal))
        return _list_page(request, form, status=400)
    messages.success(
        request,
        _(
            "Release %(id)s of %(year)s is made. An administrator who did not make it must "
            "approve it before it is published."
        )
        % {"id": release.pk, "year": release.year},
    )
    return redirect("release-detail", pk=release.pk)


@login_required
@require_GET
def release_detail_view(request, pk: int):
    release = release_for(request.user, pk)
    approved = hasattr(release, "approval")
    return render(
        request,
        "release/release_detail.html",
        {
            "release": release,
            "approved": approved,
            # The button only; the service decides, and refuses (audited) whoever else tries.
            "may_approve": not approved
            and may(request.user, Capability.PUBLISH)
            and release.created_by_id != request.user.pk,
            "files": FILE_NAMES,
            "tables": publication.public_tables(release),
            "accuracy": publication.accuracy_facts(release),
        },
    )


@login_required
@require_POST
def release_approve_view(request, pk: int):
    release = release_for(request.user, pk)
    try:
        services.release_approve(release=release, user=request.user, request=request)
    except ReleaseRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Release %(id)s of %(year)s is approved and published.") % {"id": release.pk, "year": release.year},
        )
    return redirect("release-detail", pk=release.pk)


@login_required
@require_GET
def release_file_view(request, pk: int, name: str):
    release = release_for(request.user, pk)
    response = _file_response(release, name, public=False)
    audit_record(user=request.user, action=AuditAction.EXPORT, obj=release, request=request, details={"file": name})
    return response


def _published(year: int):
    release = selectors.published_release(year)
    if release is None:
        raise Http404
    return release


def _synthetic(releases) -> bool:
    """Whether any release shown was made from synthetic cases: said by the release, not by today's registry."""
    return any(r.summary.get("synthetic_data") for r in releases)


@login_not_required
@require_GET
def public_index_view(request):
    releases = selectors.published_releases()
    years = [{"release": r, "total": r.tables["total"], "bound": r.tables["total_error_bound_95"]} for r in releases]
    return render(request, "release/public_index.html", {"years": years, "synthetic_data_loaded": _synthetic(releases)})


@login_not_required
@require_GET
def public_year_view(request, year: int):
    release = _published(year)
    return render(
        request,
        "release/public_year.html",
        {
            "release": release,
            "total": release.tables["total"],
            "total_bound": release.tables["total_error_bound_95"],
            "sentences": publication.release_sentences(release),
            "map": publication.department_map(release),
            "tables": publication.public_tables(release),
            "accuracy": publication.accuracy_facts(release),
            "files": FILE_NAMES,
            "synthetic_data_loaded": _synthetic([release]),
        },
    )


@login_not_required
@require_GET
def public_methods_view(request):
    releases = selectors.published_releases()
    return render(
        request,
        "release/public_methods.html",
        {
            "releases": [{"release": r, "accuracy": publication.accuracy_facts(r)} for r in releases],
            "defaults": {
                "k": services.DEFAULT_K,
                "epsilon_tables": services.DEFAULT_EPSILON_TABLES,
                "epsilon_synthetic": services.DEFAULT_EPSILON_SYNTHETIC,
            },
            "epsilon_per_year": f"{settings.RELEASE_EPSILON_PER_YEAR:g}",
            "synthetic_data_loaded": _synthetic(releases),
        },
    )


@login_not_required
@require_GET
def public_file_view(request, year: int, name: str):
    return _file_response(_published(year), name, public=True)
