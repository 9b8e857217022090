"""AI session summaries: the generation latency switch (server-wide)."""

from __future__ import annotations

from typing import Any

from mockserver.http.pipeline import Call
from mockserver.state import ServerState

Ctx = Call[ServerState]


def get_latency(call: Ctx) -> dict[str, Any]:
    return {"mode": call.context.summary_latency.mode}


def put_latency(call: Ctx) -> dict[str, Any]:
    call.context.summary_latency.set_mode(call.body["mode"])  # the spec's enum checked it
    return get_latency(call)
