"""How state objects look in admin answers (plain JSON data, never secrets unless asked)."""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import format_rfc3339
from mockserver.core.keys import ApiKey
from mockserver.state import ServerState


def key_info(key: ApiKey, *, with_secret: bool = False) -> dict[str, Any]:
    info: dict[str, Any] = {
        "key_id": key.key_id,
        "tenant": key.tenant,
        "level": key.level.name.lower(),
        "email": key.email,
        "revoked": key.revoked,
    }
    if with_secret:
        info["secret"] = key.secret
    return info


def tenant_info(state: ServerState, tenant_id: str) -> dict[str, Any]:
    config = state.config_of(tenant_id)
    return {
        "tenant_id": tenant_id,
        "seed": config.seed,
        "users": config.users,
        "scenario": config.scenario_name,
        "configured": state.is_configured(tenant_id),
        "keys": [
            key_info(key) for key in state.keys.all() if key.tenant == tenant_id and not key.revoked
        ],
    }


def clock_state(state: ServerState) -> dict[str, Any]:
    reading = state.clock.state()
    return {
        "mode": str(reading.mode),
        "now": format_rfc3339(reading.now),
        "timestamp": reading.now.timestamp(),
    }
