from __future__ import annotations

import pytest

from mockserver.core.clock import Clock
from mockserver.core.journal import Journal, JournalEntry, JournalRecord
from mockserver.core.journal_assert import MAX_LISTED_CALLS, assert_called, assert_not_called


@pytest.fixture
def entries(clock: Clock) -> list[JournalEntry]:
    journal = Journal(clock)
    journal.record(
        JournalRecord(
            tenant="t",
            key_id="k",
            operation_id="listSessions",
            method="GET",
            path="/v2/sessions",
            status=200,
            query={"email": ["a@example.com"], "limit": ["5"]},
        )
    )
    journal.record(
        JournalRecord(
            tenant="t",
            key_id="k",
            operation_id="createSegmentExport",
            method="POST",
            path="/segments/v1/exports",
            status=200,
            request_raw=b'{"segmentId": "everyone", "type": "TYPE_EVENT", "dry": true}',
        )
    )
    journal.record(
        JournalRecord(
            tenant="t",
            key_id="k",
            operation_id="getSessionSummary",
            method="GET",
            path="/v2/sessions/1%3A2/summary",
            status=404,
            path_params={"session_id": "1:2"},
        )
    )
    return journal.query()


def test_called_at_least_once_returns_the_matches(entries: list[JournalEntry]) -> None:
    found = assert_called(entries, "listSessions")
    assert [e.seq for e in found] == [1]


def test_params_match_query_body_and_path(entries: list[JournalEntry]) -> None:
    assert_called(entries, "listSessions", email="a@example.com", limit=5)
    assert_called(entries, "createSegmentExport", times=1, segment_id="everyone", dry=True)
    assert_called(entries, "createSegmentExport", segmentId="everyone", type="TYPE_EVENT")
    assert_called(entries, "getSessionSummary", session_id="1:2")


def test_times_is_exact(entries: list[JournalEntry]) -> None:
    assert_called(entries, "listSessions", times=1)
    with pytest.raises(AssertionError, match="exactly 2 times, but it was called 1 time"):
        assert_called(entries, "listSessions", times=2)


def test_failure_lists_what_was_called(entries: list[JournalEntry]) -> None:
    with pytest.raises(AssertionError) as failure:
        assert_called(entries, "listSessions", email="b@example.com")
    message = str(failure.value)
    assert "expected listSessions(email='b@example.com') to be called at least once" in message
    assert "called 0 times" in message
    assert "#1 GET /v2/sessions?email=a@example.com&limit=5 -> 200 [listSessions]" in message
    assert "#3 GET /v2/sessions/1%3A2/summary -> 404 [getSessionSummary]" in message
    assert "body: {'segmentId': 'everyone'" in message


def test_assert_not_called(entries: list[JournalEntry]) -> None:
    assert_not_called(entries, "deleteUser")
    assert_not_called(entries, "listSessions", email="nobody@example.com")
    with pytest.raises(AssertionError, match="exactly 0 times"):
        assert_not_called(entries, "listSessions")


def test_no_calls_at_all() -> None:
    with pytest.raises(AssertionError, match="No calls were recorded"):
        assert_called([], "listSessions")


def test_long_histories_are_cut_to_the_newest(clock: Clock) -> None:
    journal = Journal(clock)
    for i in range(MAX_LISTED_CALLS + 10):
        journal.record(
            JournalRecord(
                tenant="t", key_id=None, operation_id="me", method="GET", path=f"/p{i}", status=200
            )
        )
    with pytest.raises(AssertionError) as failure:
        assert_called(journal.query(), "other")
    message = str(failure.value)
    assert f"newest {MAX_LISTED_CALLS} shown" in message
    assert "/p9 " not in message
    assert f"/p{MAX_LISTED_CALLS + 9} " in message
