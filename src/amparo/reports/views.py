"""Dashboard pages, table downloads, the statistics JSON API and the report download. Thin: logic lives in
dashboard.py, annual.py and the statistics engine."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext

from amparo.accounts.access import may, statistics_suppressed_for
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core import geography
from amparo.registry.case_filter import provenance
from amparo.registry.forms import CaseFilterForm
from amparo.reports import dashboard
from amparo.reports.annual import build_annual_report
from amparo.reports.domain import tilemap
from amparo.reports.domain.pdf_report import PdfUnavailable
from amparo.reports.forms import CHOOSE_BOTH, CrosstabForm, YearComparisonForm
from amparo.reports.html_report import formatted_rows
from amparo.reports.maps import BOUNDARIES, MAP_KINDS, TILES, boundaries_for, hotspot_map
from amparo.reports.methods import methods_content
from amparo.reports.tables import hidden_text
from amparo.reports.writers import (
    FORMATS,
    TABLE_FORMATS,
    pdf_unavailable_message,
    render_report,
    render_table,
    report_filename,
)
from amparo.stats import engine
from amparo.stats.presentation import protection_note

HIDDEN = "—"
HOTSPOTS_PER_PAGE = 25


def _valid_form(request) -> CaseFilterForm:
    """The filters of the query string, checked; no parameter at all means every case of the latest year."""
    form = CaseFilterForm(request.GET, default_year=True)
    form.is_valid()
    return form


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


def _table_context(request, table, drill: str | None = None) -> dict:
    rows = formatted_rows(table, get_language() or "en", HIDDEN)
    if drill:
        lower = {"department": ("province", "district"), "province": ("district",), "district": ()}[drill]
        for row in rows:
            if row["key"] not in ("total", "unknown") and drill != "district":
                row["link"] = _query(request, **{drill: row["key"]}, **dict.fromkeys(lower))
    return {"table": table, "rows": rows, "chart": table.chart, "query": request.GET.urlencode()}


def _map_kind(request) -> tuple[str, str]:
    """The kind of map the query asks for (`map=boundaries|tiles`, boundaries by default), and the message
    that refuses an unknown one ("" when it is known)."""
    kind = request.GET.get("map") or BOUNDARIES
    if kind in MAP_KINDS:
        return kind, ""
    shown = kind if len(kind) <= 20 else kind[:20] + "…"
    return kind, gettext("Unknown map %(value)s: choose boundaries or tiles.") % {"value": shown}


def _map_context(request, kind: str) -> dict:
    """The links that switch between the kinds of map, keeping every other parameter."""
    labels = {BOUNDARIES: gettext("Department boundaries"), TILES: gettext("Tile grid")}
    return {
        "map_kind": kind,
        "map_param": request.GET.get("map", ""),  # kept by the filter form when it was chosen
        "map_choices": [(labels[k], _query(request, map=k), k == kind) for k in MAP_KINDS],
    }


def _map_links(request, kind: str, **also) -> dict[str, str]:
    """Each department's (or tile's) link: the same page narrowed to it, `also` changed as well."""
    codes = [code for code, *_ in tilemap.TILES] if kind == TILES else [p.ubigeo for p in geography.departments()]
    return {
        code: _query(request, department=code[:2], province=code if len(code) == 4 else None, district=None, **also)
        for code in codes
    }


def _breadcrumb(request, form) -> list[tuple[str, str | None]]:
    data = form.cleaned_data
    crumbs = [(gettext("Peru"), _query(request, department=None, province=None, district=None))]
    if data.get("department"):
        crumbs.append((geography.place(data["department"]).name, _query(request, province=None, district=None)))
    if data.get("province"):
        crumbs.append((geography.place(data["province"]).name, _query(request, district=None)))
    if data.get("district"):
        crumbs.append((geography.place(data["district"]).name, None))
    return crumbs


@login_required
def dashboard_view(request):
    form = _valid_form(request)
    kind, error = _map_kind(request)
    context = {"form": form, "formats": list(FORMATS), "suppressed": statistics_suppressed_for(request.user)}
    if error or not form.is_valid():
        return render(request, "reports/dashboard.html", {**context, "error": error}, status=400)
    context.update(_map_context(request, kind))
    filters = form.case_filter()
    level = form.place_level()
    data = dashboard.overview(
        filters,
        level,
        statistics_suppressed_for(request.user),
        _map_links(request, kind),
        boundaries_for(kind),
    )
    context.update(data)
    context.update(
        {
            "years": filters.years,
            "year_note": form.year_note(),
            "place": _table_context(request, data["place"], drill=level),
            "tables": [_table_context(request, t) for t in data["tables"]],
            "breadcrumb": _breadcrumb(request, form),
            "query": request.GET.urlencode(),
        }
    )
    return render(request, "reports/dashboard.html", context)


def _page_number(request, count: int) -> tuple[int, str]:
    """The page the query asks for (`page`, 1 by default) of `count` pages, and the message that refuses
    one that is not a page number or beyond the last page ("" when it is fine)."""
    text = request.GET.get("page") or "1"
    # ASCII digits only ("²" is a digit to str.isdigit, not to int), and few of them (int refuses thousands).
    if text.isascii() and text.isdigit() and len(text) < 10 and 1 <= int(text) <= count:
        return int(text), ""
    shown = text if len(text) <= 12 else text[:12] + "…"
    return 1, gettext("There is no page %(value)s: the pages run from 1 to %(count)s.") % {
        "value": shown,
        "count": count,
    }


@login_required
def hotspots_view(request):
    """The hot spots, a page of them at a time, and the map of the departments that hold them."""
    form = _valid_form(request)
    kind, error = _map_kind(request)
    context = {"form": form, "suppressed": statistics_suppressed_for(request.user)}
    if error or not form.is_valid():
        return render(request, "reports/hotspots.html", {**context, "error": error}, status=400)
    context.update(_map_context(request, kind))
    table = dashboard.hotspots_table(form.case_filter(), statistics_suppressed_for(request.user))
    hotspots = _table_context(request, table)
    paginator = Paginator(hotspots["rows"], HOTSPOTS_PER_PAGE)
    number, error = _page_number(request, paginator.num_pages)
    if error:
        return render(request, "reports/hotspots.html", {**context, "error": error}, status=400)
    page = paginator.page(number)
    hotspots["rows"] = page.object_list
    links_to_cases = may(request.user, Capability.CASES)  # only for those who may list the cases
    if links_to_cases:  # each district leads to its family-facilitated cases, for referrals
        for row in hotspots["rows"]:
            row["link"] = _cases_link(form, district=row["key"], family="yes")
    context.update(
        {
            "hotspots": hotspots,
            "page": page,
            "page_links": [
                (n, None if n == Paginator.ELLIPSIS else _query(request, page=str(n)))
                for n in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
            ],
            "previous_link": _query(request, page=str(page.previous_page_number())) if page.has_previous() else "",
            "next_link": _query(request, page=str(page.next_page_number())) if page.has_next() else "",
            "map": hotspot_map(table.keys, boundaries_for(kind), links=_map_links(request, kind, page=None)),
            "links_to_cases": links_to_cases,
            "years": form.case_filter().years,
            "year_note": form.year_note(),
        }
    )
    return render(request, "reports/hotspots.html", context)


@login_required
def crosstab_view(request):
    """Cases by two dimensions the user picks, with the dashboard's filters and protection."""
    form = CrosstabForm(request.GET)
    suppress = statistics_suppressed_for(request.user)
    context = {"form": form, "suppressed": suppress, "protection_note": protection_note(engine.protection(suppress))}
    if not form.is_valid():
        return render(request, "reports/crosstab.html", context, status=400)
    if form.chosen():
        data = form.cleaned_data
        table = dashboard.crosstab_table(data["rows"], data["columns"], form.case_filter(), suppress)
        context["crosstab"] = _table_context(request, table) | {"download": "crosstab"}
    context.update({"years": form.case_filter().years, "year_note": form.year_note()})
    return render(request, "reports/crosstab.html", context)


