"""Schemathesis against /api: no 5xx, every response as the OpenAPI schema says (few examples: bounded)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_api_conforms_to_its_schema(app, token_for):
    """Every operation, a few generated requests each, as an admin (who may call them all)."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {token_for('admin')}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()


def test_the_schema_documents_every_error(app):
    from fastapi.testclient import TestClient

    document = TestClient(app).get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
