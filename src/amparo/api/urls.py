"""/api/v1/ (django-ninja), and the statistics' former paths under /api/stats/, redirected to it.

The redirects keep clients of the former paths working for this version (308 keeps the method; the
Deprecation and Link headers name the successor). The API checks its callers itself (token or session), so
its views are not behind the login page.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.urls import URLPattern, URLResolver, include, path

from amparo.api.endpoints import api

PREFIX = "/api/v1"


def _unguarded(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _unguarded(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


class _Moved(HttpResponsePermanentRedirect):
    status_code = 308


def _moved_to(target: str):
    @login_not_required
    def view(request, **kwargs):
        location = PREFIX + target.format(**kwargs)
        if request.META.get("QUERY_STRING"):
            location += "?" + request.META["QUERY_STRING"]
        response = _Moved(location)
        response["Deprecation"] = "true"
        response["Link"] = f'<{location}>; rel="successor-version"'
        return response

    return view


_patterns, _app, _namespace = api.urls  # not named app_name: include() would take it for this module's
urlpatterns = [
    path("api/v1/", include((_unguarded(_patterns), _app), namespace=_namespace)),
    path("api/stats/headline/", _moved_to("/stats/headline")),
    path("api/stats/trend/", _moved_to("/stats/trend")),
    path("api/stats/count/<slug:dimension>/", _moved_to("/stats/count/{dimension}")),
    path("api/stats/crosstab/<slug:rows>/<slug:columns>/", _moved_to("/stats/crosstab/{rows}/{columns}")),
]
