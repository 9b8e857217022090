"""Per-tenant lifecycle policies of asynchronous operations (see mockserver.core.lifecycle)."""

from __future__ import annotations

from typing import Any

from mockserver.core.lifecycle import DEFAULT_POLICY, format_policy, parse_policy
from mockserver.http.pipeline import Call
from mockserver.state import ServerState, StateError

Ctx = Call[ServerState]


def get_lifecycle(call: Ctx) -> dict[str, Any]:
    return call.context.existing_tenant(call.path["tenant"]).lifecycles.snapshot()


def put_lifecycle(call: Ctx) -> dict[str, Any]:
    tenant = call.context.existing_tenant(call.path["tenant"])
    body = call.body
    try:  # parse everything before changing anything
        default = parse_policy(body["default"]) if "default" in body else DEFAULT_POLICY
        kinds = {kind: parse_policy(text) for kind, text in body.get("kinds", {}).items()}
    except ValueError as error:
        raise StateError(str(error)) from None
    tenant.lifecycles.restore(
        {
            "default": format_policy(default),
            "kinds": {k: format_policy(p) for k, p in kinds.items()},
        }
    )
    return tenant.lifecycles.snapshot()
