"""Get Session Events rendering follows the contract's Events model example."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from mockserver.fullstory.events_model import format_event_time, session_events, url_properties
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.models import Session
from mockserver.fullstory.world.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
CONTRACT = Path(
    "/work/shared/reference/upstream/fullstory-sekizui-2026-09/contracts/"
    "GET_v2_sessions_session_id_events.json"
)
EPOCH = datetime(2026, 9, 1, tzinfo=UTC)
FAILED_CHECKOUT = "5914802517630194781:7210365481229753190"


def world() -> World:
    scenario = load_scenario(REPO / "fixtures" / "default.yaml")
    return World(WorldConfig(5, 500, "o-1A2B3C-na1", "Acme", EPOCH), scenario)


def failed_checkout() -> Session:
    session = world().session_by_id(FAILED_CHECKOUT)
    assert session is not None
    return session


def _shape(value: object) -> object:
    """Keys (recursively) without values: what must match the contract example."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k not in ("query", "event_properties")}
    return type(value).__name__


def test_keys_match_the_contract_example() -> None:
    rendered = session_events(failed_checkout())[0]
    if CONTRACT.exists():  # the shared reference copy; the assertions below stand alone
        example = json.loads(CONTRACT.read_text())["response"]["example"]["events"][0]
        assert example["source_properties"]["initial_referrer"] is None
        example["source_properties"]["initial_referrer"] = {
            "full_url": "https://www.google.com/",
            "host": "www.google.com",
            "path": "/",
            "query": {},
        }
        assert _shape(rendered) == _shape(example)
        assert set(rendered["event_properties"]) == set(example["event_properties"])
    assert rendered["event_type"] == "navigate"
    assert rendered["event_properties"] == {
        "navigate_reason": "navigate",
        "event_definition_id": "",
        "additional_event_definition_ids": [],
    }


def test_ids_and_times_are_strings() -> None:
    for event in session_events(failed_checkout()):
        assert event["device_id"] == "5914802517630194781"
        assert event["session_id"] == "7210365481229753190"
        assert event["view_id"].isdigit()
        assert event["event_time"].endswith("Z")
        assert len(event["event_time"]) == len("2024-04-03T17:06:12.290Z")
        assert event["source_type"] == "web"


def test_events_are_time_ordered_and_views_follow_page_loads() -> None:
    session = failed_checkout()
    events = session_events(session)
    assert [e["event_time"] for e in events] == sorted(e["event_time"] for e in events)
    # The payment step is an in-page route change of the information step: one view less.
    assert len({e["view_id"] for e in events}) == len(session.pages) - 1
    steps = [e for e in events if e["source_properties"]["url"]["path"] == "/checkout"]
    assert len({e["view_id"] for e in steps}) == 1


def test_initial_referrer_is_a_url_object() -> None:
    referrer = session_events(failed_checkout())[0]["source_properties"]["initial_referrer"]
    assert referrer == {
        "full_url": "https://www.google.com/",
        "host": "www.google.com",
        "path": "/",
        "query": {},
    }


def test_custom_events_carry_their_name() -> None:
    custom = [e for e in session_events(failed_checkout()) if e["event_type"] == "custom"]
    added = next(e for e in custom if e["event_properties"]["event_name"] == "Added to Cart")
    assert added["event_properties"]["product"] == "Summit Rain Jacket"
    assert added["event_properties"]["quantity"] == 1


def test_defined_events_carry_definition_ids() -> None:
    events = session_events(failed_checkout())
    checkout = next(e for e in events if e["source_properties"]["url"]["path"] == "/checkout")
    assert checkout["event_properties"]["event_definition_id"] == "Navigate-Checkout-Event"
    error_click = next(e for e in events if e["event_properties"].get("is_error_click"))
    assert error_click["event_type"] == "click"
    assert error_click["event_properties"]["event_definition_id"] == "Click-Place-Order"


def test_errors_render_their_details() -> None:
    events = session_events(failed_checkout())
    network = next(
        e
        for e in events
        if e["event_type"] == "request" and e["event_properties"]["request_status"] >= 400
    )
    assert network["event_properties"]["request_status"] == 500
    assert network["event_properties"]["request_url"]["path"] == "/api/payments"
    assert network["source_properties"]["url"]["query"] == {"step": {"values": ["payment"]}}
    exception = next(e for e in events if e["event_type"] == "exception")
    assert "reading 'token'" in exception["event_properties"]["message"]
    console = next(e for e in events if e["event_type"] == "console_message")
    assert console["event_properties"]["level"] == "error"


def test_user_agent_block() -> None:
    agent = session_events(failed_checkout())[0]["source_properties"]["user_agent"]
    assert agent["device"] == "Desktop"
    assert agent["operating_system"] == "OS X"
    assert agent["browser"] == "Chrome"
    assert agent["browser_version"] in agent["raw_user_agent"]


def test_rendering_returns_fresh_mutable_copies() -> None:
    session = failed_checkout()
    first = session_events(session)
    first[0]["event_properties"]["navigate_reason"] = "changed"
    assert session_events(session)[0]["event_properties"]["navigate_reason"] == "navigate"


def test_generated_sessions_render_too() -> None:
    w = world()
    user = next(w.user_at(i) for i in range(100) if w.sessions_of(w.user_at(i)))
    session = w.session(w.sessions_of(user)[0].session_id)
    assert session is not None
    events = session_events(session)
    assert len(events) == len(session.events)
    assert events[0]["device_id"] == user.device_id


def test_url_properties_and_time_format() -> None:
    assert url_properties("https://app.fullstory.com/login/?dest=%2Fui") == {
        "full_url": "https://app.fullstory.com/login/?dest=%2Fui",
        "host": "app.fullstory.com",
        "path": "/login/",
        "query": {"dest": {"values": ["/ui"]}},
    }
    assert format_event_time(datetime(2024, 4, 3, 17, 6, 12, 290_000, tzinfo=UTC)) == (
        "2024-04-03T17:06:12.290Z"
    )
    assert format_event_time(datetime(2024, 4, 3, 17, 6, 12, tzinfo=UTC)).endswith(":12.000Z")
