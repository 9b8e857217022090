"""The World: a lazily generated FullStory population for one org.

Nothing is materialised up front. A user is a pure function of ``(seed, index)``, a session of
``(seed, index, session number)``; ids are invertible (see :mod:`mockserver.fullstory.ids`), so
every lookup decodes an index, regenerates, and compares: O(1) whatever the population size.
Two bounded LRU caches (owned by the instance, never module-level) keep hot users and sessions.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Generic, TypeVar, cast

from mockserver.core.lru import LruCache
from mockserver.core.rng import SeedFamily, derive_seed
from mockserver.fullstory.ids import (
    IdCodec,
    InvalidSessionId,
    SessionId,
    parse_session_id,
)
from mockserver.fullstory.world.catalog import (
    INDUSTRY,
    device_from_profile,
    pick_device_profile,
    pick_location,
    slugify,
)
from mockserver.fullstory.world.event_props import UrlShapes
from mockserver.fullstory.world.fakers import SharedFaker
from mockserver.fullstory.world.journeys import pick_journey
from mockserver.fullstory.world.models import (
    Device,
    Event,
    OrgInfo,
    Page,
    Session,
    SessionRef,
    User,
    epoch_us,
    frozen_map,
)
from mockserver.fullstory.world.scenario import PinnedSession, Scenario
from mockserver.fullstory.world.sessions_timing import draw_session_starts
from mockserver.fullstory.world.timeline import Timeline, Visitor, draw_budget

MAX_USERS = 10**9
HISTORY = timedelta(days=90)  # every generated session starts within this window before epoch
APP_HOST = "https://app.fullstory.com"
SESSION_CACHE_SIZE = 2048
# Sessions are long-tailed (up to thousands of events), so the cache is also bounded by the
# events it holds: about 1 KiB of Python objects per event.
SESSION_CACHE_EVENTS = 60_000
USER_CACHE_SIZE = 4096
DEVICE_CACHE_SIZE = 256  # a scan asks for one user's device per session, user after user
_PLANS: tuple[tuple[str, int], ...] = (("free", 55), ("plus", 30), ("premium", 15))
# rng.choices(names, weights=...) sums the weights on every call; given their sums it makes the
# same draw (as for every weighted table drawn per user or session).
_PLAN_NAMES = tuple(name for name, _ in _PLANS)
_PLAN_CUM_WEIGHTS = tuple(accumulate(weight for _, weight in _PLANS))
_TIERS: tuple[str, ...] = ("bronze", "silver", "gold", "platinum")


TL = TypeVar("TL", bound=Timeline)
D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class Played(Generic[TL]):
    """A generated session's journey played on a timeline: what the session is made of."""

    timeline: TL
    device: Device
    journey: str
    outcome: str


@dataclass(frozen=True, slots=True)
class WorldConfig:
    """What a world is generated from: seed, population size, org and epoch."""

    seed: int
    users: int  # population size, 0..10**9
    org_id: str  # e.g. "o-1A2B3C-na1"
    org_name: str
    epoch: datetime  # aware; generated sessions start within HISTORY before it

    def __post_init__(self) -> None:
        if not 0 <= self.users <= MAX_USERS:
            raise ValueError(f"users must be within 0..{MAX_USERS}, got {self.users}")
        if self.epoch.tzinfo is None:
            raise ValueError("epoch must be timezone-aware")

    def with_scenario(self, scenario: Scenario) -> WorldConfig:
        """This config with the scenario's ``world:`` settings applied over it."""
        w = scenario.world
        return replace(
            self,
            seed=self.seed if w.seed is None else w.seed,
            users=self.users if w.users is None else w.users,
            org_id=w.org_id or self.org_id,
            org_name=w.org_name or self.org_name,
            epoch=w.epoch or self.epoch,
        )


