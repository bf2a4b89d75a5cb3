"""Errors as RFC 9457 problem details (application/problem+json), in the language of the request.

Every refusal of the API goes through here: bad JSON, wrong types, unknown fields, oversize batches,
rejected rows, missing or revoked tokens, scope, rate limits.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from amparo.exchange.domain.problems import expected_text

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:amparo:problem:"


class Problem(Exception):
    """A refusal with its RFC 9457 members; `errors` lists what was wrong, one entry per row and field."""

    def __init__(self, status: int, kind: str, title: str, detail: str = "", errors: list[dict] | None = None):
        super().__init__(detail or title)
        self.status, self.kind, self.title, self.detail, self.errors = status, kind, title, detail, errors or []


def problem_response(request, problem: Problem) -> JsonResponse:
    body = {
        "type": TYPE_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    body["instance"] = request.path
    if problem.errors:
        body["errors"] = problem.errors
    return JsonResponse(
        body, status=problem.status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def row_errors(rows: dict[int, list[dict]], first_row: int = 2) -> list[dict]:
    """The importer's rejected rows (numbered as a spreadsheet: the first case is row 2) as errors naming the
    case's position in the batch (from 0), its field, its value and what was expected."""
    return [
        {
            "index": row - first_row,
            "field": problem.get("field") or problem.get("column", ""),
            "value": problem.get("value", ""),
            "expected": expected_text(problem["reason"], problem.get("params") or {}),
        }
        for row, problems in sorted(rows.items())
        for problem in problems
    ]


def _field(location) -> str:
    """Where a value was wrong, without the part of the request it came in (body, query, path) and without the
    body's parameter name: `cases.3`, `year`."""
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[2:] or parts[1:]
    elif parts and parts[0] in ("query", "path"):
        parts = parts[1:]
    return ".".join(parts)


def _validation(request, exc: ValidationError):
    errors = [
        {"field": _field(error.get("loc", ())), "value": _shown(error.get("input")), "expected": error.get("msg", "")}
        for error in exc.errors
    ]
    return problem_response(
        request, Problem(422, "invalid-request", _("The request does not fit the API's schema."), errors=errors)
    )


def _shown(value) -> str | None:
    """A rejected value as text, short: it may be a whole body."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)[:200]


def _http_error(request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        problem = Problem(
            401,
            "unauthorized",
            _("A valid token is needed."),
            _("Send the header Authorization: Bearer <token>; a revoked or expired token is refused."),
        )
        response = problem_response(request, problem)
        response["WWW-Authenticate"] = 'Bearer realm="amparo"'
        return response
    if isinstance(exc, AuthorizationError):
        return problem_response(request, Problem(403, "forbidden", _("Your role may not do this.")))
    if isinstance(exc, Throttled):
        return problem_response(
            request,
            Problem(429, "rate-limited", _("Too many requests."), _("Wait as many seconds as Retry-After says.")),
        )
    if exc.status_code == 400:
        return problem_response(request, Problem(400, "malformed-request", _("The request body is not valid JSON.")))
    return problem_response(request, Problem(exc.status_code, "error", str(exc)))


def _not_found(request, exc):
    return problem_response(request, Problem(404, "not-found", _("Not found."), str(exc) if str(exc) else ""))


def _problem(request, exc: Problem):
    return problem_response(request, exc)


def install(api) -> None:
    api.add_exception_handler(Problem, _problem)
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
