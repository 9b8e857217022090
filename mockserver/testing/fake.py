"""The fake as tests drive it: a server handle for the session and a per-test ``Fake``.

Isolation is per tenant, not per server: each test gets its own organisation (its own world,
rate limiter, lifecycle policies and journal) and its own API key on the one session-wide app,
so no global reset is needed and pytest-xdist workers (separate processes, separate apps) never
meet. Everything is done on :class:`~mockserver.state.ServerState` directly, in this process,
whether the app is called in process or served by uvicorn in a thread.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Self

import httpx

from mockserver.admin.ratelimits import apply_limits
from mockserver.app import MockServerApp, create_app
from mockserver.core import journal_assert
from mockserver.core.clock import Clock, ClockMode, parse_rfc3339
from mockserver.core.faults import FaultMatch, FaultRule, FaultSpec
from mockserver.core.journal import JournalEntry, JournalQuery
from mockserver.core.keys import ApiKey, KeyLevel
from mockserver.core.lifecycle import LifecyclePolicy, parse_policy
from mockserver.fullstory.profiles.helpers import create_profile
from mockserver.fullstory.segments.model import Segment, parse_definition
from mockserver.settings import Settings
from mockserver.state import ServerState, StateError, Tenant, TenantConfig, scenario_source
from mockserver.testing import exports
from mockserver.testing.server import LazyLoopback, serve_in_thread
from mockserver.testing.transport import (
    DEFAULT_BASE_URL,
    PortalOwner,
    SyncASGITransport,
    async_in_process_client,
)

Mode = Literal["inprocess", "server"]
MODES: tuple[Mode, ...] = ("inprocess", "server")


def parse_mode(text: str) -> Mode:
    lowered = text.strip().lower().replace("-", "")
    for mode in MODES:
        if lowered == mode:
            return mode
    raise ValueError(f"mockserver mode {text!r} is not one of {', '.join(MODES)}")


class FakeServer:
    """One app for the session: called in process, or served by uvicorn on 127.0.0.1."""

    def __init__(self, app: MockServerApp, mode: Mode, base_url: str, portal: PortalOwner | None):
        self.app = app
        self.mode = mode
        self.base_url = base_url  # the httpx clients' base URL (http://mockserver.test in process)
        self._portal = portal
        self._loopback = LazyLoopback(app) if mode == "inprocess" else None

    @property
    def url(self) -> str:
        """A real ``http://127.0.0.1:<port>`` URL that any HTTP client can use. In process, a
        uvicorn server on the same app starts the first time this is read and stops with the
        session; in server mode it is the server's own URL."""
        return self._loopback.url if self._loopback is not None else self.base_url

    def close(self) -> None:
        if self._loopback is not None:
            self._loopback.close()

    @property
    def state(self) -> ServerState:
        state: ServerState = self.app.state.server
        return state

    @property
    def settings(self) -> Settings:
        return self.state.settings

    def client(self, headers: Mapping[str, str] | None = None, **kwargs: Any) -> httpx.Client:
        """A sync client on this server; the caller closes it (or uses ``with``)."""
        if self._portal is not None:
            kwargs.setdefault("transport", SyncASGITransport(self.app, self._portal.portal))
        return httpx.Client(base_url=self.base_url, headers=dict(headers or {}), **kwargs)

    def async_client(
        self, headers: Mapping[str, str] | None = None
    ) -> contextlib.AbstractAsyncContextManager[httpx.AsyncClient]:
        """``async with server.async_client(...) as client``; in process or over the socket."""
        if self.mode == "inprocess":
            return async_in_process_client(
                self.app, headers=dict(headers or {}), base_url=self.base_url
            )
        return httpx.AsyncClient(base_url=self.base_url, headers=dict(headers or {}))


@contextlib.contextmanager
def start_fake_server(
    settings: Settings | None = None, mode: Mode = "inprocess"
) -> Iterator[FakeServer]:
    app = create_app(settings or Settings())
    with contextlib.ExitStack() as stack:
        if mode == "server":
            server = FakeServer(app, mode, stack.enter_context(serve_in_thread(app)), None)
        else:
            server = FakeServer(app, mode, DEFAULT_BASE_URL, stack.enter_context(PortalOwner()))
        stack.callback(server.close)
        yield server


# -- per-test options (the ``mockserver`` marker) ---------------------------------------------

OPTION_NAMES = (
    "seed", "users", "scenario", "clock", "lifecycle", "rate_limits", "faults", "level",
    "profiles", "summary_latency",
)  # fmt: skip

RateLimits = bool | Mapping[str, Any]


