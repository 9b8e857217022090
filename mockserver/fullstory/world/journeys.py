"""Session journeys: what a visitor does on the store, as pages and timed events.

Each journey is a small script over a :class:`~mockserver.fullstory.world.timeline.Timeline`,
driven by one private ``random.Random`` derived from the session's labels, so a session is a pure
function of ``(seed, user index, session number)``. Events are in FullStory's Events model (see
:mod:`mockserver.fullstory.world.event_props`). No Faker here: the hot path only needs the curated
tables below.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.core.rng import derive_seed
from mockserver.fullstory.world import event_props as ep
from mockserver.fullstory.world.catalog import CURRENCY, Product
from mockserver.fullstory.world.timeline import (
    SEL_PRICE,
    SEL_PRODUCT_CARD,
    Timeline,
    nav_selector,
    product_props,
)

PAYMENT_TYPE_ERROR = "Uncaught TypeError: Cannot read properties of undefined (reading 'token')"
PAYMENT_CONSOLE_ERROR = "Payment failed: could not tokenize card (payment service unavailable)"
CHECKOUT_SCRIPT = "/static/js/checkout.8f3a2c1e.js"

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
SEL_GALLERY = "main#product > div.product-gallery > img.product-gallery__image"
SEL_SIGN_IN = "main#login > form#login-form > button.btn.btn-primary.sign-in"
SEL_COOKIE_ACCEPT = "div#cookie-banner > div.actions > button.btn.accept"


@dataclass(frozen=True, slots=True)
class JourneyPlan:
    """A kind of session (browse, buy, ...), how often it is drawn, and the script that
    fills its timeline."""

    name: str
    weight: int
    script: Callable[[Timeline], str]  # fills the timeline, returns the session's outcome


# -- steps several journeys share ----------------------------------------------------------------


def landing(tl: Timeline) -> None:
    """The first page: home (direct, search or a campaign link), then the cookie banner."""
    rng = tl.rng
    tl.referrer = rng.choice(_REFERRERS)
    query = rng.choice(_CAMPAIGNS) if rng.random() < 0.3 else None
    tl.visit("/", f"{tl.site.brand} | {tl.site.tagline}", query=query)
    tl.seen("Cookie banner", "div#cookie-banner", gap=(0.3, 1.5))
    if rng.random() < 0.7:
        tl.click("Accept all", SEL_COOKIE_ACCEPT)


def view_product(tl: Timeline, product: Product, *, via_selector: str = SEL_PRODUCT_CARD) -> None:
    tl.click(product.name, via_selector)
    tl.visit(
        f"/products/{product.slug}",
        f"{product.name} | {tl.site.brand}",
        query={"variant": str(derive_seed(0, product.sku) % 90000 + 10000)},
        gap=(0.4, 2.0),
    )
    tl.product_viewed(product)


def add_to_cart(tl: Timeline, product: Product, cart_id: str, quantity: int) -> None:
    tl.seen("Add to cart", SEL_ADD_TO_CART, gap=(0.5, 3.0))
    tl.click("Add to cart", SEL_ADD_TO_CART, definition="Click-Add-To-Cart")
    tl.request("POST", "/api/cart/items", 200, tl.rng.randint(90, 600), gap=(0.05, 0.3))
    tl.custom("Added to Cart", {**product_props(product), "quantity": quantity, "cart_id": cart_id})


def checkout(tl: Timeline, product: Product, cart_id: str, quantity: int) -> float:
    """Cart -> checkout -> details -> payment step; returns the order value."""
    value = round(product.price * quantity, 2)
    tl.visit("/cart", f"Your cart | {tl.site.brand}", gap=(2.0, 8.0))
    tl.click("Checkout", SEL_CHECKOUT)
    tl.visit(
        "/checkout",
        f"Checkout - Information | {tl.site.brand}",
        query={"step": "information"},
        definition="Navigate-Checkout-Event",
        gap=(0.5, 2.0),
    )
    tl.custom(
        "Checkout Started",
        {"cart_id": cart_id, "value": value, "currency": CURRENCY, "item_count": quantity},
    )
    for label, selector in (
        ("Email", "form#checkout-form > input#email"),
        ("Full name", "form#checkout-form > input#full-name"),
        ("Address", "form#checkout-form > input#address-line1"),
        ("ZIP code", "form#checkout-form > input#postal-code"),
    ):
        tl.type_into(label, selector, private=label != "ZIP code")
    tl.click("Continue to payment", "form#checkout-form > button.btn.continue")
    # The payment step is an in-page route change: same view, no reload.
    payment_step(tl, gap=(0.5, 2.0), same_view=True)
    for label, selector in (
        ("Card number", "form#payment-form > div.card-field > input#card-number"),
        ("Expiration date", "form#payment-form > div.card-field > input#card-expiry"),
        ("Security code", "form#payment-form > div.card-field > input#card-cvc"),
    ):
        tl.type_into(label, selector, private=True)
    return value


def payment_step(tl: Timeline, **visit: Any) -> None:
    tl.visit(
        "/checkout", f"Checkout - Payment | {tl.site.brand}", query={"step": "payment"}, **visit
    )


def _cart_id(tl: Timeline) -> str:
    return f"cart_{tl.rng.getrandbits(48):012x}"


# -- the journeys ----------------------------------------------------------------------------


def purchase(tl: Timeline) -> str:
    rng = tl.rng
    landing(tl)
    tl.browse(reserve=45)
    product = tl.product()
    tl.click(product.category, nav_selector(product))
    tl.visit(f"/collections/{product.category_slug}", f"{product.category} | {tl.site.brand}")
    view_product(tl, product)
    if rng.random() < 0.4:
        text = "Free returns within 30 days"
        tl.act("highlight", ep.element_event(ep.target(text, "div.product-info > p.returns")))
    quantity = rng.choice((1, 1, 1, 2, 3))
    cart_id = _cart_id(tl)
    add_to_cart(tl, product, cart_id, quantity)
    value = checkout(tl, product, cart_id, quantity)
    tl.click("Place order", SEL_PLACE_ORDER, definition="Click-Place-Order")
    tl.request("POST", "/api/payments", 200, rng.randint(400, 2200), gap=(0.05, 0.3))
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
    tl.seen("Order summary", "main#thank-you > section.order-summary", gap=(0.5, 2.0))
    return "purchased"


def payment_failure(tl: Timeline) -> str:
    rng = tl.rng
    landing(tl)
    tl.browse(reserve=50)
    product = tl.product()
    tl.type_into("Search", SEL_SEARCH)
    tl.visit(
        "/search",
        f"Search results | {tl.site.brand}",
        query={"q": product.name.split()[-1].lower()},
        gap=(0.5, 2.0),
    )
    view_product(tl, product)
    quantity = rng.choice((1, 1, 2))
    cart_id = _cart_id(tl)
    add_to_cart(tl, product, cart_id, quantity)
    checkout(tl, product, cart_id, quantity)
    # The failing click: FullStory flags a click followed by an error as an error click.
    tl.click("Place order", SEL_PLACE_ORDER, definition="Click-Place-Order", error=True)
    status = rng.choice((402, 500, 500))
    tl.request("POST", "/api/payments", status, rng.randint(300, 2400), gap=(0.3, 2.5))
    tl.act("console_message", ep.console_message(PAYMENT_CONSOLE_ERROR, "error"), gap=(0.01, 0.1))
    tl.act(
        "exception",
        ep.exception(PAYMENT_TYPE_ERROR, tl.site.url(CHECKOUT_SCRIPT), 2, 18764),
        gap=(0.01, 0.2),
    )
    tl.click(
        "Place order",
        SEL_PLACE_ORDER,
        gap=(2.0, 6.0),
        rage=True,
        click_count=rng.randint(4, 8),
    )
    if rng.random() < 0.6:
        tl.thrash("main#checkout > form#payment-form")
    if rng.random() < 0.3:
        payment_step(tl, gap=(2.0, 6.0), reason="reload")
    if rng.random() < 0.5:
        tl.click("Back to cart", "main#checkout > nav.breadcrumbs > a.back-to-cart")
        tl.visit("/cart", f"Your cart | {tl.site.brand}", gap=(0.5, 2.0))
    return "payment_failed"


def support_visit(tl: Timeline) -> str:
    rng = tl.rng
    query, article = rng.choice(_HELP_TOPICS)
    order_number = f"A{rng.randint(10_000_000, 99_999_999)}"
    tl.visit("/account/orders", f"Order history | {tl.site.brand}")
    tl.referrer = None
    tl.act(
        "copy",
        ep.element_event(ep.target(order_number, "table.orders > tbody > tr > td.order-number")),
    )
    tl.click("Help", "footer.site-footer > nav > a.help")
    tl.visit("/help", f"Help Center | {tl.site.brand}")
    tl.type_into("Search help articles", "main#help > form.help-search > input#help-query")
    tl.visit(
        "/help/search",
        f"Search results | {tl.site.brand} Help Center",
        query={"q": query},
        gap=(0.5, 2.0),
        same_view=True,
    )
    slug = "-".join(article.lower().rstrip("?").split())
    tl.click(article, "main#help-results > ul.articles > li > a.article-link")
    tl.visit(f"/help/articles/{slug}", f"{article} | {tl.site.brand} Help Center", gap=(0.4, 1.5))
    tl.act(
        "highlight",
        ep.element_event(ep.target("within 5-7 business days", "article.help-article > p")),
        gap=(8.0, 40.0),
    )
    tl.click("Contact us", "article.help-article > aside > a.btn.contact")
    tl.visit("/contact", f"Contact us | {tl.site.brand}", definition="Navigate-Contact-Event")
    pasted = ep.target(
        "", "form#contact-form > input#order-number", element_properties={"label": "Order number"}
    )
    tl.act("paste", ep.element_event(pasted))
    tl.type_into("Message", "form#contact-form > textarea#message")
    tl.click("Send message", "form#contact-form > button.btn.btn-primary.send")
    tl.request("POST", "/api/support/tickets", 201, rng.randint(150, 900), gap=(0.05, 0.3))
    tl.custom(
        "Support Ticket Created", {"topic": query, "order_id": order_number, "channel": "web_form"}
    )
    return "contacted_support"


def search_and_compare(tl: Timeline) -> str:
    rng = tl.rng
    landing(tl)
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
    view_product(tl, first)
    tl.click(first.name, SEL_GALLERY, gap=(3.0, 15.0), dead=True)
    if rng.random() < 0.5:
        tl.click(first.name, SEL_GALLERY, gap=(0.5, 2.0), dead=True)
    tl.browse(reserve=25)
    # Comparison shoppers open the second product in a new tab from the results page.
    tl.focus(results_page)
    tl.click(second.name, SEL_PRODUCT_CARD)
    tl.visit(f"/products/{second.slug}", f"{second.name} | {tl.site.brand}", tab=2, gap=(0.3, 1.0))
    tl.product_viewed(second)
    tl.act(
        "highlight",
        ep.element_event(ep.target(f"${second.price:.2f}", SEL_PRICE)),
    )
    tl.click("Size guide", "div.product-info > span.size-guide", dead=True)
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
    elif rng.random() < 0.5:
        tl.visit(
            "/search",
            f"Search results for \u201c{term}\u201d | {tl.site.brand}",
            query={"q": term},
            tab=2,
            reason="back_forward",
            gap=(2.0, 8.0),
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
        )
        tl.product_viewed(product)
    else:
        tl.visit("/", f"{tl.site.brand} | {tl.site.tagline}")
    tl.seen("Cookie banner", "div#cookie-banner", gap=(0.3, 1.5))
    if rng.random() < 0.4:
        tl.seen("Newsletter popup", "div#newsletter-modal", gap=(3.0, 9.0))
    return "bounced"


def login_trouble(tl: Timeline) -> str:
    rng = tl.rng
    tl.visit(
        "/account/login",
        f"Sign in | {tl.site.brand}",
        query={"dest": "/account/orders"},
        definition="Navigate-Login-Event",
    )
    tl.type_into("Email", "form#login-form > input#email", private=True)
    tl.type_into("Password", "form#login-form > input#password", private=True)
    attempts = rng.randint(2, 3)
    for attempt in range(attempts):
        tl.click("Sign in", SEL_SIGN_IN, definition="Click-Sign-In", error=True)
        tl.request("POST", "/api/session", 401, rng.randint(120, 600), gap=(0.2, 1.0))
        if attempt < attempts - 1:
            tl.type_into("Password", "form#login-form > input#password", private=True)
    tl.click("Sign in", SEL_SIGN_IN, gap=(1.0, 4.0), rage=True, click_count=rng.randint(3, 6))
    if rng.random() < 0.7:
        tl.click("Forgot password?", "form#login-form > a.forgot-password")
        tl.visit(
            "/account/reset-password", f"Reset your password | {tl.site.brand}", gap=(0.5, 2.0)
        )
        tl.type_into("Email", "form#reset-form > input#email", private=True)
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


_CUM_WEIGHTS: tuple[int, ...] = tuple(itertools.accumulate(plan.weight for plan in JOURNEYS))


def pick_journey(rng: random.Random) -> JourneyPlan:
    # cum_weights: what choices makes of weights first, made once (the same draw).
    return rng.choices(JOURNEYS, cum_weights=_CUM_WEIGHTS)[0]
