"""End to end: create -> poll -> results -> download -> parse, checked against the sessions and
events endpoints of the same world."""

from __future__ import annotations

import gzip
from datetime import datetime
from typing import Any

import pytest

from mockserver.testing.fake import Fake
from tests.fullstory.exports.conftest import WHOLE_WORLD

pytestmark = pytest.mark.mockserver(users=12, clock="2026-09-01T00:00:00Z", lifecycle="polls:1")


def _events_of(fake: Fake, user_id: str, session_id: str) -> list[dict[str, Any]]:
    with fake.client() as client:
        response = client.get(f"/v2/sessions/{user_id}%3A{session_id}/events")
    assert response.status_code == 200
    return list(response.json()["events"])


def test_individual_export_matches_the_sessions_endpoint(fullstory: Fake) -> None:
    operation = fullstory.run_export(WHOLE_WORLD, type="TYPE_INDIVIDUAL")
    assert operation["state"] == "COMPLETED"
    file = fullstory.download_export(operation)
    assert file.content_type == "application/gzip"
    assert file.filename == "Everyone_20260901.ndjson.gz"
    rows = file.rows()
    assert rows, "everyone with sessions is exported"
    with fullstory.client() as client:
        for row in rows:
            listed = client.get("/v2/sessions", params={"uid": row["Uid"], "limit": 100}).json()
            sessions = listed["results"]
            assert row["NumSessions"] == len(sessions)
            newest = datetime.fromisoformat(sessions[0]["created_time"])
            last = datetime.fromisoformat(row["LastSessionStart"])
            assert last.replace(microsecond=0) == newest
            assert row["IndvId"].isdigit()


def test_rage_click_event_export_holds_only_rage_clicks_seen_by_the_events_endpoint(
    fullstory: Fake,
) -> None:
    body = {**WHOLE_WORLD, "segmentId": "rageClicks", "type": "TYPE_EVENT"}
    rows = fullstory.download_export(fullstory.run_export(body)).rows()
    assert rows, "the default scenario's Jane rage-clicks"
    for row in rows:
        assert row["EventSubType"] == "rage"
        events = _events_of(fullstory, row["UserId"], row["SessionId"])
        times = {(e["event_time"], e["event_type"]) for e in events}
        assert (row["EventStart"], row["EventType"]) in times


def test_session_scope_exports_every_event_of_matching_sessions(fullstory: Fake) -> None:
    # TYPE_SESSIONS (the seed's spelling) is an event export at session scope; snake_case keys.
    body = {
        "segment_id": "rageClicks",
        "type": "TYPE_SESSIONS",
        "format": "FORMAT_NDJSON",
        "time_range": {"start": "", "end": ""},
        "segment_time_range": {"start": "", "end": ""},
    }
    rows = fullstory.download_export(fullstory.run_export(body)).rows()
    sessions = {(r["UserId"], r["SessionId"]) for r in rows}
    for user_id, session_id in sessions:
        events = _events_of(fullstory, user_id, session_id)
        exported = [r for r in rows if (r["UserId"], r["SessionId"]) == (user_id, session_id)]
        assert len(exported) == len(events)


def test_csv_with_fields_and_time_zone(fullstory: Fake) -> None:
    fields = ["UserId", "SessionId", "EventStart", "EventType", "user_plan_str"]
    body = {
        **WHOLE_WORLD,
        "type": "TYPE_EVENT",
        "format": "FORMAT_CSV",
        "timezone": "America/New_York",
        "fields": fields,
        "eventDetails": {"scope": "SCOPE_INDIVIDUAL"},
    }
    file = fullstory.download_export(fullstory.run_export(body))
    header = file.text.splitlines()[0]
    assert header == ",".join(fields)
    rows = file.rows()
    assert rows
    for row in rows[:50]:
        assert row["EventStart"].endswith(("-04:00", "-05:00"))
        assert row["user_plan_str"] in {"free", "plus", "premium"}


def test_json_format_and_same_export_same_bytes(fullstory: Fake) -> None:
    body = {**WHOLE_WORLD, "format": "FORMAT_JSON", "type": "TYPE_EVENT"}
    first = fullstory.run_export(body)
    once = fullstory.download_export(first)
    again = fullstory.download_export(first)
    other = fullstory.download_export(fullstory.run_export(body))
    assert once.gzip_bytes == again.gzip_bytes == other.gzip_bytes
    rows = once.rows()
    assert isinstance(rows, list) and rows
    assert gzip.decompress(once.gzip_bytes).startswith(b"[")


def test_time_range_filters_event_start(fullstory: Fake) -> None:
    window = {"start": "2026-08-01T00:00:00Z", "end": "2026-08-15T00:00:00Z"}
    body = {"type": "TYPE_EVENT", "timeRange": window, "segmentTimeRange": WHOLE_WORLD["timeRange"]}
    rows = fullstory.download_export(fullstory.run_export(body)).rows()
    assert rows
    for row in rows:
        assert "2026-08-01" <= row["EventStart"][:10] < "2026-08-15"


def test_journal_records_the_workflow_and_the_download(fullstory: Fake) -> None:
    fullstory.download_export(fullstory.run_export(WHOLE_WORLD))
    fullstory.assert_called("createSegmentExport", times=1)
    fullstory.assert_called("getSearchExportResults", times=1)
    assert fullstory.calls("downloadExportFile")[0].status == 200


def test_the_journal_never_keeps_a_link_signature(fullstory: Fake) -> None:
    fullstory.download_export(fullstory.run_export(WHOLE_WORLD))
    (download,) = fullstory.calls("downloadExportFile")
    assert download.to_dict()["query"]["X-Goog-Signature"] == ["[redacted]"]
