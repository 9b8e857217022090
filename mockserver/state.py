"""The server's whole mutable state, owned by one app instance (two apps are two worlds).

Tenants are created on first use from the settings. Reset rebuilds a tenant from its
constructor; nothing is cleared field by field.
"""

from __future__ import annotations

import threading
from pathlib import Path

from mockserver.core.clock import Clock
from mockserver.core.keys import KeyRing
from mockserver.core.rng import derive_rng
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.scenario import Scenario, load_scenario
from mockserver.resources import data_dir
from mockserver.settings import Settings, SettingsError


def resolve_scenario(name: str) -> Scenario | None:
    """``none``, a scenario name in the packaged ``fixtures/``, or a path to a YAML file."""
    if name.strip().lower() == "none":
        return None
    path = Path(name)
    if not path.suffix:
        path = data_dir("fixtures") / f"{name}.yaml"
    if not path.is_file():
        raise SettingsError(f"--scenario: no scenario file at {path}")
    return load_scenario(path)


def org_name_for(seed: int, tenant_id: str) -> str:
    rng = derive_rng(seed, "org-name", tenant_id)
    return rng.choice(("Acme Outfitters", "Northwind Goods", "Bluebird Home", "Lumen Supply Co."))


class ServerState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock(settings.clock, settings.clock_start)
        self.keys = KeyRing(settings.keys)
        self.scenario = resolve_scenario(settings.scenario)
        self._lock = threading.RLock()
        self._tenants: dict[str, FullStoryTenant] = {}

    def tenant(self, tenant_id: str) -> FullStoryTenant:
        tenant = self._tenants.get(tenant_id)
        if tenant is None:
            with self._lock:
                tenant = self._tenants.get(tenant_id)
                if tenant is None:
                    tenant = self._tenants[tenant_id] = self._new_tenant(tenant_id)
        return tenant

    def tenant_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._tenants)

    def reset(self, tenant_id: str | None = None) -> None:
        with self._lock:
            if tenant_id is None:
                self._tenants.clear()
            else:
                self._tenants.pop(tenant_id, None)

    def _new_tenant(self, tenant_id: str) -> FullStoryTenant:
        settings = self.settings
        config = WorldConfig(
            seed=settings.seed,
            users=settings.users,
            org_id=tenant_id,
            org_name=org_name_for(settings.seed, tenant_id),
            epoch=settings.epoch,
        )
        return FullStoryTenant(tenant_id=tenant_id, world=World(config, self.scenario))
