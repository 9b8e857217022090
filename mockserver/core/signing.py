"""Signed, expiring links (the way a cloud-storage signed URL works): an HMAC over what the link
names and when it expires, under a secret the server never reveals to API clients.

A link of one tenant can be neither forged nor re-pointed by another: the secret is random per
tenant, and the signature covers the tenant, the object and the expiry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime


def new_secret() -> str:
    return secrets.token_hex(32)


@dataclass(frozen=True, slots=True)
class Signer:
    """HMAC-SHA256 signatures over text parts with one secret (hex); verification in
    constant time."""

    secret: str

    def sign(self, *parts: str) -> str:
        message = "\n".join(parts).encode()
        return hmac.new(bytes.fromhex(self.secret), message, hashlib.sha256).hexdigest()

    def verify(self, signature: str, *parts: str) -> bool:
        return hmac.compare_digest(self.sign(*parts), signature.lower())


def compact_time(at: datetime) -> str:
    """``20260901T000000Z``: the ``X-Goog-Date`` form."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_compact_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