class World:
    """One org's users and sessions, generated on demand; scenario pins win on every lookup."""

    def __init__(
        self,
        config: WorldConfig,
        scenario: Scenario | None = None,
        *,
        faker: SharedFaker | None = None,
    ) -> None:
        self.config = config
        self.scenario = scenario
        self._codec = IdCodec(config.seed)
        # Re-seeded per entity, so it may be shared with other worlds (a server shares one).
        self.faker = faker or SharedFaker()
        pinned_site = scenario.world if scenario is not None else None
        if pinned_site is None:
            self.site = self.faker.site(config.seed)
        else:
            self.site = self.faker.site(config.seed, pinned_site.site_brand, pinned_site.site_host)
        self.org = OrgInfo(
            org_id=config.org_id,
            name=config.org_name or self.site.brand,  # the storefront is the org
            industry=INDUSTRY,
            domain=self.site.host.removeprefix("www."),
            country="United States",
        )
        self._users: LruCache[int, User] = LruCache(USER_CACHE_SIZE)
        self._sessions: LruCache[tuple[int, int], Session] = LruCache(
            SESSION_CACHE_SIZE,
            weigh=lambda session: len(session.events),
            max_weight=SESSION_CACHE_EVENTS,
        )
        # Id → index decoding (a keyed permutation) and listings are hot paths (every list call);
        # all are pure functions of their keys.
        self._decoded: LruCache[tuple[str, str], int | None] = LruCache(USER_CACHE_SIZE)
        self._session_keys: LruCache[str, tuple[int, int] | None] = LruCache(SESSION_CACHE_SIZE)
        self._starts: LruCache[int, tuple[datetime, ...]] = LruCache(USER_CACHE_SIZE)
        self._refs: LruCache[int, tuple[SessionRef, ...]] = LruCache(USER_CACHE_SIZE)
        self._devices: LruCache[int, Device] = LruCache(DEVICE_CACHE_SIZE)
        self._pins = _PinIndex(scenario)
        self._pinned_sessions: dict[str, Session] = {}
        self._pinned_lock = threading.Lock()
        # Request URL shapes, shared by every session's timeline (event_props.UrlShapes).
        self._url_shapes = UrlShapes()
        self._derived: dict[Callable[[World], object], object] = {}
        # derive_rng(seed, "session", index, number) and derive_seed(seed, "views", index,
        # number) of every session, their common prefixes hashed once.
        self._session_seeds = SeedFamily(config.seed, "session")
        self._view_seeds = SeedFamily(config.seed, "views")
        # derive_seed(seed, label, index) of every user, for each label a user's draws use.
        self._user_seeds = SeedFamily(config.seed, "user")
        self._user_attribute_seeds = SeedFamily(config.seed, "user-attributes")
        self._timeline_seeds = SeedFamily(config.seed, "session-timeline")
        self._device_seeds = SeedFamily(config.seed, "device")

    def derived(self, make: Callable[[World], D]) -> D:
        """``make(self)``, made once per world: constants a reader derives from the world's
        fixed parts (its site, its config) and would otherwise remake per session."""
        value = self._derived.get(make)
        if value is None:
            # Two threads may both make it: the same value, and the last one kept.
            value = self._derived[make] = make(self)
        return cast(D, value)

    # -- users -------------------------------------------------------------------------------

    def user_at(self, index: int) -> User:
        if not 0 <= index < self.config.users:
            raise IndexError(f"user index {index} is outside 0..{self.config.users - 1}")
        return self._users.get_or_create(index, lambda: self._make_user(index))

    def user_by_uid(self, uid: str) -> User | None:
        pinned = self._pins.users_by_uid.get(uid)
        if pinned is not None:
            return pinned
        index = self._decoded.get_or_create(
            ("uid", uid), lambda: self._codec.index_from_user_uid(uid)
        )
        return self._verified_user(index, lambda user: user.uid == uid)

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        pinned = self._pins.users_by_email.get(wanted)
        if pinned is not None:
            return pinned
        local = wanted.partition("@")[0]
        digits = len(local) - len(local.rstrip("0123456789"))
        if not digits:
            return None
        token = local[-digits:]
        index = self._decoded.get_or_create(
            ("email", token), lambda: self._codec.index_from_email_token(token)
        )
        return self._verified_user(index, lambda user: user.email.lower() == wanted)

    def _verified_user(self, index: int | None, matches: Callable[[User], bool]) -> User | None:
        if index is None or not 0 <= index < self.config.users:
            return None
        user = self.user_at(index)
        return user if matches(user) else None

    def _make_user(self, index: int) -> User:
        first, last, domain = self.faker.persons().draw(self._user_seeds.member(index))
        rng = random.Random(self._user_attribute_seeds.member(index))
        token = self._codec.email_token(index)
        first_s, last_s = slugify(first).replace("-", ""), slugify(last).replace("-", "")
        local = rng.choice(
            (
                f"{first_s}.{last_s}.{token}",
                f"{first_s}{last_s}{token}",
                f"{first_s[0]}{last_s}{token}",
                f"{first_s}_{last_s}{token}",
            )
        )
        plan = rng.choices(_PLAN_NAMES, cum_weights=_PLAN_CUM_WEIGHTS)[0]
        signup = self.config.epoch - HISTORY - timedelta(days=rng.randint(0, 3 * 365))
        properties = {
            "plan": plan,
            "signup_date": signup.date().isoformat(),
            "loyalty_tier": rng.choice(_TIERS),
            "marketing_opt_in": "true" if rng.random() < 0.4 else "false",
        }
        return User(
            index=index,
            uid=self._codec.user_uid(index),
            email=f"{local}@{domain}",
            display_name=f"{first} {last}",
            device_id=self._codec.device_id(index),
            properties=frozen_map(properties),
            location=pick_location(rng),
        )

    # -- sessions ----------------------------------------------------------------------------

    def session_count(self, user: User) -> int:
        pinned = self._pins.sessions_by_user.get(user.uid)
        if pinned is not None and user.index < 0:
            return len(pinned)
        return len(self._session_starts(user.index))

    def sessions_of(self, user: User) -> list[SessionRef]:
        """All of the user's sessions, most recent first."""
        if user.index < 0:
            pinned = self._pins.sessions_by_user.get(user.uid, ())
            refs = [self._pinned_ref(user, p) for p in pinned]
            return sorted(refs, key=lambda ref: ref.created, reverse=True)
        return list(self._refs.get_or_create(user.index, lambda: self._generated_refs(user)))

    def _generated_refs(self, user: User) -> tuple[SessionRef, ...]:
        starts = self._session_starts(user.index)
        return tuple(self._ref(user, n, starts[n]) for n in reversed(range(len(starts))))

    def session(self, session_id: SessionId) -> Session | None:
        pinned = self._pins.sessions_by_id.get(str(session_id))
        if pinned is not None:
            return self._pinned_session(*pinned)
        if not session_id.is_numeric:
            return None  # Client ID ("uuid:uuid") sessions exist only when pinned
        decoded = self._session_keys.get_or_create(
            str(session_id), lambda: self._decode_session_id(session_id)
        )
        return self._generated_session(*decoded) if decoded is not None else None

    def _decode_session_id(self, session_id: SessionId) -> tuple[int, int] | None:
        """(user index, session number), when both halves decode to the same user."""
        index = self._codec.index_from_device_id(session_id.user_part)
        decoded = self._codec.decode_session_part(session_id.session_part)
        if index is None or decoded is None or decoded[0] != index:
            return None
        return decoded

    def session_by_id(self, raw: str) -> Session | None:
        """Convenience: parse then look up; ``None`` for malformed ids too."""
        try:
            return self.session(parse_session_id(raw))
        except InvalidSessionId:
            return None

    def session_by_uid(self, session_uid: str) -> Session | None:
        wanted = session_uid.strip().lower()
        pinned = self._pins.sessions_by_uid.get(wanted)
        if pinned is not None:
            return self._pinned_session(*pinned)
        decoded = self._codec.decode_session_uid(wanted)
        if decoded is None:
            return None
        session = self._generated_session(*decoded)
        return session if session is not None and session.ref.session_uid == wanted else None

    def scanned_session(self, session_id: SessionId) -> Session | None:
        """:meth:`session` for a scan over many sessions (an export, a membership walk): the
        cached session when there is one, else generated and *not* cached. A scan reads each
        session once, so caching it would only evict every hot session and grow the process by
        the whole cache (``SESSION_CACHE_EVENTS``) while the scan runs."""
        if str(session_id) in self._pins.sessions_by_id or not session_id.is_numeric:
            return self.session(session_id)
        decoded = self._session_keys.peek(str(session_id))
        if decoded is None:
            decoded = self._decode_session_id(session_id)
        return self._generated_session(*decoded, cache=False) if decoded is not None else None

    def _generated_session(self, index: int, number: int, *, cache: bool = True) -> Session | None:
        if not 0 <= index < self.config.users:
            return None
        starts = self._session_starts(index)
        if number >= len(starts):
            return None
        if not cache:
            cached = self._sessions.peek((index, number))
            return cached or self._make_session(index, number, starts[number])
        return self._sessions.get_or_create(
            (index, number), lambda: self._make_session(index, number, starts[number])
        )

    def _session_starts(self, index: int) -> tuple[datetime, ...]:
        return self._starts.get_or_create(index, lambda: self._draw_session_starts(index))

    def _draw_session_starts(self, index: int) -> tuple[datetime, ...]:
        rng = random.Random(self._timeline_seeds.member(index))
        return draw_session_starts(rng, self.config.epoch - HISTORY, HISTORY)

    def _ref(self, user: User, number: int, created: datetime) -> SessionRef:
        session_id = SessionId(user.device_id, self._codec.session_part(user.index, number))
        return SessionRef(
            session_id=session_id,
            user=user,
            created=created,
            session_uid=self._codec.session_uid(user.index, number),
            app_url=self.app_url(session_id),
        )

    def app_url(self, session_id: SessionId) -> str:
        return f"{APP_HOST}/ui/{self.config.org_id}/session/{session_id}"

    def _device_of(self, index: int) -> Device:
        # A device id is a browser cookie, so one user index = one device for all sessions
        # (cached: a scan makes every session of a user in a row).
        return self._devices.get_or_create(index, lambda: self._make_device(index))

    def _make_device(self, index: int) -> Device:
        rng = random.Random(self._device_seeds.member(index))
        return device_from_profile(pick_device_profile(rng), rng)

    def _make_session(self, index: int, number: int, created: datetime) -> Session:
        played = self._play(index, number, created, Timeline)
        timeline = played.timeline
        # The user's listing usually holds this ref already (a scan walks it): its ids are two
        # keyed permutations and a hash, worth not recomputing per session.
        listed = self._refs.peek(index)
        user = self.user_at(index)
        return Session(
            ref=listed[-1 - number] if listed is not None else self._ref(user, number, created),
            device=played.device,
            pages=tuple(timeline.pages),
            events=tuple(timeline.events),
            journey=played.journey,
            outcome=played.outcome,
            initial_referrer=timeline.referrer,
        )

    def played_timeline(
        self, ref: SessionRef, number: int, recorder: Callable[..., TL]
    ) -> Played[TL] | None:
        """The generated session ``ref`` (the user's ``number``-th, oldest first) played on a
        ``recorder`` (a :class:`Timeline` subclass that records events its own way, for one
        reader such as an export; or a function that makes one from Timeline's arguments),
        drawing the same numbers in the same order as
        :meth:`session`; never cached. None for a session that is not generated (a
        scenario's pinned session): read it with :meth:`scanned_session`."""
        index = ref.user.index
        if index < 0 or str(ref.session_id) in self._pins.sessions_by_id:
            return None
        return self._play(index, number, ref.created, recorder)

    def _play(
        self, index: int, number: int, created: datetime, recorder: Callable[..., TL]
    ) -> Played[TL]:
        user = self.user_at(index)
        rng = random.Random(self._session_seeds.member(index, number))
        plan = pick_journey(rng)
        device = self._device_of(index)
        timeline = recorder(
            self.site,
            created,
            rng,
            self._view_seeds.member(index, number),
            visitor=Visitor(user, touch=device.device != "Desktop"),
            budget=draw_budget(rng),
            url_shapes=self._url_shapes,
        )
        outcome = plan.script(timeline)
        return Played(timeline, device, plan.name, outcome)

    # -- pinned sessions ---------------------------------------------------------------------

    def _pinned_ref(self, user: User, pinned: PinnedSession) -> SessionRef:
        return SessionRef(
            session_id=pinned.session_id,
            user=user,
            created=pinned.start(self.config.epoch),
            session_uid=pinned.session_uid,
            app_url=self.app_url(pinned.session_id),
        )

    def _pinned_session(self, user: User, pinned: PinnedSession) -> Session:
        key = str(pinned.session_id)
        with self._pinned_lock:
            cached = self._pinned_sessions.get(key)
        if cached is not None:
            return cached
        ref = self._pinned_ref(user, pinned)
        created_us = epoch_us(ref.created)
        pages: list[Page] = []
        timed: list[tuple[float, int, Event]] = []
        for page_index, page in enumerate(pinned.pages):
            if page.same_view and pages:
                view_id = pages[-1].view_id  # an in-page route change keeps its view
            else:
                view_id = str(derive_seed(0, "pinned-view", key, page_index) & ((1 << 62) - 1))
            started = ref.created + timedelta(seconds=page.at)
            pages.append(Page(view_id, page.url, page.title, page.tab, started))
            for event in page.events:
                item = Event(
                    time_us=created_us + round(event.at * 1000) * 1000,
                    type=event.type,
                    page_index=page_index,
                    description=event.description,
                    name=event.name,
                    properties=event.properties,
                    definition_ids=event.definition_ids,
                )
                timed.append((event.at, len(timed), item))
        session = Session(
            ref=ref,
            device=pinned.device,
            pages=tuple(pages),
            events=tuple(item for _, _, item in sorted(timed, key=lambda t: (t[0], t[1]))),
            journey=pinned.journey,
            outcome=pinned.outcome,
            initial_referrer=pinned.initial_referrer,
        )
        with self._pinned_lock:
            self._pinned_sessions[key] = session
        return session


class _PinIndex:
    """Dict indexes over a scenario's pins (small: a fixture's worth of users)."""

    def __init__(self, scenario: Scenario | None) -> None:
        self.users_by_uid: dict[str, User] = {}
        self.users_by_email: dict[str, User] = {}
        self.sessions_by_user: dict[str, tuple[PinnedSession, ...]] = {}
        self.sessions_by_id: dict[str, tuple[User, PinnedSession]] = {}
        self.sessions_by_uid: dict[str, tuple[User, PinnedSession]] = {}
        for pinned in scenario.users if scenario else ():
            user = pinned.user
            self.users_by_uid[user.uid] = user
            self.users_by_email[user.email.lower()] = user
            self.sessions_by_user[user.uid] = pinned.sessions
            for session in pinned.sessions:
                self.sessions_by_id[str(session.session_id)] = (user, session)
                self.sessions_by_uid[session.session_uid.lower()] = (user, session)
