"""The admin spec as served: completed with what only the running server knows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

RATE_LIMIT_GROUP = "RateLimitGroup"


def with_rate_limit_groups(document: dict[str, Any], groups: Sequence[str]) -> dict[str, Any]:
    """``document`` with ``RateLimitGroup`` limited to ``groups``.

    The groups come from the served APIs' ``x-rate-limit-group`` extensions, which grow as APIs
    land; writing them into admin.yaml by hand would go stale. With the enum in the schema, an
    unknown group is a documented 400 (the request validator refuses it), and a client
    generated from the spec knows the names."""
    schemas = document["components"]["schemas"]
    schema = dict(schemas[RATE_LIMIT_GROUP])
    schema["enum"] = sorted(groups)
    schema["description"] = (
        "A rate-limit group: an `x-rate-limit-group` of a served API's spec. The list is filled "
        "in by the server from the APIs it serves."
    )
    return {**document, "components": {**document["components"],
            "schemas": {**schemas, RATE_LIMIT_GROUP: schema}}}  # fmt: skip
