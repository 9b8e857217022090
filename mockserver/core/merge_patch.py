"""Deep merges of JSON objects: a partial update (PATCH) and a merge of two records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def merge_patch(target: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7396 JSON merge patch: objects merge key by key, recursively; ``null`` removes a
    key; anything else (lists included) replaces. Neither argument is changed."""
    merged = dict(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_patch(merged[key], value)
        else:
            merged[key] = _copy(value)
    return merged


def fill_in(kept: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    """``kept`` with what only ``incoming`` has: objects merge recursively, lists are joined
    (``kept``'s items first, items already there not repeated), and where both have a scalar
    ``kept`` wins. Used when two records become one."""
    merged = {key: _copy(value) for key, value in kept.items()}
    for key, value in incoming.items():
        mine = merged.get(key)
        if key not in merged:
            merged[key] = _copy(value)
        elif isinstance(mine, dict) and isinstance(value, Mapping):
            merged[key] = fill_in(mine, value)
        elif isinstance(mine, list) and isinstance(value, list):
            merged[key] = mine + [_copy(item) for item in value if item not in mine]
    return merged


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
