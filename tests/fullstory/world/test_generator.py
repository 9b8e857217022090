"""The World: determinism, O(1) lookups, laziness, session timelines."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.lru import LruCache
from mockserver.fullstory.ids import MAX_SESSIONS_PER_USER, SessionId, parse_session_id
from mockserver.fullstory.world.generator import (
    HISTORY,
    SESSION_CACHE_EVENTS,
    SESSION_CACHE_SIZE,
    World,
    WorldConfig,
)
from mockserver.fullstory.world.models import Event, Page, User

EPOCH = datetime(2026, 9, 1, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[3]


def make_world(users: int = 1000, seed: int = 42) -> World:
    return World(WorldConfig(seed, users, "o-1A2B3C-na1", "Acme Outfitters", EPOCH))


# Run in this process (via exec) and in a fresh interpreter: the digests must agree.
FINGERPRINT = """
import hashlib
from datetime import UTC, datetime
import orjson
from mockserver.fullstory.context import ContextRequest, build_context
from mockserver.fullstory.events_model import session_events
from mockserver.fullstory.world.generator import World, WorldConfig

def fingerprint():
    world = World(WorldConfig(42, 1000, "o-1A2B3C-na1", "Acme", datetime(2026, 9, 1, tzinfo=UTC)))
    payload = []
    for index in (999, 3, 500, 0):
        user = world.user_at(index)
        refs = world.sessions_of(user)
        payload.append([user, refs])
        for ref in refs[:3]:
            session = world.session(ref.session_id)
            payload.append(session_events(session))
            payload.append(build_context(session, world.org, ContextRequest()))
    data = orjson.dumps(payload, default=dict)
    return hashlib.sha256(data).hexdigest()
