"""Who is calling. FullStory: ``Authorization: Basic <raw API key>``; Cognigy: see
:mod:`mockserver.cognigy.auth`; the admin API: an optional bearer token. Authenticators raise
the documented 401/403 and look only at the :class:`Credentials` the pipeline hands them."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple, Protocol

from mockserver.core.keys import ApiKey, KeyLevel, KeyRing
from mockserver.core.made_once import MadeOnce
from mockserver.http.errors import Forbidden, Unauthorized
from mockserver.http.spec import Operation


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as: the key's id, its tenant (None for the control plane) and
    level."""

    key_id: str
    tenant: str | None  # None for the control plane, which spans tenants
    level: KeyLevel
    email: str = ""


ADMIN_PRINCIPAL = Principal(key_id="admin", tenant=None, level=KeyLevel.ADMIN)


class Credentials(NamedTuple):
    """What an authenticator may look at: the request headers it asked for (lower-case names)
    and the query string (an API may take its key there, as Cognigy's ``api_key`` does)."""

    headers: Mapping[str, str]
    query: Mapping[str, list[str]]

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


class Authenticator(Protocol):
    # The request headers this scheme reads; the pipeline decodes only those (and its own).
    header_names: ClassVar[frozenset[str]]

    def authenticate(self, credentials: Credentials, operation: Operation) -> Principal: ...


def principal_of(key: ApiKey) -> Principal:
    return Principal(key_id=key.key_id, tenant=key.tenant, level=key.level, email=key.email)


def required_level(operation: Operation) -> KeyLevel:
    """The spec's ``x-key-level`` or ``x-fullstory-permission`` (Standard when absent)."""
    extensions = operation.extensions
    level = extensions.get("x-key-level", extensions.get("x-fullstory-permission", "standard"))
    return KeyLevel.parse(str(level))


@dataclass(slots=True)
class KeyChecker:
    """Looks a secret up in the key ring and checks the key's level against the operation's
    (levels parsed once per operation, not per request). Shared by every key-based scheme."""

    keys: KeyRing
    levels: dict[str, KeyLevel] = field(default_factory=dict)
    # One Principal per key: it is immutable, and building one (a frozen dataclass) cost
    # about 3 µs of every request.
    principals: MadeOnce[ApiKey, Principal] = field(default_factory=lambda: MadeOnce(principal_of))

    def principal(self, secret: str | None, operation: Operation) -> Principal:
        key = self.keys.find(secret.strip()) if secret else None
        if key is None:
            raise Unauthorized()
        required = self.levels.get(operation.operation_id)
        if required is None:
            required = self.levels[operation.operation_id] = required_level(operation)
        if key.level < required:
            raise Forbidden(
                f"insufficient permissions: {operation.operation_id} needs a {required.label} key, "
                f"this one is {key.level.label}"
            )
        return self.principals.get(key.secret, key)


def scheme_secret(authorization: str | None, scheme: str) -> str | None:
    """The credential after ``<scheme> `` in an Authorization header (scheme ignores case)."""
    name, _, secret = (authorization or "").strip().partition(" ")
    return secret if name.lower() == scheme else None


class BasicKeyAuthenticator:
    """FullStory's scheme: the raw key after ``Basic `` (not base64 of user:password)."""

    header_names: ClassVar[frozenset[str]] = frozenset({"authorization"})

    def __init__(self, keys: KeyRing) -> None:
        self.checker = KeyChecker(keys)

    def authenticate(self, credentials: Credentials, operation: Operation) -> Principal:
        secret = scheme_secret(credentials.authorization, "basic")
        return self.checker.principal(secret, operation)


@dataclass(frozen=True, slots=True)
class AdminTokenAuthenticator:
    """The control plane is open unless ``--admin-token`` is set; then ``Bearer <token>``."""

    token: str | None
    header_names: ClassVar[frozenset[str]] = frozenset({"authorization"})

    def authenticate(self, credentials: Credentials, operation: Operation) -> Principal:
        if self.token is None or not operation.secured:
            return ADMIN_PRINCIPAL
        given = scheme_secret(credentials.authorization, "bearer")
        if given is None or not hmac.compare_digest(
            _header_bytes(given.strip()), self.token.encode()
        ):
            raise Unauthorized("a valid admin token is required (Authorization: Bearer <token>)")
        return ADMIN_PRINCIPAL


def _header_bytes(value: str) -> bytes:
    """A header value back as the bytes that were sent (the pipeline decodes them as Latin-1),
    so any token compares in constant time: ``compare_digest`` refuses non-ASCII text, and a
    configured token is compared as its UTF-8 bytes."""
    return value.encode("latin-1", errors="replace")
