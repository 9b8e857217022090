"""Tenants: list, create (with an optional key), get, put (configure), delete, reset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.admin.inputs import integral
from mockserver.admin.views import key_info, tenant_info
from mockserver.core.keys import KeyLevel
from mockserver.http.pipeline import Call
from mockserver.http.rendering import Reply
from mockserver.state import UPLOADED, ServerState, StateError, TenantConfig, fixture_scenario

Ctx = Call[ServerState]


def config_from(state: ServerState, body: Mapping[str, Any]) -> TenantConfig:
    """A full config from a request: fields left out take the server's defaults."""
    default = state.default_config
    if "scenario" in body and "scenario_yaml" in body:
        raise StateError("give scenario (a fixture name) or scenario_yaml (its text), not both")
    name, text = default.scenario_name, default.scenario_text
    if "scenario" in body:
        source = fixture_scenario(body["scenario"])
        name, text = source if source is not None else (None, None)
    elif "scenario_yaml" in body:
        name, text = UPLOADED, body["scenario_yaml"]
    return TenantConfig(
        seed=integral(body.get("seed", default.seed)),
        users=integral(body.get("users", default.users)),
        scenario_name=name,
        scenario_text=text,
    )


def list_tenants(call: Ctx) -> dict[str, Any]:
    state = call.context
    return {"tenants": [tenant_info(state, tenant_id) for tenant_id in state.tenant_ids()]}


def create_tenant(call: Ctx) -> Reply:
    state, body = call.context, call.body
    config = config_from(state, body)
    tenant = state.create_tenant(body.get("tenant_id"), config)
    key = None
    if "key" in body:
        wanted = body["key"]
        key = state.create_key(
            tenant.tenant_id,
            KeyLevel.parse(wanted["level"]),
            wanted.get("email", ""),
            deterministic=wanted.get("deterministic", False),
        )
    created = {
        "tenant": tenant_info(state, tenant.tenant_id),
        "key": key_info(key, with_secret=True) if key is not None else None,
    }
    return Reply(body=created, headers={"Location": f"/__admin/tenants/{tenant.tenant_id}"})


def get_tenant(call: Ctx) -> dict[str, Any]:
    state, tenant_id = call.context, call.path["tenant"]
    state.existing_tenant(tenant_id)
    return tenant_info(state, tenant_id)


def put_tenant(call: Ctx) -> dict[str, Any]:
    state, tenant_id = call.context, call.path["tenant"]
    state.configure_tenant(tenant_id, config_from(state, call.body))
    return tenant_info(state, tenant_id)


def delete_tenant(call: Ctx) -> dict[str, Any]:
    revoked = call.context.delete_tenant(call.path["tenant"])
    return {"deleted": call.path["tenant"], "revoked_keys": [key.key_id for key in revoked]}


def reset_tenant(call: Ctx) -> dict[str, Any]:
    state, tenant_id = call.context, call.path["tenant"]
    state.existing_tenant(tenant_id)
    state.reset_tenant(tenant_id)
    return tenant_info(state, tenant_id)
