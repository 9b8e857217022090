"""A scripted Opal agent session, tool by tool, as an agent would chain them: list the pinned
user's sessions, get a support summary of the failed checkout, export a segment, poll the
export to completion and download the file."""

from __future__ import annotations

import csv
import gzip
import io

import pytest

from mockserver.testing.fake import Fake
from mockserver.testing.opal import OpalFake
from tests.opal.conftest import EXPORTS_SERVED, JANE_FAILED_CHECKOUT, JANE_UID

# The export endpoints are built on another branch (issue 11); these run once they are served.
pytestmark = pytest.mark.skipif(
    not EXPORTS_SERVED, reason="issue 11: FullStory's segment export endpoints are not served yet"
)


@pytest.mark.mockserver(lifecycle="polls:2")
def test_agent_session(opal: OpalFake, fullstory: Fake) -> None:
    # 1. "Show me jane-checkout's sessions."
    sessions = opal.run("fullstory_list_sessions", uid=JANE_UID, limit=10)["sessions"]
    latest = f"{sessions[0]['userId']}:{sessions[0]['sessionId']}"
    assert latest == JANE_FAILED_CHECKOUT

    # 2. "What went wrong in her last session? Write it up for support."
    support = opal.run("fullstory_get_session_support_summary", sessionId=latest)
    assert support["config_profile"] == "support"
    assert "checkout" in support["summary"]
    assert support["response"]["recommendations"]

    # 3. "Export everyone's profiles for last month as CSV."
    created = opal.run(
        "fullstory_create_segment_export",
        segmentId="everyone",
        type="TYPE_INDIVIDUAL",
        timeRange={"start": "2026-08-01T00:00:00Z", "end": "2026-08-31T23:59:59Z"},
        format="FORMAT_CSV",
    )
    operation_id = created["operationId"]

    # 4. "Is it ready?" ... until it is.
    polls = 0
    while True:
        polls += 1
        status = opal.run("fullstory_get_operation_status", operationId=operation_id)
        if status["state"] != "PENDING":
            break
        assert "downloadUrl" not in status and polls < 10
    assert status["state"] == "COMPLETED" and polls == 3
    assert status["estimatePctComplete"] == 100

    # 5. Download the file the link points at (no API key: the link is signed).
    with fullstory.server.client() as anonymous:
        download = anonymous.get(status["downloadUrl"])
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(download.content).decode())))
    assert rows

    # Every step went through the FullStory API, in order, as the journal shows.
    api = [e.operation_id for e in opal.fullstory_calls()]
    assert api == [
        "listSessions",
        "generateSessionSummary",
        "createSegmentExport",
        *["getOperation"] * 3,
        "getSearchExportResults",  # the download URL, added to the completed operation
        "downloadExportFile",  # the signed link, fetched with no key (journaled as the tenant's)
    ]
    tools = [e.operation_id for e in opal.tool_calls()]
    assert tools == [
        "fullstory_list_sessions",
        "fullstory_get_session_support_summary",
        "fullstory_create_segment_export",
        *["fullstory_get_operation_status"] * 3,
    ]