"""


def _in_process_fingerprint() -> str:
    namespace: dict[str, Any] = {}
    exec(FINGERPRINT, namespace)
    result: str = namespace["fingerprint"]()
    return result


def test_same_config_gives_equal_worlds() -> None:
    first, second = make_world(), make_world()
    for index in (0, 1, 17, 999):
        user = first.user_at(index)
        assert user == second.user_at(index)
        assert first.sessions_of(user) == second.sessions_of(user)
        for ref in first.sessions_of(user):
            assert first.session(ref.session_id) == second.session(ref.session_id)


def test_order_of_access_does_not_matter() -> None:
    forward, backward = make_world(), make_world()
    forward_users = [forward.user_at(i) for i in range(20)]
    backward_users = [backward.user_at(i) for i in reversed(range(20))][::-1]
    assert forward_users == backward_users


def test_different_seeds_give_different_worlds() -> None:
    assert make_world(seed=1).user_at(0) != make_world(seed=2).user_at(0)


def test_output_is_identical_across_processes() -> None:
    expected = _in_process_fingerprint()
    code = FINGERPRINT + "\nprint(fingerprint())\n"
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            env={"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
        )
        assert result.stdout.strip() == expected


def test_population_of_a_billion_is_lazy_and_lookups_do_not_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = 987_654_321
    email = make_world(users=10**9).user_at(target).email
    calls: list[int] = []
    original = World._make_user

    def counting(self: World, index: int) -> User:
        calls.append(index)
        return original(self, index)

    monkeypatch.setattr(World, "_make_user", counting)
    world = make_world(users=10**9)
    assert calls == []  # construction generated nobody
    found = world.user_by_email(email.upper())
    assert found is not None
    assert found.index == target
    assert calls == [target]  # exactly one user generated: decoded, regenerated, verified
    assert world.user_by_uid(found.uid) == found
    assert calls == [target]  # second lookup served from the cache


def test_construction_cost_does_not_depend_on_population() -> None:
    make_world(users=1)  # warm Faker's lazy imports

    def allocated(users: int) -> int:
        tracemalloc.start()
        world = make_world(users=users)
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert world.config.users == users
        return size

    small, huge = allocated(1000), allocated(10**9)
    assert huge < small + 64 * 1024


@settings(max_examples=40, deadline=None)
@given(index=st.integers(min_value=0, max_value=10**6 - 1))
def test_every_id_of_a_user_finds_it(index: int) -> None:
    world = make_world(users=10**6, seed=7)
    user = world.user_at(index)
    assert world.user_by_uid(user.uid) == user
    assert world.user_by_email(user.email) == user
    assert world.user_by_email(user.email.upper()) == user
    for ref in world.sessions_of(user):
        session = world.session(ref.session_id)
        assert session is not None
        assert session.ref == ref
        assert world.session(parse_session_id(str(ref.session_id))) == session
        by_uid = world.session_by_uid(ref.session_uid)
        assert by_uid == session
        assert world.session_by_uid(ref.session_uid.upper()) == session


def test_user_at_bounds() -> None:
    world = make_world(users=10)
    world.user_at(9)
    for bad in (-1, 10):
        with pytest.raises(IndexError):
            world.user_at(bad)


def test_users_outside_the_population_are_unknown() -> None:
    big, small = make_world(users=10**6), make_world(users=10)
    user = big.user_at(500_000)
    assert small.user_by_uid(user.uid) is None
    assert small.user_by_email(user.email) is None
    for ref in big.sessions_of(user):
        assert small.session(ref.session_id) is None
        assert small.session_by_uid(ref.session_uid) is None


def test_empty_world() -> None:
    world = make_world(users=0)
    assert world.user_by_email("anyone.123@example.com") is None
    with pytest.raises(IndexError):
        world.user_at(0)


@pytest.mark.parametrize("users", [-1, 10**9 + 1])
def test_population_limits(users: int) -> None:
    with pytest.raises(ValueError, match="users"):
        make_world(users=users)


def test_naive_epoch_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone"):
        World(WorldConfig(1, 1, "o-1", "Acme", datetime(2026, 9, 1)))


def test_unknown_and_tampered_ids_are_not_found() -> None:
    world = make_world()
    user = next(
        world.user_at(i) for i in range(100) if len(world.sessions_of(world.user_at(i))) > 1
    )
    refs = world.sessions_of(user)
    other = next(
        world.user_at(i)
        for i in range(100)
        if world.sessions_of(world.user_at(i)) and world.user_at(i) != user
    )
    # A real session number under another user's device id.
    swapped = SessionId(other.device_id, refs[0].session_id.session_part)
    assert world.session(swapped) is None
    assert world.session(SessionId("1", "2")) is None
    assert world.session(SessionId(user.device_id, "12345")) is None
    assert world.session_by_id("not-an-id") is None
    assert world.session_by_uid("0b3876f7-1ce9-47b1-bb4e-ff57ddd553e8") is None
    assert world.session_by_uid("nope") is None
    assert world.user_by_uid("usr_000000000000") is None
    assert world.user_by_uid(user.uid.upper()) is None
    assert world.user_by_email("nobody@example.com") is None
    local, domain = user.email.split("@")
    assert world.user_by_email(f"{local}@not-{domain}") is None
    assert world.user_by_email(f"x{local}@{domain}") is None


def test_sessions_are_most_recent_first_and_within_history() -> None:
    world = make_world()
    seen_multi = False
    for index in range(200):
        user = world.user_at(index)
        refs = world.sessions_of(user)
        assert len(refs) <= MAX_SESSIONS_PER_USER
        created = [ref.created for ref in refs]
        assert created == sorted(created, reverse=True)
        seen_multi |= len(refs) > 1
        for ref in refs:
            assert EPOCH - HISTORY <= ref.created < EPOCH
            assert ref.session_id.user_part == user.device_id
            assert (
                ref.app_url == f"https://app.fullstory.com/ui/o-1A2B3C-na1/session/{ref.session_id}"
            )
            assert ref.user == user
    assert seen_multi


def test_sessions_do_not_overlap_and_end_before_epoch() -> None:
    world = make_world()
    for index in range(60):
        refs = world.sessions_of(world.user_at(index))
        sessions = [world.session(ref.session_id) for ref in reversed(refs)]
        previous_end = EPOCH - HISTORY - timedelta(seconds=1)
        for session in sessions:
            assert session is not None
            times = [event.at for event in session.events]
            assert times == sorted(times)
            assert times[0] == session.ref.created > previous_end
            previous_end = times[-1]
        assert previous_end < EPOCH


def test_some_users_have_no_sessions() -> None:
    world = make_world()
    assert any(not world.sessions_of(world.user_at(i)) for i in range(200))


def test_session_cache_is_bounded_by_sessions_and_events() -> None:
    cache: LruCache[int, tuple[int, ...]] = LruCache(4, weigh=len, max_weight=10)
    for key in range(6):
        cache.get_or_create(key, lambda: (0,))
    assert len(cache) == 4
    cache.get_or_create(10, lambda: tuple(range(8)))
    assert len(cache) == 3  # 8 + 1 + 1 <= 10
    cache.get_or_create(11, lambda: tuple(range(50)))
    assert len(cache) == 1  # the newest stays, however heavy
    world = make_world(users=10**6)
    cache_of_world = world._sessions
    assert cache_of_world._max_weight == SESSION_CACHE_EVENTS
    assert cache_of_world._capacity == SESSION_CACHE_SIZE


def test_some_users_are_regulars_with_more_than_a_page_of_sessions() -> None:
    world = make_world(users=10**6)
    counts = [world.session_count(world.user_at(i)) for i in range(600)]
    assert max(counts) > 20
    assert 0.005 < sum(c > 20 for c in counts) / len(counts) < 0.1
    assert sum(c <= 5 for c in counts) / len(counts) > 0.6


def test_session_starts_follow_the_day() -> None:
    world = make_world(users=10**6)
    hours = [ref.created.hour for i in range(400) for ref in world.sessions_of(world.user_at(i))]
    per_hour = [hours.count(h) for h in range(24)]
    # US evening (00-03 UTC) is busier than the US night (05-10 UTC).
    assert sum(per_hour[0:3]) > 2 * sum(per_hour[5:8])


def test_session_sizes_are_long_tailed() -> None:
    world = make_world(users=10**6)
    sizes = sorted(
        len(session.events)
        for i in range(150)
        for ref in world.sessions_of(world.user_at(i))[:2]
        if (session := world.session(ref.session_id)) is not None
    )
    median = sizes[len(sizes) // 2]
    assert 15 <= median <= 200
    assert sizes[-1] > 5 * median


def test_cached_sessions_are_read_only() -> None:
    world = make_world()
    user = next(world.user_at(i) for i in range(50) if world.sessions_of(world.user_at(i)))
    session = world.session(world.sessions_of(user)[0].session_id)
    assert session is not None
    with pytest.raises(TypeError):
        session.events[0].properties["url"] = "x"  # type: ignore[index]


def test_user_fields_look_real() -> None:
    world = make_world()
    for index in range(50):
        user = world.user_at(index)
        assert user.uid.startswith("usr_")
        assert len(user.uid) == 16
        assert " " in user.display_name
        local, _, domain = user.email.partition("@")
        assert local[-1].isdigit()
        assert "." in domain
        assert set(user.properties) == {"plan", "signup_date", "loyalty_tier", "marketing_opt_in"}
        assert (
            datetime.fromisoformat(user.properties["signup_date"]).date() < (EPOCH - HISTORY).date()
        )
        assert user.location.country and user.location.city
        assert 0 < int(user.device_id) < 2**63


def test_org_and_site() -> None:
    world = make_world()
    assert world.org.org_id == "o-1A2B3C-na1"
    assert world.org.name == "Acme Outfitters"
    assert world.site.host.startswith("www.") and world.site.host.endswith(".com")
    assert world.org.domain == world.site.host.removeprefix("www.")
    assert make_world().site == world.site


def test_payload_hash_helper_is_stable() -> None:
    # Guards the fingerprint helper itself: two runs in one process agree.
    assert _in_process_fingerprint() == _in_process_fingerprint()
    assert len(hashlib.sha256(orjson.dumps([1])).hexdigest()) == 64


def test_worlds_sharing_a_faker_draw_what_they_would_alone() -> None:
    from mockserver.fullstory.world.fakers import SharedFaker

    shared = SharedFaker()
    configs = [WorldConfig(seed, 50, f"o-{seed}", "", EPOCH) for seed in (1, 2)]
    together = [World(config, faker=shared) for config in configs]
    alone = [World(config) for config in configs]
    for index in (0, 7, 3, 49):
        for mine, theirs in zip(together, alone, strict=True):
            assert mine.user_at(index) == theirs.user_at(index)
    assert [w.site for w in together] == [w.site for w in alone]


def test_a_scan_reads_sessions_without_filling_the_session_cache() -> None:
    world = World(WorldConfig(3, 50, "o-1A2B3C-na1", "Acme", EPOCH))
    refs = [ref for index in range(20) for ref in world.sessions_of(world.user_at(index))]
    scanned = [world.scanned_session(ref.session_id) for ref in refs]
    assert len(world._sessions) == 0  # a scan leaves the hot sessions alone
    assert scanned == [world.session(ref.session_id) for ref in refs]
    cached = world.session(refs[0].session_id)
    assert world.scanned_session(refs[0].session_id) is cached  # a cached one is reused


def test_generated_events_are_events_with_integer_times() -> None:
    # The timeline builds events with tuple.__new__ (fields in order), not Event(...).
    world = make_world()
    for index in range(20):
        for ref in world.sessions_of(world.user_at(index)):
            session = world.session(ref.session_id)
            assert session is not None
            for event in session.events:
                assert type(event) is Event
                assert event == Event(*event)
                assert isinstance(event.time_us, int)
                assert isinstance(event.type, str)
                assert isinstance(event.page_index, int)
                assert isinstance(event.definition_ids, tuple)
            # Pages too: tuple.__new__, fields in order.
            for page in session.pages:
                assert type(page) is Page
                assert page == Page(*page)
                assert isinstance(page.tab, int) and isinstance(page.started, datetime)
