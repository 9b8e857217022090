"""Every lifecycle policy, driven by polls and the clock; cancellation; injected failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from mockserver.testing.fake import Fake
from tests.fullstory.exports.conftest import WHOLE_WORLD

pytestmark = pytest.mark.mockserver(users=5, clock="2026-09-01T00:00:00Z")


def _create(client: httpx.Client) -> str:
    body = {**WHOLE_WORLD, "segmentId": "everyone", "type": "TYPE_INDIVIDUAL",
            "format": "FORMAT_CSV"}  # fmt: skip
    response = client.post("/segments/v1/exports", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["operationId"])


def _poll(client: httpx.Client, operation_id: str) -> dict[str, Any]:
    response = client.get(f"/operations/v1/{operation_id}")
    assert response.status_code == 200
    return dict(response.json())


@pytest.mark.mockserver(lifecycle="immediate")
def test_immediate(fullstory_client: httpx.Client) -> None:
    operation = _poll(fullstory_client, _create(fullstory_client))
    assert operation["state"] == "COMPLETED"
    assert operation["estimatePctComplete"] == 100
    assert operation["finishedAt"] == operation["createdAt"]
    assert operation["errorDetails"] == ""
    assert set(operation["results"]) == {"searchExportId", "expires"}


@pytest.mark.mockserver(lifecycle="polls:3")
def test_after_polls_progress_rises(fullstory_client: httpx.Client) -> None:
    operation_id = _create(fullstory_client)
    seen = [_poll(fullstory_client, operation_id) for _ in range(4)]
    assert [o["state"] for o in seen] == ["PENDING"] * 3 + ["COMPLETED"]
    pct = [o["estimatePctComplete"] for o in seen]
    assert pct == sorted(pct) and pct[-1] == 100 and pct[0] < 100
    for pending in seen[:3]:
        assert pending["results"] is None and "finishedAt" not in pending
        assert pending["step"]
    created = seen[-1]["createdAt"]
    assert len(created.split(".")[1]) == len("123456Z")  # microseconds


@pytest.mark.mockserver(lifecycle="seconds:30")
def test_after_seconds_of_the_clock(fullstory: Fake, fullstory_client: httpx.Client) -> None:
    operation_id = _create(fullstory_client)
    fullstory.advance_clock(10)
    pending = _poll(fullstory_client, operation_id)
    assert pending["state"] == "PENDING" and pending["estimatePctComplete"] == 33
    fullstory.advance_clock(25)
    done = _poll(fullstory_client, operation_id)
    assert done["state"] == "COMPLETED"
    assert done["finishedAt"] == "2026-09-01T00:00:30.000000Z"
    assert done["results"]["expires"] == "2026-09-08T00:00:30Z"


@pytest.mark.mockserver(lifecycle="seconds:3600")
def test_plugin_runs_an_export_to_completion_with_the_clock(fullstory: Fake) -> None:
    before = fullstory.now()
    operation = fullstory.run_export(WHOLE_WORLD)
    assert operation["state"] == "COMPLETED"
    assert fullstory.now() - before == timedelta(hours=1)


@pytest.mark.mockserver(lifecycle={"SEARCH_EXPORT": "polls:1,fail=quota exceeded"})
def test_injected_failure(fullstory: Fake, fullstory_client: httpx.Client) -> None:
    operation = fullstory.run_export(WHOLE_WORLD)
    assert operation["state"] == "FAILED"
    assert operation["errorDetails"] == "quota exceeded"
    assert operation["results"] is None
    failed = fullstory_client.get("/operations/v1", params={"state": "FAILED"}).json()
    assert [o["id"] for o in failed["operations"]] == [operation["id"]]


@pytest.mark.mockserver(lifecycle="polls:5")
def test_cancel(fullstory_client: httpx.Client) -> None:
    operation_id = _create(fullstory_client)
    response = fullstory_client.post(f"/operations/v1/{operation_id}/cancel")
    assert response.status_code == 200 and response.json() == {}
    operation = _poll(fullstory_client, operation_id)
    assert operation["state"] == "FAILED"
    assert operation["errorDetails"] == "operation was cancelled"
    again = fullstory_client.post(f"/operations/v1/{operation_id}/cancel")
    assert again.status_code == 400 and again.json()["code"] == "invalid_argument"
    missing = fullstory_client.post("/operations/v1/nope/cancel")
    assert missing.status_code == 404 and missing.json()["code"] == "resource_not_found"


@pytest.mark.mockserver(lifecycle="polls:2")
def test_results_refused_until_complete(fullstory_client: httpx.Client) -> None:
    operation_id = _create(fullstory_client)
    listed = fullstory_client.get("/operations/v1").json()["operations"]
    assert listed[0]["state"] == "PENDING"  # listing is not a poll
    _poll(fullstory_client, operation_id)
    assert _poll(fullstory_client, operation_id)["state"] == "PENDING"
    done = _poll(fullstory_client, operation_id)
    export_id = done["results"]["searchExportId"]
    results = fullstory_client.get(f"/search/v1/exports/{export_id}/results")
    assert results.status_code == 200
    assert results.json()["expires"].endswith("000Z")
    assert len(results.json()["expires"].split(".")[1]) == len("123456789Z")


def test_operations_list_filters_and_pages(fullstory: Fake, fullstory_client: httpx.Client) -> None:
    ids = [_create(fullstory_client) for _ in range(3)]
    page = fullstory_client.get("/operations/v1", params={"limit": 2}).json()
    assert [o["id"] for o in page["operations"]] == ids[::-1][:2]
    rest = fullstory_client.get(
        "/operations/v1", params={"limit": 2, "paginationToken": page["nextPaginationToken"]}
    ).json()
    assert [o["id"] for o in rest["operations"]] == ids[:1]
    assert "nextPaginationToken" not in rest
    wrong = fullstory_client.get(
        "/operations/v1", params={"state": "FAILED", "paginationToken": page["nextPaginationToken"]}
    )
    assert wrong.status_code == 400
    others = fullstory_client.get("/operations/v1", params={"type": "DELETE_USER"}).json()
    assert others == {"operations": []}


@pytest.mark.mockserver(lifecycle="seconds:30")
def test_each_poll_answers_the_view_of_its_moment(
    fullstory: Fake, fullstory_client: httpx.Client
) -> None:
    """A poll's answer is reused only while the view is the same (a finished operation's):
    progress, completion and cancellation each show at once, as the listing shows them."""
    operation_id = _create(fullstory_client)

    def poll_and_listing() -> tuple[dict[str, Any], dict[str, Any]]:
        polled = _poll(fullstory_client, operation_id)
        listed = fullstory_client.get("/operations/v1").json()["operations"][0]
        return polled, listed

    polled, listed = poll_and_listing()
    assert polled == listed and polled["estimatePctComplete"] == 0
    fullstory.advance_clock(10)
    polled, listed = poll_and_listing()
    assert polled == listed and polled["estimatePctComplete"] == 33
    assert fullstory_client.post(f"/operations/v1/{operation_id}/cancel").status_code == 200
    polled, listed = poll_and_listing()
    assert polled == listed and polled["state"] == "FAILED"
    assert _poll(fullstory_client, operation_id) == polled


@pytest.mark.mockserver(lifecycle="seconds:30")
def test_a_finished_operation_answers_the_same_bytes(
    fullstory: Fake, fullstory_client: httpx.Client
) -> None:
    operation_id = _create(fullstory_client)
    fullstory.advance_clock(31)
    first = fullstory_client.get(f"/operations/v1/{operation_id}")
    fullstory.advance_clock(3600)
    again = fullstory_client.get(f"/operations/v1/{operation_id}")
    assert first.content == again.content and first.json()["state"] == "COMPLETED"
