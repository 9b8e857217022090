"""Session journeys: what a visitor does on the store, as pages and timed events.

Each journey is a small script over a :class:`Timeline`, driven by one private
``random.Random`` derived from the session's labels, so a session is a pure function of
``(seed, user index, session number)``. No Faker here: the hot path only needs the curated
tables below, which keeps generating a session in the tens of microseconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from mockserver.core.rng import derive_seed
from mockserver.fullstory.ids import ID_MASK
from mockserver.fullstory.world.catalog import CURRENCY, Product, Site
from mockserver.fullstory.world.models import Event, Page, frozen_map

PAYMENT_TYPE_ERROR = "Uncaught TypeError: Cannot read properties of undefined (reading 'token')"

_SEARCH_TERMS: tuple[str, ...] = (
    "rain jacket",
    "waterproof boots",
    "gift for dad",
    "wool blanket",
    "earbuds",
    "backpack laptop",
    "sale",
    "running shoes",
    "mug set",
    "sunglasses polarized",
)
_HELP_TOPICS: tuple[tuple[str, str], ...] = (
    ("where is my order", "Where is my order?"),
    ("return policy", "How do I start a return?"),
    ("change shipping address", "Can I change my shipping address?"),
    ("refund status", "When will I get my refund?"),
    ("damaged item", "My item arrived damaged"),
)
_CAMPAIGNS: tuple[Mapping[str, str], ...] = (
    {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "summer_sale"},
    {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "weekly_picks"},
    {"utm_source": "instagram", "utm_medium": "social", "utm_campaign": "new_arrivals"},
)
_REFERRERS: tuple[str | None, ...] = (
    None,
    None,
    "https://www.google.com/",
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://l.instagram.com/",
    "https://www.facebook.com/",
)

# Selectors: realistic, hierarchical CSS paths (what FullStory records for a target element).
SEL_ADD_TO_CART = "main#product > div.product-info > form.product-form > button.btn.add-to-cart"
SEL_CHECKOUT = "main#cart > aside.cart-summary > a.btn.btn-primary.checkout"
SEL_PLACE_ORDER = "main#checkout > form#payment-form > div.actions > button.btn.place-order"
SEL_SEARCH = "header.site-header > form.search > input#search-input"
SEL_PRODUCT_CARD = "main#results > ul.product-grid > li.product-card > a.product-card__link"
SEL_GALLERY = "main#product > div.product-gallery > img.product-gallery__image"
SEL_SIGN_IN = "main#login > form#login-form > button.btn.btn-primary.sign-in"
SEL_COOKIE_ACCEPT = "div#cookie-banner > div.actions > button.btn.accept"


@dataclass(frozen=True, slots=True)
class JourneyPlan:
    name: str
    weight: int
    script: Callable[[Timeline], str]  # fills the timeline, returns the session's outcome


def describe_event(kind: str, name: str | None, props: Mapping[str, Any]) -> str:
    """A human sentence for an event, as the context API's ``description`` field shows."""
    text = props.get("target_text")
    what = _element_kind(str(props.get("target_selector", "")))
    target = f'"{text}" {what}' if text else f"a {what}"
    match kind:
        case "navigate":
            return f"Navigated to {props.get('url', 'a page')}"
        case "click":
            return f"Clicked {target}"
        case "rage-click":
            return f"Rage clicked {target} {props.get('click_count', 'several')} times"
        case "dead-click":
            return f"Clicked {target} but nothing happened"
        case "error-click":
            return f"Clicked {target}, which was followed by an error"
        case "input-change":
            return f'Changed the "{props.get("field", "text")}" field'
        case "console-error":
            return f"Console error: {props.get('message', 'unknown error')}"
        case "network-error":
            return (
                f"{props.get('method', 'GET')} request to {props.get('url', 'the server')} "
                f"failed with HTTP {props.get('status_code', 'error')}"
            )
        case "copy":
            return f'Copied "{props.get("text", "text")}"'
        case "paste":
            return f'Pasted into the "{props.get("field", "text")}" field'
        case "highlight":
            return f'Highlighted "{props.get("text", "text")}"'
        case "mouse-thrash":
            return "Moved the mouse erratically (mouse thrash)"
        case "element-seen":
            return f'Saw the "{props.get("element", "page")}" element'
        case "custom":
            details = ", ".join(f"{k}: {v}" for k, v in props.items() if not isinstance(v, list))
            return f'Custom event "{name}"' + (f" ({details})" if details else "")
    return f"{kind} event"


