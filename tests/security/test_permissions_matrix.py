"""Every page and API endpoint of the project, for every role: found by walking the URL configuration.

New pages are covered as soon as they are routed. For each URL that needs no
argument (or only integer ids, given the seeded case's id), and each persona:
- anonymous visitors are sent to a login page, unless the view is marked
  `login_not_required` (public statistics) or is the language switch;
- no page answers with a server error;
- only personas whose role may see identities (asked of the capability table) and
  whose scope holds the seeded case receive the victim's name, surnames, identity
  number or birth date.

The pages of the main navigation admit exactly the personas the capability table
says, and what the statistics hide from a persona cannot be read off the case
list or a case record (a differencing attempt through the list).
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.views.i18n import set_language
from django_otp import DEVICE_ID_SESSION_KEY

from amparo.accounts.access import may, statistics_suppressed_for
from amparo.accounts.roles import Capability
from amparo.accounts.twofactor import second_factor_required_by_role
from amparo.registry.services import case_register
from amparo.web.navigation import NAVIGATION
from tests.personas import (
    ROLES,
    VICTIM_BIRTHDATE,
    VICTIM_DNI,
    VICTIM_FIRST_NAME,
    VICTIM_SURNAME,
    verified_device,
    victim_record,
)

pytestmark = pytest.mark.django_db

SECRETS = [
    VICTIM_FIRST_NAME,
    *VICTIM_SURNAME.split(),
    VICTIM_DNI,
    VICTIM_BIRTHDATE.isoformat(),
    VICTIM_BIRTHDATE.strftime("%d/%m/%Y"),
]
# Whose scope holds the seeded case (owned by the registrar, of the personas' organisation): stated by hand.
SCOPE_HOLDS_THE_CASE = {"registrar", "supervisor", "data_manager", "analyst", "administrator"}
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
            urls.add(reverse(name, kwargs=dict.fromkeys(converters, case_pk)))
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


def _receives_the_identity(persona: str, user) -> bool:
    return persona in SCOPE_HOLDS_THE_CASE and may(user, Capability.IDENTITIES)


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
        if not _receives_the_identity(persona, matrix_personas[persona]):
            body = b"".join(response) if response.streaming else response.content
            leaked = [s for s in SECRETS if s.encode() in body or s.upper().encode() in body]
            if leaked:
                problems.append(f"{url}: {persona} received identifying data ({len(leaked)} values)")
    assert not problems, "\n".join(problems)


def test_the_victim_is_shown_to_the_registrar_who_owns_the_case(registrar, victim_case):
    """The control that makes the leak checks meaningful: the seeded identity does reach allowed users."""
    body = _client(registrar).get(reverse("case-detail", args=[victim_case.pk])).content.decode()
    assert VICTIM_FIRST_NAME in body


def test_the_identity_check_covers_the_roles_that_may_not_see_identities(matrix_personas):
    """The control for the walk above: it looks for leaks to at least the analyst, the outsider and anonymous."""
    assert not {"analyst", "outsider", "anonymous", "case_worker"} & {
        p for p, user in matrix_personas.items() if _receives_the_identity(p, user)
    }


@pytest.mark.parametrize("persona", ["outsider", *ROLES])
def test_each_page_of_the_navigation_admits_exactly_the_personas_the_table_says(persona, matrix_personas):
    user = matrix_personas[persona]
    client = _client(user)
    for item in NAVIGATION:
        expected = 200 if item.capability is None or may(user, item.capability) else 403
        assert client.get(reverse(item.url_name)).status_code == expected, (item.url_name, persona)


# Cases of the seeded case's department and year listed for each persona (hand-stated from the scopes: the
# registrar owns PERSONA-1, the supervisor's organisation holds it, the outsider's organisation the others).
LISTED = {
    "registrar": {"PERSONA-1"},
    "case_worker": set(),
    "supervisor": {"PERSONA-1"},
    "data_manager": {"PERSONA-1", "OUT-1", "OUT-2"},
    "administrator": {"PERSONA-1", "OUT-1", "OUT-2"},
    "outsider": {"OUT-1", "OUT-2"},
}


@pytest.fixture
def small_cell(victim_case, outsider, outsider_organisation):
    """The seeded case and two of another organisation in the same department and year: a cell of three."""
    others = [
        case_register(record=victim_record(f"OUT-{n}"), source=outsider_organisation, owner=outsider) for n in (1, 2)
    ]
    assert {c.department_code for c in others} == {victim_case.department_code}
    return victim_case, others


@pytest.mark.parametrize("persona", ["outsider", *ROLES])
def test_what_the_statistics_hide_cannot_be_read_off_the_case_list(persona, matrix_personas, small_cell):
    """The differencing attempt: the dashboard perturbs a small cell; the persona asks the case list, then the
    records, for the cases it counts."""
    victim_case, others = small_cell
    user = matrix_personas[persona]
    client = _client(user)
    year, department = victim_case.registration_date.year, victim_case.department_code
    answer = client.get(reverse("api-v1:stats-count", args=["department"]) + f"?year={year}").json()
    shown = {row["key"]: row["count"] for row in answer["rows"]}.get(department, 0)  # perturbed to zero: unlisted
    if statistics_suppressed_for(user):
        assert answer["protection"]["method"] == "cell-key perturbation" and abs(shown - 3) <= 3
    else:
        assert answer["protection"]["method"] == "none" and shown == 3

    listing = client.get(reverse("case-list") + f"?year={year}&department={department}")
    if not may(user, Capability.CASES):
        assert listing.status_code == 403
        listed = set()
    else:
        listed = set(re.findall(r">((?:PERSONA|OUT)-\d)</a>", listing.content.decode()))
        assert listed == LISTED[persona]
    if shown is None:  # what is listed is what the persona may know anyway: never the whole hidden cell
        assert len(listed) < 3
    for case in (victim_case, *others):
        status = client.get(reverse("case-detail", args=[case.pk])).status_code
        assert (status == 200) is (case.source_record_id in listed), (case.source_record_id, status)
