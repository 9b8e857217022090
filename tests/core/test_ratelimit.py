from __future__ import annotations

import threading
from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.clock import Clock, ClockMode
from mockserver.core.ratelimit import UNLIMITED, RateDecision, RateLimiter, RateLimitPolicy

START = datetime(2026, 9, 1, tzinfo=UTC)


def limiter(clock: Clock, rate: float = 2.0, burst: int = 3) -> RateLimiter:
    return RateLimiter(clock, {"read": RateLimitPolicy(rate, burst)}, default=None, enabled=True)


def test_burst_is_admitted_then_refused_with_retry_after(clock: Clock) -> None:
    rl = limiter(clock, rate=2.0, burst=3)
    decisions = [rl.check("k", "read") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert all(d.limit == 3 for d in decisions)
    # One token comes back every 0.5 s; Retry-After is whole seconds, rounded up.
    assert decisions[3].retry_after == 1
    assert all(d.retry_after == 0 for d in decisions[:3])


def test_burst_recharges_at_the_rate(clock: Clock) -> None:
    rl = limiter(clock, rate=2.0, burst=3)
    for _ in range(3):
        assert rl.check("k", "read").allowed
    clock.advance(1)
    assert [rl.check("k", "read").allowed for _ in range(3)] == [True, True, False]


def test_retry_after_is_exact_for_fractional_waits(clock: Clock) -> None:
    rl = limiter(clock, rate=0.3, burst=1)  # one token every 3.33 s
    assert rl.check("k", "read").allowed
    refused = rl.check("k", "read")
    assert refused == RateDecision(allowed=False, retry_after=4, remaining=0, limit=1)
    clock.advance(3)
    again = rl.check("k", "read")
    assert not again.allowed
    assert again.retry_after == 1
    clock.advance(1)
    assert rl.check("k", "read").allowed


def test_refused_requests_consume_nothing(clock: Clock) -> None:
    rl = limiter(clock, rate=1.0, burst=1)
    assert rl.check("k", "read").allowed
    retry = [rl.check("k", "read").retry_after for _ in range(50)]
    assert retry == [1] * 50
    clock.advance(1)
    assert rl.check("k", "read").allowed


def test_keys_and_groups_have_separate_buckets(clock: Clock) -> None:
    rl = RateLimiter(clock, {"a": RateLimitPolicy(1, 1), "b": RateLimitPolicy(1, 1)})
    assert rl.check("k1", "a").allowed
    assert not rl.check("k1", "a").allowed
    assert rl.check("k2", "a").allowed
    assert rl.check("k1", "b").allowed


def test_groups_without_a_policy_use_the_default_or_are_unlimited(clock: Clock) -> None:
    rl = RateLimiter(clock, {}, default=None)
    assert all(rl.check("k", "any") == UNLIMITED for _ in range(1000))
    rl.set_default(RateLimitPolicy(1, 2))
    assert [rl.check("k", "any").allowed for _ in range(3)] == [True, True, False]
    assert rl.default == RateLimitPolicy(1, 2)


def test_disabled_limiter_admits_everything_and_keeps_settings(clock: Clock) -> None:
    rl = limiter(clock, rate=1, burst=1)
    rl.set_enabled(False)
    assert not rl.enabled
    assert all(rl.check("k", "read") == UNLIMITED for _ in range(100))
    rl.set_enabled(True)
    assert [rl.check("k", "read").allowed for _ in range(2)] == [True, False]


def test_configure_changes_policy_at_runtime_and_refills(clock: Clock) -> None:
    rl = limiter(clock, rate=1, burst=1)
    rl.check("k", "read")
    assert not rl.check("k", "read").allowed
    rl.configure("read", RateLimitPolicy(10, 5))
    assert rl.policies() == {"read": RateLimitPolicy(10, 5)}
    assert [rl.check("k", "read").allowed for _ in range(6)] == [True] * 5 + [False]
    rl.configure("read", None)
    assert rl.check("k", "read") == UNLIMITED


def test_reset_refills_one_key_or_all(clock: Clock) -> None:
    rl = limiter(clock, rate=1, burst=1)
    for key in ("a", "b"):
        rl.check(key, "read")
    rl.reset("a")
    assert rl.check("a", "read").allowed
    assert not rl.check("b", "read").allowed
    rl.reset()
    assert rl.check("b", "read").allowed


def test_memory_stays_flat_with_many_keys(clock: Clock) -> None:
    rl = limiter(clock, rate=10, burst=1)
    for i in range(100_000):
        rl.check(f"key-{i}", "read")
        clock.advance(0.01)  # each bucket refills 0.1 s after its one request
    # Only buckets touched in the last ~0.1 s (plus sweep lag) can still be stored.
    assert len(rl) <= 50


def test_policy_validation() -> None:
    for rate, burst in [(0, 1), (-1, 1), (float("inf"), 1), (float("nan"), 1), (1, 0)]:
        with pytest.raises(ValueError):
            RateLimitPolicy(rate, burst)
    with pytest.raises(ValueError):
        RateLimitPolicy(1, True)


def test_interval_rounds_up_so_the_rate_is_never_exceeded() -> None:
    assert RateLimitPolicy(1, 1).interval_us == 1_000_000
    assert RateLimitPolicy(3, 1).interval_us == 333_334
    assert RateLimitPolicy(0.1, 1).interval_us == 10_000_000


def test_snapshot_round_trips_and_continues_identically(clock: Clock) -> None:
    rl = limiter(clock, rate=0.5, burst=2)
    rl.set_default(RateLimitPolicy(5, 1))
    for key in ("a", "b", "a"):
        rl.check(key, "read")
    rl.check("a", "other")
    data = orjson.loads(orjson.dumps(rl.snapshot()))  # JSON-ready
    twin_clock = Clock(ClockMode.MANUAL, start=clock.now())
    twin = RateLimiter(twin_clock)
    twin.restore(data)
    assert twin.snapshot() == rl.snapshot()
    for step in range(20):
        for c in (clock, twin_clock):
            c.advance(0.25)
        for key, group in (("a", "read"), ("b", "read"), ("a", "other")):
            assert rl.check(key, group) == twin.check(key, group), step


def test_snapshot_leaves_out_refilled_buckets(clock: Clock) -> None:
    rl = limiter(clock, rate=1, burst=1)
    rl.check("a", "read")
    assert len(rl.snapshot()["buckets"]) == 1
    clock.advance(1)
    assert rl.snapshot()["buckets"] == []


def test_concurrent_checks_admit_exactly_the_burst(clock: Clock) -> None:
    rl = limiter(clock, rate=1, burst=37)
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        results = [rl.check("k", "read").allowed for _ in range(50)]
        with lock:
            allowed.extend(results)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 37  # the clock is frozen, so nothing refills


advances = st.one_of(
    st.just(0.0),
    st.floats(min_value=0, max_value=3, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3000).map(lambda ms: ms / 1000),
)


@settings(max_examples=150, deadline=None)
@given(
    rate=st.one_of(st.sampled_from([0.1, 0.3, 1.0, 2.0, 3.0, 7.5]), st.floats(0.05, 50)),
    burst=st.integers(1, 8),
    steps=st.lists(st.tuples(advances, st.booleans()), min_size=1, max_size=80),
)
def test_never_exceeds_burst_plus_rate_and_retry_after_is_exact(
    rate: float, burst: int, steps: list[tuple[float, bool]]
) -> None:
    clock = Clock(ClockMode.MANUAL, start=START)
    rl = RateLimiter(clock, {"g": RateLimitPolicy(rate, burst)})
    accepted: list[float] = []
    for advance, request in steps:
        clock.advance(advance)
        if not request:
            continue
        decision = rl.check("k", "g")
        if not decision.allowed:
            assert decision.retry_after >= 1
            # One second short of Retry-After it is still refused (consuming nothing) ...
            clock.advance(decision.retry_after - 1)
            assert not rl.check("k", "g").allowed
            # ... and at Retry-After it succeeds.
            clock.advance(1)
            decision = rl.check("k", "g")
            assert decision.allowed
        accepted.append(clock.timestamp())
    # Microsecond quantisation of the clock may stretch a window by 1 us.
    epsilon = rate * 2e-6 + 1e-9
    for i, first in enumerate(accepted):
        for j in range(i, len(accepted)):
            assert j - i + 1 <= burst + rate * (accepted[j] - first) + epsilon


def test_rates_below_the_floor_are_refused() -> None:
    with pytest.raises(ValueError, match=r">= 0\.001"):
        RateLimitPolicy(rate_per_second=1e-300, burst=1)
