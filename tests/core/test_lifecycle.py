from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.clock import Clock
from mockserver.core.lifecycle import (
    DEFAULT_FAILURE,
    DEFAULT_POLICY,
    AfterPolls,
    AfterSeconds,
    Immediate,
    Lifecycle,
    LifecyclePolicies,
    LifecyclePolicy,
    LifecycleState,
    LifecycleView,
    format_policy,
    parse_policy,
)

PENDING, COMPLETED, FAILED = LifecycleState.PENDING, LifecycleState.COMPLETED, LifecycleState.FAILED


def test_immediate_is_done_at_creation(clock: Clock) -> None:
    created = clock.now()
    op = Lifecycle(Immediate(), created, clock)
    assert op.peek() == LifecycleView(COMPLETED, 100, created, "")
    clock.advance(5)
    assert op.poll().finished_at == created


def test_after_polls_answers_pending_n_times(clock: Clock) -> None:
    op = Lifecycle(AfterPolls(2), clock.now(), clock)
    assert op.peek() == LifecycleView(PENDING, 0, None, "")
    assert op.poll() == LifecycleView(PENDING, 33, None, "")
    assert op.peek().estimate_pct_complete == 33  # peeking does not count
    assert op.poll() == LifecycleView(PENDING, 66, None, "")
    clock.advance(7)
    done_at = clock.now()
    assert op.poll() == LifecycleView(COMPLETED, 100, done_at, "")
    clock.advance(7)
    assert op.poll().finished_at == done_at
    assert op.polls == 4


def test_default_policy_is_one_pending_poll(clock: Clock) -> None:
    assert AfterPolls(1) == DEFAULT_POLICY
    op = Lifecycle(DEFAULT_POLICY, clock.now(), clock)
    assert [op.poll().state for _ in range(3)] == [PENDING, COMPLETED, COMPLETED]


def test_after_seconds_follows_the_clock(clock: Clock) -> None:
    created = clock.now()
    op = Lifecycle(AfterSeconds(30), created, clock)
    assert op.poll() == LifecycleView(PENDING, 0, None, "")
    clock.advance(15)
    assert op.poll().estimate_pct_complete == 50
    clock.advance(14.999)
    assert op.peek().state is PENDING
    assert op.peek().estimate_pct_complete == 99
    clock.advance(100)  # observed late, but it finished at created + 30 s
    assert op.peek() == LifecycleView(COMPLETED, 100, created + timedelta(seconds=30), "")


def test_clock_set_back_never_breaks_a_view(clock: Clock) -> None:
    created = clock.now() + timedelta(seconds=10)
    assert Lifecycle(AfterSeconds(5), created, clock).peek() == LifecycleView(PENDING, 0, None, "")
    assert Lifecycle(AfterSeconds(0), created, clock).peek().state is PENDING


def test_failures_are_injected(clock: Clock) -> None:
    created = clock.now()
    op = Lifecycle(AfterPolls(1, fail_with="quota exceeded"), created, clock)
    assert op.poll().state is PENDING
    assert op.poll() == LifecycleView(FAILED, 100, created, "quota exceeded")
    assert Lifecycle(Immediate(fail_with="x"), created, clock).peek().error_details == "x"


def test_progress_never_falls(clock: Clock) -> None:
    op = Lifecycle(AfterPolls(7), clock.now(), clock)
    seen = [op.poll().estimate_pct_complete for _ in range(10)]
    assert seen == sorted(seen)
    assert seen[-1] == 100
    assert max(seen[:7]) < 100


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("immediate", Immediate()),
        ("polls:3", AfterPolls(3)),
        ("seconds:30", AfterSeconds(30)),
        ("seconds:0.5", AfterSeconds(0.5)),
        ("polls:2,fail=quota exceeded", AfterPolls(2, fail_with="quota exceeded")),
        ("immediate,fail", Immediate(fail_with=DEFAULT_FAILURE)),
        ("seconds:1,fail=a, b, and c", AfterSeconds(1, fail_with="a, b, and c")),
    ],
)
def test_policy_strings(text: str, policy: LifecyclePolicy) -> None:
    assert parse_policy(text) == policy
    assert format_policy(policy) == text


def test_policy_strings_are_lenient_about_case_and_space() -> None:
    assert parse_policy(" Polls:3 , fail ") == AfterPolls(3, fail_with=DEFAULT_FAILURE)


@pytest.mark.parametrize(
    "text",
    ["", "soon", "polls", "polls:", "polls:x", "polls:-1", "polls:1.5", "seconds:-1",
     "seconds:inf", "seconds:nan", "immediate:3", "polls:1,retry"],
)  # fmt: skip
def test_bad_policy_strings_explain_themselves(text: str) -> None:
    with pytest.raises(ValueError, match="lifecycle policy"):
        parse_policy(text)


policies = st.one_of(
    st.builds(Immediate),
    st.builds(AfterPolls, st.integers(0, 10_000)),
    st.builds(AfterSeconds, st.floats(0, 1e6, allow_nan=False, allow_infinity=False)),
).flatmap(
    lambda p: st.one_of(
        st.just(p),
        st.text(min_size=1).map(str.strip).filter(bool).map(lambda f: _with_failure(p, f)),
    )
)


def _with_failure(policy: LifecyclePolicy, fail_with: str) -> LifecyclePolicy:
    if isinstance(policy, Immediate):
        return Immediate(fail_with)
    if isinstance(policy, AfterPolls):
        return AfterPolls(policy.polls, fail_with)
    return AfterSeconds(policy.seconds, fail_with)


@given(policies)
def test_policy_strings_round_trip(policy: LifecyclePolicy) -> None:
    assert parse_policy(format_policy(policy)) == policy


def test_lifecycle_snapshot_restore(clock: Clock) -> None:
    op = Lifecycle(AfterPolls(1), clock.now(), clock)
    op.poll()
    twin = Lifecycle.restore(orjson.loads(orjson.dumps(op.snapshot())), clock)
    assert (twin.policy, twin.created_at, twin.polls) == (op.policy, op.created_at, 1)
    clock.advance(3)
    assert twin.poll() == op.poll()
    clock.advance(3)
    done = Lifecycle.restore(op.snapshot(), clock)
    assert done.peek() == op.peek()  # the finishing moment survives the round trip


def test_policies_registry(clock: Clock) -> None:
    registry = LifecyclePolicies()
    assert registry.get("SEARCH_EXPORT") == AfterPolls(1)
    registry.set("SEARCH_EXPORT", parse_policy("seconds:30"))
    registry.set_default(Immediate())
    assert registry.get("SEARCH_EXPORT") == AfterSeconds(30)
    assert registry.get("DELETE_USER") == Immediate()
    assert registry.overrides() == {"SEARCH_EXPORT": AfterSeconds(30)}
    data = orjson.loads(orjson.dumps(registry.snapshot()))
    assert data == {"default": "immediate", "kinds": {"SEARCH_EXPORT": "seconds:30"}}
    twin = LifecyclePolicies()
    twin.restore(data)
    assert twin.snapshot() == data
    registry.set("SEARCH_EXPORT", None)
    assert registry.get("SEARCH_EXPORT") == Immediate()
    registry.reset()
    assert registry.default == DEFAULT_POLICY
    assert registry.overrides() == {}


def test_naive_creation_times_are_refused(clock: Clock) -> None:
    with pytest.raises(ValueError):
        Lifecycle(Immediate(), clock.now().replace(tzinfo=None), clock)
