"""The per-test Fake: the same rules as the admin API, and cheap to make."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.settings import Settings
from mockserver.state import StateError
from mockserver.testing.fake import Fake, FakeOptions, FakeServer, start_fake_server


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with start_fake_server(Settings(users=20, validate_responses=True)) as started:
        yield started


@pytest.mark.parametrize(
    "rule",
    [
        {"match": {"operation_id": "getMe"}, "action": {"type": "error", "status": 418}},
        {"match": {"operation_id": "getMe"}, "action": {"type": "error", "status": 404}},
        {"match": {"operation_id": "noSuchOperation"}, "action": {"type": "latency", "ms": 1}},
        {"match": {"path": "/me"}, "action": {"type": "error", "status": 418}},
    ],
)
def test_fault_rules_are_checked_against_the_spec(server: FakeServer, rule: dict[str, Any]) -> None:
    # The same check as POST /__admin/faults: an undocumented status is refused, not served.
    with Fake(server, "undocumented") as fake, pytest.raises(StateError):
        fake.add_fault(rule)
    with pytest.raises(StateError):
        Fake(server, "marker", FakeOptions(faults=[rule]))
    assert server.state.faults.list() == []  # nothing half-applied, nothing left behind


def test_a_documented_fault_is_served(server: FakeServer) -> None:
    rule = {"match": {"operation_id": "getMe"}, "action": {"type": "error", "status": 500}}
    with Fake(server, "documented", FakeOptions(faults=[rule])) as fake, fake.client() as client:
        response = client.get("/me")
        assert response.status_code == 500 and response.json()["code"] == "server_error"


def test_tenants_share_the_parsed_scenario_and_faker(server: FakeServer) -> None:
    # A test's tenant must not parse the scenario YAML or load Faker's providers again (each
    # cost ~20 ms per test); both are immutable or re-seeded on every use, so sharing is safe.
    with Fake(server, "one") as one, Fake(server, "two") as two:
        first, second = one.tenant.fullstory.world, two.tenant.fullstory.world
        assert first.scenario is not None and first.scenario is second.scenario
        assert first.faker is second.faker
    with Fake(server, "three", FakeOptions(scenario="default")) as three:
        assert three.tenant.fullstory.world.scenario is first.scenario


def test_closing_restores_the_server_wide_clock_and_summary_latency(server: FakeServer) -> None:
    with Fake(server, "switches-everything") as fake:
        fake.freeze_clock("2030-01-01T00:00:00Z")
        fake.state.summary_latency.set_mode("realistic")
    assert server.state.summary_latency.mode == "off"
    assert server.state.clock.mode == server.settings.clock
