"""The Timeline journeys write on: pages (views) and timed Events-model events.

Besides what a journey scripts (clicks, form fields, custom events), every page load brings what
a real page brings: a ``load`` event with its load time, ``page_properties``, the page's API
``request`` events and ``element_seen`` events for the elements scrolled past. How many of those a
page gets, and how long the visitor keeps browsing, follow the session's *budget*, drawn from a
long-tailed distribution (see :func:`draw_budget`): most sessions hold tens to hundreds of events
over minutes, a few hold thousands over tens of minutes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

from mockserver.core.rng import SeedFamily
from mockserver.fullstory.ids import ID_MASK
from mockserver.fullstory.world import event_props as ep
from mockserver.fullstory.world.catalog import CURRENCY, Product, Site
from mockserver.fullstory.world.descriptions import describe_event
from mockserver.fullstory.world.models import Event, Page, User, epoch_us

# Session size: log-normal around a median of 90 events; P(> 300) ~ 9%, P(> 1000) ~ 0.4%.
BUDGET_MEDIAN = 90
BUDGET_SIGMA = 0.9
BUDGET_MAX = 6000
# The page's own API calls: (method, path, typical duration in ms).
PAGE_REQUESTS: tuple[tuple[str, str, int], ...] = (
    ("GET", "/api/cart", 90),
    ("GET", "/api/session", 60),
    ("GET", "/api/recommendations?slot=home", 240),
    ("POST", "/api/events/batch", 40),
    ("GET", "/api/inventory?skus=", 130),
    ("GET", "/api/reviews/summary", 180),
    ("POST", "/api/analytics/collect", 30),
    ("GET", "/api/feature-flags", 50),
)
PAGE_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("Hero banner", "main > section.hero"),
    ("Free shipping bar", "header.site-header > div.promo-bar"),
    ("Recommended for you", "main > section.recommendations"),
    ("Customer reviews", "main > section.reviews"),
    ("Newsletter signup", "footer.site-footer > form.newsletter"),
    ("Recently viewed", "main > section.recently-viewed"),
    ("Size and fit", "main > section.size-fit"),
)
CONSOLE_NOISE: tuple[tuple[str, str], ...] = (
    ("log", "[analytics] page view tracked"),
    ("warn", "Third-party cookie will be blocked in future Chrome versions"),
    ("info", "Service worker registered"),
    ("warn", "Image with src lazy-loaded after viewport intersection"),
)
# Event's and Page's fields, in order, for direct construction (checked: tests/fullstory/world).
_new_event = _new_page = tuple.__new__
# A page load's time (ms): log-normal around LOAD_MEDIAN_MS, capped at LOAD_MAX_MS.
LOG_LOAD_MEDIAN = math.log(1100)
LOAD_SIGMA = 0.5
LOAD_MAX_MS = 15000
CONSOLE_NOISE_CHANCE = 0.15
# Gaps (seconds) before the events every page load brings, and an identify's.
GAP_PAGE_PROPERTIES = (0.01, 0.1)
GAP_PAGE_REQUEST = (0.02, 0.4)
GAP_CONSOLE_NOISE = (0.01, 0.3)
GAP_SEEN = (0.3, 3.0)
GAP_IDENTIFY = (0.05, 0.4)
GAP_TYPE = (3.0, 20.0)
GAP_ACT = (1.5, 12.0)
GAP_CUSTOM = (0.1, 0.8)
GAP_VISIT = (4.0, 25.0)
GAP_REQUEST = (0.05, 0.6)
GAP_THRASH = (1.0, 4.0)
# browse's steps: a product card (click, visit, custom, sometimes a highlight), a collection
# (nav click, visit of one of COLLECTION_PAGES pages) or cards scrolled past with their requests.
PRODUCT_STEP = 0.45
COLLECTION_STEP = 0.75
HIGHLIGHT_CHANCE = 0.2
COLLECTION_PAGES = 4
SAME_VIEW_CHANCE = 0.5
GAP_CARD_CLICK = (2.0, 15.0)
GAP_BROWSE_VISIT = (0.3, 1.5)
GAP_NAV_CLICK = (2.0, 12.0)
GAP_CARD_SEEN = (0.5, 4.0)
GAP_CURSOR_REQUEST = (0.05, 0.3)
CURSOR_BITS = 20
CARDS_SCROLLED = (2, 6)  # how many cards a scroll step passes (each with its page request)
CURSOR_REQUEST_MS = (80, 400)
SEL_PRICE = "div.product-info > span.price"
SEL_PRODUCT_CARD = "main#results > ul.product-grid > li.product-card > a.product-card__link"


def draw_budget(rng: random.Random) -> int:
    """The session's target event count: log-normal, clipped to ``BUDGET_MAX``."""
    return min(BUDGET_MAX, round(math.exp(rng.gauss(math.log(BUDGET_MEDIAN), BUDGET_SIGMA))))


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who the timeline records: the identified user and the device kind."""

    user: User | None
    touch: bool  # phones and tablets: no mouse, so no mouse thrash


class Timeline:
    """Builds pages and events with monotonically increasing, millisecond-precision times."""

    def __init__(
        self,
        site: Site,
        start: datetime,
        rng: random.Random,
        view_seed: int,
        *,
        visitor: Visitor | None = None,
        budget: int = BUDGET_MEDIAN,
        url_shapes: ep.UrlShapes | None = None,
    ) -> None:
        """``url_shapes``: request URL shapes shared with other timelines (the world's)."""
        self.site = site
        self.rng = rng
        self.visitor = visitor or Visitor(None, touch=False)
        self.budget = budget
        # Ambient events per page load grow with the budget: big sessions are busy pages too.
        self.ambient = max(2, min(60, budget // 18))
        self.ambient_half = max(1, self.ambient // 2)  # the most requests (seen) per page load
        self._start = start
        self._start_us = epoch_us(start)  # events carry integer times (models.Event)
        self._view_seeds = SeedFamily(view_seed, "view")  # one hash prefix per session
        self._elapsed_ms = 0
        self._page = -1
        self._views = 0
        self.pages: list[Page] = []
        self.events: list[Event] = []
        self.referrer: str | None = None
        self._identified = False
        self._url_shapes = url_shapes or ep.UrlShapes()

    @property
    def page(self) -> Page:
        return self.pages[self._page]

    @property
    def touch(self) -> bool:
        return self.visitor.touch

    def _tick(self, gap: tuple[float, float]) -> int:
        """Moves the clock on by a draw from ``gap`` (seconds); the new time in epoch µs."""
        # The first event is the session start itself.
        if self.events:
            low, high = gap
            # rng.uniform(low, high) inlined (the same arithmetic on the same draw): this runs
            # once per generated event, and exports generate millions.
            self._elapsed_ms += max(1, int((low + (high - low) * self.rng.random()) * 1000))
        return self._start_us + self._elapsed_ms * 1000

    # -- pages -------------------------------------------------------------------------------

    def visit(
        self,
        path: str,
        title: str,
        *,
        query: Mapping[str, str] | None = None,
        reason: str = "navigate",
        tab: int = 1,
        definition: str | None = None,
        gap: tuple[float, float] = GAP_VISIT,
        same_view: bool = False,
    ) -> None:
        """Open a page and record its navigate event, then what its load brings.

        ``same_view``: an in-page (SPA) route change: the recording script is not reloaded,
        so the page keeps the current ``view_id`` and there is no new ``load``.
        """
        at = self._tick(gap)
        url = page_url(self.site, path, query)
        if same_view and self.pages:
            view_id = self.page.view_id
        else:
            view_id = str(self._view_seeds.member(self._views) & ID_MASK)
            self._views += 1
        # A page's start stays a datetime in the world epoch's own zone (one per page, not per
        # event): the page readers format it as they always did.
        started = self._start + timedelta(0, 0, self._elapsed_ms * 1000)  # positional: faster
        self.pages.append(_new_page(Page, (view_id, url, title, tab, started)))
        self._page = len(self.pages) - 1
        self._add(at, "navigate", ep.navigate(reason), None, (definition,) if definition else ())
        if not self._identified and self.visitor.user is not None:
            self._identify(self.visitor.user)
        if not same_view:
            self._page_load(title)

    def focus(self, page_index: int) -> None:
        """Switch back to an already open page (another tab)."""
        self._page = page_index

    def _identify(self, user: User) -> None:
        # The site calls FS.identify once it knows the shopper (a signed-in cookie).
        props = ep.identify(user.uid, user.email, user.display_name, user.properties)
        self._record("identify", props, None, GAP_IDENTIFY, None)
        self._identified = True

    def _page_load(self, title: str) -> None:
        rng = self.rng
        load_ms = int(min(LOAD_MAX_MS, math.exp(rng.gauss(LOG_LOAD_MEDIAN, LOAD_SIGMA))))
        self._record("load", ep.load(load_ms), None, (load_ms / 1000, load_ms / 1000 + 0.05), None)
        page_name = title.split(" | ", maxsplit=1)[0]
        self._record(
            "page_properties", ep.page_properties(page_name), None, GAP_PAGE_PROPERTIES, None
        )
        for _ in range(rng.randint(1, self.ambient_half)):
            method, path, typical = rng.choice(PAGE_REQUESTS)
            duration = int(typical * (0.5 + 2.0 * rng.random()))  # rng.uniform(0.5, 2.5)
            self.request(method, path, 200, duration, gap=GAP_PAGE_REQUEST)
        if rng.random() < CONSOLE_NOISE_CHANCE:
            level, message = rng.choice(CONSOLE_NOISE)
            self._record(
                "console_message", ep.console_message(message, level), None, GAP_CONSOLE_NOISE, None
            )
        for _ in range(rng.randint(0, self.ambient_half)):
            text, selector = rng.choice(PAGE_ELEMENTS)
            self.seen(text, selector, gap=GAP_SEEN)

    # -- events ------------------------------------------------------------------------------

    def act(
        self,
        kind: str,
        props: Mapping[str, Any],
        *,
        name: str | None = None,
        gap: tuple[float, float] = GAP_ACT,
        definition: str | None = None,
    ) -> None:
        self._record(kind, dict(props), name, gap, definition)

    def _record(
        self,
        kind: str,
        props: dict[str, Any],
        name: str | None,
        gap: tuple[float, float],
        definition: str | None,
    ) -> None:
        """:meth:`act` for a ``props`` dict no one else holds (the builders' fresh ones), with
        :meth:`_tick` and :meth:`_add` inlined: this runs once per generated event. Never a
        navigate (which needs its description now: :meth:`visit`).

        The event is made by ``tuple.__new__`` with every field given, in order: the same
        named tuple as ``Event(...)`` makes, without its generated ``__new__`` (a Python-level
        function call, about a tenth of the cost of generating an event)."""
        events = self.events
        if events:  # the first event is the session start itself
            low, high = gap
            step = int((low + (high - low) * self.rng.random()) * 1000)
            self._elapsed_ms += step if step > 0 else 1
        events.append(
            _new_event(
                Event,
                (
                    self._start_us + self._elapsed_ms * 1000,
                    kind,
                    self._page,
                    None,
                    name,
                    MappingProxyType(props),
                    (definition,) if definition else (),
                ),
            )
        )

    def custom(
        self, name: str, props: Mapping[str, Any], gap: tuple[float, float] = GAP_CUSTOM
    ) -> None:
        """An API event sent by the site's code right after the interaction that caused it."""
        self.act("custom", props, name=name, gap=gap)

    def product_viewed(self, product: Product) -> None:
        """The site's ``Product Viewed`` event, sent as a product page opens."""
        self.custom("Product Viewed", product_props(product))

    def _add(
        self,
        at: int,
        kind: str,
        props: dict[str, Any],
        name: str | None,
        defs: tuple[str, ...],
    ) -> None:
        """``props``: a dict no one else holds (act copies; navigate's is fresh), so it is
        frozen in place rather than copied again."""
        # Descriptions cost more than the event: only navigates (which need the URL) get one
        # now; the others are derived when the context asks.
        description = (
            describe_event(kind, name, props, self.pages[self._page].url)
            if kind == "navigate"
            else None
        )
        event = Event(at, kind, self._page, description, name, MappingProxyType(props), defs)
        self.events.append(event)

    def click(
        self,
        text: str,
        selector: str,
        *,
        definition: str | None = None,
        gap: tuple[float, float] = GAP_ACT,
        **flags: Any,
    ) -> None:
        """A click; ``flags`` are :func:`event_props.click`'s (``rage``, ``dead``, ...)."""
        self._record("click", ep.click(ep.target(text, selector), **flags), None, gap, definition)

    def type_into(self, label: str, selector: str, *, private: bool = False) -> None:
        # FullStory masks private fields: the change is recorded, the text is not.
        element = ep.target("", selector, masked=private, element_properties={"label": label})
        self._record("change", ep.element_event(element), None, GAP_TYPE, None)

    def seen(self, text: str, selector: str, *, gap: tuple[float, float] = GAP_SEEN) -> None:
        # rng.uniform(400, 20000) inlined (its arithmetic on the same draw): once per event.
        duration = int(400 + 19600 * self.rng.random())
        props = ep.element_seen(ep.target(text, selector), duration_millis=duration)
        self._record("element_seen", props, None, gap, None)

    def request(
        self,
        method: str,
        path: str,
        status: int,
        duration_ms: int,
        *,
        gap: tuple[float, float] = GAP_REQUEST,
    ) -> None:
        props = ep.request(
            method, self.site.url(path), status, duration_ms, shapes=self._url_shapes
        )
        self._record("request", props, None, gap, None)

    def thrash(self, selector: str, *, gap: tuple[float, float] = GAP_THRASH) -> None:
        """Mouse thrash; never on touch devices, which have no mouse."""
        if not self.touch:
            self._record("mouse_thrash", ep.mouse_thrash(ep.target("", selector)), None, gap, None)

    # -- browsing: what fills a long session ---------------------------------------------------

    def product(self) -> Product:
        return self.rng.choice(self.site.products)

    def browse(self, reserve: int = 30) -> None:
        """Keep browsing the catalogue until the session nears its budget (``reserve`` events
        are left for the rest of the journey)."""
        while len(self.events) < self.budget - reserve:
            product = self.product()
            step = self.rng.random()
            if step < PRODUCT_STEP:
                self.click(product.name, SEL_PRODUCT_CARD, gap=GAP_CARD_CLICK)
                self.visit(
                    f"/products/{product.slug}",
                    f"{product.name} | {self.site.brand}",
                    gap=GAP_BROWSE_VISIT,
                )
                self.product_viewed(product)
                if self.rng.random() < HIGHLIGHT_CHANCE:
                    self.act(
                        "highlight",
                        ep.element_event(ep.target(f"${product.price:.2f}", SEL_PRICE)),
                    )
            elif step < COLLECTION_STEP:
                self.click(product.category, nav_selector(product), gap=GAP_NAV_CLICK)
                self.visit(
                    f"/collections/{product.category_slug}",
                    f"{product.category} | {self.site.brand}",
                    query={"page": str(self.rng.randint(1, COLLECTION_PAGES))},
                    gap=GAP_BROWSE_VISIT,
                    same_view=self.rng.random() < SAME_VIEW_CHANCE,
                )
            else:
                for _ in range(self.rng.randint(*CARDS_SCROLLED)):
                    self.seen(product.name, SEL_PRODUCT_CARD, gap=GAP_CARD_SEEN)
                    self.request(
                        "GET",
                        f"/api/products?cursor={self.rng.getrandbits(CURSOR_BITS)}",
                        200,
                        self.rng.randint(*CURSOR_REQUEST_MS),
                        gap=GAP_CURSOR_REQUEST,
                    )


def page_url(site: Site, path: str, query: Mapping[str, str] | None) -> str:
    """The URL of the site's page at ``path`` with ``query`` added to its own."""
    return site.url(path) + (("&" if "?" in path else "?") + urlencode(query) if query else "")


def nav_selector(product: Product) -> str:
    """The header's link to the product's category."""
    return f"header.site-header > nav > a.nav-link.{product.category_slug}"


def product_props(product: Product) -> dict[str, Any]:
    return {
        "product_id": product.sku,
        "product": product.name,
        "category": product.category,
        "price": product.price,
        "currency": CURRENCY,
    }
