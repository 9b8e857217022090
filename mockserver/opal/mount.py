"""The ``/opal`` mount of a server, built at start without loading the tools.

The router, the pipeline's authentication, the error envelope and the spec's operations are
ready at start, so every answer under ``/opal`` (a 401, 404 or 405 included) is the same as
ever. The tools themselves (:mod:`mockserver.opal.service`: the catalogue, its parameter rules
and the FullStory client) load at the first request a tool or the discovery document serves,
about 20 ms that a start no longer spends. That first load also checks the spec against the
tools (:func:`~mockserver.http.routing.check_drift`): the router's own start-time check can
only see the spec's operation ids here, so a tool missing from the spec (or the reverse) fails
that first request and the Opal tests, not the start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mockserver.http.pipeline import ApiMount, Call, Handler
from mockserver.http.routing import check_drift
from mockserver.http.spec import ApiSpec, Operation, RequestBody
from mockserver.opal.auth import OpalAuthenticator, OpalConfig, opal_config
from mockserver.opal.envelope import TOOLS_PREFIX, OpalEnvelope
from mockserver.state import ServerState

if TYPE_CHECKING:
    from mockserver.http.direct_entry import DirectEntry
    from mockserver.opal.service import Connector

PREFIX = "/opal"
DISCOVERY_OPERATION = "opalDiscovery"


class DeferredTools(Mapping[str, Handler]):
    """The mount's handlers, one per operation of the spec, each loading the tools on its first
    call; and the mount's context (the connector), made at the same time.

    A handler hands the call straight to the loaded one (one more plain call per request,
    far below a tool call's cost)."""

    def __init__(
        self, operations: tuple[Operation, ...], config: OpalConfig, app: Callable[[], DirectEntry]
    ) -> None:
        self.operations = operations
        self.config = config
        self.app = app
        self._handlers = {op.operation_id: self._deferred(op.operation_id) for op in operations}

    @cached_property
    def loaded(self) -> tuple[Mapping[str, Handler], Connector]:
        """The tools' handlers (checked against the spec) and the connector."""
        from mockserver.opal import service  # here, not at the top: the point of this class

        handlers = service.handlers()
        check_drift("opal", self.operations, handlers)
        return handlers, service.Connector(self.config, service.backend_for(self.config, self.app))

    def connector(self, principal: Any) -> Connector:
        return self.loaded[1]

    def _deferred(self, operation_id: str) -> Handler:
        handler: Handler | None = None  # the loaded handler, once looked up

        def deferred(call: Call[Any]) -> Any:
            nonlocal handler
            if handler is None:
                handler = self.loaded[0][operation_id]
            return handler(call)

        deferred.__name__ = operation_id
        return deferred

    def __getitem__(self, operation_id: str) -> Handler:
        return self._handlers[operation_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)


def lenient_bodies(operations: tuple[Operation, ...]) -> tuple[Operation, ...]:
    """The tools check their own parameters (with the seed's rules and messages naming the
    parameter); the pipeline only makes sure a tool call's body (a POST under /opal/tools/) is
    a JSON object. The spec's full schema is for clients and the contract kit."""
    return tuple(
        replace(op, body=RequestBody(op.body.required, op.body.media_type, {"type": "object"}))
        if op.body is not None and op.path.startswith(TOOLS_PREFIX)
        else op
        for op in operations
    )


def opal_mount(
    state: ServerState,
    spec: ApiSpec,
    app: Callable[[], DirectEntry],
    config: OpalConfig | None = None,
    **options: Any,
) -> ApiMount[Connector]:
    """The Opal API mount of a server (``config`` defaults to the server's settings)."""
    config = config or opal_config(state.settings)
    operations = lenient_bodies(spec.operations)
    tools = DeferredTools(operations, config, app)
    return ApiMount(
        name="opal",
        prefix=PREFIX,
        operations=operations,
        handlers=tools,
        envelope=OpalEnvelope(),
        authenticator=OpalAuthenticator(config, state.keys, config.fullstory_url is None),
        context=tools.connector,
        **options,
    )
