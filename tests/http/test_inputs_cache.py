"""Validated inputs kept by raw query: the same answers, errors never kept, read-only, bounded."""

from __future__ import annotations

from types import MappingProxyType

import httpx
import pytest

from mockserver.app import MockServerApp
from mockserver.http.inputs_cache import MAX_ENTRIES, MAX_KEY_CHARS, InputsCache
from mockserver.http.validation import Inputs


def _cache(app: MockServerApp, path: str, method: str = "GET") -> InputsCache:
    cache = app.spec_router.static[path].by_method[method].inputs  # type: ignore[attr-defined]
    assert isinstance(cache, InputsCache)
    return cache


def test_key_is_the_raw_query_and_path_values_within_bounds() -> None:
    cache = InputsCache()
    assert cache.key(b"uid=a&limit=2", {}) == b"uid=a&limit=2"
    assert cache.key(b"", {"id": "7"}) == (b"", (("id", "7"),))
    assert cache.key(b"x" * (MAX_KEY_CHARS + 1), {}) is None
    assert cache.key(b"", {"id": "7" * MAX_KEY_CHARS}) is None


def test_only_scalar_inputs_are_kept_and_read_only() -> None:
    cache = InputsCache()
    cache.remember(b"a", {"a": ["1"]}, Inputs({}, {"a": 1}, None))
    cache.remember(b"b", {"b": ["1", "2"]}, Inputs({}, {"b": [1, 2]}, None))
    assert len(cache) == 1
    known = cache.get(b"a")
    assert known is not None
    assert (dict(known.inputs.path), dict(known.inputs.query)) == ({}, {"a": 1})
    assert isinstance(known.query, MappingProxyType)
    assert isinstance(known.inputs.query, MappingProxyType)
    with pytest.raises(TypeError):
        known.inputs.query["a"] = 2  # type: ignore[index]


def test_it_is_bounded() -> None:
    cache = InputsCache()
    for n in range(MAX_ENTRIES * 3):
        cache.remember(str(n).encode(), {}, Inputs({}, {}, None))
        assert len(cache) <= MAX_ENTRIES


def test_a_repeated_query_answers_the_same(app: MockServerApp, client: httpx.Client) -> None:
    cache = _cache(app, "/sessions/v2")
    first = client.get("/sessions/v2", params={"uid": "jane-checkout", "limit": "2"})
    assert first.status_code == 200
    assert len(cache) == 1
    again = client.get("/sessions/v2", params={"uid": "jane-checkout", "limit": "2"})
    assert again.content == first.content
    assert len(cache) == 1
    other = client.get("/sessions/v2", params={"uid": "jane-checkout", "limit": "1"})
    assert len(other.json()["sessions"]) <= 1
    assert len(cache) == 2


def test_a_bad_query_is_refused_every_time_and_not_kept(
    app: MockServerApp, client: httpx.Client, anon_client: httpx.Client
) -> None:
    cache = _cache(app, "/sessions/v2")
    for _ in range(2):
        response = client.get("/sessions/v2", params={"uid": "jane-checkout", "limit": "x"})
        assert response.status_code == 400
        assert "limit" in response.json()["message"]
    assert len(cache) == 0
    assert client.get("/sessions/v2", params={"uid": "jane-checkout"}).status_code == 200
    # Authentication still comes first for a query that was validated before.
    assert anon_client.get("/sessions/v2", params={"uid": "jane-checkout"}).status_code == 401


def test_a_query_given_as_values_is_kept_by_its_items_within_bounds() -> None:
    cache = InputsCache()
    key = cache.structured_key({"uid": ["a"], "limit": ["2"]}, {})
    assert key == ((("uid", "a"), ("limit", "2")),)
    assert key != cache.structured_key({"uid": ["a"], "limit": ["3"]}, {})
    assert key != cache.structured_key({"uid": ["a", "limit", "2"]}, {})
    assert key != cache.structured_key({"limit": ["2"], "uid": ["a"]}, {})
    assert cache.structured_key({}, {"id": "7"}) == ((), (("id", "7"),))
    # Never the key of a raw query, whatever its text.
    assert cache.structured_key({}, {}) != cache.key(b"", {})
    assert cache.structured_key({"x": ["y" * MAX_KEY_CHARS]}, {}) is None
    assert cache.structured_key({}, {"id": "7" * MAX_KEY_CHARS}) is None
