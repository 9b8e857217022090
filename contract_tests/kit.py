"""Helpers the suites share: send a case, record what came back, validate it."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.contract.observe import Observations
from mockserver.contract.targets import Binding, BudgetExhausted

# Headers that carry a key in the specs' security schemes (FullStory, admin; Cognigy).
CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key"})


def operation_id(case: Any) -> str:
    raw = case.operation.definition.raw
    return str(raw.get("operationId") or case.operation.label)


def header_map(response: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, values in response.headers.items():
        headers[name.lower()] = values[0] if isinstance(values, list) and values else str(values)
    return headers


def record(observations: Observations, api: str, case: Any, response: Any) -> None:
    observations.response(
        api, operation_id(case), response.status_code, header_map(response), response.content
    )


def breaks_query_rules(case: Any) -> bool:
    """A schema-valid case can still break the spec's ``x-query-rules`` (rules JSON Schema cannot
    state: "at least one of these", "not together"). The fake rightly rejects it with 400, so
    acceptance is not checked for it; every other check still runs. The rules are read from
    the spec, so a new operation with such rules needs no change here."""
    rules = case.operation.definition.raw.get("x-query-rules") or {}
    query = case.query or {}
    one_of = rules.get("one-of-required") or ()
    if one_of and not any(name in query for name in one_of):
        return True
    return any(
        name in query and any(other in query for other in others)
        for name, others in (rules.get("exclusive") or {}).items()
    )


def has_semantic_checks(case: Any) -> bool:
    """The spec lists (``x-semantic-checks``) what the operation validates beyond its schema, such
    as "scenario_yaml must parse as a scenario". Generated data can be schema-valid and still
    break those, so a 400 there is a documented answer, not a rejected valid request."""
    return bool(case.operation.definition.raw.get("x-semantic-checks"))


def excluded_checks(case: Any) -> list[Any]:
    from schemathesis.checks import positive_data_acceptance

    if breaks_query_rules(case) or has_semantic_checks(case):
        return [positive_data_acceptance]
    return []


def credentials_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """What is left of "valid data is accepted" where a 400 is a documented answer (see
    :func:`excluded_checks`): the credentials still must be. A wrong key fails the run there too."""
    sent = {name.lower() for name in (case.headers or {})}
    if response.status_code in (401, 403) and sent & CREDENTIAL_HEADERS:
        raise AssertionError(
            f"{case.operation.label}: valid credentials were refused ({response.status_code})"
        )
    return None


def additional_checks(case: Any) -> list[Any]:
    return [credentials_accepted] if excluded_checks(case) else []


def send_and_validate(
    binding: Binding, observations: Observations, case: Any, checks: list[Any] | None = None
) -> Any:
    """Send ``case`` to the binding, record the answer, then run Schemathesis' checks on it."""
    from schemathesis.core.failures import Failure, FailureGroup

    operation = case.operation
    if not binding.allows(operation.method, operation.definition.raw):
        pytest.skip(f"{operation.label} writes; set MOCKSERVER_CONTRACT_WRITES=1 to include it")
    if binding.app is not None:
        # Checks that re-send the request (ignored_auth, ...) find the app through the schema.
        operation.schema.app = binding.app
    try:
        response = binding.call(case)
    except BudgetExhausted as exc:
        pytest.skip(str(exc))
    record(observations, binding.spec.name, case, response)
    try:
        case.validate_response(
            response,
            checks=checks,
            additional_checks=additional_checks(case),
            excluded_checks=excluded_checks(case),
            headers=binding.headers,
            transport_kwargs=binding.transport_kwargs(),
        )
    except FailureGroup as group:
        for failure in group.exceptions:
            observations.failure(binding.spec.name, operation_id(case), failure.code, failure.title)
        raise
    except Failure as failure:
        observations.failure(binding.spec.name, operation_id(case), failure.code, failure.title)
        raise
    return response
