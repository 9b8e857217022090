"""Schemathesis conformance over every operation of every spec in openapi/, positive and negative,
with the target's provider states as examples; the entries' explicit cases; and 429 answers as
documented. Specs are discovered, so a new YAML file is covered with no change here. 401/403
never count as accepting a valid request, so a wrong key fails the run."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockserver.contract.control import ControlPlane
from mockserver.contract.entries import ExplicitCase, MissingState, fill, names_in
from mockserver.contract.observe import Observations
from mockserver.contract.plugin import active, suite_specs
from mockserver.contract.specs import SpecInfo, load_schema, with_provider_states
from mockserver.contract.suite.kit import send_and_validate, skip_unless_runnable
from mockserver.contract.targets import Binding, Target, credentials

SPECS = suite_specs()
RESPONSE_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _binding(spec: SpecInfo) -> Binding:
    target, _ = active()
    return target.bind(spec)


def conformance_test(spec: SpecInfo) -> Callable[..., None]:
    binding = _binding(spec)
    entry = binding.entry
    document = with_provider_states(spec, entry.examples_for, binding.states, bodies=entry.bodies)
    schema = load_schema(spec, document=document)
    last = binding.entry.last

    @schema.parametrize()  # type: ignore[untyped-decorator]
    def test(case: Any, contract_target: Target, contract_observations: Observations) -> None:
        send_and_validate(contract_target.bind(spec), contract_observations, case)

    test.__name__ = f"test_{spec.name}_conforms"
    # Operations that disturb the others (a whole-server reset) run after everything else, and
    # an API that changes server-wide state after every other API (not only fake-only ones: on
    # a URL, Opal's and the storage mount's cases would meet the control plane's fault rules).
    labels = {f"{m} {p}" for m, p, op in spec.operations() if op.get("operationId") in last}
    test.contract_last_labels = frozenset(labels)
    server_wide = binding.entry.server_wide
    marked: Callable[..., None] = pytest.mark.contract_last(test) if server_wide else test
    return marked


def explicit_cases_test(spec: SpecInfo) -> Callable[..., None]:
    """The entry's explicit cases: requests made of provider states, checked with every check."""
    binding = _binding(spec)
    schema = load_schema(spec)
    cases = binding.entry.cases

    @pytest.mark.parametrize("explicit", cases, ids=[c.label for c in cases])
    def test(
        explicit: ExplicitCase, contract_target: Target, contract_observations: Observations
    ) -> None:
        bound = contract_target.bind(spec)
        operation = schema.find_operation_by_id(explicit.operation_id)
        parts: dict[str, Any] = {
            "path_parameters": explicit.path_parameters,
            "query": explicit.query,
            "body": explicit.body,
        }
        try:
            bound.refresh(names_in(parts))  # a signed link is valid for minutes only
            filled = {k: fill(v, bound.states) for k, v in parts.items() if v or v == {}}
            case = operation.Case(**filled, headers=dict(bound.headers) or None)
        except MissingState as exc:
            why = bound.unavailable.get(str(exc.args[0]), "not named in the config file")
            pytest.skip(f"provider state {exc.args[0]} unavailable: {why}")
        response = send_and_validate(bound, contract_observations, case)
        expected = explicit.expect
        assert str(response.status_code)[0] == expected[0], (
            f"{explicit.label}: {response.status_code}, expected {expected}: {response.text[:300]}"
        )

    test.__name__ = f"test_{spec.name}_provider_state_cases"
    # Not last: they touch only the kit's own tenant, and must see its states before the
    # control-plane fuzzing (resets, deletions) has its way with them.
    named: Callable[..., None] = test
    return named


def throttled_test(spec: SpecInfo) -> Callable[..., None]:
    """Every operation that documents 429 answers it as documented (Retry-After included) when
    its bucket is empty: forced through the control plane, on a tenant of its own."""
    schema = load_schema(spec)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if "429" in (result.ok().definition.raw.get("responses") or {})
    ]

    @pytest.mark.parametrize("operation", operations, ids=[op.label for op in operations])
    def test(operation: Any, contract_target: Target, contract_observations: Observations) -> None:
        binding = contract_target.bind(spec)
        skip_unless_runnable(binding, operation, contract_observations)
        control = binding.control
        if control is None:
            pytest.skip("needs the control plane of a fake to empty a bucket on purpose")
        with _throttled_tenant(control) as secret:
            headers = credentials(spec, secret, control.headers)
            # Any value will do: the limiter answers before the request is even validated.
            path_parameters = {p.name: "1:1" for p in operation.path_parameters}
            case = operation.Case(path_parameters=path_parameters or None, headers=headers)
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


@contextlib.contextmanager
def _throttled_tenant(control: ControlPlane) -> Iterator[str]:
    """A tenant of its own with a one-request bucket that refills in 1000 s; deleted after."""
    made = control.create_tenant(None)
    try:
        policy = {"rate_per_second": 0.001, "burst": 1}
        control.set_rate_limits(made.tenant, {"enabled": True, "default": policy})
        yield made.secret
    finally:
        control.delete_tenant(made.tenant)


for _spec in SPECS:
    globals()[f"test_{_spec.name}_conforms"] = conformance_test(_spec)
    if _binding(_spec).entry.cases:
        globals()[f"test_{_spec.name}_provider_state_cases"] = explicit_cases_test(_spec)
    if any("429" in (op.get("responses") or {}) for _, _, op in _spec.operations()):
        globals()[f"test_{_spec.name}_throttled_responses_conform"] = throttled_test(_spec)