@login_required
def compare_view(request):
    """Cases by a dimension in two years, with the change: the dashboard's filters and protection."""
    form = YearComparisonForm(request.GET)
    suppress = statistics_suppressed_for(request.user)
    context = {"form": form, "suppressed": suppress, "protection_note": protection_note(engine.protection(suppress))}
    if not form.is_valid():
        return render(request, "reports/compare.html", context, status=400)
    table = dashboard.comparison_table(form.cleaned_data["dimension"], form.case_filter(), suppress)
    context.update(
        {
            "comparison": _table_context(request, table) | {"download": "compare"},
            "years": form.years(),
            "year_note": form.year_note(),
        }
    )
    return render(request, "reports/compare.html", context)


@login_required
def methods_view(request):
    """How every published figure is computed, with the parameters in force (reports.methods)."""
    return render(request, "reports/methods.html", methods_content(suppressed=statistics_suppressed_for(request.user)))


@login_required
def routes_view(request):
    """Where victims were recruited and where they were exploited: the origin-destination table and its map."""
    form = _valid_form(request)
    suppress = statistics_suppressed_for(request.user)
    context = {"form": form, "suppressed": suppress}
    if not form.is_valid():
        return render(request, "reports/routes.html", context, status=400)
    data = dashboard.routes(form.case_filter(), suppress)
    context.update(
        {
            "routes": _table_context(request, data["routes"]),
            "map": data["map"],
            "protection_note": data["protection_note"],
            "years": form.case_filter().years,
            "year_note": form.year_note(),
            "query": request.GET.urlencode(),
        }
    )
    return render(request, "reports/routes.html", context)


