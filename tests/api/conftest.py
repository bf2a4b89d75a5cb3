"""API clients of the personas' organisation and of an outsider one, and calls made with their tokens."""

import json

import pytest
from django.test import Client

from amparo.api import services


def api_client(organisation, role: str, name: str, **options) -> tuple:
    """(client, token): a client of the organisation with the role."""
    return services.client_create(name=name, organisation=organisation, role=role, **options)


class Caller:
    """Calls /api/v1/ with a bearer token, as another system would."""

    def __init__(self, token: str | None, **headers):
        self.http = Client(**({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}), **headers)

    def get(self, path: str, **params):
        return self.http.get("/api/v1" + path, params)

    def post(self, path: str, body=None, *, raw: str | None = None, **headers):
        data = raw if raw is not None else json.dumps(body)
        return self.http.post("/api/v1" + path, data, content_type="application/json", **headers)


@pytest.fixture
def manager_api(organisation):
    """A data manager's client of the personas' organisation (scope: all cases)."""
    client, token = api_client(organisation, "data_manager", "ngo-data", scope="organisation")
    return Caller(token)


@pytest.fixture
def outsider_api(outsider_organisation):
    client, token = api_client(outsider_organisation, "data_manager", "prosecutors-data", scope="organisation")
    return Caller(token)


def case(record_id: str, **fields) -> dict:
    return {"source_record_id": record_id, "registration_date": "2024-03-15", "prs_Gender": "F", "age": 15, **fields}
