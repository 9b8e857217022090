"""Scenario files: users and sessions pinned on top of the generated world.

A scenario is YAML (format in ``fixtures/README.md``). Loading validates everything up front and
reports the file and the field path of the first problem, so a typo in a fixture fails loudly at
startup instead of silently producing a different world. Pinned ids never depend on the world
seed: a test can hard-code them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from mockserver.core.clock import parse_rfc3339
from mockserver.core.rng import derive_rng, derive_seed
from mockserver.core.yaml_cache import load_yaml_cached
from mockserver.core.yamlio import load_yaml, yaml_error
from mockserver.fullstory.ids import InvalidSessionId, SessionId, parse_session_id, stable_int63
from mockserver.fullstory.segments.model import Segment, parse_definition
from mockserver.fullstory.segments.rules import RuleError
from mockserver.fullstory.world.catalog import DEVICE_PROFILES, device_from_profile
from mockserver.fullstory.world.descriptions import describe_event
from mockserver.fullstory.world.event_props import EVENT_TYPES, NAVIGATE_REASONS
from mockserver.fullstory.world.models import (
    DEVICE_KINDS,
    Device,
    Location,
    User,
    frozen_map,
)
from mockserver.fullstory.world.scenario_events import LEGACY_TYPES, complete, from_legacy
from mockserver.resources import data_dir

_AGO = re.compile(r"\s*(\d+)\s*([dhms])")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A packaged scenario's name (fixtures/NAME.yaml), as state.FIXTURE_NAME spells it.
_FIXTURE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class ScenarioError(ValueError):
    """A scenario file that cannot be loaded; the message names the file and the field."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class PinnedEvent:
    """An event a scenario pins in a page, seconds after the session starts."""

    type: str
    at: float  # seconds after the session start
    description: str
    name: str | None
    properties: Mapping[str, Any]
    definition_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PinnedPage:
    """A page view a scenario pins in a session, with its events."""

    url: str
    title: str
    tab: int
    at: float
    events: tuple[PinnedEvent, ...]
    same_view: bool = False  # an in-page (SPA) route change: keeps the previous page's view


@dataclass(frozen=True, slots=True)
class PinnedSession:
    """A session a scenario pins for a user: its ids, start, journey, outcome, device and
    pages."""

    session_id: SessionId
    session_uid: str
    created: datetime | None  # absolute start, or ...
    ago: timedelta | None  # ... a start relative to the world's epoch
    journey: str
    outcome: str
    device: Device
    initial_referrer: str | None
    pages: tuple[PinnedPage, ...]

    def start(self, epoch: datetime) -> datetime:
        if self.created is not None:
            return self.created
        return epoch - (self.ago or timedelta(days=1))


@dataclass(frozen=True, slots=True)
class PinnedUser:
    """A user a scenario pins, with their sessions."""

    user: User
    sessions: tuple[PinnedSession, ...]


