"""Generated sessions read like real store visits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

from mockserver.fullstory.world.catalog import DEVICE_PROFILES
from mockserver.fullstory.world.descriptions import describe_event
from mockserver.fullstory.world.event_props import EVENT_TYPES, click, target
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.journeys import (
    JOURNEY_NAMES,
    PAYMENT_CONSOLE_ERROR,
    PAYMENT_TYPE_ERROR,
)
from mockserver.fullstory.world.models import Event, Session

EPOCH = datetime(2026, 9, 1, tzinfo=UTC)


def all_sessions(users: int = 150) -> Iterator[Session]:
    world = World(WorldConfig(11, users, "o-1A2B3C-na1", "Acme", EPOCH))
    for index in range(users):
        for ref in world.sessions_of(world.user_at(index))[:4]:
            session = world.session(ref.session_id)
            assert session is not None
            yield session


SESSIONS = tuple(all_sessions())


def of_journey(name: str) -> list[Session]:
    return [s for s in SESSIONS if s.journey == name]


def custom_names(session: Session) -> list[str]:
    return [e.name for e in session.events if e.name is not None]


def clicks(session: Session, flag: str) -> list[Event]:
    return [e for e in session.events if e.type == "click" and e.properties[flag]]


def requests(session: Session, *, failed: bool) -> list[Event]:
    return [
        e
        for e in session.events
        if e.type == "request" and (e.properties["request_status"] >= 400) == failed
    ]


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
        network = requests(session, failed=True)[0]
        assert network.properties["request_status"] in (402, 500)
        assert network.properties["request_method"] == "POST"
        assert network.properties["request_url"]["path"] == "/api/payments"
        console = next(
            e
            for e in session.events
            if e.type == "console_message" and e.properties["level"] == "error"
        )
        assert console.properties["message"] == PAYMENT_CONSOLE_ERROR
        exception = next(e for e in session.events if e.type == "exception")
        assert exception.properties["message"] == PAYMENT_TYPE_ERROR
        assert exception.properties["file_url"].endswith(".js")
        (error_click,) = clicks(session, "is_error_click")
        assert error_click.properties["target"]["text"] == "Place order"
        (rage,) = clicks(session, "is_rage_click")
        assert rage.properties["target"]["text"] == "Place order"
        assert rage.properties["click_count"] >= 4
        assert "Order Completed" not in custom_names(session)
        assert session.outcome == "payment_failed"


def test_support_visits_copy_and_paste_an_order_number() -> None:
    for session in of_journey("support_visit"):
        copy = next(e for e in session.events if e.type == "copy")
        paste = next(e for e in session.events if e.type == "paste")
        assert copy.at < paste.at
        assert any("/help/search?q=" in page.url for page in session.pages)
        assert any(page.url.endswith("/contact") for page in session.pages)


def test_search_and_compare_uses_two_tabs_and_dead_clicks() -> None:
    for session in of_journey("search_and_compare"):
        assert {page.tab for page in session.pages} == {1, 2}
        assert clicks(session, "is_dead_click")
        assert custom_names(session).count("Product Viewed") >= 2


def test_bounces_have_a_single_page() -> None:
    for session in of_journey("bounce"):
        assert len(session.pages) == 1
        assert session.outcome == "bounced"


def test_login_trouble_gets_401s_and_rage_clicks() -> None:
    for session in of_journey("login_trouble"):
        statuses = {e.properties["request_status"] for e in requests(session, failed=True)}
        assert statuses == {401}
        assert clicks(session, "is_rage_click")
        assert "/account/login" in session.pages[0].url


def test_every_page_starts_with_its_navigate_event() -> None:
    for session in SESSIONS:
        navigates = [e for e in session.events if e.type == "navigate"]
        assert [e.page_index for e in navigates] == list(range(len(session.pages)))
        for event, page in zip(navigates, session.pages, strict=True):
            assert event.at == page.started
            assert event.description == f"Navigated to {page.url}"
            assert event.properties["navigate_reason"] in ("navigate", "reload", "back_forward")
        assert all(0 <= e.page_index < len(session.pages) for e in session.events)


def test_events_are_ordered_and_sessions_are_plausibly_long() -> None:
    for session in SESSIONS:
        span = (session.events[-1].at - session.events[0].at).total_seconds()
        assert span < 4 * 3600
        for before, after in zip(session.events, session.events[1:], strict=False):
            assert 0 < (after.at - before.at).total_seconds() < 60


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


def test_view_ids_are_int64s_kept_across_in_page_route_changes() -> None:
    for session in SESSIONS:
        loads = [e.page_index for e in session.events if e.type == "load"]
        # A new view is a new load of the recording script: exactly the pages with a load.
        views = [page.view_id for page in session.pages]
        assert len(set(views)) == len(loads)
        for index, page in enumerate(session.pages):
            if index not in loads:
                assert page.view_id == session.pages[index - 1].view_id
    view_ids = {page.view_id for s in SESSIONS for page in s.pages}
    assert all(0 <= int(v) < 2**63 for v in view_ids)
    checkout = of_journey("purchase")[0]
    steps = [p for p in checkout.pages if "/checkout?step=" in p.url]
    assert steps[0].view_id == steps[1].view_id


def test_every_session_identifies_its_user_once() -> None:
    for session in SESSIONS:
        (identify,) = [e for e in session.events if e.type == "identify"]
        assert identify.properties["user_id"] == session.user.uid
        assert identify.properties["user_email"] == session.user.email


def test_touch_devices_never_thrash_the_mouse() -> None:
    touch = [s for s in SESSIONS if s.device.device != "Desktop"]
    assert touch
    assert not [e for s in touch for e in s.events if e.type == "mouse_thrash"]
    assert [e for s in SESSIONS for e in s.events if e.type == "mouse_thrash"]


def test_page_loads_carry_load_times_and_names() -> None:
    for session in SESSIONS[:50]:
        for event in session.events:
            if event.type == "load":
                assert 0 < event.properties["load_time_millis"] <= 15000
            if event.type == "page_properties":
                assert event.properties["page_name"]


def test_descriptions() -> None:
    button = target("Add to cart", "form > button.add")
    assert describe_event("click", None, click(button)) == 'Clicked "Add to cart" button'
    rage = click(target("Place order", "button"), rage=True, click_count=5)
    assert describe_event("click", None, rage) == 'Rage clicked "Place order" button 5 times'
    dead = click(target("", "div > img.hero"), dead=True)
    assert describe_event("click", None, dead) == "Clicked a image but nothing happened"
    assert describe_event("custom", "Added to Cart", {"product": "Tote", "price": 48.0}) == (
        'Custom event "Added to Cart" (product: Tote, price: 48.0)'
    )
    request = {
        "request_method": "POST",
        "request_url": {"full_url": "/api/payments"},
        "request_status": 500,
    }
    assert describe_event("request", None, request) == (
        "POST request to /api/payments failed with HTTP 500"
    )
