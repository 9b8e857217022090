"""mockserver's control plane (``/__admin``): a tenant of the kit's own, a spare tenant and key to
delete and revoke, a fault rule that never fires, and the rule that a write it acknowledges is
stored (read back, listed, then gone once deleted)."""

from __future__ import annotations

from typing import Any

from mockserver.contract.context import PropertyContext
from mockserver.contract.entries import (
    NEEDS_ADMIN,
    NEEDS_WRITES,
    ApiEntry,
    Discover,
    ExplicitCase,
    Property,
)

ADMIN = "/__admin"
NEVER = "/__mockserver_contract/never-requested"  # a path no request has: the rule never fires


def _status(response: Any, expected: int, what: str) -> Any:
    assert response.status_code == expected, f"{what}: {response.status_code} {response.text}"
    return response.json()


def acknowledged_writes_are_stored(ctx: PropertyContext) -> None:
    tenant = ctx.state("tenant.id")
    client = ctx.client
    body = {"match": {"tenant": tenant, "path": NEVER}, "action": {"type": "error", "status": 500}}
    rule = _status(client.post(f"{ADMIN}/faults", json=body), 201, "create a fault rule")
    try:
        read = _status(client.get(f"{ADMIN}/faults/{rule['id']}"), 200, "read the rule back")
        assert read["match"] == rule["match"] and read["action"] == rule["action"]
        listed = _status(client.get(f"{ADMIN}/faults"), 200, "list rules")["faults"]
        assert rule["id"] in [r["id"] for r in listed], "an acknowledged rule is not listed"
    finally:
        _status(client.delete(f"{ADMIN}/faults/{rule['id']}"), 200, "delete the rule")
    assert client.get(f"{ADMIN}/faults/{rule['id']}").status_code == 404, "deleted, still there"

    key = _status(
        client.post(f"{ADMIN}/keys", json={"tenant": tenant, "level": "standard"}), 201, "a key"
    )
    try:
        listed = _status(client.get(f"{ADMIN}/keys", params={"tenant": tenant}), 200, "keys")
        assert key["key_id"] in [k["key_id"] for k in listed["keys"]], "a created key is missing"
    finally:
        revoked = _status(client.delete(f"{ADMIN}/keys/{key['key_id']}"), 200, "revoke the key")
    assert revoked["revoked"] is True


ENTRY = ApiEntry(
    spec="admin",
    scenario="default",
    discover=(
        Discover("tenant.snapshot", f"{ADMIN}/tenants/{{tenant.id}}/snapshot", "", admin=True),
        Discover(
            "spare.tenant",
            f"{ADMIN}/tenants",
            "/tenant/tenant_id",
            method="POST",
            json={},
            admin=True,
            writes=True,
            cleanup="DELETE /__admin/tenants/{spare.tenant}",
        ),
        Discover(
            "spare.key",
            f"{ADMIN}/keys",
            "/key_id",
            method="POST",
            json={"tenant": "{tenant.id}", "level": "standard"},
            admin=True,
            writes=True,
            cleanup="DELETE /__admin/keys/{spare.key}",
        ),
        *(
            Discover(
                state,
                f"{ADMIN}/faults",
                "/id",
                method="POST",
                json={
                    "match": {"tenant": "{tenant.id}", "path": NEVER},
                    "action": {"type": "error", "status": 500},
                },
                admin=True,
                writes=True,
                cleanup=f"DELETE /__admin/faults/{{{state}}}",
            )
            # One for the examples (deleteFault removes it), one the explicit case reads.
            for state in ("fault.id", "kept_fault.id")
        ),
    ),
    cases=(
        ExplicitCase("getFault", path_parameters={"fault_id": "{kept_fault.id}"}),
        # The tenant's own snapshot, put back: the one request sure to be a valid snapshot.
        ExplicitCase(
            "putTenantSnapshot", path_parameters={"tenant": "{tenant.id}"}, body="{tenant.snapshot}"
        ),
    ),
    examples={
        "*": {"tenant": "tenant.id", "key_id": "spare.key", "fault_id": "fault.id"},
        "deleteTenant": {"tenant": "spare.tenant"},
    },
    # A whole-server reset forgets every tenant (the kit's included), clearing the fault rules
    # forgets the one the examples name: they go last.
    last=frozenset({"resetAll", "clearFaults"}),
    volatile=frozenset({"now", "timestamp", "uptime_seconds", "secret"}),
    server_wide=True,  # unscoped fault rules, the clock, defaults: after every other API
    properties=(
        Property(
            "acknowledged_writes_are_stored",
            acknowledged_writes_are_stored,
            frozenset({NEEDS_ADMIN, NEEDS_WRITES}),
        ),
    ),
)