def _cases_link(form: CaseFilterForm, **narrower) -> str:
    """The case list showing the cases a figure counts: the dashboard's filters, then `narrower` ones."""
    return reverse("case-list") + "?" + form.query(**narrower)


# Tables whose download needs more than the dashboard's filters: the form of the page that shows them.
PAGE_FORMS = {"crosstab": CrosstabForm, "compare": YearComparisonForm}


def _download_form(name: str, request) -> CaseFilterForm:
    form = PAGE_FORMS[name](request.GET) if name in PAGE_FORMS else _valid_form(request)
    if name == "crosstab" and form.is_valid() and not form.chosen():
        form.add_error("rows", CHOOSE_BOTH)
    return form


def _named_table(name: str, form: CaseFilterForm, suppress):
    filters = form.case_filter()
    if name == "place":
        return dashboard.place_table(filters, form.place_level(), suppress)
    if name == "hotspots":
        return dashboard.hotspots_table(filters, suppress)
    if name == "crosstab":
        return dashboard.crosstab_table(form.cleaned_data["rows"], form.cleaned_data["columns"], filters, suppress)
    if name == "compare":
        return dashboard.comparison_table(form.cleaned_data["dimension"], filters, suppress)
    if name == "routes":
        return dashboard.routes_table(filters, suppress)
    if name in dashboard.DOWNLOADABLE:
        return dashboard.dimension_table(name, filters, suppress)
    raise Http404


@login_required
def table_download_view(request, name: str, fmt: str):
    name = name.replace("-", "_")
    form = _download_form(name, request)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain; charset=utf-8")
    table_suppressed = statistics_suppressed_for(request.user)
    with engine.at_one_revision() as revision:
        table = _named_table(name, form, table_suppressed)
    computed_from = provenance(form.case_filter(), revision)
    response = HttpResponse(
        render_table(table, fmt, hidden=hidden_text(), provenance=computed_from), content_type=TABLE_FORMATS[fmt]
    )
    years = "-".join(str(y) for y in form.case_filter().years)
    response["Content-Disposition"] = f'attachment; filename="amparo-{table.slug}-{years}.{fmt}"'
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        request=request,
        details={"table": table.slug, "years": years, "format": fmt, "suppressed": table_suppressed, **computed_from},
    )
    return response


@login_required
def report_download_view(request):
    """The annual report file. Users who may not have exact figures always get the protected version; others
    get it with suppress=1, and exact figures, marked not for publication, otherwise."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return HttpResponseBadRequest(gettext("Choose a year, such as 2010."), content_type="text/plain; charset=utf-8")
    lang = request.GET.get("lang") or (get_language() or "es")[:2]
    fmt = request.GET.get("format", "html")
    problem = None
    if fmt not in FORMATS:
        problem = gettext("Unknown format %(value)s: choose one of %(formats)s.") % {
            "value": fmt[:20],
            "formats": ", ".join(FORMATS),
        }
    elif lang not in ("es", "en") or not 1900 <= year <= 2100:
        problem = gettext("Unknown language, format or year.")
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    kind, error = _map_kind(request)
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    suppress = statistics_suppressed_for(request.user) or request.GET.get("suppress") == "1"
    report = build_annual_report(year=year, lang=lang, suppress=suppress, map_kind=kind)
    try:
        content = render_report(report, fmt)
    except PdfUnavailable as error:  # the server lacks Pango: the other formats still work
        return HttpResponse(pdf_unavailable_message(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, fmt)}"'
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        request=request,
        details={"report": year, "language": lang, "format": fmt, "suppressed": suppress, **report.provenance},
    )
    return response
