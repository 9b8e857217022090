"""Stateful runs through the OpenAPI links of every spec that has them (today: list sessions →
events / context). Links added to a spec later are followed with no change here."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings

from contract_tests.kit import excluded_checks, record
from mockserver.contract.observe import Observations
from mockserver.contract.specs import SpecInfo, discover_specs, is_read_only, load_schema
from mockserver.contract.targets import Target

LINKED = [spec for spec in discover_specs() if spec.has_links]


def _marks(spec: SpecInfo) -> list[pytest.MarkDecorator]:
    return [pytest.mark.fake_only] if spec.fake_only else []


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.name, marks=_marks(s)) for s in LINKED])
def test_links(
    spec: SpecInfo, contract_target: Target, contract_observations: Observations
) -> None:
    binding = contract_target.bind(spec)
    schema = load_schema(spec)
    if not contract_target.writes_allowed:
        # Read-only against shared targets: only safe (or x-read-only) operations take part.
        schema = schema.include(
            func=lambda ctx: is_read_only(ctx.operation.method, ctx.operation.definition.raw)
        )
    if binding.app is not None:
        schema.app = binding.app

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            contract_target.count()
            return binding.transport_kwargs(case)

        def after_call(self, response: Any, case: Any) -> None:
            record(contract_observations, spec.name, case, response)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(
                response,
                excluded_checks=excluded_checks(case),
                transport_kwargs=kwargs,
                headers=binding.headers,
            )

    Workflow.run(
        settings=settings(
            max_examples=10, stateful_step_count=5, deadline=None, derandomize=True, database=None
        )
    )
