"""Health and the whole-server reset."""

from __future__ import annotations

from typing import Any

from mockserver.http.pipeline import Call
from mockserver.state import ServerState
from mockserver.version import __version__

Ctx = Call[ServerState]


def health(call: Ctx) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "status": "ok",
        "version": __version__,
        # The tenant-facing APIs this server mounts, then its own control plane.
        "apis": [*sorted(set(call.context.catalog.api_by_operation.values())), "admin"],
    }
    storage = call.context.storage_status()
    if storage is not None:
        answer["storage"] = storage
        if not storage["ok"]:
            answer["status"] = "degraded"
    return answer


def reset_all(call: Ctx) -> dict[str, Any]:
    call.context.reset_all()
    return {"reset": "all"}
