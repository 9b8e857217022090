"""The entries' properties: business rules the spec cannot state, checked with Hypothesis over
HTTP on every target that has what the property needs (see ``Property.needs``)."""

from __future__ import annotations

import pytest

from mockserver.contract.context import open_context
from mockserver.contract.entries import NEEDS_HOOKS, NEEDS_WRITES, Property, load_entries
from mockserver.contract.observe import Observations
from mockserver.contract.plugin import suite_specs
from mockserver.contract.targets import Target

SPECS = {spec.name: spec for spec in suite_specs()}
PROPERTIES = [
    pytest.param(
        name,
        prop,
        id=f"{name}:{prop.name}",
        marks=[
            *(
                [pytest.mark.fake_only("its clock, in process")]
                if NEEDS_HOOKS in prop.needs
                else []
            ),
            *([pytest.mark.contract_last] if entry.server_wide else []),
        ],
    )
    for name, entry in load_entries().items()
    if name in SPECS
    for prop in entry.properties
]


@pytest.mark.parametrize(("api", "prop"), PROPERTIES)
def test_property(
    api: str, prop: Property, contract_target: Target, contract_observations: Observations
) -> None:
    binding = contract_target.bind(SPECS[api])
    if binding.unusable is not None:
        pytest.skip(binding.unusable)
    if NEEDS_WRITES in prop.needs and not contract_target.writes_allowed:
        pytest.skip("creates things: writes are not allowed on this target")
    for ctx in open_context(binding):
        prop.check(ctx)
