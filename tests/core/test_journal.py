from __future__ import annotations

import tracemalloc
from datetime import timedelta
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.clock import Clock, ClockMode
from mockserver.core.journal import (
    ENTRY_OVERHEAD,
    Journal,
    JournalEntry,
    JournalQuery,
    JournalRecord,
    _Target,
    _targeted,
)


def rec(
    *,
    tenant: str = "t1",
    operation_id: str | None = "listSessions",
    method: str = "GET",
    path: str = "/v2/sessions",
    status: int = 200,
    request: bytes | str = b"",
    response: bytes | str = b'{"sessions": []}',
    query: dict[str, list[str]] | None = None,
    path_params: dict[str, str] | None = None,
    fault: str | None = None,
) -> JournalRecord:
    return JournalRecord(
        tenant=tenant,
        key_id="key-1",
        operation_id=operation_id,
        method=method,
        path=path,
        status=status,
        request_raw=request,
        response_raw=response,
        query=query or {},
        path_params=path_params or {},
        fault=fault,
    )


def test_record_stamps_seq_and_time_from_the_clock(clock: Clock) -> None:
    journal = Journal(clock)
    first = journal.record(rec())
    clock.advance(5)
    second = journal.record(rec(tenant="t2"))
    assert (first.seq, second.seq) == (1, 2)
    assert second.time - first.time == timedelta(seconds=5)
    assert first.time == clock.now() - timedelta(seconds=5)


def test_bodies_are_parsed_lazily_and_safely(clock: Clock) -> None:
    journal = Journal(clock, text_limit=20)
    entry = journal.record(rec(request=b'{"a": 1}', response="not json"))
    assert entry.request_body == {"a": 1}
    assert entry.response_body is None
    assert entry.response_text == "not json"
    big = journal.record(rec(request=b'{"payload": "' + b"x" * 100 + b'"}'))
    assert big.request_truncated
    assert len(big.request_text) == 20
    assert big.request_body is None  # a cut JSON document is not JSON
    empty = journal.record(rec(request=b""))
    assert empty.request_body is None
    assert not empty.request_truncated


def test_truncation_never_splits_into_invalid_text(clock: Clock) -> None:
    journal = Journal(clock, text_limit=3)
    entry = journal.record(rec(request="é€".encode()))  # 5 bytes, cut inside the euro sign
    assert entry.request_truncated
    assert entry.request_text.startswith("é")


def test_query_filters_combine(clock: Clock) -> None:
    journal = Journal(clock)
    journal.record(rec(operation_id="listSessions", status=200))
    clock.advance(10)
    journal.record(rec(operation_id="getSession", path="/v2/sessions/1%3A2", status=404))
    clock.advance(10)
    journal.record(
        rec(
            operation_id="createExport",
            method="POST",
            path="/segments/v1/exports",
            request=b'{"segmentId": "everyone"}',
            status=200,
        )
    )
    journal.record(rec(tenant="other", operation_id=None, path="/nope", status=404))

    def ops(**filters: Any) -> list[str | None]:
        return [e.operation_id for e in journal.query(JournalQuery(**filters))]

    start = journal.query()[0].time
    assert ops() == ["listSessions", "getSession", "createExport", None]
    assert ops(tenant="t1", status=404) == ["getSession"]
    assert ops(method="post") == ["createExport"]
    assert ops(path_prefix="/v2/") == ["listSessions", "getSession"]
    assert ops(body_contains="everyone") == ["createExport"]
    assert ops(body_contains='"sessions"') == ["listSessions", "getSession", "createExport", None]
    assert ops(body_contains="absent") == []
    assert ops(since=start + timedelta(seconds=10)) == ["getSession", "createExport", None]
    assert ops(until=start + timedelta(seconds=10)) == ["listSessions"]
    assert ops(operation_id="getSession") == ["getSession"]
    assert ops(limit=2) == ["createExport", None]
    assert ops(limit=0) == []


def test_tenants_are_separate_rings(clock: Clock) -> None:
    journal = Journal(clock, capacity=2)
    for i in range(5):
        journal.record(rec(tenant="busy", path=f"/p{i}"))
    journal.record(rec(tenant="quiet"))
    assert journal.count("busy") == 2
    assert journal.count("quiet") == 1
    assert journal.count() == len(journal) == 3
    assert [e.path for e in journal.query(JournalQuery(tenant="busy"))] == ["/p3", "/p4"]
    assert journal.tenants() == ["busy", "quiet"]
    journal.clear("busy")
    assert journal.tenants() == ["quiet"]
    journal.clear()
    assert len(journal) == 0
    assert journal.record(rec()).seq == 7  # sequence numbers keep rising after a clear


