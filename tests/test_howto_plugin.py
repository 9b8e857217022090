"""The README's pytest examples, run as they are written there."""

from __future__ import annotations

import httpx
import pytest

from mockserver.testing.fake import Fake


def test_sessions_of_a_user(fullstory_client: httpx.Client, fullstory: Fake) -> None:
    response = fullstory_client.get("/sessions/v2", params={"email": "jane.checkout@example.com"})
    assert response.status_code == 200
    fullstory.assert_called("listSessions", times=1, email="jane.checkout@example.com")


@pytest.mark.mockserver(faults=[{"action": {"type": "error", "status": 500}, "times": 1}])
def test_client_retries_once_on_a_500(fullstory_client: httpx.Client, fullstory: Fake) -> None:
    first = fullstory_client.get("/me")
    second = fullstory_client.get("/me")
    assert (first.status_code, second.status_code) == (500, 200)
    assert first.json() == {"message": "Server error was encountered", "code": "server_error"}


@pytest.mark.mockserver(clock="frozen", rate_limits={"rate_per_second": 1, "burst": 2})
def test_backs_off_on_429(fullstory_client: httpx.Client, fullstory: Fake) -> None:
    statuses = [fullstory_client.get("/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    fullstory.advance_clock(1)  # Retry-After said 1: one second later the next call passes
    assert fullstory_client.get("/me").status_code == 200
