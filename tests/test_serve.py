"""`mockserver serve` as a user runs it: a real process on a free 127.0.0.1 port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture
def served() -> Iterator[tuple[str, str]]:
    env = {**os.environ, "MOCKSERVER_SEED": "4", "MOCKSERVER_LOG_LEVEL": "info"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--users", "200"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    try:
        banner = process.stderr.readline()  # blocks until the server has bound its port
        match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        yield f"http://127.0.0.1:{match.group(1)}", banner
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)


def test_serve_binds_loopback_and_says_so_in_one_line(served: tuple[str, str]) -> None:
    url, banner = served
    assert "seed 4" in banner and "200 users" in banner and "mock-admin-key" in banner
    with httpx.Client(base_url=url, headers={"Authorization": "Basic mock-admin-key"}) as client:
        # The socket listens before the banner is printed, so no retry is needed.
        assert client.get("/__admin/health").json()["status"] == "ok"
        sessions = client.get("/v2/sessions", params={"uid": "jane-checkout"})
        assert sessions.status_code == 200 and sessions.json()["results"]
        assert client.get("/me/").status_code == 404


def test_a_websocket_upgrade_is_answered_as_plain_http(served: tuple[str, str]) -> None:
    """No API here speaks WebSocket, so uvicorn loads none (a start-up cost): an upgrade
    request gets the API's own answer, not a bare 403 outside every envelope."""
    url, _ = served
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
    with httpx.Client(base_url=url, headers=upgrade) as client:
        denied = client.get("/v2/sessions", params={"uid": "jane-checkout"})
        assert denied.status_code == 401 and denied.json()["code"] == "unauthorized"
        client.headers["Authorization"] = "Basic mock-admin-key"
        assert client.get("/v2/sessions", params={"uid": "jane-checkout"}).status_code == 200
