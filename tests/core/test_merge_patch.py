"""Merge patch (PATCH) and fill-in (merging two records)."""

from __future__ import annotations

from mockserver.core.merge_patch import fill_in, merge_patch


def test_merge_patch_is_rfc_7396() -> None:
    target = {"a": 1, "o": {"x": 1, "y": 2}, "l": [1, 2]}
    patch = {"a": None, "o": {"y": None, "z": 3}, "l": [3], "n": {"k": 1}}
    assert merge_patch(target, patch) == {"o": {"x": 1, "z": 3}, "l": [3], "n": {"k": 1}}
    assert target == {"a": 1, "o": {"x": 1, "y": 2}, "l": [1, 2]}  # unchanged


def test_fill_in_keeps_what_is_there_and_joins_lists() -> None:
    kept = {"name": "Tess", "tags": ["a"], "o": {"x": 1}}
    incoming = {"name": "Sam", "last": "Stone", "tags": ["a", "b"], "o": {"x": 2, "y": 3}}
    merged = fill_in(kept, incoming)
    assert merged == {"name": "Tess", "tags": ["a", "b"], "o": {"x": 1, "y": 3}, "last": "Stone"}
    merged["tags"].append("c")
    assert kept["tags"] == ["a"]  # a copy
