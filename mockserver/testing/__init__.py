"""Helpers for driving the fake from tests (the pytest plugin is built on them)."""

from mockserver.testing.fake import Fake, FakeOptions, FakeServer, start_fake_server, tenant_id_for
from mockserver.testing.server import serve_in_thread
from mockserver.testing.transport import (
    AsyncASGITransport,
    SyncASGITransport,
    async_in_process_client,
    in_process_client,
)

__all__ = [
    "AsyncASGITransport",
    "Fake",
    "FakeOptions",
    "FakeServer",
    "SyncASGITransport",
    "async_in_process_client",
    "in_process_client",
    "serve_in_thread",
    "start_fake_server",
    "tenant_id_for",
]
