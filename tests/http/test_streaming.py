"""The pipeline's streaming reply: chunks go out as they are produced, and a failure half way
drops the connection instead of pretending success."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator

import httpx
import pytest

from mockserver.app import MockServerApp, create_app
from mockserver.core.lifecycle import Immediate
from mockserver.fullstory.exports.storage import XmlEnvelope
from mockserver.http.errors import NotFound
from mockserver.settings import Settings
from mockserver.testing.server import serve_in_thread
from mockserver.testing.transport import in_process_client

HISTORY = {"start": "", "end": ""}
BODY = {"segmentId": "everyone", "type": "TYPE_EVENT", "format": "FORMAT_NDJSON",
        "timeRange": HISTORY, "segmentTimeRange": HISTORY}  # fmt: skip


def _location(client: httpx.Client) -> str:
    operation_id = client.post("/segments/v1/exports", json=BODY).json()["operationId"]
    operation = client.get(f"/operations/v1/{operation_id}").json()
    export_id = operation["results"]["searchExportId"]
    return str(client.get(f"/search/v1/exports/{export_id}/results").json()["location"])


def _app(users: int) -> MockServerApp:
    app = create_app(Settings(users=users))
    app.state.server.tenant("o-MOCK-na1").lifecycles.set_default(Immediate())
    return app


def _client(users: int) -> contextlib.AbstractContextManager[httpx.Client]:
    return in_process_client(_app(users), headers={"Authorization": "Basic mock-admin-key"})


def test_xml_envelope_escapes_and_maps_codes() -> None:
    body = XmlEnvelope().render(NotFound("no <such> key"), "/x")
    assert body.startswith(b"<?xml")
    assert b"<Code>NoSuchKey</Code>" in body and b"no &lt;such&gt; key" in body


def test_download_streams_in_chunks_over_a_real_socket() -> None:
    headers = {"Authorization": "Basic mock-admin-key"}
    with (
        serve_in_thread(_app(40)) as base_url,
        httpx.Client(base_url=base_url, headers=headers, trust_env=False) as client,
    ):
        location = _location(client)
        with client.stream("GET", location) as response:
            assert response.status_code == 200
            assert "content-length" not in response.headers
            chunks = list(response.iter_raw())
    assert len(chunks) > 1, "a multi-chunk file arrives in pieces"


def test_a_failing_stream_drops_the_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.fullstory.exports import files  # the download imports gzipped at its call

    def broken(*args: object, **kwargs: object) -> Iterator[bytes]:
        yield b"partial"
        raise RuntimeError("the world broke")

    monkeypatch.setattr(files, "gzipped", broken)
    with _client(3) as client:
        location = _location(client)
        with pytest.raises(httpx.HTTPError):
            client.get(location).read()


def test_a_client_that_goes_away_stops_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.fullstory.exports import files  # the download imports gzipped at its call

    produced: list[int] = []
    closed = threading.Event()

    def endless(*args: object, **kwargs: object) -> Iterator[bytes]:
        try:
            for n in itertools.count():
                produced.append(n)
                yield b"x" * 65536
        finally:
            closed.set()

    monkeypatch.setattr(files, "gzipped", endless)
    headers = {"Authorization": "Basic mock-admin-key"}
    with (
        serve_in_thread(_app(3)) as base_url,
        httpx.Client(base_url=base_url, headers=headers, trust_env=False) as client,
    ):
        with client.stream("GET", _location(client)) as response:
            next(response.iter_raw())
        # The server notices the closed connection and closes the stream (uvicorn would
        # otherwise swallow every later chunk and this one would never end).
        assert closed.wait(10), "the stream was not closed after the client left"
    assert len(produced) < 10_000
