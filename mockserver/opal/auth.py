"""Who calls the Opal tools, and with which FullStory key: the connector's configuration and
the authenticator of the ``/opal`` mount (loaded at start, unlike the tools themselves).

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
from dataclasses import dataclass, field
from typing import ClassVar

from mockserver.core.keys import ApiKey, KeyLevel, KeyRing
from mockserver.core.made_once import MadeOnce
from mockserver.http.auth import Credentials, Principal
from mockserver.http.errors import Unauthorized
from mockserver.http.spec import Operation
from mockserver.settings import Settings

# Journal and rate-limit tenant for a connector whose key this server does not hold (one
# fronting another FullStory): its calls are still journaled and limited here.
REMOTE_TENANT = "opal-remote"


@dataclass(frozen=True, slots=True)
class OpalConfig:
    """The FullStory connector's configuration, as Opal's settings give it."""

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
    """Authenticates calls to the tools: the SDK's bearer token when one is configured, else
    an optional Basic FullStory key (see the module)."""

    config: OpalConfig
    keys: KeyRing
    local_keys_only: bool  # in process: a Basic key must be one this server holds
    header_names: ClassVar[frozenset[str]] = frozenset({"authorization"})
    # One principal per key (immutable; building one cost about 4 µs of every tool call).
    principals: MadeOnce[ApiKey, ConnectorPrincipal] = field(
        default_factory=lambda: MadeOnce(_connector_principal)
    )

    def authenticate(self, credentials: Credentials, operation: Operation) -> Principal:
        authorization = credentials.headers.get("authorization")  # credentials.authorization
        config = self.config
        secret = config.fullstory_key
        token = config.bearer_token
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
            given_key = given_key.strip()
            if given_key and scheme.lower() == "basic":
                secret = given_key
                key = self.keys.find(secret)  # looked up once, for the check and the principal
                if key is not None:  # the common case, without _principal's call
                    return self.principals.get(secret, key)
                if self.local_keys_only:
                    raise Unauthorized("Invalid FullStory API key")
                return self._principal(secret, key)
        return self._principal(secret, self.keys.find(secret))

    def _principal(self, secret: str, key: ApiKey | None) -> ConnectorPrincipal:
        if key is not None:  # found by its secret: key.secret == secret
            return self.principals.get(secret, key)
        return ConnectorPrincipal(_key_label(secret), REMOTE_TENANT, KeyLevel.STANDARD, "", secret)


def opal_config(settings: Settings) -> OpalConfig:
    return OpalConfig(
        fullstory_key=settings.opal_key,
        fullstory_url=settings.opal_fullstory_url,
        bearer_token=settings.opal_token,
        ai_analysis=settings.opal_ai_analysis,
    )