@dataclass(frozen=True, slots=True)
class ScenarioWorld:
    """Optional world settings a scenario may carry (a "named world"); None = keep the default."""

    seed: int | None = None
    users: int | None = None
    org_id: str | None = None
    org_name: str | None = None
    epoch: datetime | None = None
    # The storefront's brand and host, so generated sessions browse the same site as the pinned
    # ones (the products stay the seed's).
    site_brand: str | None = None
    site_host: str | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A parsed scenario file: its pinned users and segments, and the world settings it
    carries."""

    name: str
    description: str
    source: str
    world: ScenarioWorld
    users: tuple[PinnedUser, ...]
    segments: tuple[Segment, ...] = ()  # custom segments the scenario defines


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raises :class:`ScenarioError`."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(source, "<file>", f"cannot be read ({exc.strerror})") from exc
    return parse_scenario(text, source)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    try:
        document = _read_yaml(text, source)
    except yaml_error() as exc:
        raise ScenarioError(source, "<file>", f"is not valid YAML ({exc})") from exc
    return _Reader(source).scenario(document)


def _read_yaml(text: str, source: str) -> Any:
    """A packaged fixture's own text from its JSON copy (core/yaml_cache.py), as the specs are
    read: every start parses the default scenario. Any other text (a file, an upload, a
    snapshot's) is parsed each time, so clients cannot make the server write cache files."""
    if _FIXTURE.fullmatch(source):
        try:
            packaged = (data_dir("fixtures") / f"{source}.yaml").read_text("utf-8")
        except OSError:  # not a packaged name
            packaged = None
        if packaged == text:
            return load_yaml_cached(text, f"scenario-{source}.yaml")
    return load_yaml(text)


class _Reader:
    """Walks the parsed YAML, turning each node into a model or a ScenarioError."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, problem: str) -> ScenarioError:
        return ScenarioError(self.source, field, problem)

    # -- generic node checks -----------------------------------------------------------------

    def mapping(self, node: object, field: str, allowed: frozenset[str]) -> Mapping[str, Any]:
        if not isinstance(node, Mapping):
            raise self.fail(field, f"must be a mapping, got {type(node).__name__}")
        unknown = sorted(str(key) for key in node if key not in allowed)
        if unknown:
            raise self.fail(field, f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")
        return node

    def seq(self, node: object, field: str) -> list[Any]:
        if node is None:
            return []
        if not isinstance(node, list):
            raise self.fail(field, f"must be a list, got {type(node).__name__}")
        return node

    def text(self, node: object, field: str, *, required: bool = True) -> str:
        if node is None and not required:
            return ""
        if not isinstance(node, str) or not node.strip():
            raise self.fail(field, "must be a non-empty string")
        return node

    def number(self, node: object, field: str, *, minimum: float = 0.0) -> float:
        if isinstance(node, bool) or not isinstance(node, int | float) or node < minimum:
            raise self.fail(field, f"must be a number >= {minimum:g}")
        return float(node)

    def integer(self, node: object, field: str, *, minimum: int = 0) -> int:
        if isinstance(node, bool) or not isinstance(node, int) or node < minimum:
            raise self.fail(field, f"must be an integer >= {minimum}")
        return node

    def timestamp(self, node: object, field: str) -> datetime:
        # PyYAML turns unquoted ISO timestamps into datetimes; accept both spellings.
        if isinstance(node, datetime):
            if node.tzinfo is None:
                raise self.fail(field, "timestamp needs a time zone (e.g. a trailing Z)")
            return node.astimezone(UTC)
        if isinstance(node, str):
            try:
                return parse_rfc3339(node)
            except ValueError as exc:
                raise self.fail(field, f"is not an RFC 3339 timestamp ({exc})") from exc
        raise self.fail(field, "must be an RFC 3339 timestamp")

    def string_map(self, node: object, field: str) -> dict[str, str]:
        if node is None:
            return {}
        if not isinstance(node, Mapping):
            raise self.fail(field, "must be a mapping of names to scalar values")
        result: dict[str, str] = {}
        for key, value in node.items():
            if isinstance(value, bool):
                result[str(key)] = "true" if value else "false"
            elif isinstance(value, date):
                result[str(key)] = value.isoformat()
            elif isinstance(value, str | int | float):
                result[str(key)] = str(value)
            else:
                raise self.fail(f"{field}.{key}", "must be a string, number, boolean or date")
        return result

    def json_value(self, node: object, field: str) -> Any:
        if node is None or isinstance(node, str | bool | int | float):
            return node
        if isinstance(node, date):
            return node.isoformat()
        if isinstance(node, list):
            return [self.json_value(item, f"{field}[{i}]") for i, item in enumerate(node)]
        if isinstance(node, Mapping):
            return {str(k): self.json_value(v, f"{field}.{k}") for k, v in node.items()}
        raise self.fail(field, f"unsupported value of type {type(node).__name__}")

    # -- the document ------------------------------------------------------------------------

    def scenario(self, document: object) -> Scenario:
        root = self.mapping(
            document,
            "<root>",
            frozenset({"version", "name", "description", "world", "users", "segments"}),
        )
        if root.get("version", 1) != 1:
            raise self.fail("version", "only version 1 is supported")
        users = tuple(
            self.user(node, f"users[{i}]", i)
            for i, node in enumerate(self.seq(root.get("users"), "users"))
        )
        self._check_unique(users)
        world = self.world(root.get("world"))
        return Scenario(
            name=self.text(root.get("name"), "name", required=False) or Path(self.source).stem,
            description=self.text(root.get("description"), "description", required=False),
            source=self.source,
            world=world,
            users=users,
            segments=self.segments(root.get("segments"), world),
        )

    def segments(self, node: object, world: ScenarioWorld) -> tuple[Segment, ...]:
        created = world.epoch or datetime(2026, 1, 1, tzinfo=UTC)
        found: list[Segment] = []
        for i, item in enumerate(self.seq(node, "segments")):
            try:
                segment = parse_definition(
                    item, f"segments[{i}]", default_id=None, default_created=created
                )
            except RuleError as error:
                raise self.fail(error.field, error.problem) from None
            if any(segment.id == other.id for other in found):
                raise self.fail(f"segments[{i}].id", f"{segment.id!r} is defined twice")
            found.append(segment)
        return tuple(found)

    def world(self, node: object) -> ScenarioWorld:
        if node is None:
            return ScenarioWorld()
        spec = self.mapping(
            node,
            "world",
            frozenset({"seed", "users", "org_id", "org_name", "epoch", "site_brand", "site_host"}),
        )
        return ScenarioWorld(
            seed=self.integer(spec["seed"], "world.seed") if "seed" in spec else None,
            users=self.integer(spec["users"], "world.users") if "users" in spec else None,
            org_id=self.text(spec["org_id"], "world.org_id") if "org_id" in spec else None,
            org_name=self.text(spec["org_name"], "world.org_name") if "org_name" in spec else None,
            epoch=self.timestamp(spec["epoch"], "world.epoch") if "epoch" in spec else None,
            site_brand=(
                self.text(spec["site_brand"], "world.site_brand") if "site_brand" in spec else None
            ),
            site_host=self.text(spec["site_host"], "world.site_host")
            if "site_host" in spec
            else None,
        )

    def user(self, node: object, field: str, position: int) -> PinnedUser:
        spec = self.mapping(
            node,
            field,
            frozenset(
                {"uid", "email", "display_name", "device_id", "properties", "location", "sessions"}
            ),
        )
        uid = self.text(spec.get("uid"), f"{field}.uid")
        email = self.text(spec.get("email"), f"{field}.email")
        if not _EMAIL.fullmatch(email):
            raise self.fail(f"{field}.email", f"{email!r} is not an e-mail address")
        device_id = str(spec.get("device_id", stable_int63("pinned-device", uid)))
        if not device_id.isdigit() or int(device_id) >= 2**63:
            raise self.fail(f"{field}.device_id", "must be a decimal int64")
        user = User(
            index=-(position + 1),  # pinned users have negative indexes
            uid=uid,
            email=email,
            display_name=self.text(spec.get("display_name", uid), f"{field}.display_name"),
            device_id=device_id,
            properties=frozen_map(self.string_map(spec.get("properties"), f"{field}.properties")),
            location=self.location(spec.get("location"), f"{field}.location"),
        )
        sessions = tuple(
            self.session(node, f"{field}.sessions[{i}]", user, i)
            for i, node in enumerate(self.seq(spec.get("sessions"), f"{field}.sessions"))
        )
        return PinnedUser(user=user, sessions=sessions)

    def location(self, node: object, field: str) -> Location:
        if node is None:
            return Location(country="United States", region="California", city="San Francisco")
        spec = self.mapping(node, field, frozenset({"country", "region", "city"}))
        return Location(
            country=self.text(spec.get("country"), f"{field}.country"),
            region=self.text(spec.get("region"), f"{field}.region"),
            city=self.text(spec.get("city"), f"{field}.city"),
        )

    def session(self, node: object, field: str, user: User, number: int) -> PinnedSession:
        spec = self.mapping(
            node,
            field,
            frozenset(
                {
                    "id",
                    "session_uid",
                    "created",
                    "ago",
                    "journey",
                    "outcome",
                    "device",
                    "referrer",
                    "pages",
                }
            ),
        )
        if "id" in spec:
            try:
                session_id = parse_session_id(self.text(spec["id"], f"{field}.id"))
            except InvalidSessionId as exc:
                raise self.fail(f"{field}.id", str(exc)) from exc
        else:
            session_id = SessionId(
                user.device_id, str(stable_int63("pinned-session", user.uid, number))
            )
        if "session_uid" in spec:
            session_uid = self.text(spec["session_uid"], f"{field}.session_uid").lower()
        else:
            bits = derive_seed(0, "pinned-session-uid", str(session_id)) << 64
            bits |= derive_seed(1, "pinned-session-uid", str(session_id))
            session_uid = str(uuid.UUID(int=bits, version=4))
        if "created" in spec and "ago" in spec:
            raise self.fail(field, "give either 'created' or 'ago', not both")
        created = self.timestamp(spec["created"], f"{field}.created") if "created" in spec else None
        ago = self.ago(spec["ago"], f"{field}.ago") if "ago" in spec else None
        if created is None and ago is None:
            ago = timedelta(days=number + 1)  # default: one session per day, going back
        pages = tuple(
            self.page(page, f"{field}.pages[{i}]", i)
            for i, page in enumerate(self.seq(spec.get("pages"), f"{field}.pages"))
        )
        if not pages:
            raise self.fail(f"{field}.pages", "a session needs at least one page")
        referrer = spec.get("referrer")
        return PinnedSession(
            session_id=session_id,
            session_uid=session_uid,
            created=created,
            ago=ago,
            journey=self.text(spec.get("journey", "pinned"), f"{field}.journey"),
            outcome=self.text(spec.get("outcome", "unknown"), f"{field}.outcome"),
            device=self.device(spec.get("device", "chrome-macos"), f"{field}.device", user, number),
            initial_referrer=None if referrer is None else self.text(referrer, f"{field}.referrer"),
            pages=pages,
        )

    def ago(self, node: object, field: str) -> timedelta:
        text = self.text(node, field)
        parts = _AGO.findall(text)
        if not parts or "".join(f"{n}{u}" for n, u in parts) != re.sub(r"\s+", "", text):
            raise self.fail(field, f"{text!r} is not a duration like '2d 3h 15m'")
        unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}
        seconds = sum(int(n) * unit[u] for n, u in parts)
        if seconds <= 0:
            raise self.fail(field, "must be a positive duration")
        return timedelta(seconds=seconds)

    def device(self, node: object, field: str, user: User, number: int) -> Device:
        presets = {profile.key: profile for profile in DEVICE_PROFILES}
        if isinstance(node, str):
            node = {"preset": node}
        spec = self.mapping(
            node,
            field,
            frozenset(
                {
                    "preset",
                    "browser",
                    "browser_version",
                    "operating_system",
                    "device",
                    "user_agent",
                    "screen",
                    "viewport",
                }
            ),
        )
        base: Device | None = None
        if "preset" in spec:
            preset = spec["preset"]
            if preset not in presets:
                raise self.fail(
                    f"{field}.preset", f"unknown preset {preset!r}; one of {sorted(presets)}"
                )
            base = device_from_profile(
                presets[preset], derive_rng(0, "pinned-device", user.uid, number)
            )

        def pick(key: str, fallback: str | None) -> str:
            if key in spec:
                return self.text(spec[key], f"{field}.{key}")
            if fallback is None:
                raise self.fail(f"{field}.{key}", "is required without a preset")
            return fallback

        kind = pick("device", base.device if base else None)
        if kind not in DEVICE_KINDS:
            raise self.fail(f"{field}.device", f"must be one of {list(DEVICE_KINDS)}")
        return Device(
            browser=pick("browser", base.browser if base else None),
            browser_version=pick("browser_version", base.browser_version if base else None),
            operating_system=pick("operating_system", base.operating_system if base else None),
            device=kind,
            raw_user_agent=pick("user_agent", base.raw_user_agent if base else None),
            screen=self.size(spec.get("screen"), f"{field}.screen", base.screen if base else None),
            viewport=self.size(
                spec.get("viewport"), f"{field}.viewport", base.viewport if base else None
            ),
        )

    def size(self, node: object, field: str, fallback: tuple[int, int] | None) -> tuple[int, int]:
        if node is None:
            if fallback is None:
                raise self.fail(field, "is required without a preset")
            return fallback
        items = self.seq(node, field)
        if len(items) != 2:
            raise self.fail(field, "must be [width, height]")
        return (
            self.integer(items[0], f"{field}[0]", minimum=1),
            self.integer(items[1], f"{field}[1]", minimum=1),
        )

    def page(self, node: object, field: str, index: int) -> PinnedPage:
        spec = self.mapping(
            node, field, frozenset({"url", "title", "tab", "at", "events", "same_view"})
        )
        url = self.text(spec.get("url"), f"{field}.url")
        if not url.startswith(("https://", "http://")):
            raise self.fail(f"{field}.url", "must be an absolute http(s) URL")
        events = [
            self.event(event, f"{field}.events[{i}]", url)
            for i, event in enumerate(self.seq(spec.get("events"), f"{field}.events"))
        ]
        at = (
            self.number(spec["at"], f"{field}.at")
            if "at" in spec
            else min((e.at for e in events), default=0.0)
        )
        if any(e.at < at for e in events):
            raise self.fail(f"{field}.events", "an event starts before its page ('at')")
        if not events or events[0].type != "navigate":
            # Every page view starts with a navigate event; fixtures may leave it implicit.
            props = {"navigate_reason": "navigate"}
            events.insert(
                0,
                PinnedEvent(
                    "navigate",
                    at,
                    describe_event("navigate", None, props, url),
                    None,
                    frozen_map(props),
                    (),
                ),
            )
        same_view = spec.get("same_view", False)
        if not isinstance(same_view, bool) or (same_view and index == 0):
            raise self.fail(f"{field}.same_view", "must be a boolean, and false on the first page")
        return PinnedPage(
            url=url,
            title=self.text(spec.get("title"), f"{field}.title"),
            tab=self.integer(spec.get("tab", 1), f"{field}.tab", minimum=1),
            at=at,
            events=tuple(events),
            same_view=same_view,
        )

    def event(self, node: object, field: str, page_url: str) -> PinnedEvent:
        spec = self.mapping(
            node,
            field,
            frozenset({"type", "at", "name", "description", "properties", "definition_ids"}),
        )
        kind = self.text(spec.get("type"), f"{field}.type")
        if kind not in EVENT_TYPES and kind not in LEGACY_TYPES:
            raise self.fail(
                f"{field}.type", f"unknown event type {kind!r}; one of {list(EVENT_TYPES)}"
            )
        name = self.text(spec["name"], f"{field}.name") if "name" in spec else None
        if (kind == "custom") != (name is not None):
            raise self.fail(f"{field}.name", "is required for custom events and only for them")
        raw_props = spec.get("properties") or {}
        if not isinstance(raw_props, Mapping):
            raise self.fail(f"{field}.properties", "must be a mapping")
        props: dict[str, Any] = self.json_value(raw_props, f"{field}.properties")
        try:
            kind, props = from_legacy(kind, props)
        except (TypeError, ValueError) as exc:
            raise self.fail(f"{field}.properties", f"cannot be read as {kind!r} ({exc})") from exc
        props = complete(kind, props)
        if kind == "navigate" and props["navigate_reason"] not in NAVIGATE_REASONS:
            raise self.fail(
                f"{field}.properties.navigate_reason", f"must be one of {list(NAVIGATE_REASONS)}"
            )
        definition_ids = tuple(
            self.text(d, f"{field}.definition_ids[{i}]")
            for i, d in enumerate(self.seq(spec.get("definition_ids"), f"{field}.definition_ids"))
        )
        description = spec.get("description")
        return PinnedEvent(
            type=kind,
            at=self.number(spec.get("at", 0), f"{field}.at"),
            description=(
                self.text(description, f"{field}.description")
                if description is not None
                else describe_event(kind, name, props, page_url)
            ),
            name=name,
            properties=frozen_map(props),
            definition_ids=definition_ids,
        )

    def _check_unique(self, users: tuple[PinnedUser, ...]) -> None:
        seen: dict[str, str] = {}
        for i, pinned in enumerate(users):
            keys = [("uid", pinned.user.uid), ("email", pinned.user.email.lower())]
            for j, session in enumerate(pinned.sessions):
                keys.append((f"sessions[{j}].id", str(session.session_id)))
                keys.append((f"sessions[{j}].session_uid", session.session_uid))
            for field, value in keys:
                kind = field.rsplit(".", 1)[-1]
                key = f"{kind}:{value}"
                if key in seen:
                    raise self.fail(
                        f"users[{i}].{field}", f"{value!r} is already used by {seen[key]}"
                    )
                seen[key] = f"users[{i}].{field}"
