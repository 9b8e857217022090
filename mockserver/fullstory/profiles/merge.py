"""Generate Summary With Overrides: merge a request's overrides onto a profile.

Documented rule (proto.Merge): "non-array fields replace the profile values and array fields
are additive" (``include_types`` ``["navigate", "click"]`` + ``["Added to Cart"]`` → all three).
INFERRED: ``llm.response_schema`` is replaced as a whole, not merged key by key: a schema is one
value to the client, and a half-merged schema could name required properties it no longer has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SECTIONS: tuple[str, ...] = ("slice", "context", "events", "cache", "llm")


def merge_overrides(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` and ``overrides`` are flat profile bodies (``slice``, ``context``, ...)."""
    merged: dict[str, Any] = {name: dict(base.get(name) or {}) for name in SECTIONS}
    for name in SECTIONS:
        override = overrides.get(name)
        if not isinstance(override, Mapping):
            continue
        target = merged[name]
        for key, value in override.items():
            if value is None:
                continue
            current = target.get(key)
            if isinstance(value, list) and isinstance(current, list):
                target[key] = [*current, *value]
            else:
                target[key] = value
    return {name: section for name, section in merged.items() if section}
