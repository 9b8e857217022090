"""Every generated event has its event_type's shape; pinned sessions render exactly."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.fullstory.context import EventsSpec, filter_events
from mockserver.fullstory.context_types import CONTEXT_EVENT_TYPES, context_type
from mockserver.fullstory.events_model import session_events
from mockserver.fullstory.world.event_props import EVENT_TYPES
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.models import Session
from mockserver.fullstory.world.scenario import load_scenario
from mockserver.http.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
EPOCH = datetime(2026, 9, 1, tzinfo=UTC)
PINNED = {
    "jane-failed-checkout": "5914802517630194781:7210365481229753190",
    "jane-purchase": "5914802517630194781:3309874410265510927",
    "sam-support": "2270193846601127345:8816204471950362218",
}
PLACE_ORDER = "main#checkout > form#payment-form > div.actions > button.btn.place-order"


@cache
def event_schemas() -> dict[str, Any]:
    """One validator per event_type: the spec's Event with only that type's ``oneOf`` branch
    (the response schema arrives with every ``$ref`` inlined)."""
    spec = load_spec("fullstory", REPO / "openapi" / "fullstory.yaml")
    schema = spec.operation("getSessionEvents").responses[200].schema
    assert schema is not None
    item = schema["properties"]["events"]["items"]
    common = {k: v for k, v in item.items() if k not in ("oneOf", "discriminator")}
    validators = {}
    for branch in item["oneOf"]:
        pinned = branch["properties"]["event_type"]
        for kind in [pinned["const"]] if "const" in pinned else pinned["enum"]:
            shape = {**common, "allOf": [branch]}
            validators[kind] = jsonschema_rs.validator_for(shape, validate_formats=True)
    assert set(validators) == set(item["discriminator"]["mapping"])
    return validators


@cache
def world(seed: int) -> World:
    return World(WorldConfig(seed, 400, "o-1A2B3C-na1", "Acme", EPOCH))


def generated_session(seed: int, index: int, pick: int) -> Session | None:
    w = world(seed)
    refs = w.sessions_of(w.user_at(index))
    if not refs:
        return None
    return w.session(refs[pick % len(refs)].session_id)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 3),
    index=st.integers(0, 399),
    pick=st.integers(0, 63),
)
def test_every_generated_event_has_its_types_shape(seed: int, index: int, pick: int) -> None:
    session = generated_session(seed, index, pick)
    if session is None:
        return
    validators = event_schemas()
    for event in session_events(session):
        kind = event["event_type"]
        assert kind in EVENT_TYPES, kind
        errors = [e.message for e in validators[kind].iter_errors(event)]
        assert not errors, (kind, errors, event["event_properties"])


def test_events_of_a_type_share_one_key_set() -> None:
    keys: dict[str, set[frozenset[str]]] = defaultdict(set)
    w = world(1)
    for index in range(60):
        for ref in w.sessions_of(w.user_at(index))[:3]:
            session = w.session(ref.session_id)
            assert session is not None
            for event in session_events(session):
                props = event["event_properties"]
                own = frozenset(
                    k
                    for k in props
                    if not k.endswith("definition_ids") and k != "event_definition_id"
                )
                if event["event_type"] != "custom":
                    keys[event["event_type"]].add(own)
                if "target" in props:
                    keys["target"].add(frozenset(props["target"]))
    assert set(keys) >= set(EVENT_TYPES) - {"custom"}
    assert {kind: len(sets) for kind, sets in keys.items() if len(sets) != 1} == {}


def test_no_hyphenated_type_ever_reaches_the_events_endpoint() -> None:
    w = world(2)
    seen = set()
    for index in range(80):
        for ref in w.sessions_of(w.user_at(index))[:2]:
            session = w.session(ref.session_id)
            assert session is not None
            seen |= {e["event_type"] for e in session_events(session)}
    assert seen == set(EVENT_TYPES)
    assert not [kind for kind in seen if "-" in kind]


def test_old_context_names_return_the_matching_events() -> None:
    w = world(3)
    by_name: dict[str, int] = defaultdict(int)
    for index in range(60):
        for ref in w.sessions_of(w.user_at(index))[:2]:
            session = w.session(ref.session_id)
            assert session is not None
            for name in CONTEXT_EVENT_TYPES:
                chosen = filter_events(session.events, EventsSpec(include_types=(name,)))
                expected = [e for e in session.events if context_type(e) == name]
                assert chosen == expected
                by_name[name] += len(chosen)
    # Every documented name finds events in a generated world.
    assert {name for name, count in by_name.items() if count} == set(CONTEXT_EVENT_TYPES)
    rage = filter_events(
        pinned_world().session_by_id(PINNED["jane-failed-checkout"]).events,  # type: ignore[union-attr]
        EventsSpec(include_types=("rage-click",)),
    )
    assert [(e.type, e.properties["click_count"]) for e in rage] == [("click", 6)]


@cache
def pinned_world() -> World:
    return World(
        WorldConfig(5, 500, "o-1A2B3C-na1", "Acme", EPOCH),
        load_scenario(REPO / "fixtures" / "default.yaml"),
    )


def pinned_events(name: str) -> list[dict[str, Any]]:
    session = pinned_world().session_by_id(PINNED[name])
    assert session is not None
    return session_events(session)


def test_pinned_sessions_render_exactly() -> None:
    for name in PINNED:
        expected = json.loads((GOLDEN / f"{name}.json").read_text())
        assert {"events": pinned_events(name)} == expected, name


def test_the_failed_checkout_in_the_events_model() -> None:
    events = pinned_events("jane-failed-checkout")
    payment = [
        e
        for e in events
        if e["source_properties"]["url"]["query"].get("step") == {"values": ["payment"]}
    ]
    assert [e["event_type"] for e in payment] == [
        "navigate", "change", "click", "request", "console_message", "exception", "click",
        "mouse_thrash",
    ]  # fmt: skip
    _, _, error_click, request, console, exception, rage, _ = payment
    assert error_click["event_properties"]["is_error_click"] is True
    assert error_click["event_properties"]["target"]["raw_selector"] == PLACE_ORDER
    assert request["event_properties"] == {
        "request_method": "POST",
        "request_url": {
            "full_url": "https://www.acmeoutfitters.com/api/payments",
            "host": "www.acmeoutfitters.com",
            "path": "/api/payments",
            "query": {},
        },
        "request_status": 500,
        "request_duration_millis": 1184,
    }
    assert console["event_properties"]["level"] == "error"
    assert exception["event_properties"] == {
        "message": "Uncaught TypeError: Cannot read properties of undefined (reading 'token')",
        "file_url": "https://www.acmeoutfitters.com/static/js/checkout.8f3a2c1e.js",
        "line_number": 2,
        "column_number": 18764,
    }
    assert rage["event_properties"] == {
        "target": {
            "text": "Place order",
            "masked": False,
            "raw_selector": PLACE_ORDER,
            "element_properties": {},
            "element_definition_id": "",
            "additional_element_definition_ids": [],
        },
        "is_rage_click": True,
        "is_dead_click": False,
        "is_error_click": False,
        "click_count": 6,
    }
    identify = next(e for e in events if e["event_type"] == "identify")
    assert identify["event_properties"]["user_id"] == "jane-checkout"


def test_the_per_type_schemas_reject_wrong_shapes() -> None:
    event = pinned_events("jane-failed-checkout")[-2]  # the rage click
    validators = event_schemas()
    assert validators["click"].is_valid(event)
    assert not validators["click"].is_valid({**event, "event_properties": {}})
    flat = {"target_text": "Place order", "target_selector": PLACE_ORDER}
    assert not validators["click"].is_valid({**event, "event_properties": flat})
    request = {**event, "event_type": "request", "event_properties": {"request_status": "500"}}
    assert not validators["request"].is_valid(request)
