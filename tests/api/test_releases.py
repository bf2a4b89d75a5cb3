"""Published releases through /api/v1/releases: only approved ones, exactly as the public site publishes them
(its downloads are the independent reference), to any client whatever its role, naming no member of staff."""

import json

import pytest
from django.test import Client

from amparo.release import services
from amparo.synth.domain.generator import SynthOptions, generate
from amparo.synth.services import synth_load
from tests.api.conftest import Caller, api_client

pytestmark = pytest.mark.django_db

YEAR = 2010


@pytest.fixture
def made(db, data_manager):
    """A release of the synthetic year 2010, made but not yet approved."""
    synth_load(cases=generate(SynthOptions(first_year=YEAR, last_year=YEAR)))
    return services.release_create(user=data_manager, year=YEAR)


@pytest.fixture
def analyst_api(organisation):
    _client, token = api_client(organisation, "analyst", "ngo-figures")
    return Caller(token)


def _public_file(name: str) -> dict:
    response = Client().get(f"/public/{YEAR}/{name}")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content) if response.streaming else response.content)


def test_a_release_not_yet_approved_is_not_revealed(made, analyst_api):
    assert analyst_api.get("/releases").json() == []
    for path in (f"/releases/{YEAR}", f"/releases/{YEAR}/tables", f"/releases/{YEAR}/tables/department"):
        response = analyst_api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"


def test_an_approved_release_reads_as_the_public_site_publishes_it(made, administrator, data_manager, analyst_api):
    services.release_approve(release=made, user=administrator)
    tables, summary = _public_file("tables.json"), _public_file("release.json")

    [listed] = analyst_api.get("/releases").json()
    assert listed == {
        "id": made.pk,
        "year": YEAR,
        "unit": "cases",
        "total": tables["total"],
        "total_error_bound_95": tables["total_error_bound_95"],
        "synthetic_data": True,
        "tables": [table["slug"] for table in tables["tables"]],
    }
    detail = analyst_api.get(f"/releases/{YEAR}")
    assert detail.status_code == 200
    assert detail.json() == {**listed, "summary": summary}
    assert analyst_api.get(f"/releases/{YEAR}/tables").json() == tables
    [department] = [table for table in tables["tables"] if table["slug"] == "department"]
    assert analyst_api.get(f"/releases/{YEAR}/tables/department").json() == department
    assert analyst_api.get(f"/releases/{YEAR}/tables/no-such-table").status_code == 404

    for path in ("/releases", f"/releases/{YEAR}", f"/releases/{YEAR}/tables"):
        body = analyst_api.get(path).content.decode()
        assert "created_by" not in body
        assert data_manager.username not in body and administrator.username not in body


def test_a_newer_release_waiting_for_approval_does_not_replace_the_published_one(
    made, administrator, data_manager, analyst_api, settings
):
    services.release_approve(release=made, user=administrator)
    settings.RELEASE_EPSILON_PER_YEAR = 20.0
    services.release_create(user=data_manager, year=YEAR, epsilon_tables=1.0, epsilon_synthetic=1.0)
    assert [release["id"] for release in analyst_api.get("/releases").json()] == [made.pk]
    assert analyst_api.get(f"/releases/{YEAR}").json()["id"] == made.pk


@pytest.mark.parametrize("role", ["registrar", "case_worker", "supervisor", "data_manager", "administrator"])
def test_every_role_reads_published_releases_but_only_with_a_token(made, administrator, organisation, role):
    services.release_approve(release=made, user=administrator)
    _client, token = api_client(organisation, role, f"reader-{role.replace('_', '-')}")
    assert Caller(token).get(f"/releases/{YEAR}/tables").status_code == 200
    assert Caller(None).get(f"/releases/{YEAR}/tables").status_code == 401
