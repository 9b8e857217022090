from __future__ import annotations

import orjson
import pytest

from mockserver.core.faults import (
    DropConnectionAction,
    ErrorAction,
    FaultBook,
    FaultMatch,
    FaultPick,
    FaultRequest,
    FaultRule,
    FaultSpec,
    LatencyAction,
    TruncateBodyAction,
    action_from_dict,
    action_to_dict,
)

LIST = FaultRequest(method="GET", path="/v2/sessions", operation_id="listSessions", tenant="t1")
SUMMARY = FaultRequest(
    method="POST", path="/v2/sessions/1%3A2/summary", operation_id="summary", tenant="t1"
)


def test_match_fields_are_anded_and_unset_fields_match_anything() -> None:
    assert FaultMatch().matches(LIST)
    assert FaultMatch(operation_id="listSessions", tenant="t1", method="get").matches(LIST)
    assert not FaultMatch(operation_id="listSessions", tenant="t2").matches(LIST)
    assert not FaultMatch(key_id="k").matches(LIST)
    assert FaultMatch(key_id="k").matches(FaultRequest("GET", "/x", key_id="k"))


def test_path_is_exact_unless_it_is_a_glob() -> None:
    assert FaultMatch(path="/v2/sessions").matches(LIST)
    assert not FaultMatch(path="/v2/session").matches(LIST)
    assert FaultMatch(path="/v2/sessions/*").matches(SUMMARY)  # * crosses "/"
    assert FaultMatch(path="/v2/sessions/*/summary").matches(SUMMARY)
    assert not FaultMatch(path="/v2/sessions/*").matches(LIST)
    assert FaultMatch(path="/v?/sessions").matches(LIST)
    assert not FaultMatch(path="/V2/sessions").matches(LIST)


def test_actions_validate() -> None:
    for bad in (200, 99, 600, True):
        with pytest.raises(ValueError):
            ErrorAction(bad)
    with pytest.raises(ValueError):
        LatencyAction(-1)
    with pytest.raises(ValueError):
        TruncateBodyAction()
    with pytest.raises(ValueError):
        TruncateBodyAction(keep_fraction=0.5, keep_bytes=3)
    with pytest.raises(ValueError):
        TruncateBodyAction(keep_fraction=1.0)
    with pytest.raises(ValueError):
        TruncateBodyAction(keep_bytes=-1)


def test_truncate_always_cuts_something() -> None:
    body = b"0123456789"
    assert TruncateBodyAction(keep_fraction=0.5).cut(body) == b"01234"
    assert TruncateBodyAction(keep_fraction=0.0).cut(body) == b""
    assert TruncateBodyAction(keep_bytes=3).cut(body) == b"012"
    assert TruncateBodyAction(keep_bytes=100).cut(body) == b"012345678"
    assert TruncateBodyAction(keep_bytes=3).cut(b"") == b""


def test_ids_are_sequential_and_never_reused() -> None:
    book = FaultBook()
    first = book.add(FaultSpec(ErrorAction(503)))
    second = book.add(FaultSpec(DropConnectionAction()))
    assert (first.id, second.id) == ("fault-1", "fault-2")
    assert book.remove("fault-1")
    assert not book.remove("fault-1")
    book.clear()
    assert len(book) == 0
    assert book.add(FaultSpec(ErrorAction(503))).id == "fault-3"


def test_no_rules_no_pick() -> None:
    assert FaultBook().pick(LIST) is None


def test_times_counts_firings_and_exhausted_rules_go() -> None:
    book = FaultBook()
    rule = book.add(FaultSpec(ErrorAction(429), FaultMatch(operation_id="listSessions"), times=2))
    assert book.pick(SUMMARY) is None  # not matching: not counted
    picks = [book.pick(LIST) for _ in range(3)]
    assert [p.fault.id if p and p.fault else None for p in picks] == [rule.id, rule.id, None]
    assert book.list() == []


def test_latency_adds_to_the_one_terminal_fault() -> None:
    book = FaultBook()
    slow = book.add(FaultSpec(LatencyAction(100)))
    error = book.add(FaultSpec(ErrorAction(503, code="unavailable", message="try later")))
    drop = book.add(FaultSpec(DropConnectionAction()))
    slower = book.add(FaultSpec(LatencyAction(50), FaultMatch(method="GET")))
    pick = book.pick(LIST)
    assert pick is not None
    assert pick.latency_ms == 150
    assert pick.fault is not None
    assert pick.fault.id == error.id
    assert [r.id for r in pick.fired] == [slow.id, error.id, slower.id]
    assert pick.describe() == "fault-1:latency 100ms, fault-2:error 503, fault-4:latency 50ms"
    assert book.get(drop.id) == drop  # never evaluated: no counters moved


