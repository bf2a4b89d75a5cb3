"""A request that failed only because another writer held the database (an import stores all or nothing, in
one transaction) says so plainly, with when to try again, instead of a server error."""

import sys

from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

from amparo.core.dialects import dialect

RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Django's server error page, or 503 "busy, try again" with Retry-After when the error being handled
    says only that the database was held longer than a request waits (settings: the SQLite timeout)."""
    error = sys.exc_info()[1]
    if error is None or not dialect().is_busy(error):
        return django_server_error(request, template_name)
    # Rendered without the request's context, as the 500 page: its context processors may need the database.
    page = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
