"""Statistics and reference data through /api/v1/: the dashboard's figures and disclosure rules."""

import pytest

from tests.api.conftest import Caller, api_client, case

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(organisation):
    """Five cases of 2024 counted by hand: Lima 3, Cusco 1, Junín 1."""
    _client, token = api_client(organisation, "data_manager", "ngo-data", scope="all")
    places = ["150101", "150101", "150102", "080101", "120101"]
    response = Caller(token).post(
        "/cases/batch", {"cases": [case(f"S-{i}", exploitation_ubigeo=u) for i, u in enumerate(places)]}
    )
    assert response.status_code == 200, response.content
    return Caller(token)


def test_counts_are_exact_for_a_role_that_sees_every_identity(sent):
    table = sent.get("/stats/count/department", year=2024).json()
    counts = {row["key"]: row["count"] for row in table["rows"]}
    assert (counts["15"], counts["08"], counts["12"], counts["total"]) == (3, 1, 1, 5)
    assert table["suppression_threshold"] is None
    assert sent.get("/stats/headline", year=2024).json()["total"]["value"] == 5


def test_an_analyst_gets_the_dashboards_protected_counts(sent, organisation):
    _client, token = api_client(organisation, "analyst", "ngo-analyst")
    table = Caller(token).get("/stats/count/department", year=2024).json()
    assert table["protection"]["method"] == "cell-key perturbation" and table["protection"]["max_noise"] == 3
    counts = {row["key"]: row["count"] for row in table["rows"]}
    truth = {"15": 3, "08": 1, "12": 1, "total": 5}
    # Every figure perturbed within the table's bound; a department perturbed to zero is left out.
    assert all(abs(counts.get(key, 0) - n) <= 3 and counts.get(key, 0) >= 0 for key, n in truth.items())
    assert set(counts) <= set(truth)
    again = Caller(token).get("/stats/count/department", year=2024).json()
    assert {row["key"]: row["count"] for row in again["rows"]} == counts  # the same cells, the same values


def test_crosstab_trend_and_bad_filters(sent):
    crosstab = sent.get("/stats/crosstab/department/sex", year=2024).json()
    lima = next(row for row in crosstab["rows"] if row["key"] == "15")
    assert lima["c:Feminine"] == 3
    trend = sent.get("/stats/trend", year=2024).json()
    assert {row["key"]: row["count"] for row in trend["rows"]}["2024"] == 5
    assert sent.get("/stats/crosstab/sex/sex").status_code == 422
    refused = sent.get("/stats/count/department", department="99")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "department"


def test_a_district_narrows_the_count_and_a_district_that_does_not_exist_is_refused(sent):
    table = sent.get("/stats/count/department", year=2024, district="150101").json()
    counts = {row["key"]: row["count"] for row in table["rows"] if row["count"]}
    assert counts == {"15": 2, "total": 2}  # S-0 and S-1
    refused = sent.get("/stats/count/department", year=2024, district="159999")
    assert refused.status_code == 422
    assert [(e["field"], e["value"]) for e in refused.json()["errors"]] == [("district", "159999")]


def test_the_former_paths_redirect_to_the_api(client_as, data_manager):
    response = client_as(data_manager).get("/api/stats/count/department/?sex=Feminine")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/stats/count/department?sex=Feminine"
    assert response["Deprecation"] == "true"
    assert client_as(data_manager).get(response["Location"]).status_code == 200


def test_codelists_have_spanish_and_english_labels_and_geography_lists_places(organisation):
    _client, token = api_client(organisation, "analyst", "ngo-analyst")
    caller = Caller(token)
    gender = caller.get("/codelists/prs_Gender").json()
    feminine = next(code for code in gender["codes"] if code["code"] == "Feminine")
    assert (feminine["label_en"], feminine["label_es"]) == ("Female", "Femenino")
    assert "vic_TypeOfExploitation" in [codelist["name"] for codelist in caller.get("/codelists").json()]
    provinces = caller.get("/geography", level="province", within="15").json()
    assert {"ubigeo": "1501", "name": "Lima", "level": "province"} in provinces
    assert all(place["ubigeo"].startswith("15") for place in provinces)
    assert len(caller.get("/geography").json()) == 25  # Peru's departments, Callao and Lima included
