"""The Opal tools service as one API mount: ``GET /opal/discovery`` and
``POST /opal/tools/<name>``, through the shared pipeline (auth, rate limits, faults, journal).

Who the connector is: the Opal tools SDK guards a service with one static bearer token, and
the FullStory connector is configured with one FullStory API key (``--opal-key``). With no
bearer token configured, a request may instead carry ``Authorization: Basic <FullStory key>``
and is then served as a connector configured with that key: a fake-only convenience that gives
each test (and each contract run) a connector on its own tenant. Recorded in the README's
fidelity table.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, ClassVar

from mockserver.core.keys import ApiKey, KeyLevel, KeyRing
from mockserver.core.made_once import MadeOnce
from mockserver.http.auth import Credentials, Principal
from mockserver.http.direct_entry import DirectEntry
from mockserver.http.errors import InvalidArgument, NotFound, Unauthorized
from mockserver.http.pipeline import ApiMount, Call, Handler
from mockserver.http.rendering import Reply, encode
from mockserver.http.spec import ApiSpec, Operation, RequestBody
from mockserver.opal.catalog import TOOLS, TOOLS_BY_NAME, Tool, discovery
from mockserver.opal.client import (
    Backend,
    FullStoryClient,
    FullStoryError,
    HttpBackend,
    InProcessBackend,
)
from mockserver.opal.errors import OpalEnvelope, tool_error
from mockserver.opal.params import ParameterError
from mockserver.settings import Settings
from mockserver.state import ServerState

PREFIX = "/opal"
DISCOVERY_OPERATION = "opalDiscovery"
# Journal and rate-limit tenant for a connector whose key this server does not hold (one
# fronting another FullStory): its calls are still journaled and limited here.
REMOTE_TENANT = "opal-remote"


@dataclass(frozen=True, slots=True)
class OpalConfig:
    fullstory_key: str = "mock-admin-key"
    fullstory_url: str | None = None  # None: this server's own FullStory API, in process
    bearer_token: str | None = None  # the SDK's static_token auth mode when set
    ai_analysis: bool = True  # "Enable AI-powered session analysis"


@dataclass(frozen=True, slots=True)
class ConnectorPrincipal(Principal):
    """A caller of the tools, and the FullStory key its tool calls use (never journaled)."""

    fullstory_key: str = ""


def _key_label(secret: str) -> str:
    return "key_" + hashlib.sha256(secret.encode()).hexdigest()[:12]


def _connector_principal(key: ApiKey) -> ConnectorPrincipal:
    return ConnectorPrincipal(key.key_id, key.tenant, key.level, key.email, key.secret)


@dataclass(frozen=True, slots=True)
class OpalAuthenticator:
    config: OpalConfig
    keys: KeyRing
    local_keys_only: bool  # in process: a Basic key must be one this server holds
    header_names: ClassVar[frozenset[str]] = frozenset({"authorization"})
    # One principal per key (immutable; building one cost about 4 µs of every tool call).
    principals: MadeOnce[ApiKey, ConnectorPrincipal] = field(
        default_factory=lambda: MadeOnce(_connector_principal)
    )

    def authenticate(self, credentials: Credentials, operation: Operation) -> Principal:
        authorization = credentials.authorization
        secret = self.config.fullstory_key
        token = self.config.bearer_token
        if token is not None:
            if operation.secured:
                # The SDK's static-token middleware, to the letter (and its texts).
                given = authorization or ""
                if not given.startswith("Bearer "):
                    raise Unauthorized("Missing bearer token")
                if not hmac.compare_digest(given[len("Bearer ") :].encode(), token.encode()):
                    raise Unauthorized("Invalid bearer token")
        elif authorization:
            scheme, _, given_key = authorization.strip().partition(" ")
            if scheme.lower() == "basic" and given_key.strip():
                secret = given_key.strip()
                key = self.keys.find(secret)  # looked up once, for the check and the principal
                if key is None and self.local_keys_only:
                    raise Unauthorized("Invalid FullStory API key")
                return self._principal(secret, key)
        return self._principal(secret, self.keys.find(secret))

    def _principal(self, secret: str, key: ApiKey | None) -> ConnectorPrincipal:
        if key is not None:  # found by its secret: key.secret == secret
            return self.principals.get(secret, key)
        return ConnectorPrincipal(_key_label(secret), REMOTE_TENANT, KeyLevel.STANDARD, "", secret)


@dataclass(frozen=True)
class Connector:
    """What a tool call needs: the settings and the way to FullStory."""

    config: OpalConfig
    backend: Backend

    def offers(self, tool: Tool) -> bool:
        return self.config.ai_analysis or not tool.ai

    @cached_property
    def discovery_json(self) -> bytes:
        """The discovery document, encoded once: it depends only on the tool catalogue (fixed)
        and this connector's configuration (frozen), so every request gets the same bytes.
        Building and encoding its 12 KB on each request was most of the endpoint's cost."""
        return encode(discovery(self.config.ai_analysis))


def get_discovery(call: Call[Connector]) -> Reply:
    return Reply(raw=call.context.discovery_json)


def tool_handler(tool: Tool) -> Handler:
    async def invoke(call: Call[Connector]) -> Any:
        connector = call.context
        if not connector.offers(tool):
            raise NotFound(f"tool {tool.name} is not available: AI-powered session analysis is off")
        # A dict first: the ABC's isinstance check costs several times a type check.
        body = call.body if type(call.body) is dict or isinstance(call.body, Mapping) else {}
        # Opal sends {"parameters": {...}, ...}; the SDK also takes the bare parameters.
        raw = body.get("parameters", body)
        principal = call.principal
        key = principal.fullstory_key if isinstance(principal, ConnectorPrincipal) else ""
        try:
            values = tool.signature.validate(raw)
            async with connector.backend.open(key) as http:
                return await tool.run(FullStoryClient(http), values)
        except ParameterError as exc:
            raise InvalidArgument(str(exc)) from None
        except FullStoryError as exc:
            raise tool_error(tool.name, exc) from None

    invoke.__name__ = tool.name
    return invoke


def handlers() -> dict[str, Handler]:
    found: dict[str, Handler] = {DISCOVERY_OPERATION: get_discovery}
    found.update({tool.name: tool_handler(tool) for tool in TOOLS})
    return found


def backend_for(config: OpalConfig, app: Callable[[], DirectEntry]) -> Backend:
    if config.fullstory_url:
        return HttpBackend(config.fullstory_url)
    return InProcessBackend(app)


def lenient_bodies(operations: tuple[Operation, ...]) -> tuple[Operation, ...]:
    """The tools check their own parameters (with the seed's rules and messages naming the
    parameter); the pipeline only makes sure a body is a JSON object. The spec's full schema
    is for clients and the contract kit."""
    return tuple(
        replace(op, body=RequestBody(op.body.required, op.body.media_type, {"type": "object"}))
        if op.body is not None and op.operation_id in TOOLS_BY_NAME
        else op
        for op in operations
    )


def opal_config(settings: Settings) -> OpalConfig:
    return OpalConfig(
        fullstory_key=settings.opal_key,
        fullstory_url=settings.opal_fullstory_url,
        bearer_token=settings.opal_token,
        ai_analysis=settings.opal_ai_analysis,
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
    connector = Connector(config, backend_for(config, app))
    return ApiMount(
        name="opal",
        prefix=PREFIX,
        operations=lenient_bodies(spec.operations),
        handlers=handlers(),
        envelope=OpalEnvelope(),
        authenticator=OpalAuthenticator(config, state.keys, config.fullstory_url is None),
        context=lambda principal: connector,
        **options,
    )
