"""/api/v1/: cases in and out, statistics, reference data and published releases. Thin: the importer checks and
stores cases, the registry's door decides which cases a caller reaches, the statistics engine computes the
figures, and releases are read as published."""

from __future__ import annotations

import base64
import binascii
import json
from enum import StrEnum
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Schema
from ninja.openapi.docs import Swagger
from pydantic import Field

from amparo.accounts.access import statistics_suppressed_for
from amparo.accounts.roles import Capability
from amparo.api import auth, problems, schemas
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core import codelists, geography
from amparo.exchange.models import CaseProvenance
from amparo.exchange.services import BatchRejected, FileImport, ImportRefused
from amparo.linkage.selectors import victim_cases_seen
from amparo.registry.access import cases_visible_to, identity_for
from amparo.registry.case_filter import case_condition
from amparo.registry.forms import CaseFilterForm
from amparo.registry.models import CaseCode
from amparo.release.selectors import published_release, published_releases
from amparo.release.services import release_json
from amparo.reports import dashboard
from amparo.reports.domain.json_report import table_json
from amparo.reports.trend import trend
from amparo.stats import engine
from amparo.stats.dimensions import DIMENSIONS


class _Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The schema, with errors documented as the problem details they are (application/problem+json)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if str(status).startswith("4") and "application/json" in response.get("content", {}):
                        response["content"] = {problems.CONTENT_TYPE: response["content"]["application/json"]}
        return schema


api = _Api(
    title="Amparo API",
    version="1",
    description=(
        "Cases in and out, statistics, reference data and published releases. Authenticate with "
        "`Authorization: Bearer <token>` (an administrator creates a client and its token). Errors are RFC 9457 "
        "problem details in the language of Accept-Language (es, en). See docs/api.md."
    ),
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    auth=auth.READ,
    throttle=[auth.PerClient()],
)
problems.install(api)
api.add_exception_handler(
    PermissionDenied,
    lambda request, exc: problems.problem_response(
        request, problems.Problem(403, "forbidden", _("Your role may not do this."))
    ),
)

Dimension = StrEnum("Dimension", {name: name for name in DIMENSIONS})
CountDimension = StrEnum("CountDimension", {name: name for name in [*DIMENSIONS, "hotspots"]})


def _audited(request, action: str, **details) -> None:
    """Every call is audited, with the client's name."""
    audit_record(
        user=auth.account(request),
        action=action,
        request=request,
        details={"api": f"{request.method} {request.path}", "client": auth.caller_name(request), **details},
    )


class CaseFilters(Schema):
    """The dashboard's filters (registry.forms.CaseFilterForm checks them): no year means every year."""

    year: list[int] = Field(default_factory=list, description="Years of registration; several allowed.")
    department: str | None = Field(None, description="INEI ubigeo of 2 digits.")
    province: str | None = Field(None, description="INEI ubigeo of 4 digits.")
    district: str | None = Field(None, description="INEI ubigeo of 6 digits.")
    exploitation: str | None = Field(None, description="A code of the exploitation_type codelist.")
    sex: str | None = Field(None, description="A code of the gender codelist.")
    age_group: str | None = None
    family: Literal["yes", "no"] | None = None
    source: int | None = Field(None, description="Id of a source organisation.")


def _filter_form(filters: CaseFilters, *, default_year: bool) -> CaseFilterForm:
    data = QueryDict(mutable=True)
    for name, value in filters.model_dump().items():
        if name == "year":
            data.setlist("year", [str(year) for year in value])
        elif value is not None:
            data[name] = str(value)
    form = CaseFilterForm(data, default_year=default_year)
    if not form.is_valid():
        errors = [
            {"field": field, "value": data.get(field), "expected": " ".join(messages)}
            for field, messages in form.errors.items()
        ]
        raise problems.Problem(422, "invalid-filters", _("Invalid filters."), errors=errors)
    return form


# Cases ------------------------------------------------------------------------------------------------------

cases = Router(tags=["cases"])