def _element_kind(selector: str) -> str:
    last = selector.rsplit(">", 1)[-1].strip()
    tag = last.split(".", 1)[0].split("#", 1)[0]
    return {"a": "link", "button": "button", "input": "field", "img": "image"}.get(tag, "element")


class Timeline:
    """Builds pages and events with monotonically increasing, millisecond-precision times."""

    def __init__(self, site: Site, start: datetime, rng: random.Random, view_seed: int) -> None:
        self.site = site
        self.rng = rng
        self._start = start
        self._view_seed = view_seed
        self._elapsed_ms = 0
        self._page = -1
        self.pages: list[Page] = []
        self.events: list[Event] = []
        self.referrer: str | None = None

    @property
    def page(self) -> Page:
        return self.pages[self._page]

    def _tick(self, gap: tuple[float, float]) -> datetime:
        if self.events:  # the first event is the session start itself
            self._elapsed_ms += int(self.rng.uniform(*gap) * 1000)
        return self._start + timedelta(milliseconds=self._elapsed_ms)

    def visit(
        self,
        path: str,
        title: str,
        *,
        query: Mapping[str, str] | None = None,
        reason: str = "link",
        tab: int = 1,
        definition: str | None = None,
        gap: tuple[float, float] = (4.0, 25.0),
    ) -> None:
        """Open a page (a new view) and record its navigate event."""
        at = self._tick(gap)
        url = self.site.url(path) + (
            ("&" if "?" in path else "?") + urlencode(query) if query else ""
        )
        view_id = str(derive_seed(self._view_seed, "view", len(self.pages)) & ID_MASK)
        self.pages.append(Page(view_id=view_id, url=url, title=title, tab=tab, started=at))
        self._page = len(self.pages) - 1
        props: dict[str, Any] = {"url": url, "navigate_reason": reason}
        if self.referrer is not None and len(self.pages) == 1:
            props["referrer"] = self.referrer
        self._add(at, "navigate", props, None, (definition,) if definition else ())

    def focus(self, page_index: int) -> None:
        """Switch back to an already open page (another tab)."""
        self._page = page_index

    def act(
        self,
        kind: str,
        props: Mapping[str, Any],
        *,
        name: str | None = None,
        gap: tuple[float, float] = (1.5, 12.0),
        definition: str | None = None,
    ) -> None:
        self._add(self._tick(gap), kind, dict(props), name, (definition,) if definition else ())

    def custom(
        self, name: str, props: Mapping[str, Any], gap: tuple[float, float] = (0.1, 0.8)
    ) -> None:
        """An API event sent by the site's code right after the interaction that caused it."""
        self.act("custom", props, name=name, gap=gap)

    def _add(
        self,
        at: datetime,
        kind: str,
        props: dict[str, Any],
        name: str | None,
        defs: tuple[str, ...],
    ) -> None:
        self.events.append(
            Event(
                time=at,
                type=kind,
                page_index=self._page,
                description=describe_event(kind, name, props),
                name=name,
                properties=frozen_map(props),
                definition_ids=defs,
            )
        )

    # -- small helpers used by several journeys ----------------------------------------------

    def product(self) -> Product:
        return self.rng.choice(self.site.products)

    def money(self, value: float) -> float:
        return round(value, 2)

    def click(self, text: str, selector: str, *, definition: str | None = None) -> None:
        self.act("click", {"target_text": text, "target_selector": selector}, definition=definition)

    def type_into(self, field: str, selector: str) -> None:
        # FullStory masks typed values by default: the change is recorded, the text is not.
        self.act("input-change", {"field": field, "target_selector": selector}, gap=(3.0, 20.0))

    def landing(self) -> None:
        """The first page: home (direct, search or a campaign link), then the cookie banner."""
        rng = self.rng
        self.referrer = rng.choice(_REFERRERS)
        query = rng.choice(_CAMPAIGNS) if rng.random() < 0.3 else None
        self.visit("/", f"{self.site.brand} | {self.site.tagline}", query=query, reason="navigate")
        self.act(
            "element-seen",
            {"element": "Cookie banner", "target_selector": "div#cookie-banner"},
            gap=(0.3, 1.5),
        )
        if rng.random() < 0.7:
            self.click("Accept all", SEL_COOKIE_ACCEPT)

    def view_product(self, product: Product, *, via_selector: str = SEL_PRODUCT_CARD) -> None:
        self.click(product.name, via_selector)
        self.visit(
            f"/products/{product.slug}",
            f"{product.name} | {self.site.brand}",
            query={"variant": str(derive_seed(0, product.sku) % 90000 + 10000)},
            gap=(0.4, 2.0),
        )
        self.custom("Product Viewed", _product_props(product))

    def add_to_cart(self, product: Product, cart_id: str, quantity: int) -> None:
        self.act(
            "element-seen",
            {"element": "Add to cart button", "target_selector": SEL_ADD_TO_CART},
            gap=(0.5, 3.0),
        )
        self.click("Add to cart", SEL_ADD_TO_CART, definition="Click-Add-To-Cart")
        self.custom(
            "Added to Cart", {**_product_props(product), "quantity": quantity, "cart_id": cart_id}
        )

    def checkout(self, product: Product, cart_id: str, quantity: int) -> float:
        """Cart → checkout → details → payment step; returns the order value."""
        value = self.money(product.price * quantity)
        self.visit("/cart", f"Your cart | {self.site.brand}", gap=(2.0, 8.0))
        self.click("Checkout", SEL_CHECKOUT)
        self.visit(
            "/checkout",
            f"Checkout - Information | {self.site.brand}",
            query={"step": "information"},
            definition="Navigate-Checkout-Event",
            gap=(0.5, 2.0),
        )
        self.custom(
            "Checkout Started",
            {"cart_id": cart_id, "value": value, "currency": CURRENCY, "item_count": quantity},
        )
        for field, selector in (
            ("Email", "form#checkout-form > input#email"),
            ("Full name", "form#checkout-form > input#full-name"),
            ("Address", "form#checkout-form > input#address-line1"),
            ("ZIP code", "form#checkout-form > input#postal-code"),
        ):
            self.type_into(field, selector)
        self.click("Continue to payment", "form#checkout-form > button.btn.continue")
        self.visit(
            "/checkout",
            f"Checkout - Payment | {self.site.brand}",
            query={"step": "payment"},
            reason="pushstate",
            gap=(0.5, 2.0),
        )
        self.type_into("Card number", "form#payment-form > div.card-field > input#card-number")
        self.type_into("Expiration date", "form#payment-form > div.card-field > input#card-expiry")
        self.type_into("Security code", "form#payment-form > div.card-field > input#card-cvc")
        return value


