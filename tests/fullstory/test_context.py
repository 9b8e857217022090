"""Generate Context: request parsing and every slice / context / events option."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mockserver.fullstory.context import (
    ContextRequest,
    ContextRequestError,
    EventsSpec,
    SliceSpec,
    apply_slice,
    build_context,
    filter_events,
    transform_selector,
)
from mockserver.fullstory.ids import SessionId
from mockserver.fullstory.world.models import (
    Device,
    Event,
    Location,
    OrgInfo,
    Page,
    Session,
    SessionRef,
    User,
    epoch_us,
    frozen_map,
)
from mockserver.fullstory.world.scenario_events import complete, from_legacy

T0 = datetime(2026, 8, 20, 12, 0, tzinfo=UTC)
ORG = OrgInfo("o-1A2B3C-na1", "Acme", "Retail & E-commerce", "acme.com", "United States")
BUTTON = "main#product > form.product-form > button.btn.add-to-cart"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ev(
    seconds: float,
    kind: str,
    page: int,
    name: str | None = None,
    defs: tuple[str, ...] = (),
    **props: Any,
) -> Event:
    """An Events-model event written the short, old way (``rage-click`` with ``target_text``),
    converted exactly as scenario files are."""
    kind, shaped = from_legacy(kind, props)
    shaped = complete(kind, shaped)
    return Event(
        epoch_us(at(seconds)), kind, page, f"{kind} at {seconds}", name, frozen_map(shaped), defs
    )


def make_session() -> Session:
    user = User(
        -1,
        "jane",
        "jane@example.com",
        "Jane Doe",
        "17117",
        frozen_map({"plan": "pro"}),
        Location("United States", "New York", "Brooklyn"),
    )
    sid = SessionId("17117", "5916567459329906423")
    ref = SessionRef(
        sid, user, T0, "uid-1", f"https://app.fullstory.com/ui/o-1A2B3C-na1/session/{sid}"
    )
    device = Device(
        "Chrome", "126.0.0.0", "OS X", "Desktop", "Mozilla/5.0 ...", (1440, 900), (1440, 789)
    )
    pages = (
        Page("1", "https://acme.com/products/tote", "Tote | Acme", 1, at(0)),
        Page("2", "https://acme.com/checkout?step=payment", "Checkout | Acme", 2, at(20)),
    )
    events = (
        ev(0, "navigate", 0),
        ev(10, "click", 0, defs=("Click-Add",), target_text="Add to cart", target_selector=BUTTON),
        ev(11, "custom", 0, name="Added to Cart", product="Tote", price=48.0, products=["Tote"]),
        ev(20, "navigate", 1, defs=("Navigate-Checkout-Event",)),
        ev(30, "console-error", 1, message="Uncaught TypeError"),
        ev(
            31,
            "network-error",
            1,
            method="POST",
            url="https://acme.com/api/payments",
            status_code=500,
        ),
        ev(
            40,
            "rage-click",
            1,
            target_text="Place order",
            target_selector="form#pay > button.place",
        ),
        ev(50, "copy", 1, text="A123", target_selector="td.order-number"),
    )
    return Session(ref, device, pages, events, "payment_failure", "payment_failed", None)


SESSION = make_session()


def context(body: dict[str, Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = build_context(SESSION, ORG, ContextRequest.from_body(body or {}))
    return result


def all_events(body: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [e for page in context(body)["context_data"]["pages"] for e in page["events"]]


def types(body: dict[str, Any] | None = None) -> list[str]:
    return [e["type"] for e in all_events(body)]


def test_default_body_renders_everything() -> None:
    data = context()["context_data"]
    ctx = data["context"]
    assert ctx["session_id"] == "17117:5916567459329906423"
    assert ctx["session_url"].endswith("/session/17117:5916567459329906423")
    assert ctx["session_created_at"] == "2026-08-20T12:00:00Z"
    assert ctx["org_context"] == {
        "org_id": "o-1A2B3C-na1",
        "name": "Acme",
        "industry": "Retail & E-commerce",
        "domain": "acme.com",
        "country": "United States",
    }
    assert ctx["user_context"] == {
        "user_uid": "jane",
        "display_name": "Jane Doe",
        "email": "jane@example.com",
        "properties": {"plan": "pro"},
    }
    assert ctx["location_context"] == {
        "country": "United States",
        "region": "New York",
        "city": "Brooklyn",
    }
    assert ctx["device_context"] == {
        "browser": "Chrome",
        "operating_system": "OS X",
        "screen_size": {"height_pixels": 900, "width_pixels": 1440},
        "viewport_size": {"height_pixels": 789, "width_pixels": 1440},
    }
    assert [p["url"] for p in data["pages"]] == [SESSION.pages[0].url, SESSION.pages[1].url]
    assert [p["title"] for p in data["pages"]] == ["Tote | Acme", "Checkout | Acme"]
    assert all("tab" not in p for p in data["pages"])
    first = data["pages"][0]["events"][0]
    assert first == {
        "type": "navigate",
        "description": "navigate at 0",
        "timestamp": "2026-08-20T12:00:00.000Z",
        "properties": {"navigate_reason": "navigate"},
    }
    assert len(all_events()) == len(SESSION.events)


def test_custom_events_render_with_their_name() -> None:
    custom = next(e for e in all_events() if e["type"] == "custom")
    assert custom["properties"] == {
        "event_name": "Added to Cart",
        "product": "Tote",
        "price": 48.0,
        "products": ["Tote"],
    }


def test_copy_and_highlight_carry_content() -> None:
    copy = next(e for e in all_events() if e["type"] == "copy")
    assert copy["content"] == "A123"


# -- slice ---------------------------------------------------------------------------------------


def test_first_mode_with_event_limit() -> None:
    assert types({"slice": {"mode": "FIRST", "event_limit": 2}}) == ["navigate", "click"]
    assert types({"slice": {"event_limit": 2}}) == ["navigate", "click"]
    assert types({"slice": {"mode": "UNSPECIFIED", "event_limit": 2}}) == ["navigate", "click"]


def test_last_mode_with_event_limit() -> None:
    assert types({"slice": {"mode": "LAST", "event_limit": 2}}) == ["rage-click", "copy"]


def test_zero_or_negative_limits_mean_no_limit() -> None:
    assert len(types({"slice": {"event_limit": 0, "duration_limit_ms": "0"}})) == 8
    assert len(types({"slice": {"event_limit": -5}})) == 8


def test_duration_limit_from_the_start() -> None:
    assert types({"slice": {"duration_limit_ms": "11000"}}) == ["navigate", "click", "custom"]
    assert types({"slice": {"duration_limit_ms": 10999}}) == ["navigate", "click"]


def test_duration_limit_from_the_end() -> None:
    assert types({"slice": {"mode": "LAST", "duration_limit_ms": "10000"}}) == [
        "rage-click",
        "copy",
    ]


def test_duration_and_event_limit_combine() -> None:
    body = {"slice": {"mode": "LAST", "duration_limit_ms": "30000", "event_limit": 3}}
    assert types(body) == ["network-error", "rage-click", "copy"]


def test_timestamp_mode_counts_from_start_timestamp() -> None:
    start = "2026-08-20T12:00:20Z"
    assert types({"slice": {"mode": "TIMESTAMP", "start_timestamp": start, "event_limit": 2}}) == [
        "navigate",
        "console-error",
    ]
    assert types(
        {"slice": {"mode": "TIMESTAMP", "start_timestamp": start, "duration_limit_ms": "11000"}}
    ) == [
        "navigate",
        "console-error",
        "network-error",
    ]


def test_timestamp_mode_without_start_behaves_like_first() -> None:
    assert types({"slice": {"mode": "TIMESTAMP", "event_limit": 1}}) == ["navigate"]


def test_end_timestamp_keeps_only_earlier_events() -> None:
    assert types({"slice": {"end_timestamp": "2026-08-20T12:00:20Z"}}) == [
        "navigate",
        "click",
        "custom",
    ]
    assert types(
        {"slice": {"mode": "LAST", "event_limit": 1, "end_timestamp": "2026-08-20T12:00:20Z"}}
    ) == ["custom"]


def test_start_and_end_window() -> None:
    body = {
        "slice": {
            "start_timestamp": "2026-08-20T12:00:10Z",
            "end_timestamp": "2026-08-20T12:00:30Z",
        }
    }
    assert types(body) == ["click", "custom", "navigate"]


def test_slice_beyond_the_session_is_empty() -> None:
    assert (
        context({"slice": {"start_timestamp": "2027-01-01T00:00:00Z"}})["context_data"]["pages"]
        == []
    )


def test_apply_slice_directly() -> None:
    spec = SliceSpec(mode="LAST", event_limit=1)
    assert apply_slice(SESSION.events, spec) == [SESSION.events[-1]]
    assert apply_slice([], SliceSpec(event_limit=3)) == []


# -- events --------------------------------------------------------------------------------------


def test_include_types() -> None:
    assert types({"events": {"include_types": ["console-error", "network-error"]}}) == [
        "console-error",
        "network-error",
    ]


def test_include_types_matches_custom_event_names() -> None:
    assert types({"events": {"include_types": ["click", "Added to Cart"]}}) == ["click", "custom"]
    assert types({"events": {"include_types": ["custom"]}}) == ["custom"]


def test_exclude_types() -> None:
    assert types({"events": {"exclude_types": ["navigate", "Added to Cart", "copy"]}}) == [
        "click",
        "console-error",
        "network-error",
        "rage-click",
    ]


def test_exclude_wins_over_include() -> None:
    body = {"events": {"include_types": ["click", "rage-click"], "exclude_types": ["rage-click"]}}
    assert types(body) == ["click"]


def test_filters_apply_before_the_slice() -> None:
    body = {"events": {"include_types": ["rage-click", "copy"]}, "slice": {"event_limit": 1}}
    assert types(body) == ["rage-click"]


def test_exclude_api_events() -> None:
    assert "custom" not in types({"events": {"exclude_api_events": True}})
    assert len(types({"events": {"exclude_api_events": True}})) == 7


def test_exclude_defined_events() -> None:
    remaining = all_events({"events": {"exclude_defined_events": True}})
    assert [e["type"] for e in remaining] == [
        "navigate",
        "custom",
        "console-error",
        "network-error",
        "rage-click",
        "copy",
    ]


def test_empty_pages_are_omitted() -> None:
    pages = context({"events": {"include_types": ["console-error"]}})["context_data"]["pages"]
    assert [p["title"] for p in pages] == ["Checkout | Acme"]


def test_exclude_event_timestamps() -> None:
    assert all(
        "timestamp" not in e for e in all_events({"events": {"exclude_event_timestamps": True}})
    )


def test_exclude_selectors() -> None:
    events = all_events({"events": {"exclude_selectors": True}})
    assert all("target_selector" not in e["properties"] for e in events)
    click = next(e for e in events if e["type"] == "click")
    assert click["properties"] == {"target_text": "Add to cart"}


def test_selector_tags_are_dropped_unless_asked_for() -> None:
    click = next(e for e in all_events() if e["type"] == "click")
    assert click["properties"]["target_selector"] == "#product > .product-form > .btn.add-to-cart"
    tagged = next(
        e for e in all_events({"events": {"include_selector_tags": True}}) if e["type"] == "click"
    )
    assert tagged["properties"]["target_selector"] == BUTTON


def test_trim_to_last_n_selectors() -> None:
    body = {"events": {"trim_to_last_n_selectors": 1, "include_selector_tags": True}}
    click = next(e for e in all_events(body) if e["type"] == "click")
    assert click["properties"]["target_selector"] == "button.btn.add-to-cart"
    assert transform_selector("a > b.c > div", EventsSpec(trim_to_last_n_selectors=2)) == ".c > div"
    assert transform_selector("nav", EventsSpec()) == "nav"


def test_include_tab_index() -> None:
    pages = context({"events": {"include_tab_index": True}})["context_data"]["pages"]
    assert [p["tab"] for p in pages] == [1, 2]
    assert list(pages[0]) == ["url", "title", "tab", "events"]


@pytest.mark.parametrize(
    ("body", "described"),
    [
        ({}, True),
        ({"events": {"include_descriptions": False}}, False),
        ({"events": {"include_descriptions": True}}, True),
        ({"context": {"exclude_descriptions": True}}, False),
        ({"context": {"exclude_descriptions": False}}, True),
        # include_descriptions takes precedence over the deprecated flag.
        (
            {"context": {"exclude_descriptions": True}, "events": {"include_descriptions": True}},
            True,
        ),
        (
            {"context": {"exclude_descriptions": False}, "events": {"include_descriptions": False}},
            False,
        ),
    ],
)
def test_descriptions(body: dict[str, Any], described: bool) -> None:
    assert all(("description" in e) is described for e in all_events(body))


def test_filter_events_directly() -> None:
    spec = EventsSpec(include_types=("network-error",))
    assert filter_events(SESSION.events, spec) == [SESSION.events[5]]


# -- context elements ----------------------------------------------------------------------------

ALL = {"org_context", "user_context", "location_context", "device_context"}
BASE = {"session_id", "session_url", "session_created_at"}


def keys(body: dict[str, Any]) -> set[str]:
    return set(context(body)["context_data"]["context"]) - BASE


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, ALL),
        ({"context": {"exclude_org_context": True}}, ALL - {"org_context"}),
        ({"context": {"exclude_user_context": True}}, ALL - {"user_context"}),
        ({"context": {"exclude_location": True}}, ALL - {"location_context"}),
        ({"context": {"exclude_device": True}}, ALL - {"device_context"}),
        ({"context": {"include": ["user"]}}, {"user_context"}),
        ({"context": {"include": ["user", "device"]}}, {"user_context", "device_context"}),
        ({"context": {"exclude": ["org", "location"]}}, {"user_context", "device_context"}),
        ({"context": {"include": ["user", "org"], "exclude": ["org"]}}, {"user_context"}),
        # The lists take precedence over the individual booleans.
        ({"context": {"include": ["user"], "exclude_user_context": True}}, {"user_context"}),
        (
            {"context": {"exclude": ["device"], "exclude_org_context": True}},
            ALL - {"device_context"},
        ),
        ({"context": {"include": [], "exclude_device": True}}, ALL - {"device_context"}),
    ],
)
def test_context_elements(body: dict[str, Any], expected: set[str]) -> None:
    assert keys(body) == expected


# -- request parsing -----------------------------------------------------------------------------


def test_request_parsing() -> None:
    request = ContextRequest.from_body(
        {
            "slice": {
                "mode": "LAST",
                "event_limit": 5,
                "duration_limit_ms": "60000",
                "end_timestamp": "2026-08-20T12:00:00Z",
            },
            "events": {"include_types": ["click"], "trim_to_last_n_selectors": "2"},
            "cache": {"enable_event_cache": True},
        }
    )
    assert request.slice == SliceSpec("LAST", 5, 60000, None, T0)
    assert request.events.include_types == ("click",)
    assert request.events.trim_to_last_n_selectors == 2
    assert request.cache.enable_event_cache
    assert ContextRequest.from_body({}) == ContextRequest()


@pytest.mark.parametrize(
    "body",
    [
        {"slice": {"mode": "MIDDLE"}},
        {"slice": {"duration_limit_ms": "ten"}},
        {"slice": {"event_limit": True}},
        {"slice": {"start_timestamp": "yesterday"}},
        {"slice": {"end_timestamp": "2026-08-20T12:00:00"}},
        {"slice": []},
        {"context": {"include": ["users"]}},
        {"context": {"exclude": "org"}},
        {"events": {"include_types": [1]}},
    ],
)
def test_bad_bodies_raise(body: dict[str, Any]) -> None:
    with pytest.raises(ContextRequestError):
        ContextRequest.from_body(body)


def quiet_session() -> Session:
    """SESSION plus the events a context leaves out unless asked: a successful request, a
    page load, an identify and a log-level console message."""
    extra = (
        ev(
            1,
            "request",
            0,
            request_method="GET",
            request_url="https://acme.com/api/cart",
            request_status=200,
            request_duration_millis=80,
        ),
        ev(2, "load", 0, load_time_millis=900),
        ev(3, "identify", 0, user_id="jane"),
        ev(4, "console_message", 0, message="ready", level="log"),
    )
    events = tuple(sorted((*SESSION.events, *extra), key=lambda e: e.time_us))
    return Session(SESSION.ref, SESSION.device, SESSION.pages, events, "x", "y", None)


def quiet_types(body: dict[str, Any]) -> list[str]:
    data = build_context(quiet_session(), ORG, ContextRequest.from_body(body))
    return [e["type"] for page in data["context_data"]["pages"] for e in page["events"]]


def test_events_without_a_context_name_are_left_out_unless_named() -> None:
    assert quiet_types({}) == types()
    assert quiet_types({"events": {"include_types": ["request"]}}) == ["request", "network-error"]
    assert quiet_types({"events": {"include_types": ["load", "identify"]}}) == [
        "load",
        "identify",
    ]


def test_click_attributes_map_to_the_documented_click_names() -> None:
    rage = all_events({"events": {"include_types": ["rage-click"]}})
    assert [e["properties"] for e in rage] == [
        {
            "target_text": "Place order",
            "target_selector": "#pay > .place",
            "is_rage_click": True,
        }
    ]
    assert types({"events": {"include_types": ["click"]}}) == ["click"]
    assert types({"events": {"include_types": ["console-error"]}}) == ["console-error"]