def test_capacity_changes_at_runtime_keeping_the_newest(clock: Clock) -> None:
    journal = Journal(clock, capacity=10)
    for i in range(10):
        journal.record(rec(path=f"/p{i}"))
    journal.set_capacity(3)
    assert journal.capacity == 3
    assert [e.path for e in journal.query()] == ["/p7", "/p8", "/p9"]
    journal.set_capacity(5)
    for i in range(10, 13):
        journal.record(rec(path=f"/p{i}"))
    assert [e.path for e in journal.query()] == ["/p8", "/p9", "/p10", "/p11", "/p12"]
    with pytest.raises(ValueError):
        journal.set_capacity(0)
    journal.set_text_limit(4)
    assert journal.text_limit == 4
    assert journal.record(rec(request=b"123456")).request_text == "1234"


def test_entries_are_json_ready_and_round_trip(clock: Clock) -> None:
    clock.advance(0.123456)
    journal = Journal(clock)
    entry = journal.record(
        rec(
            request=b'{"limit": 5}',
            query={"uid": ["u1", "u2"]},
            path_params={"session_id": "1:2"},
            fault="fault-1:latency 10ms",
        )
    )
    data = orjson.loads(orjson.dumps(entry.to_dict()))
    assert data["request_body"] == {"limit": 5}
    assert data["response_body"] == {"sessions": []}
    assert data["query"] == {"uid": ["u1", "u2"]}
    assert data["time"].endswith("Z")
    assert JournalEntry.from_dict(data) == entry


def test_describe_is_one_readable_line(clock: Clock) -> None:
    entry = Journal(clock).record(rec(query={"limit": ["5"]}, fault="fault-2:error 503"))
    assert (
        entry.describe()
        == "#1 GET /v2/sessions?limit=5 -> 200 [listSessions] (fault: fault-2:error 503)"
    )


def test_snapshot_restore_round_trips(clock: Clock) -> None:
    journal = Journal(clock, capacity=3, text_limit=100)
    for i in range(4):
        journal.record(rec(tenant=f"t{i % 2}", request=f'{{"i": {i}}}'))
        clock.advance(1)
    data = orjson.loads(orjson.dumps(journal.snapshot()))
    twin = Journal(Clock(ClockMode.MANUAL, start=clock.now()))
    twin.restore(data)
    assert twin.query() == journal.query()
    assert (twin.capacity, twin.text_limit) == (3, 100)
    assert twin.record(rec()).seq == journal.record(rec()).seq == 5


def test_memory_stays_flat_under_load(clock: Clock) -> None:
    journal = Journal(clock, capacity=100)
    body = b'{"sessions": [' + b'"x",' * 50 + b'"y"]}'
    tracemalloc.start()
    try:
        for _ in range(10_000):  # warm up: the ring is full and every size class allocated
            journal.record(rec(response=body, query={"limit": ["5"]}))
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(90_000):
            journal.record(rec(response=body, query={"limit": ["5"]}))
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(journal) == 100
    assert after - before < 16 * 1024  # 100 entries alone take ~70 KiB


