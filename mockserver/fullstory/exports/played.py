"""An export's own way of generating a session: the world's journey played on a timeline that
records each event as the export row needs it (:class:`ExportEvent`'s fields: time, page, key
and custom variables), not as an Events-model event with its properties (which the export would
only read the key back out of).

A generated event's properties are most of the cost of generating it (a target dict, a copy of
it, a URL shape, a read-only view) and none of them but the key and a custom event's variables
reach an export row. The recorder draws the same random numbers in the same order as the world's
:class:`~mockserver.fullstory.world.timeline.Timeline` (it changes only what is recorded, never a
draw), so the session's times, pages and events are the same; its keys are what
:func:`~mockserver.fullstory.exports.session_rows.event_key` reads from the full event
(``tests/fullstory/exports/test_played.py`` holds every event of many sessions to that).

What fills most of a session (every page load's own events and the catalogue browsing) is
played from tables: each event's key made once per world (:class:`ExportTables`, from the same
property builders the world uses), and ``random``'s ``choice`` and ``randint`` replaced by the
draws they make (``getrandbits`` of the range's bit length until one falls inside it: CPython's
``_randbelow``), in loops that keep the clock in a local.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from mockserver.core.lru import bounded
from mockserver.fullstory.exports.columns import event_vars
from mockserver.fullstory.exports.session_rows import NO_VARIABLES, EventKey, event_key
from mockserver.fullstory.ids import ID_MASK, SessionId
from mockserver.fullstory.world import event_props as ep
from mockserver.fullstory.world import timeline as tl
from mockserver.fullstory.world.catalog import Product, Site
from mockserver.fullstory.world.generator import World
from mockserver.fullstory.world.models import Device, Page, SessionRef, User
from mockserver.fullstory.world.timeline import Timeline, nav_selector, page_url, product_props

# What event_key reads of a custom event's properties besides its variables.
_CUSTOM_KEY_PROPS = frozenset({"event_name", "target", "target_text", "target_selector"})
# Classes json_scalar keeps as they are: event_vars' column for them depends on the class alone.
_PLAIN_CLASSES = frozenset({str, int, float, bool, type(None)})
_UNKNOWN = "?"  # not a column name (event_vars' start with "evt_")
_new_row = tuple.__new__


def _key(kind: str, props: Mapping[str, Any], name: str | None = None) -> EventKey:
    """The key an export reads from an event of this kind and properties."""
    return event_key(kind, props, name)[0]


def _span(gap: tuple[float, float]) -> tuple[float, float]:
    """A gap as (low, high - low): the tick's arithmetic on its draw, ``low + span * r``, is
    ``uniform``'s, float for float."""
    low, high = gap
    return low, high - low


def _bits(width: int) -> int:
    """How many bits ``_randbelow(width)`` draws at a time (``width.bit_length()``)."""
    return width.bit_length()


