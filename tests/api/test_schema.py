"""The served schema (OpenAPI 3.1) and its documentation page, whose assets are Amparo's own static files."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_1_and_documents_every_operation():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) >= {
        "/api/v1/cases",
        "/api/v1/cases/batch",
        "/api/v1/cases/{case_id}",
        "/api/v1/stats/headline",
        "/api/v1/stats/count/{dimension}",
        "/api/v1/stats/trend",
        "/api/v1/stats/crosstab/{rows}/{columns}",
        "/api/v1/codelists",
        "/api/v1/geography",
    }
    batch = schema["paths"]["/api/v1/cases/batch"]["post"]
    assert set(batch["security"][0]) == {"TokenAuth"}  # writes take a token, never a session
    assert "application/problem+json" in batch["responses"]["422"]["content"]
    cases = schema["components"]["schemas"]["BatchIn"]["properties"]["cases"]
    assert cases["maxItems"] == 500


def test_the_documentation_page_loads_nothing_from_outside():
    page = Client().get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle" in source for source in sources)
    assert all(source.startswith("/static/") for source in sources), sources