def test_latency_only_pick_has_no_fault() -> None:
    book = FaultBook()
    book.add(FaultSpec(LatencyAction(20)))
    assert book.pick(LIST) == FaultPick(latency_ms=20, fault=None, fired=tuple(book.list()))


def probability_run(seed: int, n: int = 200, match: FaultMatch | None = None) -> list[bool]:
    book = FaultBook(seed=seed)
    book.add(FaultSpec(ErrorAction(500), match or FaultMatch(), probability=0.3))
    return [book.pick(LIST) is not None for _ in range(n)]


def test_probability_is_deterministic_per_seed() -> None:
    assert probability_run(7) == probability_run(7)
    assert probability_run(7) != probability_run(8)
    fired = sum(probability_run(7, 2000))
    assert 450 < fired < 750  # ~30 %, a fixed outcome for this seed


def test_probability_ignores_other_traffic() -> None:
    # The nth evaluation of a rule decides, so unrelated requests do not shift the sequence.
    book = FaultBook(seed=7)
    book.add(FaultSpec(ErrorAction(500), FaultMatch(operation_id="listSessions"), probability=0.3))
    outcomes = []
    for _ in range(200):
        book.pick(SUMMARY)
        outcomes.append(book.pick(LIST) is not None)
    assert outcomes == probability_run(7, match=FaultMatch(operation_id="listSessions"))


def test_rule_seed_overrides_the_book_seed() -> None:
    book = FaultBook(seed=1)
    rule = book.add(FaultSpec(ErrorAction(500), probability=0.3, seed=7))
    assert rule.seed == 7
    assert [book.pick(LIST) is not None for _ in range(200)] == probability_run(7)


def test_spec_parsing_from_json() -> None:
    spec = FaultSpec.from_dict(
        {
            "match": {"operation_id": "listSessions", "path": "/v2/*"},
            "action": {"type": "error", "status": 429, "code": "rate_limited"},
            "times": 3,
            "probability": 1,
            "seed": 5,
        }
    )
    assert spec == FaultSpec(
        ErrorAction(429, code="rate_limited"),
        FaultMatch(operation_id="listSessions", path="/v2/*"),
        times=3,
        probability=1.0,
        seed=5,
    )
    bad_specs: list[dict[str, object]] = [
        {},
        {"action": {"type": "explode"}},
        {"action": {"type": "error"}},
        {"action": {"type": "latency", "ms": 5, "jitter": 1}},
        {"action": {"type": "drop_connection"}, "times": 0},
        {"action": {"type": "drop_connection"}, "probability": 2},
        {"action": {"type": "drop_connection"}, "match": {"verb": "GET"}},
        {"action": {"type": "drop_connection"}, "match": {"method": 1}},
        {"action": {"type": "drop_connection"}, "when": "now"},
    ]
    for bad in bad_specs:
        with pytest.raises(ValueError):
            FaultSpec.from_dict(bad)


@pytest.mark.parametrize(
    "action",
    [
        ErrorAction(503),
        ErrorAction(404, code="resource_not_found", message="gone"),
        LatencyAction(250),
        DropConnectionAction(),
        TruncateBodyAction(keep_fraction=0.25),
        TruncateBodyAction(keep_bytes=10),
    ],
)
def test_actions_round_trip(action: ErrorAction) -> None:
    assert action_from_dict(orjson.loads(orjson.dumps(action_to_dict(action)))) == action


def test_snapshot_restore_continues_the_same_sequence() -> None:
    book = FaultBook(seed=3)
    book.add(FaultSpec(ErrorAction(500), FaultMatch(path="/v2/*"), probability=0.5, times=40))
    book.add(FaultSpec(LatencyAction(5), probability=0.5))
    for _ in range(10):
        book.pick(LIST)
    twin = FaultBook()
    twin.restore(orjson.loads(orjson.dumps(book.snapshot())))
    assert twin.list() == book.list()
    assert [twin.pick(LIST) for _ in range(30)] == [book.pick(LIST) for _ in range(30)]
    assert twin.add(FaultSpec(DropConnectionAction())).id == "fault-3"
    assert FaultRule.from_dict(book.list()[0].to_dict()) == book.list()[0]


def test_probability_does_not_depend_on_rules_made_before() -> None:
    """Earlier rules (other tests, other tenants) shift ids, not a rule's random sequence."""
    spec = FaultSpec(action=ErrorAction(status=500), probability=0.5, seed=3)
    request = FaultRequest("GET", "/me", "getMe")

    def fired(book: FaultBook) -> list[bool]:
        return [book.pick(request) is not None for _ in range(64)]

    fresh = FaultBook()
    fresh.add(spec)
    busy = FaultBook()
    for _ in range(5):
        busy.remove(busy.add(spec).id)
    busy.add(spec)
    assert fired(fresh) == fired(busy)
