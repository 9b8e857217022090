"""Control-plane handlers. The context of every call is the whole :class:`ServerState`."""

from __future__ import annotations

from typing import Any

from mockserver.http.pipeline import Call, Handler
from mockserver.state import ServerState
from mockserver.version import __version__

Ctx = Call[ServerState]


def health(call: Ctx) -> dict[str, Any]:
    return {"status": "ok", "version": __version__, "apis": ["fullstory", "admin"]}


def handlers() -> dict[str, Handler]:
    return {"adminHealth": health}
