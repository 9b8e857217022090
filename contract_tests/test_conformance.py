"""Schemathesis conformance over every operation of every spec in openapi/, positive and negative.

One test per spec, one item per operation (examples, coverage and fuzzing phases; every built-in
check except response time). Specs are discovered, so a new YAML file is covered with no change
here. 401/403 never count as accepting a valid request, so a wrong key fails the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contract_tests.kit import send_and_validate
from mockserver.contract.observe import Observations
from mockserver.contract.specs import SpecInfo, discover_specs, load_schema
from mockserver.contract.targets import Target, credentials
from mockserver.testing.fake import Fake

SPECS = discover_specs()
RESPONSE_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def conformance_test(spec: SpecInfo) -> Callable[..., None]:
    schema = load_schema(spec)

    @schema.parametrize()  # type: ignore[untyped-decorator]
    def test(case: Any, contract_target: Target, contract_observations: Observations) -> None:
        send_and_validate(contract_target.bind(spec), contract_observations, case)

    test.__name__ = f"test_{spec.name}_conforms"
    # A spec only the fake serves (the control plane) cannot apply to a real service.
    marked: Callable[..., None] = pytest.mark.fake_only(test) if spec.fake_only else test
    return marked


def throttled_test(spec: SpecInfo) -> Callable[..., None]:
    """Every operation that documents 429 answers it as documented (Retry-After included) when
    its bucket is empty: forced on a fake, since a healthy run never meets a 429."""
    schema = load_schema(spec)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if "429" in (result.ok().definition.raw.get("responses") or {})
    ]

    @pytest.mark.fake_only
    @pytest.mark.parametrize("operation", operations, ids=[op.label for op in operations])
    def test(operation: Any, contract_target: Target, contract_observations: Observations) -> None:
        binding = contract_target.bind(spec)
        assert binding.server is not None
        name = f"contract-429:{spec.name}:{operation.label}"
        with Fake(binding.server, name) as fake:
            fake.freeze_clock()
            fake.set_rate_limits({"rate_per_second": 0.001, "burst": 1})
            # This test's own tenant (throttled), in whatever schemes the spec has.
            headers = credentials(spec, fake.key.secret, binding.server.settings.admin_token)
            # Any value will do: the limiter answers before the request is even validated.
            path_parameters = {p.name: "1:1" for p in operation.path_parameters}
            case = operation.Case(path_parameters=path_parameters or None)
            kwargs = {**binding.transport_kwargs(), "headers": headers}
            if binding.app is not None:
                operation.schema.app = binding.app
            case.call(**kwargs)  # takes the only token; the rate limiter runs before validation
            response = case.call(**kwargs)
            contract_target.count(2)
            assert response.status_code == 429, response.text
            case.validate_response(
                response, checks=RESPONSE_CHECKS, headers=headers, transport_kwargs=kwargs
            )

    test.__name__ = f"test_{spec.name}_throttled_responses_conform"
    named: Callable[..., None] = test
    return named


for _spec in SPECS:
    globals()[f"test_{_spec.name}_conforms"] = conformance_test(_spec)
    if any("429" in (op.get("responses") or {}) for _, _, op in _spec.operations()):
        globals()[f"test_{_spec.name}_throttled_responses_conform"] = throttled_test(_spec)
