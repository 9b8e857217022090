from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.profiles.model import Profile, ProfileError, from_v2
from mockserver.fullstory.profiles.store import (
    MAX_PROFILES,
    BadPageToken,
    ProfileConflict,
    ProfileNotFound,
    ProfileStore,
)
from mockserver.fullstory.summaries.builtin import BUILTIN_PROFILES


def named(name: str) -> Callable[[str | None, int], Profile]:
    return lambda pid, seq: from_v2({"name": name}, pid or "", seq)


def all_ids(store: ProfileStore, limit: int = 3) -> list[str]:
    ids, token = [], None
    while True:
        page, token = store.page(limit, token)
        ids += [p.id for p in page]
        if not token:
            return ids


def test_builtins_first_then_created_in_order_with_server_ids() -> None:
    changes: list[int] = []
    store = ProfileStore("o-1", lambda: changes.append(1))
    a = store.create(named("a"))
    b = store.create(named("b"))
    assert all_ids(store) == [p.id for p in BUILTIN_PROFILES] + [a.id, b.id]
    assert a.id != b.id and len(a.id) == 36
    assert ProfileStore("o-1").create(named("a")).id == a.id
    assert ProfileStore("o-2").create(named("a")).id != a.id
    assert changes == [1, 1]


def test_last_page_token_is_empty_and_bad_tokens_are_refused() -> None:
    store = ProfileStore("o-1")
    page, token = store.page(100, None)
    assert len(page) == len(BUILTIN_PROFILES) and token == ""
    with pytest.raises(BadPageToken):
        store.page(10, "not-a-token")


@settings(max_examples=40, deadline=None)
@given(
    actions=st.lists(st.tuples(st.sampled_from(["create", "delete"]), st.integers(0, 30)),
                     max_size=12),
    limit=st.integers(1, 4),
)  # fmt: skip
def test_paging_neither_skips_nor_repeats_under_concurrent_changes(
    actions: list[tuple[str, int]], limit: int
) -> None:
    store = ProfileStore("o-1")
    for n in range(6):
        store.create(named(f"p{n}"))
    before = {p.id for p in store.page(100, None)[0]}
    seen: list[str] = []
    deleted: set[str] = set()
    page, token = store.page(limit, None)
    seen += [p.id for p in page]
    pending = list(actions)
    while token:
        if pending:
            action, n = pending.pop(0)
            if action == "create":
                store.create(named(f"new{n}"))
            else:
                current = [p.id for p in store.page(100, None)[0]]
                victim = current[n % len(current)] if current else None
                if victim is not None:
                    store.delete(victim)
                    deleted.add(victim)
        page, token = store.page(limit, token)
        seen += [p.id for p in page]
    assert len(seen) == len(set(seen))  # nothing repeated
    assert before - deleted <= set(seen)  # nothing that stayed was skipped


def test_get_update_delete_and_conflicts() -> None:
    store = ProfileStore("o-1")
    created = store.create(named("a"))
    updated = store.update(created.id, named("b"))
    assert updated.seq == created.seq and store.get(created.id).name == "b"
    store.delete(created.id)
    with pytest.raises(ProfileNotFound):
        store.get(created.id)
    with pytest.raises(ProfileNotFound):
        store.delete(created.id)
    with pytest.raises(ProfileConflict):
        store.create(lambda pid, seq: Profile("quick", seq))


def test_the_store_is_bounded() -> None:
    store = ProfileStore("o-1")
    while len(store) < MAX_PROFILES:
        store.create(named("x"))
    with pytest.raises(ProfileError, match="at most"):
        store.create(named("x"))


def test_snapshot_round_trip_and_bad_snapshots_change_nothing() -> None:
    store = ProfileStore("o-1")
    created = store.create(
        lambda pid, seq: from_v2(
            {"name": "n", "slice": {"duration_limit_ms": 9000}, "llm": {"temperature": 0.3}},
            pid or "", seq,
        )
    )  # fmt: skip
    store.delete("quick")
    saved = store.snapshot()
    other = ProfileStore("o-1")
    other.restore(saved)
    assert other.snapshot() == saved
    assert other.get(created.id).v2()["configuration"]["slice"] == {"duration_limit_ms": "9000"}
    broken_snapshots: list[Any] = [
        [],
        {"profiles": [{"id": "x"}], "next_seq": 5},
        {"profiles": [], "next_seq": "1"},
        {"profiles": saved["profiles"], "next_seq": 1},
        {"profiles": [{**saved["profiles"][0], "llm": {"temperature": 7}}], "next_seq": 99},
    ]
    for broken in broken_snapshots:
        with pytest.raises((ValueError, KeyError, TypeError)):
            other.restore(broken)
    assert other.snapshot() == saved
