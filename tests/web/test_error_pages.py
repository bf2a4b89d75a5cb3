"""Refused, missing and failed pages speak the user's language inside Amparo's layout, and a page refused
for a case never says whether the case exists."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_a_page_the_role_may_not_open_says_why_in_spanish(client_as, analyst):
    response = client_as(analyst).get(reverse("exchange:import"), HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 403
    assert "No puede abrir esta página" in page and "Analista" in page and 'class="site-header"' in page


def test_a_missing_page_and_a_case_outside_the_scope_look_the_same(client_as, registrar, victim_case, outsider):
    missing = client_as(outsider).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    hidden = client_as(outsider).get(reverse("case-detail", args=[victim_case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == hidden.status_code == 404
    assert "Page not found" in missing.content.decode() and "Page not found" in hidden.content.decode()


def test_a_server_error_page_renders_without_a_request_context():
    request = RequestFactory().get("/")
    with translation.override("es"):
        response = server_error(request)
    assert response.status_code == 500 and "Algo salió mal" in response.content.decode()
