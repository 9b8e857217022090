"""Bounded caches: the LRU map's clear, hits and recency, and ChangeCache's invalidation."""

from __future__ import annotations

import pytest

from mockserver.core.lru import ChangeCache, LruCache


def test_clear_empties_the_map_and_its_weight() -> None:
    cache: LruCache[int, bytes] = LruCache(4, weigh=len, max_weight=10)
    cache.put(1, b"12345678")
    cache.clear()
    assert len(cache) == 0 and cache.peek(1) is None
    cache.put(2, b"1234567890")
    cache.put(3, b"")
    assert cache.peek(2) is not None  # the cleared weight no longer counts


def test_change_cache_keeps_values_until_invalidated() -> None:
    cache: ChangeCache[str, int] = ChangeCache(LruCache(8))
    state = {"value": 1}
    assert cache.get_or_create("k", lambda: state["value"]) == 1
    state["value"] = 2
    assert cache.get_or_create("k", lambda: state["value"]) == 1  # kept
    cache.invalidate()
    assert len(cache) == 0
    assert cache.get_or_create("k", lambda: state["value"]) == 2


def test_a_value_built_across_a_change_is_never_answered() -> None:
    cache: ChangeCache[str, int] = ChangeCache(LruCache(8))

    def racing_build() -> int:
        cache.invalidate()  # the state changes while the value is being built
        return 1

    assert cache.get_or_create("k", racing_build) == 1
    assert cache.get_or_create("k", lambda: 2) == 2


def test_errors_are_not_cached() -> None:
    cache: ChangeCache[str, int] = ChangeCache(LruCache(8))

    def failing() -> int:
        raise LookupError("no such thing")

    with pytest.raises(LookupError):
        cache.get_or_create("k", failing)
    assert len(cache) == 0 and cache.get_or_create("k", lambda: 3) == 3


def test_change_cache_is_bounded() -> None:
    cache: ChangeCache[int, bytes] = ChangeCache(LruCache(3, weigh=len, max_weight=100))
    for key in range(10):
        cache.get_or_create(key, lambda: b"x")
    assert len(cache) == 3


def test_a_value_built_across_a_clear_is_not_kept() -> None:
    cache: LruCache[str, int] = LruCache(8)

    def racing_build() -> int:
        cache.clear()  # another thread clears while this value is being built
        return 1

    assert cache.get_or_create("k", racing_build) == 1
    assert cache.peek("k") is None


def test_a_cached_none_is_a_hit() -> None:
    cache: LruCache[int, int | None] = LruCache(2)
    assert cache.get_or_create(1, lambda: None) is None
    assert cache.get_or_create(1, lambda: 5) is None


def test_a_hit_makes_the_item_the_most_recent() -> None:
    cache: LruCache[int, int] = LruCache(2)
    cache.put(1, 1)
    cache.put(2, 2)
    assert cache.get_or_create(1, lambda: 0) == 1
    cache.put(3, 3)  # evicts 2, now the least recent
    assert cache.peek(2) is None and cache.peek(1) == 1