def _product_props(product: Product) -> dict[str, Any]:
    return {
        "product_id": product.sku,
        "product": product.name,
        "category": product.category,
        "price": product.price,
        "currency": CURRENCY,
    }


def _cart_id(tl: Timeline) -> str:
    return f"cart_{tl.rng.getrandbits(48):012x}"


def purchase(tl: Timeline) -> str:
    rng = tl.rng
    tl.landing()
    product = tl.product()
    tl.click(product.category, f"header.site-header > nav > a.nav-link.{product.category_slug}")
    tl.visit(f"/collections/{product.category_slug}", f"{product.category} | {tl.site.brand}")
    tl.view_product(product)
    if rng.random() < 0.4:
        tl.act(
            "highlight",
            {
                "text": "Free returns within 30 days",
                "target_selector": "div.product-info > p.returns",
            },
        )
    quantity = rng.choice((1, 1, 1, 2, 3))
    cart_id = _cart_id(tl)
    tl.add_to_cart(product, cart_id, quantity)
    value = tl.checkout(product, cart_id, quantity)
    tl.click("Place order", SEL_PLACE_ORDER, definition="Click-Place-Order")
    order_id = f"A{rng.randint(10_000_000, 99_999_999)}"
    tl.visit(
        "/checkout/thank-you",
        f"Order confirmed | {tl.site.brand}",
        query={"order": order_id},
        definition="Navigate-Order-Confirmation-Event",
        gap=(1.5, 4.0),
    )
    tl.custom(
        "Order Completed",
        {
            "order_id": order_id,
            "revenue": value,
            "currency": CURRENCY,
            "quantity": quantity,
            "products": [product.name],
        },
    )
    tl.act(
        "element-seen",
        {"element": "Order summary", "target_selector": "main#thank-you > section.order-summary"},
        gap=(0.5, 2.0),
    )
    return "purchased"


