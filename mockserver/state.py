"""The server's whole mutable state, owned by one app instance (two apps are two worlds).

A tenant (a FullStory organisation) is created on first use from the settings, or explicitly
through the control plane with its own world seed, size and scenario. Reset rebuilds a tenant
from its :class:`TenantConfig`; nothing is cleared field by field.

Nothing here knows HTTP: problems are :class:`StateError` subclasses, which the admin handlers
turn into documented errors. JSON snapshots of this state live in :mod:`mockserver.persistence`.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mockserver.cognigy.store import STORE_NAME as COGNIGY_STORE
from mockserver.cognigy.store import ProfileStore
from mockserver.core.clock import Clock
from mockserver.core.faults import ErrorAction, FaultBook, FaultRule, FaultSpec
from mockserver.core.journal import Journal
from mockserver.core.keys import ApiKey, KeyLevel, KeyRing
from mockserver.core.lifecycle import LifecyclePolicies
from mockserver.core.ratelimit import RateLimiter, RateLimitPolicy
from mockserver.core.rng import derive_seed
from mockserver.core.saver import SaveFailed, StateSaver
from mockserver.core.stores import Changed, TenantStores, unchanged
from mockserver.fullstory.profiles.store import STORE_NAME as PROFILE_STORE
from mockserver.fullstory.summaries.latency import GenerationLatency
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.scenario import Scenario, ScenarioError, parse_scenario
from mockserver.fullstory.world.shared import SharedWorldParts
from mockserver.http.spec import Operation
from mockserver.resources import data_dir, fixture_names
from mockserver.settings import Settings, SettingsError

# Fixture names only (no paths) when a scenario is named over the admin API: a remote caller
# must not make the server read arbitrary files.
FIXTURE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
UPLOADED = "<uploaded>"


class StateError(ValueError):
    """A request the state cannot honour; the message says why."""


class UnknownTenant(StateError, KeyError):
    def __init__(self, tenant_id: str) -> None:
        super().__init__(f"tenant {tenant_id!r} does not exist")
        self.tenant_id = tenant_id

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class Conflict(StateError):
    """The thing to create exists already."""


def scenario_source(name: str) -> tuple[str, str] | None:
    """``none``, a scenario name in the packaged ``fixtures/``, or a path to a YAML file →
    ``(label, YAML text)``. The text is kept so snapshots can carry the scenario along."""
    if name.strip().lower() in {"", "none"}:
        return None
    path = Path(name)
    if not path.suffix:
        path = data_dir("fixtures") / f"{name}.yaml"
        if not path.is_file():
            known = ", ".join(fixture_names())
            raise SettingsError(
                f"unknown scenario {name!r}; the packaged scenarios are {known} "
                "(or give a path to a .yaml file, or 'none')"
            )
    try:
        return name, path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"scenario {name!r}: cannot read {path} ({exc.strerror})") from None


def fixture_scenario(name: str) -> tuple[str, str] | None:
    """A scenario named over the admin API: ``none`` or a packaged fixture's name."""
    if name.strip().lower() == "none":
        return None
    if not FIXTURE_NAME.fullmatch(name):
        raise StateError(f"scenario {name!r} is not a fixture name (letters, digits, - and _)")
    try:
        return scenario_source(name)
    except SettingsError:
        raise StateError(f"scenario {name!r} is not a packaged fixture") from None


