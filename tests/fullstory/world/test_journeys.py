"""Generated sessions read like real store visits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

from mockserver.fullstory.world.catalog import DEVICE_PROFILES
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.journeys import JOURNEY_NAMES, PAYMENT_TYPE_ERROR, describe_event
from mockserver.fullstory.world.models import EVENT_TYPES, Session

EPOCH = datetime(2026, 9, 1, tzinfo=UTC)


def all_sessions(users: int = 300) -> Iterator[Session]:
    world = World(WorldConfig(11, users, "o-1A2B3C-na1", "Acme", EPOCH))
    for index in range(users):
        for ref in world.sessions_of(world.user_at(index)):
            session = world.session(ref.session_id)
            assert session is not None
            yield session


SESSIONS = tuple(all_sessions())


def of_journey(name: str) -> list[Session]:
    return [s for s in SESSIONS if s.journey == name]


def custom_names(session: Session) -> list[str]:
    return [e.name for e in session.events if e.name is not None]


def test_every_journey_occurs() -> None:
    counts = Counter(s.journey for s in SESSIONS)
    assert set(counts) == set(JOURNEY_NAMES)


def test_every_event_type_occurs() -> None:
    assert {e.type for s in SESSIONS for e in s.events} == set(EVENT_TYPES)


def test_purchase_sessions_complete_an_order() -> None:
    for session in of_journey("purchase"):
        names = custom_names(session)
        assert names[-1] == "Order Completed"
        assert {"Product Viewed", "Added to Cart", "Checkout Started"} <= set(names)
        order = next(e for e in session.events if e.name == "Order Completed")
        assert order.properties["currency"] == "USD"
        assert order.properties["revenue"] > 0
        assert "/checkout/thank-you?order=" in session.pages[-1].url
        assert session.outcome == "purchased"


def test_payment_failures_show_errors_and_frustration() -> None:
    sessions = of_journey("payment_failure")
    assert sessions
    for session in sessions:
        types = [e.type for e in session.events]
        assert {"console-error", "network-error", "error-click", "rage-click"} <= set(types)
        network = next(e for e in session.events if e.type == "network-error")
        assert network.properties["status_code"] in (402, 500)
        assert urlsplit(str(network.properties["url"])).path == "/api/payments"
        console = next(e for e in session.events if e.type == "console-error")
        assert console.properties["message"] == PAYMENT_TYPE_ERROR
        rage = next(e for e in session.events if e.type == "rage-click")
        assert rage.properties["target_text"] == "Place order"
        assert "Order Completed" not in custom_names(session)
        assert session.outcome == "payment_failed"


def test_support_visits_copy_and_paste_an_order_number() -> None:
    for session in of_journey("support_visit"):
        copy = next(e for e in session.events if e.type == "copy")
        paste = next(e for e in session.events if e.type == "paste")
        assert copy.time < paste.time
        assert any("/help/search?q=" in page.url for page in session.pages)
        assert any(page.url.endswith("/contact") for page in session.pages)


def test_search_and_compare_uses_two_tabs_and_dead_clicks() -> None:
    for session in of_journey("search_and_compare"):
        assert {page.tab for page in session.pages} == {1, 2}
        assert any(e.type == "dead-click" for e in session.events)
        assert custom_names(session).count("Product Viewed") >= 2


def test_bounces_have_a_single_page() -> None:
    for session in of_journey("bounce"):
        assert len(session.pages) == 1
        assert session.outcome == "bounced"


def test_login_trouble_gets_401s_and_rage_clicks() -> None:
    for session in of_journey("login_trouble"):
        statuses = {
            e.properties.get("status_code") for e in session.events if e.type == "network-error"
        }
        assert statuses == {401}
        assert any(e.type == "rage-click" for e in session.events)
        assert "/account/login" in session.pages[0].url


def test_every_page_starts_with_its_navigate_event() -> None:
    for session in SESSIONS:
        navigates = [e for e in session.events if e.type == "navigate"]
        assert [e.page_index for e in navigates] == list(range(len(session.pages)))
        for event, page in zip(navigates, session.pages, strict=True):
            assert event.time == page.started
            assert event.properties["url"] == page.url
        assert all(0 <= e.page_index < len(session.pages) for e in session.events)


def test_events_are_seconds_apart_and_sessions_are_plausibly_long() -> None:
    for session in SESSIONS:
        span = (session.events[-1].time - session.events[0].time).total_seconds()
        assert span < 3600
        for before, after in zip(session.events, session.events[1:], strict=False):
            assert 0 < (after.time - before.time).total_seconds() < 60


def test_devices_are_consistent() -> None:
    profiles = {(p.browser, p.operating_system, p.device) for p in DEVICE_PROFILES}
    for session in SESSIONS:
        device = session.device
        assert (device.browser, device.operating_system, device.device) in profiles
        assert device.browser_version.split(".")[0] in device.raw_user_agent
        assert device.viewport[0] <= device.screen[0]
        assert device.viewport[1] < device.screen[1]
        if device.device == "Mobile":
            assert device.screen[0] < 500


def test_urls_are_on_the_store_host() -> None:
    hosts = {urlsplit(page.url).netloc for s in SESSIONS for page in s.pages}
    assert len(hosts) == 1
    assert hosts.pop().startswith("www.")


def test_view_ids_are_unique_int64s() -> None:
    view_ids = [page.view_id for s in SESSIONS for page in s.pages]
    assert len(view_ids) == len(set(view_ids))
    assert all(0 <= int(v) < 2**63 for v in view_ids)


def test_descriptions() -> None:
    assert describe_event(
        "click", None, {"target_text": "Add to cart", "target_selector": "form > button.add"}
    ) == ('Clicked "Add to cart" button')
    assert describe_event(
        "rage-click",
        None,
        {"target_text": "Place order", "target_selector": "button", "click_count": 5},
    ) == ('Rage clicked "Place order" button 5 times')
    assert describe_event("dead-click", None, {"target_selector": "div > img.hero"}) == (
        "Clicked a image but nothing happened"
    )
    assert describe_event("custom", "Added to Cart", {"product": "Tote", "price": 48.0}) == (
        'Custom event "Added to Cart" (product: Tote, price: 48.0)'
    )
    assert describe_event(
        "network-error", None, {"method": "POST", "url": "/api/payments", "status_code": 500}
    ) == ("POST request to /api/payments failed with HTTP 500")