@dataclass(frozen=True)
class FakeOptions:
    """What a test may ask of its tenant; None = the server's settings."""

    seed: int | None = None
    users: int | None = None
    scenario: str | None = None  # a name in fixtures/, a YAML path, or "none"
    clock: str | datetime | None = None  # "frozen", "system", or a time to freeze at
    lifecycle: str | Mapping[str, str] | None = None  # a policy, or {kind or "default": policy}
    rate_limits: RateLimits | None = None  # False, True, or the admin API's rate-limits body
    faults: Sequence[FaultSpec | Mapping[str, Any]] = field(default_factory=tuple)
    level: str = "admin"  # the level of the test's key
    profiles: Sequence[Mapping[str, Any]] = field(default_factory=tuple)  # create_profile kwargs
    summary_latency: str | None = None  # "off" or "realistic" (server-wide; restored at the end)

    @classmethod
    def from_kwargs(cls, where: str, kwargs: Mapping[str, Any]) -> FakeOptions:
        unknown = sorted(set(kwargs) - set(OPTION_NAMES))
        if unknown:
            raise ValueError(
                f"{where}: unknown option(s) {', '.join(unknown)}; use {', '.join(OPTION_NAMES)}"
            )
        options = cls(**kwargs)
        KeyLevel.parse(options.level)
        return options


def tenant_id_for(name: str) -> str:
    """A stable, FullStory-shaped org id per test (sha256: ``hash()`` is salted per process)."""
    return f"o-T{hashlib.sha256(name.encode()).hexdigest()[:10].upper()}-na1"


