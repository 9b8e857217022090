"""The admin spec describes the admin API: every operation has a handler, every answer to
generated input (valid or not) is documented and schema-valid, and nothing answers 500."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mockserver.app import create_app, load_specs
from mockserver.settings import Settings

TOKEN = {"Authorization": "Bearer t0ken"}


@pytest.fixture(scope="module")
def admin_schema() -> Any:
    # One app for every example on purpose: state left by earlier calls (a far-future clock,
    # odd tenants) must not break later ones either.
    app = create_app(Settings(validate_responses=True, users=20, admin_token="t0ken"))
    return schemathesis.openapi.from_asgi("/__admin/openapi.json", app)


schema = schemathesis.pytest.from_fixture("admin_schema")


def test_admin_spec_is_valid_openapi() -> None:
    validate(dict(load_specs()["admin"].document))


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_admin_api_answers_as_documented(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(
        headers=TOKEN,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
