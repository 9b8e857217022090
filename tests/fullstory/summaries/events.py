"""Hand-written sessions in FullStory's Events model (events-model.md shapes), for the
summarizer's unit tests: independent of the world generator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 9, 14, 10, 0, 0, tzinfo=UTC)
HOST = "www.acmeoutfitters.com"


def at(seconds: float) -> str:
    moment = START + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def event(
    kind: str, seconds: float, path: str = "/", view: str = "1", **props: Any
) -> dict[str, Any]:
    return {
        "device_id": "5914802517630194781",
        "session_id": "7210365481229753190",
        "view_id": view,
        "event_time": at(seconds),
        "event_type": kind,
        "event_properties": props,
        "source_type": "web",
        "source_properties": {
            "user_agent": {
                "raw_user_agent": "Mozilla/5.0",
                "device": "Desktop",
                "operating_system": "macOS",
                "browser": "Chrome",
                "browser_version": "129.0",
            },
            "url": {"full_url": f"https://{HOST}{path}", "host": HOST, "path": path, "query": {}},
            "initial_referrer": None,
        },
    }


def navigate(seconds: float, path: str, view: str) -> dict[str, Any]:
    return event("navigate", seconds, path, view, navigate_reason="navigate")


def click(seconds: float, path: str, view: str, text: str, **flags: Any) -> dict[str, Any]:
    target = {"text": text, "masked": False, "raw_selector": f"button.{text.lower()[:8]}"}
    return event("click", seconds, path, view, target=target, **flags)


def request(
    seconds: float, path: str, view: str, *, method: str, url_path: str, status: int
) -> dict[str, Any]:
    url = {"full_url": f"https://{HOST}{url_path}", "host": HOST, "path": url_path}
    return event(
        "request",
        seconds,
        path,
        view,
        request_method=method,
        request_url=url,
        request_status=status,
        request_duration_millis=420,
    )


PAYMENT_ERROR = "TypeError: Cannot read properties of undefined (reading 'clientSecret')"


def failed_checkout() -> list[dict[str, Any]]:
    """The pinned story: payment API 500, a TypeError, rage clicks on "Place order"."""
    return [
        navigate(0, "/", "1"),
        click(9.2, "/", "1", "Summit Rain Jacket"),
        navigate(10.1, "/products/summit-rain-jacket", "2"),
        event("custom", 10.4, "/products/summit-rain-jacket", "2", event_name="Product Viewed"),
        click(31.7, "/products/summit-rain-jacket", "2", "Add to cart"),
        event("custom", 32.0, "/products/summit-rain-jacket", "2", event_name="Added to Cart"),
        navigate(40.0, "/cart", "3"),
        click(52.0, "/cart", "3", "Checkout"),
        navigate(53.0, "/checkout", "4"),
        event("change", 70.0, "/checkout", "4", target={"text": "Card number"}),
        click(95.0, "/checkout", "4", "Place order", error_kind="network"),
        request(95.4, "/checkout", "4", method="POST", url_path="/api/payments", status=500),
        event("exception", 95.6, "/checkout", "4", message=PAYMENT_ERROR),
        event("console_message", 95.7, "/checkout", "4", level="error",
              message="Payment failed: 500 Internal Server Error"),
        click(99.0, "/checkout", "4", "Place order", rage_click_count=6),
        request(99.2, "/checkout", "4", method="POST", url_path="/api/payments", status=500),
        event("console_message", 101.0, "/checkout", "4", level="warn",
              message="Retrying payment"),
    ]  # fmt: skip


def completed_purchase() -> list[dict[str, Any]]:
    return [
        navigate(0, "/", "1"),
        navigate(5, "/products/trail-runner", "2"),
        event("custom", 6, "/products/trail-runner", "2", event_name="Added to Cart"),
        navigate(20, "/checkout", "3"),
        click(30, "/checkout", "3", "Place order"),
        request(30.2, "/checkout", "3", method="POST", url_path="/api/payments", status=200),
        navigate(31, "/order-confirmation", "4"),
        event("custom", 31.5, "/order-confirmation", "4", event_name="Order Completed"),
    ]
