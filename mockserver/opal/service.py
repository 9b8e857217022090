"""The Opal tools themselves: the handlers of ``GET /opal/discovery`` and
``POST /opal/tools/<name>``, and the connector they call FullStory through.

Loaded at the first request under ``/opal`` (see :mod:`mockserver.opal.mount`), not at start:
the tool catalogue, its parameter rules and the FullStory client are about 20 ms of a cold
start that a server never asked for a tool does not need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from mockserver.http.direct_entry import DirectEntry
from mockserver.http.errors import InvalidArgument, NotFound
from mockserver.http.pipeline import Call, Handler
from mockserver.http.rendering import Reply, encode
from mockserver.opal.auth import ConnectorPrincipal, OpalConfig
from mockserver.opal.catalog import TOOLS, Tool, discovery
from mockserver.opal.client import (
    Backend,
    FullStoryError,
    HttpBackend,
    InProcessBackend,
)
from mockserver.opal.errors import tool_error
from mockserver.opal.mount import DISCOVERY_OPERATION
from mockserver.opal.params import ParameterError


@dataclass(frozen=True)
class Connector:
    """What a tool call needs: the settings and the way to FullStory."""

    config: OpalConfig
    backend: Backend

    @cached_property
    def discovery_json(self) -> bytes:
        """The discovery document, encoded once: it depends only on the tool catalogue (fixed)
        and this connector's configuration (frozen), so every request gets the same bytes.
        Building and encoding its 12 KB on each request was most of the endpoint's cost."""
        return encode(discovery(self.config.ai_analysis))


def get_discovery(call: Call[Connector]) -> Reply:
    return Reply(raw=call.context.discovery_json)


def tool_handler(tool: Tool) -> Handler:
    name, ai, validate, run = tool.name, tool.ai, tool.signature.validate, tool.run

    async def invoke(call: Call[Connector]) -> Any:
        # The call's fields at once (its properties are one call each).
        _, principal, inputs, connector, _, _ = call
        if ai and not connector.config.ai_analysis:  # a tool the connector does not offer
            raise NotFound(f"tool {name} is not available: AI-powered session analysis is off")
        body = inputs.body
        # A dict first: the ABC's isinstance check costs several times a type check.
        if type(body) is not dict and not isinstance(body, Mapping):
            body = {}
        # Opal sends {"parameters": {...}, ...}; the SDK also takes the bare parameters.
        raw = body.get("parameters", body)
        key = principal.fullstory_key if isinstance(principal, ConnectorPrincipal) else ""
        try:
            return await connector.backend.run_tool(key, run, validate(raw))
        except ParameterError as exc:
            raise InvalidArgument(str(exc)) from None
        except FullStoryError as exc:
            raise tool_error(name, exc) from None

    invoke.__name__ = name
    return invoke


def handlers() -> dict[str, Handler]:
    found: dict[str, Handler] = {DISCOVERY_OPERATION: get_discovery}
    found.update({tool.name: tool_handler(tool) for tool in TOOLS})
    return found


def backend_for(config: OpalConfig, app: Callable[[], DirectEntry]) -> Backend:
    if config.fullstory_url:
        return HttpBackend(config.fullstory_url)
    return InProcessBackend(app)
