"""API keys: each belongs to one tenant (a FullStory organisation) and has a level.

FullStory's levels are hierarchical: Standard < Architect < Admin. An operation's required
level is read from the spec (``x-fullstory-permission``), never hard-coded in a handler.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import IntEnum


class KeyLevel(IntEnum):
    STANDARD = 1
    ARCHITECT = 2
    ADMIN = 3

    @classmethod
    def parse(cls, text: str) -> KeyLevel:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(level.name.lower() for level in cls)
            raise ValueError(f"unknown key level {text!r}; use one of {names}") from None

    @property
    def role(self) -> str:
        """The ``role`` that ``GET /me`` reports for this level (FullStory's role mapping)."""
        return {KeyLevel.STANDARD: "USER", KeyLevel.ARCHITECT: "ARCHITECT"}.get(self, "ADMIN")

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key: its secret, tenant and level; ``key_id`` is the label shown instead of
    the secret."""

    secret: str
    tenant: str
    level: KeyLevel
    email: str = ""
    revoked: bool = False
    # A label safe to show in journals and listings, never the secret itself. Computed once:
    # every request needs it.
    key_id: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256(self.secret.encode()).hexdigest()[:12]
        object.__setattr__(self, "key_id", "key_" + digest)

    @classmethod
    def parse(cls, text: str) -> ApiKey:
        """``SECRET=TENANT:LEVEL[:EMAIL]``, the form of ``--key`` and ``MOCKSERVER_KEYS``."""
        secret, sep, rest = text.partition("=")
        parts = rest.split(":", 2)
        if not sep or not secret.strip() or len(parts) < 2 or not parts[0].strip():
            raise ValueError(f"key {text!r} is not SECRET=TENANT:LEVEL[:EMAIL]")
        email = parts[2].strip() if len(parts) == 3 else ""
        return cls(secret.strip(), parts[0].strip(), KeyLevel.parse(parts[1]), email)

    def format(self) -> str:
        email = f":{self.email}" if self.email else ""
        return f"{self.secret}={self.tenant}:{self.level.name.lower()}{email}"


DEFAULT_TENANT = "o-MOCK-na1"

# The documented keys that work out of the box (README, "Keys"): one per level, one tenant.
DEFAULT_KEYS: tuple[ApiKey, ...] = (
    ApiKey("mock-admin-key", DEFAULT_TENANT, KeyLevel.ADMIN, "admin@mockserver.test"),
    ApiKey("mock-architect-key", DEFAULT_TENANT, KeyLevel.ARCHITECT, "architect@mockserver.test"),
    ApiKey("mock-standard-key", DEFAULT_TENANT, KeyLevel.STANDARD, "standard@mockserver.test"),
)


class KeyRing:
    """The keys the server accepts. Thread-safe: the pytest plugin edits it from test threads."""

    def __init__(self, keys: Iterable[ApiKey]) -> None:
        self._lock = threading.Lock()
        self._keys = {key.secret: key for key in keys}

    def find(self, secret: str) -> ApiKey | None:
        key = self._keys.get(secret)
        return key if key is not None and not key.revoked else None

    def add(self, key: ApiKey) -> ApiKey:
        with self._lock:
            if key.secret in self._keys and not self._keys[key.secret].revoked:
                raise ValueError(f"key {key.key_id} already exists")
            self._keys[key.secret] = key
        return key

    def revoke(self, key_id: str) -> ApiKey | None:
        with self._lock:
            for secret, key in self._keys.items():
                if key.key_id == key_id and not key.revoked:
                    self._keys[secret] = replace(key, revoked=True)
                    return self._keys[secret]
        return None

    def forget_revoked(self, tenant: str) -> None:
        """Drop a tenant's revoked keys for good (a short-lived test tenant's, say)."""
        with self._lock:
            self._keys = {
                secret: key
                for secret, key in self._keys.items()
                if not (key.tenant == tenant and key.revoked)
            }

    def all(self) -> list[ApiKey]:
        with self._lock:
            return sorted(self._keys.values(), key=lambda k: (k.tenant, k.level, k.key_id))
