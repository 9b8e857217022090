"""Who is calling. FullStory: ``Authorization: Basic <raw API key>``; the admin API: an optional
bearer token. Authenticators raise the documented 401/403 and never look at anything else."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Protocol

from mockserver.core.keys import ApiKey, KeyLevel, KeyRing
from mockserver.http.errors import Forbidden, Unauthorized
from mockserver.http.spec import Operation


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    tenant: str | None  # None for the control plane, which spans tenants
    level: KeyLevel
    email: str = ""


ADMIN_PRINCIPAL = Principal(key_id="admin", tenant=None, level=KeyLevel.ADMIN)


class Authenticator(Protocol):
    def authenticate(self, authorization: str | None, operation: Operation) -> Principal: ...


def principal_of(key: ApiKey) -> Principal:
    return Principal(key_id=key.key_id, tenant=key.tenant, level=key.level, email=key.email)


def required_level(operation: Operation) -> KeyLevel:
    """The spec's ``x-fullstory-permission`` (Standard when absent)."""
    return KeyLevel.parse(str(operation.extensions.get("x-fullstory-permission", "standard")))


@dataclass(frozen=True, slots=True)
class BasicKeyAuthenticator:
    """FullStory's scheme: the raw key after ``Basic `` (not base64 of user:password)."""

    keys: KeyRing
    levels: dict[str, KeyLevel] = field(default_factory=dict)

    def authenticate(self, authorization: str | None, operation: Operation) -> Principal:
        if not authorization:
            raise Unauthorized()
        scheme, _, secret = authorization.strip().partition(" ")
        key = self.keys.find(secret.strip()) if scheme.lower() == "basic" else None
        if key is None:
            raise Unauthorized()
        required = self.levels.get(operation.operation_id)
        if required is None:  # parsed once per operation, not per request
            required = self.levels[operation.operation_id] = required_level(operation)
        if key.level < required:
            raise Forbidden(
                f"insufficient permissions: {operation.operation_id} needs a {required.label} key, "
                f"this one is {key.level.label}"
            )
        return principal_of(key)


@dataclass(frozen=True, slots=True)
class AdminTokenAuthenticator:
    """The control plane is open unless ``--admin-token`` is set; then ``Bearer <token>``."""

    token: str | None

    def authenticate(self, authorization: str | None, operation: Operation) -> Principal:
        if self.token is None or not operation.secured:
            return ADMIN_PRINCIPAL
        scheme, _, given = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            _header_bytes(given.strip()), self.token.encode()
        ):
            raise Unauthorized("a valid admin token is required (Authorization: Bearer <token>)")
        return ADMIN_PRINCIPAL


def _header_bytes(value: str) -> bytes:
    """A header value back as the bytes that were sent (the pipeline decodes them as Latin-1),
    so any token compares in constant time: ``compare_digest`` refuses non-ASCII text, and a
    configured token is compared as its UTF-8 bytes."""
    return value.encode("latin-1", errors="replace")