def payment_failure(tl: Timeline) -> str:
    rng = tl.rng
    tl.landing()
    product = tl.product()
    tl.act("input-change", {"field": "Search", "target_selector": SEL_SEARCH})
    tl.visit(
        "/search",
        f"Search results | {tl.site.brand}",
        query={"q": product.name.split()[-1].lower()},
        gap=(0.5, 2.0),
    )
    tl.view_product(product)
    quantity = rng.choice((1, 1, 2))
    cart_id = _cart_id(tl)
    tl.add_to_cart(product, cart_id, quantity)
    tl.checkout(product, cart_id, quantity)
    # The failing click: FullStory flags a click followed by an error as an error-click.
    tl.act(
        "error-click",
        {"target_text": "Place order", "target_selector": SEL_PLACE_ORDER},
        definition="Click-Place-Order",
    )
    status = rng.choice((402, 500, 500))
    tl.act(
        "network-error",
        {
            "method": "POST",
            "url": tl.site.url("/api/payments"),
            "status_code": status,
            "status_text": "Payment Required" if status == 402 else "Internal Server Error",
            "duration_ms": rng.randint(300, 2400),
        },
        gap=(0.3, 2.5),
    )
    tl.act(
        "console-error",
        {
            "message": PAYMENT_TYPE_ERROR,
            "source": tl.site.url("/static/js/checkout.8f3a2c1e.js:2:18764"),
        },
        gap=(0.01, 0.2),
    )
    tl.act(
        "rage-click",
        {
            "target_text": "Place order",
            "target_selector": SEL_PLACE_ORDER,
            "click_count": rng.randint(4, 8),
        },
        gap=(2.0, 6.0),
    )
    if rng.random() < 0.6:
        tl.act(
            "mouse-thrash", {"target_selector": "main#checkout > form#payment-form"}, gap=(1.0, 4.0)
        )
    if rng.random() < 0.5:
        tl.click("Back to cart", "main#checkout > nav.breadcrumbs > a.back-to-cart")
        tl.visit("/cart", f"Your cart | {tl.site.brand}", gap=(0.5, 2.0))
    return "payment_failed"


def support_visit(tl: Timeline) -> str:
    rng = tl.rng
    query, article = rng.choice(_HELP_TOPICS)
    order_number = f"A{rng.randint(10_000_000, 99_999_999)}"
    tl.visit("/account/orders", f"Order history | {tl.site.brand}", reason="navigate")
    tl.referrer = None
    tl.act(
        "copy",
        {"text": order_number, "target_selector": "table.orders > tbody > tr > td.order-number"},
    )
    tl.click("Help", "footer.site-footer > nav > a.help")
    tl.visit("/help", f"Help Center | {tl.site.brand}")
    tl.type_into("Search help articles", "main#help > form.help-search > input#help-query")
    tl.visit(
        "/help/search",
        f"Search results | {tl.site.brand} Help Center",
        query={"q": query},
        gap=(0.5, 2.0),
    )
    slug = "-".join(article.lower().rstrip("?").split())
    tl.click(article, "main#help-results > ul.articles > li > a.article-link")
    tl.visit(f"/help/articles/{slug}", f"{article} | {tl.site.brand} Help Center", gap=(0.4, 1.5))
    tl.act(
        "highlight",
        {"text": "within 5-7 business days", "target_selector": "article.help-article > p"},
        gap=(8.0, 40.0),
    )
    tl.click("Contact us", "article.help-article > aside > a.btn.contact")
    tl.visit("/contact", f"Contact us | {tl.site.brand}", definition="Navigate-Contact-Event")
    tl.act(
        "paste",
        {"field": "Order number", "target_selector": "form#contact-form > input#order-number"},
    )
    tl.type_into("Message", "form#contact-form > textarea#message")
    tl.click("Send message", "form#contact-form > button.btn.btn-primary.send")
    tl.custom(
        "Support Ticket Created", {"topic": query, "order_id": order_number, "channel": "web_form"}
    )
    return "contacted_support"