@dataclass(frozen=True, slots=True)
class TenantConfig:
    """What a tenant is rebuilt from on reset."""

    seed: int
    users: int
    scenario_name: str | None = None
    scenario_text: str | None = None

    def scenario(self, shared: SharedWorldParts | None = None) -> Scenario | None:
        """The parsed scenario; through ``shared``, parsed once for every tenant that uses it."""
        if self.scenario_text is None:
            return None
        source = self.scenario_name or UPLOADED
        if shared is not None:
            return shared.scenario(self.scenario_text, source)
        return parse_scenario(self.scenario_text, source)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "users": self.users,
            "scenario_name": self.scenario_name,
            "scenario_text": self.scenario_text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TenantConfig:
        # JSON Schema counts 3.0 as an integer; so does this (but not 3.5 or true).
        seed, users = (_integral(data["seed"]), _integral(data["users"]))
        name, text = data.get("scenario_name"), data.get("scenario_text")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (seed, users)):
            raise StateError("tenant config: seed and users must be integers")
        if not all(v is None or isinstance(v, str) for v in (name, text)):
            raise StateError("tenant config: scenario_name and scenario_text must be text")
        return cls(seed, users, name, text)


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass(frozen=True, slots=True)
class RateDefaults:
    """What a new (or reset) tenant's limiter starts with; changeable through the admin API."""

    enabled: bool
    policy: RateLimitPolicy

    def to_dict(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "default": self.policy.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RateDefaults:
        return cls(bool(data["enabled"]), RateLimitPolicy.from_dict(data["default"]))


@dataclass(frozen=True, slots=True)
class ApiCatalog:
    """What the control plane needs to know of every tenant-facing API's spec (FullStory,
    Cognigy, ...): each operation's API, its documented statuses (fault rules may only inject
    those) and its rate-limit group. Operation ids are unique across APIs, so a fault rule or a
    rate-limit group names one without saying which API."""

    statuses: Mapping[str, frozenset[int]] = field(default_factory=dict)
    groups_by_operation: Mapping[str, str] = field(default_factory=dict)
    api_by_operation: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, operations: Iterable[Operation]) -> ApiCatalog:
        operations = list(operations)
        apis: dict[str, str] = {}
        for op in operations:
            if apis.setdefault(op.operation_id, op.api) != op.api:
                raise ValueError(
                    f"operation id {op.operation_id!r} is used by both {apis[op.operation_id]} "
                    f"and {op.api}: fault rules and rate-limit groups could not tell them apart"
                )
        return cls(
            statuses={op.operation_id: frozenset(op.responses) for op in operations},
            groups_by_operation={op.operation_id: rate_limit_group(op) for op in operations},
            api_by_operation=apis,
        )

    @property
    def groups(self) -> list[str]:
        return sorted(set(self.groups_by_operation.values()))

    def error_statuses(self) -> frozenset[int]:
        return frozenset(s for all_ in self.statuses.values() for s in all_ if s >= 400)


def rate_limit_group(operation: Operation) -> str:
    """Operations share a bucket when the spec gives them the same ``x-rate-limit-group``."""
    return str(operation.extensions.get("x-rate-limit-group", operation.operation_id))


class ServerKeys(KeyRing):
    """The key ring, plus what the control plane needs: replace every key in place (restore
    and reset), because the FullStory authenticator holds this very object."""

    def replace_all(self, keys: Iterable[ApiKey]) -> None:
        fresh = {key.secret: key for key in keys}
        with self._lock:
            self._keys = fresh

    def by_id(self, key_id: str) -> ApiKey | None:
        return next((k for k in self.all() if k.key_id == key_id), None)


class Tenant:
    """One organisation: its FullStory data, its rate limiter, its lifecycle policies and the
    mutable stores each API registers (see :mod:`mockserver.core.stores`).

    ``changed`` is called by a store after each change it makes (the server marks its state
    dirty, so the state file is saved before the answer goes out)."""

    def __init__(self, tenant_id: str, config: TenantConfig, settings: Settings, clock: Clock,
                 rate: RateDefaults, *, changed: Changed = unchanged,
                 shared: SharedWorldParts | None = None,
                 latency: GenerationLatency | None = None) -> None:  # fmt: skip
        self.tenant_id = tenant_id
        self.config = config
        self.stores = TenantStores()
        self.changed = changed
        scenario = config.scenario(shared)
        world_config = WorldConfig(
            seed=config.seed,
            users=config.users,
            org_id=tenant_id,
            org_name="",  # the world names the org after its storefront brand
            epoch=settings.epoch,
        )
        if scenario is not None:
            world_config = world_config.with_scenario(scenario)
        self.limiter = RateLimiter(clock, default=rate.policy, enabled=rate.enabled)
        self.lifecycles = LifecyclePolicies()
        faker = shared.faker if shared is not None else None  # one Faker for every tenant
        world = World(world_config, scenario, faker=faker)
        self.fullstory = FullStoryTenant(
            tenant_id,
            world,
            clock=clock,
            lifecycles=self.lifecycles,
            scenario_segments=scenario.segments if scenario is not None else (),
            changed=self._changed,
            latency=latency,
        )
        self.stores.register(PROFILE_STORE, self.fullstory.profiles)
        for name, store in self.fullstory.stores().items():
            self.stores.register(name, store)
        self.cognigy = ProfileStore(clock, derive_seed(config.seed, tenant_id), self._changed)
        self.stores.register(COGNIGY_STORE, self.cognigy)

    def _changed(self) -> None:
        self.changed()  # late-bound: the server may set ``changed`` after building the tenant


