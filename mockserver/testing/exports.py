"""Test helpers for segment exports: run one to completion by driving the clock (never by
sleeping), then download and parse its file the way a client would."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from mockserver.core.lifecycle import AfterSeconds

if TYPE_CHECKING:
    from mockserver.testing.fake import Fake

DEFAULT_EXPORT: Mapping[str, Any] = {
    "segmentId": "everyone",
    "type": "TYPE_INDIVIDUAL",
    "format": "FORMAT_NDJSON",
    "timeRange": {"start": "", "end": ""},
}


_SNAKE = {"segmentId": "segment_id", "type": "type", "format": "format", "timeRange": "time_range"}


class ExportError(AssertionError):
    """The export could not be run: the API refused it or it never finished."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A downloaded export file: its name, content type and gzipped bytes."""

    filename: str
    content_type: str
    gzip_bytes: bytes

    @property
    def text(self) -> str:
        return gzip.decompress(self.gzip_bytes).decode()

    def rows(self) -> list[dict[str, Any]]:
        """Parsed rows: NDJSON and JSON as written, CSV as text cells keyed by the header."""
        text = self.text
        if self.filename.endswith(".csv.gz"):
            return list(csv.DictReader(io.StringIO(text)))
        if self.filename.endswith(".ndjson.gz"):
            return [orjson.loads(line) for line in text.splitlines() if line]
        parsed = orjson.loads(text)
        assert isinstance(parsed, list)
        return parsed


def _ok(response: httpx.Response) -> Any:
    if response.status_code != 200:
        raise ExportError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text}"
        )
    return response.json()


def run_export(
    fake: Fake, body: Mapping[str, Any] | None = None, *, max_polls: int = 1000, **fields: Any
) -> dict[str, Any]:
    """Create an export (``DEFAULT_EXPORT`` updated by ``body`` and ``fields``) and poll it until
    it is no longer PENDING, advancing the clock when the tenant's policy waits for time.
    Returns the final operation (COMPLETED or FAILED)."""
    given = {**(body or {}), **fields}
    # A default fills a field only if the body does not give it under either spelling.
    request = {k: v for k, v in DEFAULT_EXPORT.items() if k not in given and _SNAKE[k] not in given}
    request.update(given)
    with fake.client() as client:
        operation_id = _ok(client.post("/segments/v1/exports", json=request))["operationId"]
        return finish(fake, operation_id, client=client, max_polls=max_polls)


def finish(
    fake: Fake, operation_id: str, *, client: httpx.Client | None = None, max_polls: int = 1000
) -> dict[str, Any]:
    """Poll ``operation_id`` until it finishes, moving the clock past any time it waits for."""
    with contextlib_client(fake, client) as http:
        for _ in range(max_polls):
            operation = _ok(http.get(f"/operations/v1/{operation_id}"))
            if operation["state"] != "PENDING":
                return dict(operation)
            wait = seconds_left(fake, operation_id)
            if wait > 0:
                fake.advance_clock(wait)
    raise ExportError(f"operation {operation_id} still PENDING after {max_polls} polls")


def seconds_left(fake: Fake, operation_id: str) -> float:
    """How long the clock must move for a time-driven operation to finish (0 otherwise)."""
    operation = fake.tenant.fullstory.operations.get(operation_id)
    if operation is None or not isinstance(operation.lifecycle.policy, AfterSeconds):
        return 0.0
    due = operation.created_at + timedelta(seconds=operation.lifecycle.policy.seconds)
    return max(0.0, (due - fake.now()).total_seconds())


def download_export(fake: Fake, operation: Mapping[str, Any]) -> ExportFile:
    """Ask for the finished export's link and download its file (no API key on the download)."""
    results = operation.get("results") or {}
    export_id = results.get("searchExportId")
    if not export_id:
        raise ExportError(f"operation {operation.get('id')} has no results: {operation}")
    with fake.client() as client:
        location = _ok(client.get(f"/search/v1/exports/{export_id}/results"))["location"]
    with fake.server.client() as anonymous:
        response = anonymous.get(location)
    if response.status_code != 200:
        raise ExportError(f"download answered {response.status_code}: {response.text}")
    disposition = response.headers.get("content-disposition", "")
    filename = disposition.partition('filename="')[2].rstrip('"')
    return ExportFile(filename, response.headers.get("content-type", ""), response.content)


class contextlib_client:
    """The given client, or a fresh one of the fake's closed on exit."""

    def __init__(self, fake: Fake, client: httpx.Client | None) -> None:
        self._owned = client is None
        self._client = client or fake.client()

    def __enter__(self) -> httpx.Client:
        return self._client

    def __exit__(self, *exc: object) -> None:
        if self._owned:
            self._client.close()