def hostile_record(size: int = 63_000) -> JournalRecord:
    """What one client with no key can send: a huge non-ASCII path, a query string of many
    tiny parameters and of one huge one, huge bodies."""
    query = {f"k{i}": ["v", ""] for i in range(size // 8)}
    query["big"] = ["€" * size]
    return rec(
        tenant="(unauthenticated)",
        operation_id=None,
        method="X" * 1000,
        path="/" + "é𝄞" * (size // 2),
        query=query,
        path_params={"p" * 100: "v" * size},
        request=b"x" * size * 2,
        response="€" * size,
        fault="f" * size,
    )


@pytest.mark.parametrize(("text_limit", "target_limit"), [(64 * 1024, 8192), (512, 512), (0, 0)])
def test_memory_ceiling_under_hostile_requests(
    clock: Clock, text_limit: int, target_limit: int
) -> None:
    capacity = 20
    journal = Journal(clock, capacity, text_limit, target_limit=target_limit)
    hostile = hostile_record()  # allocated before tracing: only the journal's copies count
    tracemalloc.start()
    try:
        for _ in range(3 * capacity):
            journal.record(hostile)
        used, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(journal) == capacity
    assert used <= capacity * journal.entry_ceiling
    # The documented ceiling: both bodies, the target, and a fixed allowance per entry.
    assert journal.entry_ceiling == 2 * text_limit + target_limit + ENTRY_OVERHEAD


def test_a_cut_target_says_so_and_keeps_its_start(clock: Clock) -> None:
    journal = Journal(clock, target_limit=1024)
    entry = journal.record(hostile_record())
    assert entry.target_truncated and entry.to_dict()["target_truncated"] is True
    assert entry.path.startswith("/é𝄞") and entry.query["k0"] == ["v", ""]
    whole = journal.record(rec(query={"limit": ["5"]}))
    assert not whole.target_truncated and whole.query == {"limit": ["5"]}
    assert JournalEntry.from_dict(entry.to_dict()) == entry


def _measured(record: JournalRecord, budget: int) -> tuple[Any, ...]:
    """What the byte-measuring _Target keeps of a record's target (the slow path)."""
    target = _Target(budget)
    path = target.text(record.path, share=0.5)
    query = target.query(record.query) if record.query else {}
    params: dict[str, str] = {}
    if record.path_params:
        kept = target.query({k: [v] for k, v in record.path_params.items()})
        params = {k: vs[0] for k, vs in kept.items()}
    return path, query, params, target.truncated


_TEXT = st.text(alphabet=st.sampled_from("a/é€😀=%"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(
    path=_TEXT,
    query=st.dictionaries(_TEXT, st.lists(_TEXT, max_size=4), max_size=5),
    params=st.dictionaries(_TEXT, _TEXT, max_size=3),
    budget=st.integers(0, 3000),
)
def test_the_fast_target_path_keeps_what_measuring_keeps(
    path: str, query: dict[str, list[str]], params: dict[str, str], budget: int
) -> None:
    record = JournalRecord("t", None, None, "GET", path, 200, query=query, path_params=params)
    assert _targeted(path, query, params, budget) == _measured(record, budget)


@settings(max_examples=300, deadline=None)
@given(
    path=st.one_of(_TEXT, st.text(alphabet="a/€", min_size=900, max_size=1100)),
    query=st.one_of(st.just({}), st.dictionaries(_TEXT, st.lists(_TEXT, max_size=2), max_size=2)),
    budget=st.integers(0, 9000),
)
def test_the_journal_keeps_what_measuring_keeps(
    path: str, query: dict[str, list[str]], budget: int
) -> None:
    """A journaled entry's target (a short path alone takes the journal's own shortcut) is what
    the byte-measuring _Target keeps, around the shortcut's edge as well."""
    journal = Journal(Clock(ClockMode.FROZEN), target_limit=budget)
    record = JournalRecord("t", None, None, "GET", path, 200, query=query)
    journal.add(record)
    entry = journal.query()[0]
    kept = (entry.path, entry.query, entry.path_params, entry.target_truncated)
    assert kept == _measured(record, budget)


def test_added_entries_read_as_recorded_ones(clock: Clock) -> None:
    """add() keeps an entry as a tuple until it is read; readers see what record() returns."""
    recorded, added = Journal(clock, text_limit=8), Journal(clock, text_limit=8)
    records = [
        rec(),
        rec(tenant="t2", response=b"x" * 20, query={"q": ["1", "2"]}, fault="fault-1:error"),
        rec(path_params={"id": "1:2"}, status=404),
    ]
    returned = []
    for record in records:
        returned.append(recorded.record(record))
        added.add(record)
        clock.advance(1.25)
    assert added.query() == recorded.query() == returned
    assert added.query(JournalQuery(tenant="t2")) == [returned[1]]
    assert added.changes_since(1, 0) == recorded.changes_since(1, 0)
    assert added.snapshot() == recorded.snapshot()
    restored = Journal(clock)
    restored.restore(added.snapshot())
    restored.add(rec())
    assert [e.seq for e in restored.query()] == [1, 2, 3, 4]


def test_a_long_body_answered_again_shares_its_cut(clock: Clock) -> None:
    journal = Journal(clock, text_limit=4)
    body = b"0123456789"
    journal.add(rec(response=body))
    journal.add(rec(response=body))
    journal.add(rec(response=b"0123456789"[::-1]))
    journal.set_text_limit(6)
    journal.add(rec(response=body))
    first, second, other, wider = journal.query()
    assert first.response_raw is second.response_raw  # one cut, shared
    assert (first.response_raw, first.response_truncated) == (b"0123", True)
    assert other.response_raw == b"9876"
    assert wider.response_raw == b"012345"


def test_an_empty_query_reads_as_a_dict_of_its_own(clock: Clock) -> None:
    """Entries keep an empty query and path parameters as nothing: each read gets new empty
    dicts, so a reader changing one changes no other read."""
    journal = Journal(clock)
    journal.add(rec())
    first = journal.query()[0]
    assert first.query == {} and first.path_params == {}
    first.query["x"] = ["1"]
    first.path_params["y"] = "2"
    again = journal.query()[0]
    assert again.query == {} and again.path_params == {}
    assert JournalEntry.from_dict(again.to_dict()) == again
