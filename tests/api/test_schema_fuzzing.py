"""Schemathesis against the served schema: every operation, a bounded number of generated requests each
(valid ones and invalid ones), with a client's token. No answer may be a server error or contradict the schema.

Over real HTTP to a live server, with committed data: each request gets the connection, the autocommit and the
transactions it gets in production. Served inside the test's transaction instead, a request would share the
test's connection, which Django's request_started handler closes as unusable (its autocommit is off).
"""

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Caller, api_client, case

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 20  # per operation and mode: the suite runs twice (SQLite, PostgreSQL) and stays within its time
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_server_error_and_no_answer_outside_the_schema(organisation, settings, live_server):
    settings.API_RATE_PER_MINUTE = 1_000_000  # the fuzzer calls faster than a client may
    cache.clear()
    # A supervisor may call every operation but batches; its organisation has a case to read.
    _client, token = api_client(organisation, "supervisor", "fuzz-supervisor")
    assert Caller(token).post("/cases", case("FUZZ-1", exploitation_ubigeo="150101")).status_code == 200
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 15
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def call(generated):
                response = generated.call(base_url=live_server.url, headers={"Authorization": f"Bearer {token}"})
                generated.validate_response(response, checks=CHECKS)

            try:
                call()
            except Exception as failure:  # noqa: BLE001 - every operation is tried; all failures are reported
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)
