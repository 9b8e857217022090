"""Every invalid Create Export body gets the documented error, naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.mockserver(users=3)

VALID: dict[str, Any] = {
    "segmentId": "everyone",
    "type": "TYPE_EVENT",
    "format": "FORMAT_CSV",
    "timeRange": {"start": "", "end": ""},
}


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in VALID.items() if k != key}


@pytest.mark.parametrize(
    ("body", "status", "code", "names"),
    [
        (_without("segmentId"), 400, "required_field", "segmentId"),
        (_without("type"), 400, "required_field", "type"),
        (_without("format"), 400, "required_field", "format"),
        (_without("timeRange"), 400, "required_field", "timeRange"),
        ({**VALID, "segmentId": "no-such-segment"}, 404, "resource_not_found", "segmentId"),
        ({**VALID, "type": "TYPE_INVALID"}, 400, "invalid_argument", "type"),
        ({**VALID, "format": "FORMAT_INVALID"}, 400, "invalid_argument", "format"),
        ({**VALID, "format": "FORMAT_XML"}, 400, "invalid_argument", "format"),
        ({**VALID, "timeRange": {"start": "yesterday", "end": ""}}, 400, "invalid_argument",
         "timeRange.start"),
        ({**VALID, "timeRange": {"start": "", "end": "2026-13-01T00:00:00Z"}}, 400,
         "invalid_argument", "timeRange.end"),
        ({**VALID, "timeRange": {"start": "2026-09-02T00:00:00Z", "end": "2026-09-01T00:00:00Z"}},
         400, "invalid_argument", "timeRange"),
        ({**VALID, "segmentTimeRange": {"start": "2026-09-02T00:00:00Z",
                                        "end": "2026-09-01T00:00:00Z"}},
         400, "invalid_argument", "segmentTimeRange"),
        ({**VALID, "timezone": "Mars/Olympus_Mons"}, 400, "invalid_argument", "timezone"),
        ({**VALID, "fields": ["UserId", "NotAField"]}, 400, "invalid_argument", "fields[1]"),
        ({**VALID, "type": "TYPE_INDIVIDUAL", "fields": ["evt_price_real"]}, 400,
         "invalid_argument", "fields[0]"),
        ({**VALID, "eventDetails": {"scope": "SCOPE_WORLD"}}, 400, "invalid_argument", "scope"),
        ({**VALID, "segment_id": "everyone"}, 400, "invalid_argument", "segment_id"),
        ({**VALID, "now": "not a time"}, 400, "invalid_argument", "now"),
    ],
)  # fmt: skip
def test_invalid_bodies(
    fullstory_client: httpx.Client, body: dict[str, Any], status: int, code: str, names: str
) -> None:
    response = fullstory_client.post("/segments/v1/exports", json=body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert names in response.json()["message"]


@pytest.mark.parametrize(
    "extra",
    [
        {"eventDetails": {"scope": "SCOPE_PAGE"}},
        {"eventDetails": {"scope": "SCOPE_INDIVIDUALS"}},
        {"event_details": {"scope": "SCOPE_SESSION"}},
        {"type": "TYPE_PAGES"},
        {"timezone": "Asia/Tokyo", "fields": ["user_*", "evt_*", "evt_price_real"]},
        {"now": "2026-08-01T00:00:00Z", "segmentTimeRange": {"start": "", "end": ""}},
    ],
)
def test_accepted_spellings(fullstory_client: httpx.Client, extra: dict[str, Any]) -> None:
    response = fullstory_client.post("/segments/v1/exports", json={**VALID, **extra})
    assert response.status_code == 200, response.text
    assert response.json()["operationId"]


def test_not_json_and_unknown_operation(fullstory_client: httpx.Client) -> None:
    response = fullstory_client.post(
        "/segments/v1/exports", content=b"{", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert fullstory_client.get("/operations/v1/nope").status_code == 404
    assert fullstory_client.get("/search/v1/exports/nope/results").status_code == 404