_LOAD_KEY = _key("load", ep.load(0))
_PAGE_PROPERTIES_KEY = _key("page_properties", ep.page_properties(""))
_REQUEST_KEY = _key("request", ep.request("GET", "https://example.com/", 200, 0))
_CONSOLE_KEY = _key("console_message", ep.console_message("", "log"))
_IDENTIFY_KEY = _key("identify", ep.identify("", "", "", {}))
_NAVIGATE_KEY = _key("navigate", ep.navigate("navigate"))
_SEEN_KEYS: tuple[EventKey, ...] = tuple(
    _key("element_seen", ep.element_seen(ep.target(text, selector), duration_millis=0))
    for text, selector in tl.PAGE_ELEMENTS
)
_PP_LOW, _PP_SPAN = _span(tl.GAP_PAGE_PROPERTIES)
_REQUEST_LOW, _REQUEST_SPAN = _span(tl.GAP_PAGE_REQUEST)
_CONSOLE_LOW, _CONSOLE_SPAN = _span(tl.GAP_CONSOLE_NOISE)
_SEEN_LOW, _SEEN_SPAN = _span(tl.GAP_SEEN)
_IDENTIFY_LOW, _IDENTIFY_SPAN = _span(tl.GAP_IDENTIFY)
_TYPE_LOW, _TYPE_SPAN = _span(tl.GAP_TYPE)
_CARD_CLICK_LOW, _CARD_CLICK_SPAN = _span(tl.GAP_CARD_CLICK)
_BROWSE_VISIT_LOW, _BROWSE_VISIT_SPAN = _span(tl.GAP_BROWSE_VISIT)
_CUSTOM_LOW, _CUSTOM_SPAN = _span(tl.GAP_CUSTOM)
_ACT_LOW, _ACT_SPAN = _span(tl.GAP_ACT)
_NAV_CLICK_LOW, _NAV_CLICK_SPAN = _span(tl.GAP_NAV_CLICK)
_CARD_SEEN_LOW, _CARD_SEEN_SPAN = _span(tl.GAP_CARD_SEEN)
_CURSOR_LOW, _CURSOR_SPAN = _span(tl.GAP_CURSOR_REQUEST)
# choice(seq) is seq[_randbelow(len(seq))]; randint(a, b) is a + _randbelow(b - a + 1).
_REQUEST_CHOICES = len(tl.PAGE_REQUESTS)
_REQUEST_BITS = _bits(_REQUEST_CHOICES)
_CONSOLE_CHOICES = len(tl.CONSOLE_NOISE)
_CONSOLE_BITS = _bits(_CONSOLE_CHOICES)
_ELEMENT_CHOICES = len(tl.PAGE_ELEMENTS)
_ELEMENT_BITS = _bits(_ELEMENT_CHOICES)
_COLLECTION_BITS = _bits(tl.COLLECTION_PAGES)
_CARDS_LEAST = tl.CARDS_SCROLLED[0]
_CARDS_WIDTH = tl.CARDS_SCROLLED[1] - tl.CARDS_SCROLLED[0] + 1
_CARDS_BITS = _bits(_CARDS_WIDTH)
_CURSOR_MS_WIDTH = tl.CURSOR_REQUEST_MS[1] - tl.CURSOR_REQUEST_MS[0] + 1
_CURSOR_MS_BITS = _bits(_CURSOR_MS_WIDTH)


class ExportEvent(NamedTuple):
    """One event as an export row reads it (the fields an export reads of ``models.Event``,
    by the same names, and the key and variables of ``session_rows.event_key``)."""

    time_us: int
    page_index: int
    key: EventKey
    variables: Mapping[str, Any]


