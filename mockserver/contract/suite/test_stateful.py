"""Stateful runs through the OpenAPI links of every spec that has them (list sessions → events /
context, create tenant → get / reset / delete, ...). Chains start from the target's provider
states (the identity parameters of a chain's first call take only known values), so links are
followed into real data. Links added to a spec later are followed with no change here."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings

from mockserver.contract.entries import entry_for
from mockserver.contract.observe import Observations
from mockserver.contract.plugin import suite_specs
from mockserver.contract.specs import (
    SpecInfo,
    is_read_only,
    load_schema,
    with_provider_states,
)
from mockserver.contract.suite.kit import excluded_checks, operation_id, record
from mockserver.contract.targets import Target

LINKED = [spec for spec in suite_specs() if spec.has_links]


def _marks(spec: SpecInfo) -> list[pytest.MarkDecorator]:
    return [pytest.mark.contract_last] if entry_for(spec.name).server_wide else []


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.name, marks=_marks(s)) for s in LINKED])
def test_links(
    spec: SpecInfo, contract_target: Target, contract_observations: Observations
) -> None:
    binding = contract_target.bind(spec)
    if binding.unusable is not None:
        pytest.skip(binding.unusable)
    entry = binding.entry
    document = with_provider_states(
        spec, entry.examples_for, binding.states, only=True, bodies=entry.bodies
    )
    schema = load_schema(spec, document=document)
    schema.config.generation.update(modes=["positive"])
    if binding.entry.last:
        schema = schema.exclude(operation_id=sorted(binding.entry.last))
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
            self._key = record(contract_observations, binding, case, response)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            from schemathesis.core.failures import Failure, FailureGroup

            try:
                case.validate_response(
                    response,
                    excluded_checks=excluded_checks(case),
                    transport_kwargs=kwargs,
                    headers=binding.headers,
                )
            except (Failure, FailureGroup) as exc:
                failures = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
                for failure in failures:
                    contract_observations.failure(
                        spec.name, operation_id(case), self._key, failure.code, failure.title
                    )
                raise

    from schemathesis.core.errors import NoLinksFound

    try:
        Workflow.run(
            settings=settings(
                max_examples=10,
                stateful_step_count=5,
                deadline=None,
                derandomize=True,
                database=None,
            )
        )
    except NoLinksFound:
        # Cognigy's links all start at a write (create a profile): a read-only run has none left.
        pytest.skip("no link left: every link of this spec involves a write (--writes runs them)")