class Fake:
    """One test's view of the fake: its tenant, its key, its clients, clock and journal."""

    def __init__(self, server: FakeServer, name: str, options: FakeOptions | None = None):
        self.server = server
        self.name = name
        self.tenant_id = tenant_id_for(name)
        self._digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        self._keys: list[ApiKey] = []
        self._faults: list[str] = []
        options = options or FakeOptions()
        state = server.state
        state.reset_tenant(self.tenant_id)  # a rerun of the same test starts from scratch
        self.configure(seed=options.seed, users=options.users, scenario=options.scenario)
        self.key = self.mint_key(options.level)
        try:
            self._apply(options)
        except BaseException:
            self.close()
            raise

    def _apply(self, options: FakeOptions) -> None:
        if options.clock is not None:
            self._apply_clock(options.clock)
        if options.lifecycle is not None:
            self.set_lifecycle(options.lifecycle)
        if options.rate_limits is not None:
            self.set_rate_limits(options.rate_limits)
        for fault in options.faults:
            self.add_fault(fault)
        for profile in options.profiles:
            self.create_profile(**profile)
        if options.summary_latency is not None:
            self.set_summary_latency(options.summary_latency)

    # -- identity ----------------------------------------------------------------------------

    @property
    def state(self) -> ServerState:
        return self.server.state

    @property
    def tenant(self) -> Tenant:
        return self.state.tenant(self.tenant_id)

    @property
    def base_url(self) -> str:
        """A real ``http://127.0.0.1:<port>`` URL for any client (``requests``, ``urllib``, a
        subprocess): in process, a loopback server starts the first time this is read. httpx
        clients from :meth:`client` need no socket and use ``http://mockserver.test``."""
        return self.server.url

    @property
    def headers(self) -> dict[str, str]:
        """The headers of this test's key: ``{"Authorization": "Basic <secret>"}``."""
        return self.auth_headers(self.key)

    def auth_headers(self, key: ApiKey) -> dict[str, str]:
        """How this API sends a key (FullStory: ``Authorization: Basic <key>``)."""
        return {"Authorization": f"Basic {key.secret}"}

    def mint_key(self, level: str | KeyLevel = "admin", email: str | None = None) -> ApiKey:
        """Another key on this test's tenant (revoked when the test ends)."""
        parsed = level if isinstance(level, KeyLevel) else KeyLevel.parse(level)
        n = len(self._keys)
        key = ApiKey(
            secret=f"mock-test-{self._digest}-{n}",
            tenant=self.tenant_id,
            level=parsed,
            email=email or f"{parsed.name.lower()}-{n}@mockserver.test",
        )
        self._keys.append(self.state.keys.add(key))
        return key

    def client(self, key: ApiKey | None = None, **kwargs: Any) -> httpx.Client:
        headers = self.auth_headers(key or self.key)
        return self.server.client(headers, **kwargs)

    def async_client(
        self, key: ApiKey | None = None
    ) -> contextlib.AbstractAsyncContextManager[httpx.AsyncClient]:
        return self.server.async_client(self.auth_headers(key or self.key))

    # -- world -------------------------------------------------------------------------------

    def configure(
        self, seed: int | None = None, users: int | None = None, scenario: str | None = None
    ) -> None:
        """Rebuild this tenant's world (changes given here replace the server's defaults)."""
        changes: dict[str, Any] = {}
        if seed is not None:
            changes["seed"] = seed
        if users is not None:
            changes["users"] = users
        if scenario is not None:
            source = scenario_source(scenario)
            changes["scenario_name"] = source[0] if source else None
            changes["scenario_text"] = source[1] if source else None
        config: TenantConfig = self.state.with_config(self.tenant_id, **changes)
        self.state.configure_tenant(self.tenant_id, config)

    def reset(self) -> None:
        """Rebuild this tenant from its config and forget its journal (other tenants untouched)."""
        self.state.reset_tenant(self.tenant_id)

    # -- clock (server-wide: restored when the test ends) -----------------------------------

    @property
    def clock(self) -> Clock:
        return self.state.clock

    def now(self) -> datetime:
        return self.clock.now()

    def freeze_clock(self, at: datetime | str | None = None) -> datetime:
        """Stop the clock at ``at`` (a datetime or RFC 3339 text), or where it is now."""
        self.clock.freeze(_as_time(at) if at is not None else None)
        return self.clock.now()

    def set_clock(self, at: datetime | str) -> datetime:
        """Move the clock to ``at``; a frozen clock stays there, a running one runs on from it."""
        self.clock.set(_as_time(at))
        return self.clock.now()

    def advance_clock(self, by: float | timedelta) -> datetime:
        """Move the clock forward by seconds or a timedelta (refills rate limits, ages jobs)."""
        self.clock.advance(by.total_seconds() if isinstance(by, timedelta) else by)
        return self.clock.now()

    @property
    def epoch(self) -> datetime:
        """This tenant's world epoch: generated and pinned sessions lie before it."""
        return self.tenant.fullstory.world.config.epoch

    def _apply_clock(self, clock: str | datetime) -> None:
        # clock="frozen" stops at the world's epoch, not at today's time: a test's answers
        # (session ages, timestamps, Retry-After) must not depend on the day it runs.
        if isinstance(clock, str) and clock.strip().lower() in {"frozen", "manual"}:
            self.freeze_clock(self.epoch)
        elif isinstance(clock, str) and clock.strip().lower() == "system":
            self.clock.set_mode(ClockMode.SYSTEM)
        else:
            self.freeze_clock(clock)

    def _restore_server_wide_state(self) -> None:
        self.state.reset_clock()
        # Server-wide like the clock: a test that switched summaries to ``realistic`` must not
        # make the next test's summaries take seconds.
        self.state.summary_latency.set_mode(self.state.settings.summary_latency)

    # -- behaviour knobs -------------------------------------------------------------------

    def set_rate_limits(self, limits: RateLimits) -> None:
        """``False`` or ``True`` (off or on), or the admin API's body for
        ``PUT /__admin/tenants/{tenant}/rate-limits``: ``{"enabled", "default", "groups",
        "refill"}``, each optional, e.g. ``{"groups": {"me": {"rate_per_second": 1, "burst": 2}}}``;
        ``enabled`` defaults to true here.
        """
        if isinstance(limits, bool):
            self.tenant.limiter.set_enabled(limits)
            return
        try:
            # Asking a test's tenant for limits turns them on (even where the server's settings
            # have them off), unless the body says "enabled": false.
            apply_limits(self.state, self.tenant, limits, enabled=True)
        except StateError as exc:
            raise ValueError(str(exc)) from None

    def set_summary_latency(self, mode: str) -> None:
        """``"off"`` or ``"realistic"``: how long AI summaries take, on the server's clock (a
        frozen clock is advanced instead of slept). Server-wide, like the clock, and restored
        when the test ends."""
        self.state.summary_latency.set_mode(mode)

    def set_lifecycle(self, lifecycle: str | LifecyclePolicy | Mapping[str, str]) -> None:
        """A policy for every kind (``"immediate"``, ``"polls:2"``, ``"seconds:30,fail"``), or
        ``{"<kind>" or "default": policy}``."""
        policies = self.tenant.lifecycles
        if isinstance(lifecycle, Mapping):
            for kind, text in lifecycle.items():
                if kind == "default":
                    policies.set_default(parse_policy(text))
                else:
                    policies.set(kind, parse_policy(text))
            return
        policies.set_default(parse_policy(lifecycle) if isinstance(lifecycle, str) else lifecycle)

    def add_fault(
        self, fault: FaultSpec | Mapping[str, Any] | None = None, **rule: Any
    ) -> FaultRule:
        """A fault rule limited to this test's tenant (removed when the test ends).

        Takes a :class:`FaultSpec`, the admin API's JSON form
        (``{"match": {"operation_id": "getMe"}, "action": {"type": "error", "status": 503}}``),
        or the same as keywords.
        """
        spec = (
            fault
            if isinstance(fault, FaultSpec)
            else FaultSpec.from_dict({**(fault or {}), **rule})
        )
        match = FaultMatch(
            operation_id=spec.match.operation_id,
            path=spec.match.path,
            tenant=self.tenant_id,
            key_id=spec.match.key_id,
            method=spec.match.method,
        )
        if spec.match.tenant not in (None, self.tenant_id):
            raise ValueError("a test's fault rules apply to its own tenant only")
        # The admin API's path, spec check included: an undocumented status is refused here too.
        added = self.state.add_fault(
            FaultSpec(spec.action, match, spec.times, spec.probability, spec.seed)
        )
        self._faults.append(added.id)
        return added

    # -- summary profiles ------------------------------------------------------------------

    def create_profile(self, id: str | None = None, **fields: Any) -> str:
        """A summary profile in this test's tenant, checked exactly as ``POST
        /v2/visit_profile`` checks it (``ValueError`` naming the field otherwise); returns its
        id. ``fields`` is the v2 body (``name``, ``slice``, ``context``, ``events``, ``cache``,
        ``llm``); ``pre_prompt``, ``post_prompt``, ``temperature``, ``response_schema`` and
        ``model`` may also be given on their own. ``id`` chooses the id (as the beta API lets
        clients do); otherwise the server assigns one."""
        return create_profile(self.tenant.fullstory.profiles, id, fields)

    def profile(self, profile_id: str) -> dict[str, Any]:
        """A profile as ``GET /v2/visit_profile/{id}`` shows it (``KeyError`` if unknown)."""
        return self.tenant.fullstory.profiles.get(profile_id).v2()

    # -- journal ---------------------------------------------------------------------------

    def calls(self, operation_id: str | None = None, **filters: Any) -> list[JournalEntry]:
        """This tenant's journal, oldest first (filters: :class:`JournalQuery` fields)."""
        query = JournalQuery(tenant=self.tenant_id, operation_id=operation_id, **filters)
        return self.state.journal.query(query)

    def assert_called(
        self, operation_id: str, times: int | None = None, **params: Any
    ) -> list[JournalEntry]:
        """E.g. ``fake.assert_called("listSessions", times=1, email="x@y")``; on failure the
        message lists what this test's tenant was sent instead."""
        __tracebackhide__ = True
        try:
            return journal_assert.assert_called(self.calls(), operation_id, times, **params)
        except AssertionError as exc:
            raise AssertionError(str(exc)) from None  # the message says it all; skip the helper

    def assert_not_called(self, operation_id: str, **params: Any) -> None:
        __tracebackhide__ = True
        self.assert_called(operation_id, times=0, **params)

    # -- segments and exports (mockserver.testing.exports) -----------------------------------

    def define_segment(
        self, segment_id: str, name: str, rule: Mapping[str, Any] | None = None, **extra: Any
    ) -> Segment:
        """A runtime segment on this tenant (``rule``: the admin API's rule object)."""
        segments = self.tenant.fullstory.segments
        definition = {"name": name, "rule": dict(rule or {}), **extra}
        segment = parse_definition(
            definition, "segment", default_id=segment_id, default_created=self.now()
        )
        return segments.define(segment)

    def run_export(self, body: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Create an export and poll it to COMPLETED or FAILED, moving the clock as needed."""
        return exports.run_export(self, body, **fields)

    def download_export(self, operation: Mapping[str, Any]) -> exports.ExportFile:
        """The finished export's file, fetched through its signed link."""
        return exports.download_export(self, operation)

    # -- teardown --------------------------------------------------------------------------

    def close(self) -> None:
        state = self.state
        for fault_id in self._faults:
            state.faults.remove(fault_id)
        for key in self._keys:
            state.keys.revoke(key.key_id)
        self._faults.clear()
        self._keys.clear()
        self._restore_server_wide_state()
        # Forget the tenant (config, data, journal, keys): a long session must not accumulate
        # one per test.
        if state.has_tenant(self.tenant_id):
            state.delete_tenant(self.tenant_id)
        state.keys.forget_revoked(self.tenant_id)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_time(at: datetime | str) -> datetime:
    if not isinstance(at, str):
        return at
    try:
        return parse_rfc3339(at)
    except ValueError:
        raise ValueError(
            f"{at!r} is not a time: give RFC 3339 text with a zone (2026-10-01T12:00:00Z) or a "
            "datetime (or, for the marker's clock, 'frozen' or 'system')"
        ) from None
