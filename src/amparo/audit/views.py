"""The audit log search, for those who may read it (administrators). The log is read here, never edited."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.audit.descriptions import described
from amparo.audit.exports import AuditExportRefused, audit_log_export
from amparo.audit.forms import AuditSearchForm
from amparo.audit.selectors import AuditFilters, audit_events

PAGE_SIZE = 50


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _search(request) -> tuple[AuditSearchForm, AuditFilters]:
    form = AuditSearchForm(request.GET or None)
    return form, form.filters() if form.is_bound and form.is_valid() else AuditFilters()


def _page(request, form, filters, status=200, refusal=""):
    page = Paginator(audit_events(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "events": described(page.object_list),
        "query": query.urlencode(),
        "refusal": refusal,
    }
    return render(request, "audit/search.html", context, status=status)


@require_GET
def audit_search(request):
    require(request.user, Capability.AUDIT)
    form, filters = _search(request)
    return _page(request, form, filters)


@require_GET
def audit_export(request, kind):
    """The events the search finds, as a file (audited)."""
    require(request.user, Capability.AUDIT)
    form, filters = _search(request)
    try:
        content = audit_log_export(filters=filters, kind=kind, user=request.user, request=request)
    except AuditExportRefused as refused:
        return _page(request, form, filters, status=400, refusal=str(refused))
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="amparo-audit-log.{kind}"'
    return response
