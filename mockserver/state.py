"""The server's whole mutable state, owned by one app instance (two apps are two worlds).

A tenant (a FullStory organisation) is created on first use from the settings, or explicitly
through the control plane with its own world seed, size and scenario. Reset rebuilds a tenant
from its :class:`TenantConfig`; nothing is cleared field by field.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.faults import FaultBook
from mockserver.core.journal import Journal
from mockserver.core.keys import KeyRing
from mockserver.core.lifecycle import LifecyclePolicies
from mockserver.core.ratelimit import RateLimiter, RateLimitPolicy
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.scenario import Scenario, ScenarioError, parse_scenario
from mockserver.resources import data_dir
from mockserver.settings import Settings, SettingsError


def scenario_source(name: str) -> tuple[str, str] | None:
    """``none``, a scenario name in the packaged ``fixtures/``, or a path to a YAML file →
    ``(label, YAML text)``. The text is kept so snapshots can carry the scenario along."""
    if name.strip().lower() in {"", "none"}:
        return None
    path = Path(name)
    if not path.suffix:
        path = data_dir("fixtures") / f"{name}.yaml"
    try:
        return name, path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"scenario {name!r}: cannot read {path} ({exc.strerror})") from None


@dataclass(frozen=True, slots=True)
class TenantConfig:
    """What a tenant is rebuilt from on reset."""

    seed: int
    users: int
    scenario_name: str | None = None
    scenario_text: str | None = None

    def scenario(self) -> Scenario | None:
        if self.scenario_text is None:
            return None
        return parse_scenario(self.scenario_text, self.scenario_name or "<uploaded>")

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "users": self.users,
            "scenario_name": self.scenario_name,
            "scenario_text": self.scenario_text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TenantConfig:
        return cls(int(data["seed"]), int(data["users"]), data.get("scenario_name"),
                   data.get("scenario_text"))


class Tenant:
    """One organisation: its FullStory data, its rate limiter and its lifecycle policies."""

    def __init__(self, tenant_id: str, config: TenantConfig, settings: Settings, clock: Clock):
        self.tenant_id = tenant_id
        self.config = config
        scenario = config.scenario()
        world_config = WorldConfig(
            seed=config.seed,
            users=config.users,
            org_id=tenant_id,
            org_name="",  # the world names the org after its storefront brand
            epoch=settings.epoch,
        )
        if scenario is not None:
            world_config = world_config.with_scenario(scenario)
        self.fullstory = FullStoryTenant(tenant_id=tenant_id, world=World(world_config, scenario))
        default = RateLimitPolicy(settings.rate_limit_rps, settings.rate_limit_burst)
        self.limiter = RateLimiter(clock, default=default, enabled=settings.rate_limits)
        self.lifecycles = LifecyclePolicies()


class ServerState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock(settings.clock, settings.clock_start)
        self.keys = KeyRing(settings.keys)
        source = scenario_source(settings.scenario)
        self.default_config = TenantConfig(
            seed=settings.seed,
            users=settings.users,
            scenario_name=source[0] if source else None,
            scenario_text=source[1] if source else None,
        )
        self.default_config.scenario()  # a broken scenario file stops startup, with its message
        self.journal = Journal(self.clock, capacity=max(settings.journal_cap, 1))
        self.faults = FaultBook(seed=settings.seed)
        self._lock = threading.RLock()
        self._tenants: dict[str, Tenant] = {}
        self._configs: dict[str, TenantConfig] = {}

    def tenant(self, tenant_id: str) -> Tenant:
        tenant = self._tenants.get(tenant_id)
        if tenant is None:
            with self._lock:
                tenant = self._tenants.get(tenant_id)
                if tenant is None:
                    config = self._configs.get(tenant_id, self.default_config)
                    tenant = self._tenants[tenant_id] = self._build(tenant_id, config)
        return tenant

    def configure_tenant(self, tenant_id: str, config: TenantConfig) -> Tenant:
        """Give a tenant its own world (and rebuild it from that)."""
        tenant = self._build(tenant_id, config)  # validates before anything changes
        with self._lock:
            self._configs[tenant_id] = config
            self._tenants[tenant_id] = tenant
        return tenant

    def tenant_ids(self) -> list[str]:
        with self._lock:
            return sorted(set(self._tenants) | set(self._configs))

    def reset_tenant(self, tenant_id: str) -> None:
        with self._lock:
            self._tenants.pop(tenant_id, None)
        self.journal.clear(tenant_id)

    def reset_all(self) -> None:
        """Back to the state of a fresh start: no tenants, journal, faults; clock as configured."""
        with self._lock:
            self._tenants.clear()
            self._configs.clear()
        self.journal.clear()
        self.faults.clear()
        self.clock = self._fresh_clock()

    def _fresh_clock(self) -> Clock:
        clock = Clock(self.settings.clock, self.settings.clock_start)
        # Everything that reads the clock holds this object; swap its reading, not the object.
        self.clock.set_mode(clock.mode)
        self.clock.set(clock.now())
        return self.clock

    def _build(self, tenant_id: str, config: TenantConfig) -> Tenant:
        try:
            return Tenant(tenant_id, config, self.settings, self.clock)
        except ScenarioError as exc:
            raise SettingsError(str(exc)) from None

    def with_config(self, tenant_id: str, **changes: Any) -> TenantConfig:
        with self._lock:
            return replace(self._configs.get(tenant_id, self.default_config), **changes)
