"""Fixtures for the fake's own tests: a fresh app per test, responses checked against the spec."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mockserver.app import MockServerApp
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

ADMIN_KEY = "mock-admin-key"
STANDARD_KEY = "mock-standard-key"


@pytest.fixture
def settings() -> Settings:
    # validate_responses: any response that breaks the spec turns into a 500 and fails the test.
    return Settings(validate_responses=True, users=1000)


@pytest.fixture
def app(settings: Settings) -> MockServerApp:
    from mockserver.app import create_app  # imported late: unit tests of leaf modules stay light

    return create_app(settings)


@pytest.fixture
def client(app: MockServerApp) -> Iterator[httpx.Client]:
    with in_process_client(app, headers={"Authorization": f"Basic {ADMIN_KEY}"}) as c:
        yield c


@pytest.fixture
def anon_client(app: MockServerApp) -> Iterator[httpx.Client]:
    with in_process_client(app) as c:
        yield c