class ServerState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock(settings.clock, settings.clock_start)
        self.keys = ServerKeys(settings.keys)
        source = scenario_source(settings.scenario)
        self.default_config = TenantConfig(
            seed=settings.seed,
            users=settings.users,
            scenario_name=source[0] if source else None,
            scenario_text=source[1] if source else None,
        )
        self.shared_world = SharedWorldParts()  # parsed scenarios and Faker, for every tenant
        self.default_config.scenario(self.shared_world)  # a broken file stops startup, loudly
        self.journal = Journal(
            self.clock,
            capacity=settings.journal_cap,
            text_limit=settings.journal_text_limit,
            target_limit=settings.journal_target_limit,
        )
        self.faults = FaultBook(seed=settings.seed)
        self.rate_defaults = self._configured_rate_defaults()
        self.summary_latency = GenerationLatency(settings.summary_latency, self.clock)
        self.catalog = ApiCatalog()  # create_app attaches the tenant-facing specs' catalog
        self.counters: dict[str, int] = {}  # names handed out so far (keys, tenants)
        self._lock = threading.RLock()
        self._tenants: dict[str, Tenant] = {}
        self._configs: dict[str, TenantConfig] = {}
        self._generation = 0
        self._flushed = 0
        self.saver: StateSaver | None = None  # set by persistence when --state-file

    # -- tenants ----------------------------------------------------------------------------

    def tenant(self, tenant_id: str) -> Tenant:
        tenant = self._tenants.get(tenant_id)
        if tenant is None:
            with self._lock:
                tenant = self._tenants.get(tenant_id)
                if tenant is None:
                    config = self._configs.get(tenant_id, self.default_config)
                    tenant = self._tenants[tenant_id] = self.build_tenant(tenant_id, config)
        return tenant

    def existing_tenant(self, tenant_id: str) -> Tenant:
        """A tenant the server knows of (configured, used, or holding a key), else UnknownTenant."""
        if not self.has_tenant(tenant_id):
            raise UnknownTenant(tenant_id)
        return self.tenant(tenant_id)

    def has_tenant(self, tenant_id: str) -> bool:
        with self._lock:
            if tenant_id in self._tenants or tenant_id in self._configs:
                return True
        return any(key.tenant == tenant_id and not key.revoked for key in self.keys.all())

    def tenant_ids(self) -> list[str]:
        with self._lock:
            known = set(self._tenants) | set(self._configs)
        known |= {key.tenant for key in self.keys.all() if not key.revoked}
        return sorted(known)

    def built_tenant(self, tenant_id: str) -> Tenant | None:
        """The tenant if it has been built (used or configured), without building it."""
        return self._tenants.get(tenant_id)

    def config_of(self, tenant_id: str) -> TenantConfig:
        with self._lock:
            return self._configs.get(tenant_id, self.default_config)

    def is_configured(self, tenant_id: str) -> bool:
        with self._lock:
            return tenant_id in self._configs

    def configure_tenant(self, tenant_id: str, config: TenantConfig) -> Tenant:
        """Give a tenant its own world (and rebuild it from that)."""
        tenant = self.build_tenant(tenant_id, config)  # validates before anything changes
        with self._lock:
            self._configs[tenant_id] = config
            self._tenants[tenant_id] = tenant
        self.journal.clear(tenant_id)
        return tenant

    def create_tenant(self, tenant_id: str | None, config: TenantConfig) -> Tenant:
        """A new tenant; Conflict if the id is taken. Without an id one is made up."""
        with self._lock:
            if tenant_id is None:
                tenant_id = self._fresh_tenant_id()
            elif self.has_tenant(tenant_id):
                raise Conflict(f"tenant {tenant_id!r} already exists")
            return self.configure_tenant(tenant_id, config)

    def _fresh_tenant_id(self) -> str:
        while True:
            n = self.next_counter("tenant")
            candidate = f"o-MOCK{n}-na1"  # the shape of a FullStory org id
            if not self.has_tenant(candidate):
                return candidate

    def delete_tenant(self, tenant_id: str) -> list[ApiKey]:
        """Forget a tenant: config, data, journal, its fault rules; its keys are revoked."""
        if not self.has_tenant(tenant_id):
            raise UnknownTenant(tenant_id)
        with self._lock:
            self._tenants.pop(tenant_id, None)
            self._configs.pop(tenant_id, None)
        self.journal.clear(tenant_id)
        self._drop_tenant_faults(tenant_id)
        revoked = []
        for key in self.keys.all():
            if key.tenant == tenant_id and not key.revoked:
                gone = self.keys.revoke(key.key_id)
                if gone is not None:
                    revoked.append(gone)
        return revoked

    def reset_tenant(self, tenant_id: str) -> None:
        """Rebuild one tenant from its config: fresh world, full rate-limit buckets, default
        limits and lifecycle policies, empty journal, no fault rules scoped to it. Keys stay."""
        with self._lock:
            self._tenants.pop(tenant_id, None)
        self.journal.clear(tenant_id)
        self._drop_tenant_faults(tenant_id)

    def reset_all(self) -> None:
        """Back to the state of a fresh start: the configured keys, no tenants, journal or
        faults, rate-limit defaults and the clock as the settings say."""
        with self._lock:
            self._tenants.clear()
            self._configs.clear()
            self.counters.clear()
        self.keys.replace_all(self.settings.keys)
        self.journal.clear()
        self.journal.set_capacity(self.settings.journal_cap)
        self.journal.set_text_limit(self.settings.journal_text_limit)
        self.faults.clear()  # ids keep rising, so a stale id never removes a newer rule
        self.rate_defaults = self._configured_rate_defaults()
        self.summary_latency.set_mode(self.settings.summary_latency)
        self.reset_clock()

    def reset_clock(self) -> None:
        fresh = Clock(self.settings.clock, self.settings.clock_start)
        # Everything that reads the clock holds this object; change its reading, not the object.
        self.clock.set_mode(fresh.mode)
        self.clock.set(fresh.now())

    def with_config(self, tenant_id: str, **changes: Any) -> TenantConfig:
        with self._lock:
            return replace(self._configs.get(tenant_id, self.default_config), **changes)

    def install_tenant(self, tenant: Tenant, configured: bool = True) -> None:
        with self._lock:
            self._tenants[tenant.tenant_id] = tenant
            if configured:
                self._configs[tenant.tenant_id] = tenant.config

    def build_tenant(self, tenant_id: str, config: TenantConfig) -> Tenant:
        """A tenant built from its config but not (yet) installed: callers validate first."""
        try:
            settings, clock, rate = self.settings, self.clock, self.rate_defaults
            return Tenant(tenant_id, config, settings, clock, rate, changed=self.mark_dirty,
                          shared=self.shared_world, latency=self.summary_latency)  # fmt: skip
        except ScenarioError as exc:
            raise SettingsError(str(exc)) from None
        except ValueError as exc:  # e.g. a world size out of range
            raise SettingsError(f"tenant {tenant_id!r}: {exc}") from None

    def _drop_tenant_faults(self, tenant_id: str) -> None:
        for rule in self.faults.list():
            if rule.match.tenant == tenant_id:
                self.faults.remove(rule.id)

    # -- keys -------------------------------------------------------------------------------

    def create_key(
        self,
        tenant_id: str,
        level: KeyLevel,
        email: str = "",
        secret: str | None = None,
        *,
        deterministic: bool = False,
    ) -> ApiKey:
        """A new key for ``tenant_id``. A made-up secret comes from a cryptographic source, so
        no tenant can compute another's key from the seed the banner prints; ``deterministic``
        derives it from the seed and a counter instead (reproducible, and guessable)."""
        with self._lock:
            while secret is None:
                secret = self._made_up_secret(deterministic)
                if self.keys.find(secret) is not None:
                    secret = None
            try:
                return self.keys.add(ApiKey(secret, tenant_id, level, email))
            except ValueError:
                raise Conflict("a key with this secret already exists") from None

    def _made_up_secret(self, deterministic: bool) -> str:
        if deterministic:
            n = self.next_counter("key")
            return f"mock-{derive_seed(self.settings.seed, 'api-key', n):016x}"
        return f"mock-{secrets.token_hex(16)}"

    def revoke_key(self, key_id: str) -> ApiKey:
        key = self.keys.revoke(key_id)
        if key is None:
            raise KeyError(key_id)
        tenant = self._tenants.get(key.tenant)
        if tenant is not None:
            tenant.limiter.reset(key_id)
        return key

    # -- rate limits ------------------------------------------------------------------------

    def set_rate_defaults(self, defaults: RateDefaults) -> None:
        """New defaults for every tenant, existing ones included (their group overrides stay)."""
        self.rate_defaults = defaults
        with self._lock:
            tenants = list(self._tenants.values())
        for tenant in tenants:
            tenant.limiter.set_enabled(defaults.enabled)
            tenant.limiter.set_default(defaults.policy)

    def _configured_rate_defaults(self) -> RateDefaults:
        policy = RateLimitPolicy(self.settings.rate_limit_rps, self.settings.rate_limit_burst)
        return RateDefaults(self.settings.rate_limits, policy)

    # -- faults -----------------------------------------------------------------------------

    def add_fault(self, spec: FaultSpec) -> FaultRule:
        """Add a rule whose error, if any, is one the API documents (for its operation)."""
        self.check_fault(spec)
        return self.faults.add(spec)

    def check_fault(self, spec: FaultSpec) -> None:
        catalog = self.catalog
        operation_id = spec.match.operation_id
        if operation_id is not None and operation_id not in catalog.statuses:
            raise StateError(f"no operation is called {operation_id!r}")
        if not isinstance(spec.action, ErrorAction):
            return
        status = spec.action.status
        if operation_id is not None:
            documented = catalog.statuses[operation_id]
            if status not in documented:
                listed = ", ".join(str(s) for s in sorted(documented) if s >= 400)
                api = catalog.api_by_operation.get(operation_id, "its API")
                raise StateError(
                    f"{operation_id} ({api}) does not document status {status}; "
                    f"it documents {listed}"
                )
        elif status not in catalog.error_statuses():
            listed = ", ".join(str(s) for s in sorted(catalog.error_statuses()))
            raise StateError(f"no operation documents status {status}; use {listed}")

    # -- bookkeeping ------------------------------------------------------------------------

    def next_counter(self, name: str) -> int:
        with self._lock:
            self.counters[name] = self.counters.get(name, 0) + 1
            return self.counters[name]

    # -- saving (with --state-file) ------------------------------------------------------------

    @property
    def generation(self) -> int:
        """Rises with every change worth persisting (see :meth:`mark_dirty`)."""
        return self._generation

    @property
    def dirty(self) -> bool:
        return self._generation != self._flushed

    def mark_dirty(self) -> None:
        """Something worth persisting changed (a tenant's stores call this through
        ``tenant.changed``): a request that does this is answered once it is saved."""
        self._generation += 1

    def save_soon(self) -> None:
        """Something changed that no client waits for (a fault rule's counters): save it
        shortly, together with whatever else changes meanwhile."""
        self.mark_dirty()
        if self.saver is not None:
            self.saver.save_soon()

    def attach_saver(self, saver: StateSaver) -> None:
        self.saver = saver
        self._flushed = self._generation

    def storage_status(self) -> dict[str, Any] | None:
        """None without a state file; else whether the last save worked (for health)."""
        return self.saver.status() if self.saver is not None else None

    def flush(self, force: bool = False) -> None:
        """Save now, in this thread, if there is a state file and something changed (or
        ``force``); a failure is logged and reported by health, not raised."""
        if self.saver is None or not (self.dirty or force):
            return
        self._flushed = self._generation
        with contextlib.suppress(SaveFailed):
            self.saver.save_now()