def search_and_compare(tl: Timeline) -> str:
    rng = tl.rng
    tl.landing()
    term = rng.choice(_SEARCH_TERMS)
    tl.type_into("Search", SEL_SEARCH)
    tl.visit(
        "/search",
        f"Search results for \u201c{term}\u201d | {tl.site.brand}",
        query={"q": term},
        gap=(0.5, 2.0),
    )
    results_page = len(tl.pages) - 1
    first, second = rng.sample(tl.site.products, 2)
    tl.view_product(first)
    tl.act(
        "dead-click", {"target_text": first.name, "target_selector": SEL_GALLERY}, gap=(3.0, 15.0)
    )
    if rng.random() < 0.5:
        tl.act(
            "dead-click",
            {"target_text": first.name, "target_selector": SEL_GALLERY},
            gap=(0.5, 2.0),
        )
    # Comparison shoppers open the second product in a new tab from the results page.
    tl.focus(results_page)
    tl.click(second.name, SEL_PRODUCT_CARD)
    tl.visit(f"/products/{second.slug}", f"{second.name} | {tl.site.brand}", tab=2, gap=(0.3, 1.0))
    tl.custom("Product Viewed", _product_props(second))
    tl.act(
        "highlight",
        {"text": f"${second.price:.2f}", "target_selector": "div.product-info > span.price"},
    )
    tl.act(
        "dead-click",
        {"target_text": "Size guide", "target_selector": "div.product-info > span.size-guide"},
    )
    if rng.random() < 0.5:
        term2 = rng.choice(_SEARCH_TERMS)
        tl.type_into("Search", SEL_SEARCH)
        tl.visit(
            "/search",
            f"Search results for \u201c{term2}\u201d | {tl.site.brand}",
            query={"q": term2},
            tab=2,
            gap=(0.5, 2.0),
        )
    return "left_without_purchase"


def bounce(tl: Timeline) -> str:
    rng = tl.rng
    tl.referrer = rng.choice(("https://www.google.com/", "https://www.facebook.com/", None))
    if rng.random() < 0.5:
        product = tl.product()
        tl.visit(
            f"/products/{product.slug}",
            f"{product.name} | {tl.site.brand}",
            query=dict(rng.choice(_CAMPAIGNS)),
            reason="navigate",
        )
        tl.custom("Product Viewed", _product_props(product))
    else:
        tl.visit("/", f"{tl.site.brand} | {tl.site.tagline}", reason="navigate")
    tl.act(
        "element-seen",
        {"element": "Cookie banner", "target_selector": "div#cookie-banner"},
        gap=(0.3, 1.5),
    )
    if rng.random() < 0.4:
        tl.act(
            "element-seen",
            {"element": "Newsletter popup", "target_selector": "div#newsletter-modal"},
            gap=(3.0, 9.0),
        )
    return "bounced"


def login_trouble(tl: Timeline) -> str:
    rng = tl.rng
    tl.visit(
        "/account/login",
        f"Sign in | {tl.site.brand}",
        query={"dest": "/account/orders"},
        reason="navigate",
        definition="Navigate-Login-Event",
    )
    tl.type_into("Email", "form#login-form > input#email")
    tl.type_into("Password", "form#login-form > input#password")
    attempts = rng.randint(2, 3)
    for attempt in range(attempts):
        tl.click("Sign in", SEL_SIGN_IN, definition="Click-Sign-In")
        tl.act(
            "network-error",
            {
                "method": "POST",
                "url": tl.site.url("/api/session"),
                "status_code": 401,
                "status_text": "Unauthorized",
                "duration_ms": rng.randint(120, 600),
            },
            gap=(0.2, 1.0),
        )
        if attempt < attempts - 1:
            tl.type_into("Password", "form#login-form > input#password")
    tl.act(
        "rage-click",
        {
            "target_text": "Sign in",
            "target_selector": SEL_SIGN_IN,
            "click_count": rng.randint(3, 6),
        },
        gap=(1.0, 4.0),
    )
    if rng.random() < 0.7:
        tl.click("Forgot password?", "form#login-form > a.forgot-password")
        tl.visit(
            "/account/reset-password", f"Reset your password | {tl.site.brand}", gap=(0.5, 2.0)
        )
        tl.type_into("Email", "form#reset-form > input#email")
        tl.click("Send reset link", "form#reset-form > button.btn.btn-primary")
        tl.custom("Password Reset Requested", {"method": "email"})
    return "login_failed"


JOURNEYS: tuple[JourneyPlan, ...] = (
    JourneyPlan("purchase", 22, purchase),
    JourneyPlan("payment_failure", 10, payment_failure),
    JourneyPlan("support_visit", 12, support_visit),
    JourneyPlan("search_and_compare", 22, search_and_compare),
    JourneyPlan("bounce", 24, bounce),
    JourneyPlan("login_trouble", 10, login_trouble),
)
JOURNEY_NAMES: tuple[str, ...] = tuple(plan.name for plan in JOURNEYS)


def pick_journey(rng: random.Random) -> JourneyPlan:
    return rng.choices(JOURNEYS, weights=[plan.weight for plan in JOURNEYS])[0]
