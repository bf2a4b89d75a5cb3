"""Every page and API endpoint of the project, for every role: found by walking the URL configuration.

New pages are covered as soon as they are routed. For each URL that needs no
argument (or only integer ids, given the seeded case's id), and each persona:
- anonymous visitors are sent to a login page, unless the view is marked
  `login_not_required` (public statistics) or is the language switch;
- no page answers with a server error;
- analysts, the outsider organisation and anonymous visitors never receive the
  seeded victim's name, surnames, identity number or birth date.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.views.i18n import set_language
from django_otp import DEVICE_ID_SESSION_KEY

from amparo.accounts.roles import Role
from amparo.accounts.twofactor import second_factor_required_by_role
from tests.personas import (
    VICTIM_BIRTHDATE,
    VICTIM_DNI,
    VICTIM_FIRST_NAME,
    VICTIM_SURNAME,
    ROLES,
    verified_device,
)

pytestmark = pytest.mark.django_db

SECRETS = [VICTIM_FIRST_NAME, *VICTIM_SURNAME.split(), VICTIM_DNI, VICTIM_BIRTHDATE.isoformat(),
           VICTIM_BIRTHDATE.strftime("%d/%m/%Y")]
NO_IDENTITY_PERSONAS = {"anonymous", "outsider", Role.ANALYST.value}
LOGIN_PATHS = ("/login/", "/admin/login/")


def _patterns(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, namespace + (f"{entry.namespace}:" if entry.namespace else ""))
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, entry


def project_urls(case_pk: int) -> list[str]:
    """Each named URL that can be built without arguments, or with integer ids only (given `case_pk`)."""
    urls = set()
    for name, entry in _patterns(get_resolver().url_patterns):
        converters = getattr(entry.pattern, "converters", {})
        regex_groups = re.compile(entry.pattern.regex.pattern).groups
        if converters and all(isinstance(c, IntConverter) for c in converters.values()):
            urls.add(reverse(name, kwargs={key: case_pk for key in converters}))
        elif not converters and not regex_groups:
            urls.add(reverse(name))
    return sorted(urls)


def _is_public(url: str) -> bool:
    view = resolve(url).func
    return view is set_language or getattr(view, "login_required", True) is False


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
        if second_factor_required_by_role(user):
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
            session.save()
    return client


@pytest.fixture
def matrix_personas(personas, outsider):
    return {"anonymous": None, "outsider": outsider, **personas}


def test_the_walk_finds_the_pages_of_every_app(victim_case):
    urls = project_urls(victim_case.pk)
    for expected in ("/login/", "/audit/", "/account/two-factor/", f"/cases/{victim_case.pk}/", "/admin/"):
        assert expected in urls


@pytest.mark.parametrize("persona", ["anonymous", "outsider", *ROLES])
def test_every_page_for_every_persona(persona, matrix_personas, victim_case):
    client = _client(matrix_personas[persona])
    problems = []
    for url in project_urls(victim_case.pk):
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: server error {response.status_code}")
        if persona == "anonymous" and not _is_public(url):
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith(LOGIN_PATHS):
                problems.append(f"{url}: anonymous got {response.status_code} {location!r}, not a login redirect")
        if persona in NO_IDENTITY_PERSONAS:
            body = b"".join(response) if response.streaming else response.content
            leaked = [s for s in SECRETS if s.encode() in body or s.upper().encode() in body]
            if leaked:
                problems.append(f"{url}: {persona} received identifying data ({len(leaked)} values)")
    assert not problems, "\n".join(problems)


def test_the_victim_is_shown_to_the_registrar_who_owns_the_case(registrar, victim_case):
    """The control that makes the leak checks meaningful: the seeded identity does reach allowed users."""
    body = _client(registrar).get(reverse("case-detail", args=[victim_case.pk])).content.decode()
    assert VICTIM_FIRST_NAME in body
