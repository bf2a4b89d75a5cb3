"""The audit log search, for those who may read it (administrators). The log is read here, never edited."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.audit.forms import AuditSearchForm
from amparo.audit.selectors import AuditFilters, audit_events

PAGE_SIZE = 50


@require_GET
def audit_search(request):
    require(request.user, Capability.AUDIT)
    form = AuditSearchForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else AuditFilters()
    page = Paginator(audit_events(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})
