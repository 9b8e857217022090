"""The testing helpers: in-process transports (sync and async) and uvicorn in a thread."""

from __future__ import annotations

import socket

import anyio
import httpx
import pytest

from mockserver.app import create_app
from mockserver.core.faults import DropConnectionAction, FaultSpec, TruncateBodyAction
from mockserver.settings import Settings
from mockserver.testing import async_in_process_client, in_process_client, serve_in_thread

KEY = {"Authorization": "Basic mock-admin-key"}


def test_sync_transport_turns_transport_faults_into_protocol_errors() -> None:
    app = create_app(Settings())
    app.state.server.faults.add(FaultSpec(DropConnectionAction(), times=1))
    app.state.server.faults.add(FaultSpec(TruncateBodyAction(keep_bytes=3), times=1))
    with in_process_client(app, headers=KEY) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/me")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/me")
        assert client.get("/me").status_code == 200


def test_async_transport_turns_a_drop_into_a_protocol_error() -> None:
    app = create_app(Settings())
    app.state.server.faults.add(FaultSpec(DropConnectionAction(), times=1))

    async def scenario() -> int:
        async with async_in_process_client(app, headers=KEY) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/me")
            return (await client.get("/me")).status_code

    assert anyio.run(scenario) == 200


def test_uvicorn_thread_serves_then_releases_its_port() -> None:
    app = create_app(Settings())
    app.state.server.faults.add(FaultSpec(DropConnectionAction(), times=1))
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, headers=KEY) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/me")
        assert client.get("/me").status_code == 200
        port = int(base_url.rsplit(":", 1)[1])
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass


def test_quiet_drops_hides_only_the_requested_drop() -> None:
    import logging

    from mockserver.http.transport_faults import QuietDrops

    def record(msg: str, args: tuple[object, ...]) -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, msg, args, None)

    quiet = QuietDrops()
    assert not quiet.filter(
        record("ASGI callable should return None, but returned '%s'.", ("dropped",))
    )
    assert quiet.filter(record("ASGI callable should return None, but returned '%s'.", ("other",)))
    assert quiet.filter(record("Exception in ASGI application\n", ()))