def _store(request, items: list[dict], format_name: str, capability: Capability) -> schemas.BatchOut:
    account = auth.account(request)
    auth.require(request, capability)
    if account.organisation is None:
        raise problems.Problem(403, "no-organisation", _("The client has no organisation to send cases for."))
    payload = json.dumps({"cases": items}, ensure_ascii=False).encode()
    job = FileImport(
        data=payload,
        file_name=f"api {auth.caller_name(request)}.json",
        source=account.organisation,
        format_name=format_name,
        user=account,
        all_or_nothing=True,
        updatable=cases_visible_to(account),
    )
    try:
        for _message in job.stages():
            pass
    except BatchRejected as rejected:
        raise problems.Problem(
            422,
            "rejected-cases",
            _("Cases rejected; nothing was stored."),
            str(rejected),
            problems.row_errors(rejected.rows),
        ) from None
    except ImportRefused as refused:
        raise problems.Problem(
            422, "refused", _("The cases could not be read; nothing was stored."), str(refused)
        ) from None
    batch = job.batch
    written = [
        schemas.CaseWritten(index=row - 2, id=case_id, action=action)
        for row, case_id, action in CaseProvenance.objects.filter(batch=batch)
        .order_by("row_number")
        .values_list("row_number", "case_id", "action")
    ]
    return schemas.BatchOut(
        batch=batch.pk, created=batch.created, updated=batch.updated, unchanged=batch.unchanged, cases=written
    )


@cases.post("/cases", auth=auth.WRITE, response={200: schemas.BatchOut, **schemas.ERRORS}, summary="Send one case")
def case_send(request, case: schemas.CaseIn, format: schemas.FORMATS = "auto"):
    """Creates the case, or updates the one this source sent with the same source_record_id (sending it again
    changes nothing). Checked and normalised as an import's row is; a rejected case is a problem response."""
    return _store(request, [case.root], format, Capability.REGISTER)


@cases.post("/cases/batch", auth=auth.WRITE, response={200: schemas.BatchOut, **schemas.ERRORS}, summary="Send a batch")
def batch_send(request, batch: schemas.BatchIn):
    """Up to 500 cases, all or nothing: one rejected case rejects the batch, and the problem lists every
    rejected case with its field, value and what was expected. Idempotent by (source, source_record_id)."""
    return _store(request, [case.root for case in batch.cases], batch.format, Capability.EXCHANGE)


