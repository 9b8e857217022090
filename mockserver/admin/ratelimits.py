"""Rate limits: server-wide defaults, and per tenant and operation group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.core.ratelimit import RateLimitPolicy
from mockserver.http.pipeline import Call
from mockserver.state import RateDefaults, ServerState, StateError, Tenant

Ctx = Call[ServerState]


def _policy(data: Any) -> RateLimitPolicy | None:
    if data is None:
        return None
    try:
        return RateLimitPolicy.from_dict(data)
    except ValueError as error:
        raise StateError(str(error)) from None


def tenant_limits(state: ServerState, tenant: Tenant) -> dict[str, Any]:
    limiter = tenant.limiter
    own = limiter.policies()
    known = state.catalog.groups
    default = limiter.default
    return {
        "enabled": limiter.enabled,
        "default": default.to_dict() if default is not None else None,
        "groups": {
            group: own[group].to_dict() if group in own else None
            for group in sorted(set(known) | set(own))
        },
        "known_groups": known,
        "active_buckets": len(limiter),
    }


def get_tenant_limits(call: Ctx) -> dict[str, Any]:
    state = call.context
    return tenant_limits(state, state.existing_tenant(call.path["tenant"]))


# The one shape of a tenant's rate limits, in the admin API and the pytest plugin alike.
LIMITS_FIELDS = ("enabled", "default", "groups", "refill")
LIMITS_SHAPE = (
    '{"enabled": true|false, "default": {"rate_per_second": R, "burst": B}, '
    '"groups": {"<group>": {"rate_per_second": R, "burst": B} or null}, "refill": true|false} '
    "(every field optional)"
)


def put_tenant_limits(call: Ctx) -> dict[str, Any]:
    state, body = call.context, call.body
    tenant = state.existing_tenant(call.path["tenant"])
    apply_limits(state, tenant, body)
    return tenant_limits(state, tenant)


def apply_limits(
    state: ServerState, tenant: Tenant, body: Mapping[str, Any], *, enabled: bool | None = None
) -> None:
    """Apply a rate-limits body (:data:`LIMITS_SHAPE`); a bad part changes nothing. ``enabled``
    is what a body without ``"enabled"`` means (``None``: leave it as it is)."""
    if not isinstance(body, Mapping) or not set(body) <= set(LIMITS_FIELDS):
        raise StateError(f"rate limits take the shape {LIMITS_SHAPE}; got {body!r}")
    groups = body.get("groups") or {}
    unknown = sorted(set(groups) - set(state.catalog.groups))
    if unknown:
        known = ", ".join(state.catalog.groups)
        raise StateError(f"unknown rate-limit groups {unknown}; the groups are {known}")
    # Parse every policy before applying any, so a bad one changes nothing.
    parsed = {group: _policy(data) for group, data in groups.items()}
    default_given = "default" in body
    default = _policy(body["default"]) if default_given else None
    limiter = tenant.limiter
    enabled = body.get("enabled", enabled)
    if enabled is not None:
        limiter.set_enabled(enabled)
    if default_given:
        limiter.set_default(default)
    for group, policy in parsed.items():
        limiter.configure(group, policy)
    if body.get("refill"):
        limiter.reset()


def get_defaults(call: Ctx) -> dict[str, Any]:
    return call.context.rate_defaults.to_dict()


def put_defaults(call: Ctx) -> dict[str, Any]:
    state, body = call.context, call.body
    current = state.rate_defaults
    policy = _policy(body["default"]) if "default" in body else current.policy
    assert policy is not None  # the schema does not allow a null default here
    state.set_rate_defaults(RateDefaults(body.get("enabled", current.enabled), policy))
    return state.rate_defaults.to_dict()
