from __future__ import annotations

from mockserver.fullstory.summaries.facts import extract_facts
from mockserver.fullstory.summaries.insights import analyse
from tests.fullstory.summaries.events import completed_purchase, event, failed_checkout, navigate


def test_failed_checkout_is_blocked_at_checkout_and_ready_to_buy() -> None:
    insights = analyse(extract_facts("s", failed_checkout()))
    assert insights.stage == "checkout"
    assert insights.outcome == "blocked by errors"
    assert insights.intent == "ready to buy"
    assert insights.sentiment == "negative"
    assert insights.drop_off == "/checkout"
    assert "Investigate POST /api/payments failing with HTTP 500" in insights.recommendations


def test_completed_purchase_converts() -> None:
    insights = analyse(extract_facts("s", completed_purchase()))
    assert insights.stage == "purchase" and insights.converted
    assert insights.sentiment == "positive" and insights.drop_off == ""


def test_support_comparing_researching_and_exploring() -> None:
    def intent(events: list[dict[str, object]]) -> str:
        return analyse(extract_facts("s", events)).intent

    assert intent([navigate(0, "/", "1"), navigate(3, "/contact", "2")]) == "seeking support"
    assert intent([navigate(0, "/products/a", "1"), navigate(3, "/products/b", "2")]) == "comparing"
    assert intent([event("custom", 0, event_name="Products Searched", query="x")]) == "researching"
    assert intent([navigate(0, "/", "1")]) == "exploring"


def test_confidence_grows_with_signals_and_is_bounded() -> None:
    insights = analyse(extract_facts("s", failed_checkout()))
    assert 0.5 < insights.confidence <= 0.95
    assert insights.confidence_label in ("medium", "high")
