"""The declarative entries and what the kit makes of them: templates, examples in the spec,
config files, the coverage gate."""

from __future__ import annotations

import tomllib
from contextlib import ExitStack

import httpx
import pytest

from mockserver.contract.apis import exports, storage
from mockserver.contract.config import EXAMPLE, ConfigError, RunConfig
from mockserver.contract.coverage import coverage_rows, render
from mockserver.contract.entries import (
    ApiEntry,
    Discover,
    MissingState,
    fill,
    load_entries,
    names_in,
)
from mockserver.contract.observe import Observations
from mockserver.contract.specs import discover_specs, with_provider_states
from mockserver.contract.states import read_pointer, refresh_states, resolve_states

SPECS = {spec.name: spec for spec in discover_specs()}


def test_templates_fill_from_states() -> None:
    states = {"user.uid": "jane", "session.id": "1:2"}
    assert fill("/v2/sessions/{session.id}/events", states) == "/v2/sessions/1:2/events"
    assert fill({"q": ["{user.uid}", 5]}, states) == {"q": ["jane", 5]}
    assert names_in({"a": "{user.uid}", "b": ["{x.y}"]}) == {"user.uid", "x.y"}
    with pytest.raises(MissingState):
        fill("{profile.id}", states)


def test_every_entry_names_its_spec_operations_and_parameters() -> None:
    for name, entry in load_entries().items():
        spec = SPECS[name]
        operations = {op["operationId"]: op for _, _, op in spec.operations()}
        assert {case.operation_id for case in entry.cases} <= set(operations)
        assert entry.last <= set(operations)
        assert set(entry.examples) - {"*"} <= set(operations)
        assert set(entry.bodies) <= set(operations)
        for prop in entry.properties:
            assert callable(prop.check)


def test_only_the_control_plane_changes_server_wide_state() -> None:
    # Its suites run last: on one shared server the others would meet its fault rules.
    assert [name for name, entry in load_entries().items() if entry.server_wide] == ["admin"]


def test_provider_states_become_examples_or_the_only_values() -> None:
    spec, entry = SPECS["fullstory"], load_entries()["fullstory"]
    states = {"user.uid": "jane-checkout", "session.id": "1:2"}
    document = with_provider_states(spec, entry.examples_for, states)
    listing = document["paths"]["/v2/sessions"]["get"]["parameters"]
    uid = next(p for p in listing if p["name"] == "uid")
    assert uid["examples"]["provider-user.uid"] == {"value": "jane-checkout"}
    events = document["paths"]["/v2/sessions/{session_id}/events"]["get"]["parameters"]
    assert next(p for p in events if p["name"] == "session_id")["examples"]
    only = with_provider_states(spec, entry.examples_for, states, only=True)
    uid = next(p for p in only["paths"]["/sessions/v2"]["get"]["parameters"] if p["name"] == "uid")
    assert uid["schema"] == {"enum": ["jane-checkout"]}
    assert "examples" not in str(spec.document["paths"]["/v2/sessions"])  # the spec is untouched


def test_a_body_state_becomes_an_example_or_the_only_body() -> None:
    spec, entry = SPECS["fullstory"], load_entries()["fullstory"]
    states = {"segment.id": "everyone"}
    body = {**exports.EXPORT_BODY, "segmentId": "everyone"}
    document = with_provider_states(spec, entry.examples_for, states, bodies=entry.bodies)
    media = document["paths"]["/segments/v1/exports"]["post"]["requestBody"]["content"]
    assert media["application/json"]["examples"]["provider-state"] == {"value": body}
    only = with_provider_states(spec, entry.examples_for, states, only=True, bodies=entry.bodies)
    media = only["paths"]["/segments/v1/exports"]["post"]["requestBody"]["content"]
    assert media["application/json"]["schema"] == {"enum": [body]}
    # A body whose states the target lacks leaves the spec's own schema.
    untouched = with_provider_states(spec, entry.examples_for, {}, only=True, bodies=entry.bodies)
    assert (
        untouched["paths"]["/segments/v1/exports"] == spec.document["paths"]["/segments/v1/exports"]
    )


def test_discovered_values_derive_states_and_expiring_ones_are_learnt_again() -> None:
    links = iter(["/x/org%2Fa/obj1?X-Goog-Signature=s1", "/x/org%2Fa/obj2?X-Goog-Signature=s2"])
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"location": next(links)})

    step = Discover(
        "link",
        "/results/{export.id}",
        "/location",
        headers={"Authorization": "Basic {key.secret}"},
        derive=storage.signed_link_parts,
        refresh=True,
    )
    entry = ApiEntry("storage", discover=(step,))
    known = {"export.id": "e1", "key.secret": "k"}
    with httpx.Client(transport=httpx.MockTransport(answer), base_url="http://t") as api:
        states, unavailable = resolve_states(
            entry, known, api, control=None, writes_allowed=True, cleanups=ExitStack()
        )
        assert not unavailable and sent[0].headers["Authorization"] == "Basic k"
        assert (states["link.org"], states["link.object"]) == ("org/a", "obj1")
        assert states["link.x_goog_signature"] == "s1" and states["link.x_goog_date"] == ""
        refresh_states(entry, {"user.uid"}, states, api, control=None)  # not a link: no request
        assert len(sent) == 1
        refresh_states(entry, {"link.x_goog_signature"}, states, api, control=None)
        assert (states["link.object"], states["link.x_goog_signature"]) == ("obj2", "s2")


def test_json_pointer() -> None:
    assert read_pointer({"results": [{"id": "x"}]}, "/results/0/id") == "x"
    with pytest.raises(KeyError):
        read_pointer({"results": []}, "/results/0/id")


def test_the_example_config_parses_and_typos_fail() -> None:
    config = RunConfig.from_dict(tomllib.loads(EXAMPLE.read_text()), "example")
    fullstory = config.api("fullstory")
    assert fullstory.key({"FULLSTORY_API_KEY": "k"}) == "k"
    assert fullstory.states["user.uid"] and config.writes is False and config.budget == 300
    with pytest.raises(ConfigError, match="unknown key"):
        RunConfig.from_dict({"run": {"writs": True}})
    with pytest.raises(ConfigError, match="unknown section"):
        RunConfig.from_dict({"api": {}})


def test_coverage_gate_fails_an_operation_never_answered_2xx_unless_unreachable() -> None:
    observations = Observations("t")
    for op, status in (("getMe", 200), ("listSessions", 400), ("getSessionEvents", 404)):
        observations.response(
            "fullstory", op, f"k{op}", status=status, headers={}, body=b"{}", responses={"400": {}}
        )
    observations.mark_unreachable("fullstory", "getSessionEvents", "not on this plan")
    observations.skip("fullstory", "generateSessionContext", "writes not allowed")
    rows = {row.operation: row for row in coverage_rows(observations)}
    assert [name for name, row in rows.items() if row.uncovered] == ["fullstory listSessions"]
    assert rows["fullstory listSessions"].documented_errors == 1
    assert rows["fullstory getSessionEvents"].undocumented == 1
    table = render(list(rows.values()))
    assert "unreachable: not on this plan" in table and "not run: writes not allowed" in table