# An ExportEvent's fields as a plain tuple: what the timeline records, once per exported row.
# A plain tuple is about a third of the cost to make (a named tuple is a tuple subclass:
# tuple.__new__ copies the fields into a second, garbage-collected object) and its readers
# (templates.py, rows.py) unpack it.
PlayedEvent = tuple[int, int, EventKey, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class PlayedSession:
    """A generated session as an export reads it (``session_rows.SessionRows``)."""

    ref: SessionRef
    device: Device
    pages: tuple[Page, ...]
    rows: tuple[PlayedEvent, ...]  # its events, in time order
    initial_referrer: str | None

    @property
    def events(self) -> tuple[ExportEvent, ...]:
        """The events by their fields' names (made anew: for readers off the rows' fast path)."""
        return tuple(_new_row(ExportEvent, row) for row in self.rows)

    @property
    def user(self) -> User:
        return self.ref.user

    @property
    def session_id(self) -> SessionId:
        return self.ref.session_id


def played_session(world: World, ref: SessionRef, number: int) -> PlayedSession | None:
    """Session ``ref`` (its user's ``number``-th, oldest first) generated for an export, or
    None when it is not a generated session (a scenario's pinned one: read it from the
    world)."""
    played = world.played_timeline(ref, number, world.derived(ExportTables).timeline)
    if played is None:
        return None
    timeline = played.timeline
    return PlayedSession(
        ref, played.device, tuple(timeline.pages), tuple(timeline.rows), timeline.referrer
    )


@dataclass(frozen=True, slots=True)
class _ProductRows:
    """What browsing one product records, made once per world: the keys of its events, the
    variables of its ``Product Viewed`` event, its pages' URLs and titles."""

    card_click: EventKey
    card_seen: EventKey
    url: str
    title: str
    viewed: EventKey
    viewed_variables: Mapping[str, Any]
    highlight: EventKey
    nav_click: EventKey
    collection_urls: tuple[str, ...]  # by page number, from 1
    collection_title: str

    @classmethod
    def of(cls, site: Site, product: Product) -> _ProductRows:
        card = ep.target(product.name, tl.SEL_PRODUCT_CARD)
        viewed, variables = event_key("custom", product_props(product), "Product Viewed")
        price = ep.target(f"${product.price:.2f}", tl.SEL_PRICE)
        collection = f"/collections/{product.category_slug}"
        return cls(
            card_click=_key("click", ep.click(card)),
            card_seen=_key("element_seen", ep.element_seen(card, duration_millis=0)),
            url=page_url(site, f"/products/{product.slug}", None),
            title=f"{product.name} | {site.brand}",
            viewed=viewed,
            viewed_variables=variables,
            highlight=_key("highlight", ep.element_event(price)),
            nav_click=_key("click", ep.click(ep.target(product.category, nav_selector(product)))),
            collection_urls=tuple(
                page_url(site, collection, {"page": str(number)})
                for number in range(1, tl.COLLECTION_PAGES + 1)
            ),
            collection_title=f"{product.category} | {site.brand}",
        )


class ExportTables:
    """A world's constants for playing its sessions for exports (``World.derived``), and
    bounded memos of what journeys ask again and again (page URLs, flavoured clicks' keys,
    custom variables' columns): each a pure function of its key, so a memo changes nothing."""

    MAX_MEMO = 4096  # entries per memo; emptied when full (unique order ids pass through)

    def __init__(self, world: World) -> None:
        self.site = site = world.site
        self.products = tuple(_ProductRows.of(site, product) for product in site.products)
        self.of_product = dict(zip(site.products, self.products, strict=True))
        self._urls: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
        self._clicks: dict[tuple[str, str, tuple[tuple[str, Any], ...]], EventKey] = {}
        self._custom_keys: dict[str, EventKey] = {}
        self._columns: dict[tuple[str, type], str | None] = {}

    def url(self, path: str, query: Mapping[str, str] | None) -> str:
        """``page_url`` of the world's site."""
        memo = self._urls
        key = (path, tuple(query.items()) if query else ())
        url = memo.get(key)
        if url is None:
            url = bounded(memo, self.MAX_MEMO)[key] = page_url(self.site, path, query)
        return url

    def flavoured_click(self, text: str, selector: str, flags: Mapping[str, Any]) -> EventKey:
        """The key of a click with ``event_props.click``'s ``flags``."""
        memo = self._clicks
        key = (text, selector, tuple(sorted(flags.items())))
        made = memo.get(key)
        if made is None:
            made = bounded(memo, self.MAX_MEMO)[key] = _key(
                "click", ep.click(ep.target(text, selector), **flags)
            )
        return made

    def custom(self, name: str, props: Mapping[str, Any]) -> tuple[EventKey, Mapping[str, Any]]:
        """``event_key`` of a custom event, the key and each property's column made once.

        A custom event's key is its name's when its properties name no event or target
        (what event_key reads besides the variables); a property's column (or none) is
        ``event_vars``' for its name and class alone when JSON keeps the class's values as
        they are."""
        if not _CUSTOM_KEY_PROPS.isdisjoint(props):
            return event_key("custom", props, name)
        columns = self._columns
        variables: dict[str, Any] = {}
        for prop, value in props.items():
            cls = value.__class__
            column = columns.get((prop, cls), _UNKNOWN)
            if column is _UNKNOWN:
                if cls not in _PLAIN_CLASSES:
                    return event_key("custom", props, name)
                column = bounded(columns, self.MAX_MEMO)[prop, cls] = next(
                    iter(event_vars({prop: value})), None
                )
            if column is not None:
                variables[column] = value
        key = self._custom_keys.get(name)
        if key is None:
            key = bounded(self._custom_keys, self.MAX_MEMO)[name] = _key("custom", {}, name)
        return key, variables

    def timeline(self, *args: Any, **kwargs: Any) -> ExportTimeline:
        """An :class:`ExportTimeline` on these tables (``Timeline``'s arguments)."""
        return ExportTimeline(self, *args, **kwargs)


class ExportTimeline(Timeline):
    """Records each event's :data:`PlayedEvent` in ``rows`` (``events`` stays empty). Each override
    keeps its base method's draws, in order; none builds an event's properties but where the
    key depends on more than its arguments (a flavoured click, an ``act``)."""

    def __init__(self, tables: ExportTables, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[PlayedEvent] = []
        self._tables = tables
        # randint(1, ambient_half) and randint(0, ambient_half) of every page load
        self._requests_bits = _bits(self.ambient_half)
        self._seen_bits = _bits(self.ambient_half + 1)

    def _row(self, key: EventKey, variables: Mapping[str, Any], low: float, span: float) -> None:
        """An event after a gap of ``low + span * random()`` seconds (Timeline._tick)."""
        rows = self.rows
        if rows:  # not the session start
            step = int((low + span * self.rng.random()) * 1000)
            self._elapsed_ms += step if step > 0 else 1
        rows.append((self._start_us + self._elapsed_ms * 1000, self._page, key, variables))

    def _record(
        self,
        kind: str,
        props: dict[str, Any],
        name: str | None,
        gap: tuple[float, float],
        definition: str | None,
    ) -> None:
        self._row(*event_key(kind, props, name), *_span(gap))

    def act(
        self,
        kind: str,
        props: Mapping[str, Any],
        *,
        name: str | None = None,
        gap: tuple[float, float] = tl.GAP_ACT,
        definition: str | None = None,
    ) -> None:
        self._row(*event_key(kind, props, name), *_span(gap))  # read, not copied

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
        gap: tuple[float, float] = tl.GAP_VISIT,
        same_view: bool = False,
    ) -> None:
        key = _NAVIGATE_KEY if reason == "navigate" else _key("navigate", ep.navigate(reason))
        low, span = _span(gap)
        url = self._tables.url(path, query)
        self._open(url, title, key, low, span, tab=tab, same_view=same_view)

    def _open(
        self,
        url: str,
        title: str,
        key: EventKey,
        low: float,
        span: float,
        *,
        tab: int = 1,
        same_view: bool = False,
    ) -> None:
        """Timeline.visit of a page whose URL and navigate key are known."""
        rows = self.rows
        if rows:  # not the session start
            step = int((low + span * self.rng.random()) * 1000)
            self._elapsed_ms += step if step > 0 else 1
        elapsed = self._elapsed_ms
        pages = self.pages
        if same_view and pages:
            view_id = pages[self._page].view_id
        else:
            view_id = str(self._view_seeds.member(self._views) & ID_MASK)
            self._views += 1
        started = self._start + timedelta(0, 0, elapsed * 1000)
        pages.append(_new_row(Page, (view_id, url, title, tab, started)))
        page = self._page = len(pages) - 1
        rows.append((self._start_us + elapsed * 1000, page, key, NO_VARIABLES))
        if not self._identified and self.visitor.user is not None:
            self._identify(self.visitor.user)
        if not same_view:
            self._page_load(title)

    def _identify(self, user: User) -> None:
        self._row(_IDENTIFY_KEY, NO_VARIABLES, _IDENTIFY_LOW, _IDENTIFY_SPAN)
        self._identified = True

    def _page_load(self, title: str) -> None:
        """Timeline._page_load's draws and events, the clock and constants in locals."""
        rng = self.rng
        random, getrandbits = rng.random, rng.getrandbits
        append = self.rows.append
        page, start_us, elapsed, none = self._page, self._start_us, self._elapsed_ms, NO_VARIABLES
        load_ms = int(min(tl.LOAD_MAX_MS, math.exp(rng.gauss(tl.LOG_LOAD_MEDIAN, tl.LOAD_SIGMA))))
        low = load_ms / 1000
        step = int((low + (load_ms / 1000 + 0.05 - low) * random()) * 1000)
        elapsed += step if step > 0 else 1
        append((start_us + elapsed * 1000, page, _LOAD_KEY, none))
        step = int((_PP_LOW + _PP_SPAN * random()) * 1000)
        elapsed += step if step > 0 else 1
        append((start_us + elapsed * 1000, page, _PAGE_PROPERTIES_KEY, none))
        half = self.ambient_half
        bits = self._requests_bits
        count = getrandbits(bits)  # randint(1, half)
        while count >= half:
            count = getrandbits(bits)
        key, low, span, bits, choices = (
            _REQUEST_KEY,
            _REQUEST_LOW,
            _REQUEST_SPAN,
            _REQUEST_BITS,
            _REQUEST_CHOICES,
        )
        for _ in range(count + 1):
            while getrandbits(bits) >= choices:  # choice(PAGE_REQUESTS)
                pass
            random()  # its duration
            step = int((low + span * random()) * 1000)
            elapsed += step if step > 0 else 1
            append((start_us + elapsed * 1000, page, key, none))
        if random() < tl.CONSOLE_NOISE_CHANCE:
            while getrandbits(_CONSOLE_BITS) >= _CONSOLE_CHOICES:  # choice(CONSOLE_NOISE)
                pass
            step = int((_CONSOLE_LOW + _CONSOLE_SPAN * random()) * 1000)
            elapsed += step if step > 0 else 1
            append((start_us + elapsed * 1000, page, _CONSOLE_KEY, none))
        bits = self._seen_bits
        count = getrandbits(bits)  # randint(0, half)
        while count > half:
            count = getrandbits(bits)
        keys, low, span, bits, choices = (
            _SEEN_KEYS,
            _SEEN_LOW,
            _SEEN_SPAN,
            _ELEMENT_BITS,
            _ELEMENT_CHOICES,
        )
        for _ in range(count):
            element = getrandbits(bits)  # choice(PAGE_ELEMENTS)
            while element >= choices:
                element = getrandbits(bits)
            random()  # its visible duration
            step = int((low + span * random()) * 1000)
            elapsed += step if step > 0 else 1
            append((start_us + elapsed * 1000, page, keys[element], none))
        self._elapsed_ms = elapsed

    # -- events ------------------------------------------------------------------------------

    def click(
        self,
        text: str,
        selector: str,
        *,
        definition: str | None = None,
        gap: tuple[float, float] = tl.GAP_ACT,
        **flags: Any,
    ) -> None:
        if flags:  # a flavoured click: its key read from its properties, as the export reads it
            key = self._tables.flavoured_click(text, selector, flags)
        else:
            key = ("click", "", "", text or "", selector or "")
        self._row(key, NO_VARIABLES, *_span(gap))

    def custom(
        self, name: str, props: Mapping[str, Any], gap: tuple[float, float] = tl.GAP_CUSTOM
    ) -> None:
        self._row(*self._tables.custom(name, props), *_span(gap))

    def product_viewed(self, product: Product) -> None:
        product_rows = self._tables.of_product[product]
        self._row(product_rows.viewed, product_rows.viewed_variables, _CUSTOM_LOW, _CUSTOM_SPAN)

    def type_into(self, label: str, selector: str, *, private: bool = False) -> None:
        # Timeline.type_into's target has no text (the label is an element property).
        key = ("change", "", "", "", selector or "")
        self._row(key, NO_VARIABLES, _TYPE_LOW, _TYPE_SPAN)

    def seen(self, text: str, selector: str, *, gap: tuple[float, float] = tl.GAP_SEEN) -> None:
        self.rng.random()  # the visible duration's draw
        key = ("element_seen", "", "", text or "", selector or "")
        self._row(key, NO_VARIABLES, *_span(gap))

    def request(
        self,
        method: str,
        path: str,
        status: int,
        duration_ms: int,
        *,
        gap: tuple[float, float] = tl.GAP_REQUEST,
    ) -> None:
        self._row(_REQUEST_KEY, NO_VARIABLES, *_span(gap))

    def thrash(self, selector: str, *, gap: tuple[float, float] = tl.GAP_THRASH) -> None:
        if not self.touch:
            key = ("mouse_thrash", "", "", "", selector or "")
            self._row(key, NO_VARIABLES, *_span(gap))

    # -- browsing ------------------------------------------------------------------------------

    def browse(self, reserve: int = 30) -> None:
        """Timeline.browse's draws and events, from the world's product tables."""
        rng = self.rng
        random, getrandbits = rng.random, rng.getrandbits
        products = self._tables.products
        choices = len(products)
        bits = _bits(choices)
        rows = self.rows
        limit = self.budget - reserve
        while len(rows) < limit:
            chosen = getrandbits(bits)  # choice(site.products)
            while chosen >= choices:
                chosen = getrandbits(bits)
            product = products[chosen]
            step = random()
            if step < tl.PRODUCT_STEP:
                self._row(product.card_click, NO_VARIABLES, _CARD_CLICK_LOW, _CARD_CLICK_SPAN)
                self._open(
                    product.url,
                    product.title,
                    _NAVIGATE_KEY,
                    _BROWSE_VISIT_LOW,
                    _BROWSE_VISIT_SPAN,
                )
                self._row(product.viewed, product.viewed_variables, _CUSTOM_LOW, _CUSTOM_SPAN)
                if random() < tl.HIGHLIGHT_CHANCE:
                    self._row(product.highlight, NO_VARIABLES, _ACT_LOW, _ACT_SPAN)
            elif step < tl.COLLECTION_STEP:
                self._row(product.nav_click, NO_VARIABLES, _NAV_CLICK_LOW, _NAV_CLICK_SPAN)
                number = getrandbits(_COLLECTION_BITS)  # randint(1, COLLECTION_PAGES) - 1
                while number >= tl.COLLECTION_PAGES:
                    number = getrandbits(_COLLECTION_BITS)
                self._open(
                    product.collection_urls[number],
                    product.collection_title,
                    _NAVIGATE_KEY,
                    _BROWSE_VISIT_LOW,
                    _BROWSE_VISIT_SPAN,
                    same_view=random() < tl.SAME_VIEW_CHANCE,
                )
            else:
                self._scroll(product.card_seen)

    def _scroll(self, card_seen: EventKey) -> None:
        """browse's scroll step: cards seen, each with the page's request for more."""
        rng = self.rng
        random, getrandbits = rng.random, rng.getrandbits
        append = self.rows.append
        page, start_us, elapsed = self._page, self._start_us, self._elapsed_ms
        cards = getrandbits(_CARDS_BITS)  # randint(*CARDS_SCROLLED)
        while cards >= _CARDS_WIDTH:
            cards = getrandbits(_CARDS_BITS)
        for _ in range(cards + _CARDS_LEAST):
            random()  # the card's visible duration
            step = int((_CARD_SEEN_LOW + _CARD_SEEN_SPAN * random()) * 1000)
            elapsed += step if step > 0 else 1
            append((start_us + elapsed * 1000, page, card_seen, NO_VARIABLES))
            getrandbits(tl.CURSOR_BITS)  # the request's cursor
            while getrandbits(_CURSOR_MS_BITS) >= _CURSOR_MS_WIDTH:  # its duration
                pass
            step = int((_CURSOR_LOW + _CURSOR_SPAN * random()) * 1000)
            elapsed += step if step > 0 else 1
            append((start_us + elapsed * 1000, page, _REQUEST_KEY, NO_VARIABLES))
        self._elapsed_ms = elapsed
