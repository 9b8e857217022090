"""API keys: list (never secrets), create (the secret is shown once), revoke."""

from __future__ import annotations

from typing import Any

from mockserver.admin.errors import AdminNotFound
from mockserver.admin.views import key_info
from mockserver.core.keys import KeyLevel
from mockserver.http.pipeline import Call
from mockserver.http.rendering import Reply
from mockserver.state import ServerState

Ctx = Call[ServerState]


def list_keys(call: Ctx) -> dict[str, Any]:
    tenant = call.query.get("tenant")
    include_revoked = call.query.get("include_revoked", False)
    return {
        "keys": [
            key_info(key)
            for key in call.context.keys.all()
            if (tenant is None or key.tenant == tenant) and (include_revoked or not key.revoked)
        ]
    }


def create_key(call: Ctx) -> Reply:
    body = call.body
    key = call.context.create_key(
        body["tenant"],
        KeyLevel.parse(body["level"]),
        body.get("email", ""),
        body.get("secret"),
        deterministic=body.get("deterministic", False),
    )
    return Reply(body=key_info(key, with_secret=True))


def revoke_key(call: Ctx) -> dict[str, Any]:
    try:
        key = call.context.revoke_key(call.path["key_id"])
    except KeyError:
        raise AdminNotFound(f"no active key {call.path['key_id']}") from None
    return key_info(key)
