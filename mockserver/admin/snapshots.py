"""Tenant snapshots over HTTP: export a tenant's whole state, import it (here or elsewhere)."""

from __future__ import annotations

from typing import Any

from mockserver.admin.views import tenant_info
from mockserver.http.pipeline import Call
from mockserver.persistence import export_tenant, import_tenant
from mockserver.state import ServerState

Ctx = Call[ServerState]


def get_snapshot(call: Ctx) -> dict[str, Any]:
    state, tenant_id = call.context, call.path["tenant"]
    state.existing_tenant(tenant_id)
    return export_tenant(state, tenant_id)


def put_snapshot(call: Ctx) -> dict[str, Any]:
    state, tenant_id = call.context, call.path["tenant"]
    import_tenant(state, tenant_id, call.body)
    return tenant_info(state, tenant_id)
