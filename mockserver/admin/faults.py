"""Fault rules: documented errors, latency, dropped connections and truncated bodies."""

from __future__ import annotations

from typing import Any

from mockserver.admin.errors import AdminNotFound
from mockserver.admin.inputs import with_integers
from mockserver.core.faults import FaultSpec
from mockserver.http.pipeline import Call
from mockserver.http.rendering import Reply
from mockserver.state import ServerState, StateError

Ctx = Call[ServerState]


def list_faults(call: Ctx) -> dict[str, Any]:
    return {"faults": [rule.to_dict() for rule in call.context.faults.list()]}


def create_fault(call: Ctx) -> Reply:
    body = with_integers(call.body, ("times", "seed"))
    body["action"] = with_integers(body["action"], ("status", "ms", "keep_bytes"))
    try:
        spec = FaultSpec.from_dict(body)
    except ValueError as error:
        raise StateError(str(error)) from None
    rule = call.context.add_fault(spec)
    return Reply(body=rule.to_dict(), headers={"Location": f"/__admin/faults/{rule.id}"})


def clear_faults(call: Ctx) -> dict[str, Any]:
    faults = call.context.faults
    removed = len(faults)
    faults.clear()
    return {"removed": removed}


def get_fault(call: Ctx) -> dict[str, Any]:
    rule = call.context.faults.get(call.path["fault_id"])
    if rule is None:
        raise AdminNotFound(f"no fault rule {call.path['fault_id']} (spent rules are removed)")
    return rule.to_dict()


def delete_fault(call: Ctx) -> dict[str, Any]:
    faults, fault_id = call.context.faults, call.path["fault_id"]
    rule = faults.get(fault_id)
    if rule is None or not faults.remove(fault_id):
        raise AdminNotFound(f"no fault rule {fault_id} (spent rules are removed)")
    return rule.to_dict()
