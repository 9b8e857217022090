from __future__ import annotations

from typing import Any

from mockserver.fullstory.summaries.facts import extract_facts
from tests.fullstory.summaries.events import PAYMENT_ERROR, at, event, failed_checkout


def test_pages_in_order_with_their_times() -> None:
    facts = extract_facts("s", failed_checkout())
    assert [p.path for p in facts.pages] == [
        "/",
        "/products/summit-rain-jacket",
        "/cart",
        "/checkout",
    ]
    assert facts.pages[1].time == at(10.1)
    assert facts.duration_seconds == 101.0
    assert facts.event_count == len(failed_checkout())


def test_errors_failed_requests_and_warnings_with_timestamps() -> None:
    facts = extract_facts("s", failed_checkout())
    assert [(e.kind, e.message, e.time) for e in facts.errors] == [
        ("exception", PAYMENT_ERROR, at(95.6)),
        ("console error", "Payment failed: 500 Internal Server Error", at(95.7)),
    ]
    assert [(r.method, r.path, r.status, r.time) for r in facts.failed_requests] == [
        ("POST", "/api/payments", 500, at(95.4)),
        ("POST", "/api/payments", 500, at(99.2)),
    ]
    assert [w.message for w in facts.warnings] == ["Retrying payment"]


def test_rage_dead_and_error_clicks_are_attributes_of_click_events() -> None:
    facts = extract_facts("s", failed_checkout())
    assert [(c.text, c.rage) for c in facts.rage_clicks] == [("Place order", 6)]
    assert [c.text for c in facts.error_clicks] == ["Place order"]
    assert facts.dead_clicks == ()
    dead = extract_facts("s", [event("click", 1, target={"text": "Photo"}, dead_click=True)])
    assert [c.text for c in dead.dead_clicks] == ["Photo"]
    flags: dict[str, Any] = {"is_rage_click": True, "is_dead_click": False, "is_error_click": False}
    burst = extract_facts("s", [event("click", 1, target={"text": "Pay"}, click_count=5, **flags)])
    assert [(c.text, c.rage) for c in burst.rage_clicks] == [("Pay", 5)]
    assert burst.dead_clicks == () and burst.error_clicks == ()


def test_successful_requests_and_info_messages_are_not_problems() -> None:
    facts = extract_facts(
        "s",
        [
            event("request", 1, request_method="GET", request_url={"path": "/x"},
                  request_status=200),
            event("console_message", 2, level="info", message="hello"),
        ],
    )  # fmt: skip
    assert not facts.has_problems


def test_custom_events_searches_slow_loads_and_device() -> None:
    facts = extract_facts(
        "s",
        [
            event("custom", 1, "/search", event_name="Products Searched", query="rain jacket"),
            event("load", 2, "/search", load_time_millis=4200),
            event("consent", 3, "/search", status="error"),
        ],
    )
    assert facts.custom_names == ("Products Searched",)
    assert facts.searches == ("rain jacket",)
    assert facts.slow_loads == ((at(2), "/search", 4200),)
    assert facts.device == {"device": "Desktop", "operating_system": "macOS", "browser": "Chrome"}
    assert facts.cmp_issues == ("status=error",)


def test_no_events_no_facts() -> None:
    facts = extract_facts("s", [])
    assert facts.pages == () and facts.start is None and not facts.has_problems