def _cursor(value: str | None) -> int:
    if not value:
        return 0
    try:
        return int(base64.urlsafe_b64decode(value.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise problems.Problem(
            422,
            "invalid-cursor",
            _("Invalid cursor."),
            errors=[{"field": "cursor", "value": value[:200], "expected": _("a next_cursor of a previous page")}],
        ) from None


def _require_asked(request, *, identities: bool, linkage: bool) -> None:
    """Cases for roles that read them; identities and linkage only when asked for, to roles that see them."""
    auth.require(request, Capability.CASES)
    if identities:
        auth.require(request, Capability.IDENTITIES)
    if linkage:
        auth.require(request, Capability.LINK)


@cases.get("/cases", response={200: schemas.CasePage, **schemas.ERRORS}, summary="List cases")
def case_list(
    request,
    filters: Query[CaseFilters],
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
    identities: bool = False,
    linkage: bool = False,
):
    """The cases within the caller's scope, with the dashboard's filters, by id. Identities only when asked
    for and only to roles that may see them; every identity shown is audited. With `linkage`, to roles that
    review record linkage: the linked victim each case is about, and how many of their cases are in scope."""
    account = auth.account(request)
    _require_asked(request, identities=identities, linkage=linkage)
    selection = _filter_form(filters, default_year=False).case_filter()
    after = _cursor(cursor)
    rows = list(
        cases_visible_to(account)
        .filter(case_condition(selection), pk__gt=after)
        .select_related("victim", "source_organisation")
        .order_by("pk")[: limit + 1]
    )
    page = rows[:limit]
    exploitation = _exploitation_types([case.pk for case in page])
    victims = victim_cases_seen(account, {case.victim_id for case in page}) if linkage else {}
    items = [
        _case_out(request, case, exploitation.get(case.pk, []), identities, victims.get(case.victim_id))
        for case in page
    ]
    next_cursor = base64.urlsafe_b64encode(str(page[-1].pk).encode()).decode() if len(rows) > limit else None
    _audited(
        request,
        AuditAction.EXPORT,
        cases=len(items),
        identities=identities,
        linkage=linkage,
        filters=selection.as_dict(),
    )
    return schemas.CasePage(items=items, next_cursor=next_cursor)


@cases.get("/cases/{case_id}", response={200: schemas.CaseOut, **schemas.ERRORS}, summary="One case")
def case_read(request, case_id: int, identities: bool = False, linkage: bool = False):
    account = auth.account(request)
    _require_asked(request, identities=identities, linkage=linkage)
    case = cases_visible_to(account).select_related("victim", "source_organisation").filter(pk=case_id).first()
    if case is None:
        raise Http404  # a case outside the scope is not revealed to exist
    victim = victim_cases_seen(account, [case.victim_id])[case.victim_id] if linkage else None
    _audited(request, AuditAction.EXPORT, cases=1, identities=identities, linkage=linkage)
    return _case_out(request, case, _exploitation_types([case.pk]).get(case.pk, []), identities, victim)


def _exploitation_types(case_ids: list[int]) -> dict[int, list[str]]:
    types: dict[int, list[str]] = {}
    for case_id, code in (
        CaseCode.objects.filter(case_id__in=case_ids, field=CaseCode.Field.EXPLOITATION)
        .order_by("case_id", "code")
        .values_list("case_id", "code")
    ):
        types.setdefault(case_id, []).append(code)
    return types


def _case_out(request, case, exploitation: list[str], identities: bool, victim=None) -> schemas.CaseOut:
    """`victim`: (the linked victim, their cases in scope), when linkage was asked for."""
    identity = identity_for(auth.account(request), case, request) if identities else None
    return schemas.CaseOut(
        id=case.pk,
        source_record_id=case.source_record_id,
        source_organisation=case.source_organisation.name,
        registration_date=case.registration_date,
        status=case.status,
        trafficking_status=case.trafficking_status,
        gender=case.victim.gender,
        citizenship=case.victim.citizenship,
        age_when_trafficked=case.age_when_trafficked,
        department=case.department_code,
        province=case.province_code,
        district=case.district_code,
        exploitation_types=exploitation,
        family_facilitated=case.family_facilitated,
        organised_network=case.organised_network,
        synthetic=case.is_synthetic,
        identity=schemas.Identity(
            first_name=identity.first_name,
            second_name=identity.second_name,
            identity_number=identity.identity_number,
            birthdate=identity.birthdate,
        )
        if identity is not None
        else None,
        linked_victim=schemas.LinkedVictim(key=victim[0].key or None, cases=victim[1]) if victim else None,
    )


# Statistics -------------------------------------------------------------------------------------------------

statistics = Router(tags=["statistics"])


def _statistics_call(request, filters: CaseFilters):
    form = _filter_form(filters, default_year=True)
    return form, statistics_suppressed_for(auth.account(request))


@statistics.get("/stats/headline", response={200: schemas.Headline, **schemas.ERRORS}, url_name="stats-headline")
def headline(request, filters: Query[CaseFilters]):
    """The dashboard's headline figures; no year means the latest year with cases."""
    form, suppress = _statistics_call(request, filters)
    figures = engine.headline(form.case_filter(), suppress=suppress)
    _audited(request, AuditAction.EXPORT, statistics="headline", filters=form.case_filter().as_dict())
    return {
        "filters": {k: v for k, v in form.cleaned_data.items() if v},
        "year_note": form.year_note(),
        "suppression_threshold": engine.protection(suppress).threshold,
        "protection": engine.protection(suppress).as_json(),
        **dashboard.headline_json(figures),
    }


@statistics.get(
    "/stats/count/{dimension}", response={200: schemas.StatisticsTable, **schemas.ERRORS}, url_name="stats-count"
)
def count(request, dimension: CountDimension, filters: Query[CaseFilters]):
    """Cases per value of a dimension (or the hot spots of family-facilitated cases by district)."""
    form, suppress = _statistics_call(request, filters)
    if dimension == "hotspots":
        table = dashboard.hotspots_table(form.case_filter(), suppress)
    else:
        table = dashboard.dimension_table(str(dimension), form.case_filter(), suppress)
    _audited(request, AuditAction.EXPORT, statistics=f"count {dimension}", filters=form.case_filter().as_dict())
    return table_json(table)


@statistics.get("/stats/trend", response={200: schemas.StatisticsTable, **schemas.ERRORS}, url_name="stats-trend")
def trend_by_year(request, filters: Query[CaseFilters]):
    """Cases per year of the filter's cases in every year (the dashboard's and the report's trend)."""
    form, suppress = _statistics_call(request, filters)
    _audited(request, AuditAction.EXPORT, statistics="trend", filters=form.case_filter().as_dict())
    return table_json(trend(form.case_filter(), suppress=suppress).table)


@statistics.get(
    "/stats/crosstab/{rows}/{columns}",
    response={200: schemas.StatisticsTable, **schemas.ERRORS},
    url_name="stats-crosstab",
)
def crosstab(request, rows: Dimension, columns: Dimension, filters: Query[CaseFilters]):
    if rows == columns:
        raise problems.Problem(
            422,
            "invalid-request",
            _("A crosstab needs two different dimensions."),
            errors=[{"field": "columns", "value": str(columns), "expected": _("a dimension other than the rows'")}],
        )
    form, suppress = _statistics_call(request, filters)
    table = dashboard.crosstab_table(str(rows), str(columns), form.case_filter(), suppress)
    _audited(request, AuditAction.EXPORT, statistics=f"crosstab {rows} {columns}", filters=form.case_filter().as_dict())
    return table_json(table)


# Reference data ---------------------------------------------------------------------------------------------

reference = Router(tags=["reference data"])
CODELISTS = {codelist.name: codelist for codelist in codelists.ALL_CODELISTS}
CodelistName = StrEnum("CodelistName", {name: name for name in CODELISTS})


def _labels(code) -> dict:
    labels = {}
    for language in ("es", "en"):
        with translation.override(language):
            labels[f"label_{language}"] = str(code.label)
    return labels


@reference.get("/codelists", response={200: list[schemas.Codelist], **schemas.ERRORS})
def codelist_all(request):
    """Every codelist (HTCDS and Amparo codes) with Spanish and English labels, to build forms with."""
    _audited(request, AuditAction.EXPORT, reference="codelists")
    return [
        {"name": name, "codes": [{"code": c.code, **_labels(c)} for c in codelist]}
        for name, codelist in CODELISTS.items()
    ]


@reference.get("/codelists/{name}", response={200: schemas.Codelist, **schemas.ERRORS})
def codelist_one(request, name: CodelistName):
    _audited(request, AuditAction.EXPORT, reference=f"codelist {name}")
    return {"name": str(name), "codes": [{"code": c.code, **_labels(c)} for c in CODELISTS[str(name)]]}


@reference.get("/geography", response={200: list[schemas.Place], **schemas.ERRORS})
def places(
    request,
    level: Literal["department", "province", "district"] = "department",
    within: str | None = Query(
        None, pattern=r"^\d{2}(\d{2})?$", description="A department (2 digits) or province (4)."
    ),
):
    """Peru's departments, provinces or districts (INEI ubigeo), optionally those within a place."""
    if level == "department":
        found = geography.departments()
    elif level == "province":
        found = geography.provinces(within[:2] if within else None)
    else:
        found = [p for p in geography.districts() if not within or p.ubigeo.startswith(within)]
    if within:
        found = [p for p in found if p.ubigeo.startswith(within)]
    _audited(request, AuditAction.EXPORT, reference=f"geography {level}")
    return [{"ubigeo": p.ubigeo, "name": p.name, "level": p.level} for p in found]


# Published releases -----------------------------------------------------------------------------------------

releases = Router(tags=["releases"])


def _published(year: int):
    release = published_release(year)
    if release is None:
        raise Http404  # a release not yet approved is not revealed to exist
    return release


def _release_out(release) -> dict:
    return {
        "id": release.pk,
        "year": release.year,
        "unit": release.unit,
        "total": release.tables["total"],
        "total_error_bound_95": release.tables["total_error_bound_95"],
        "synthetic_data": bool(release.summary.get("synthetic_data")),
        "tables": [table["slug"] for table in release.tables["tables"]],
    }


@releases.get("/releases", response={200: list[schemas.Release], **schemas.ERRORS}, summary="Published releases")
def release_list(request):
    """The published releases, newest year first. What the public site publishes, so any client may read them,
    whatever its role: the release's own noisy figures, never the registry's."""
    published = published_releases()
    _audited(request, AuditAction.EXPORT, releases=[release.pk for release in published])
    return [_release_out(release) for release in published]


@releases.get(
    "/releases/{year}", response={200: schemas.ReleaseDetail, **schemas.ERRORS}, summary="The release of a year"
)
def release_read(request, year: int):
    """The published release of a year, with its release.json as the public site publishes it."""
    release = _published(year)
    _audited(request, AuditAction.EXPORT, release=release.pk, file="release.json")
    return {**_release_out(release), "summary": release_json(release, public=True)}


@releases.get(
    "/releases/{year}/tables",
    response={200: schemas.ReleaseTables, **schemas.ERRORS},
    summary="The tables of a year's release",
)
def release_tables(request, year: int):
    """tables.json of the published release of a year: every differentially private table."""
    release = _published(year)
    _audited(request, AuditAction.EXPORT, release=release.pk, file="tables.json")
    return release.tables


@releases.get(
    "/releases/{year}/tables/{slug}",
    response={200: schemas.ReleaseTable, **schemas.ERRORS},
    summary="One table of a year's release",
)
def release_table(request, year: int, slug: str):
    release = _published(year)
    table = next((table for table in release.tables["tables"] if table["slug"] == slug), None)
    if table is None:
        raise Http404
    _audited(request, AuditAction.EXPORT, release=release.pk, table=slug)
    return table


api.add_router("", cases)
api.add_router("", statistics)
api.add_router("", reference)
api.add_router("", releases)
