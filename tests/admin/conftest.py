"""Control-plane tests talk to the app only through HTTP (the in-process client), like users."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mockserver.app import MockServerApp
from mockserver.core.clock import ClockMode
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

from .admin_helpers import T0, ClientFor


@pytest.fixture
def settings() -> Settings:
    # A frozen clock: nothing here may depend on when the test runs.
    return Settings(validate_responses=True, users=100, clock=ClockMode.FROZEN, clock_start=T0)


@pytest.fixture
def admin(app: MockServerApp) -> Iterator[httpx.Client]:
    with in_process_client(app) as c:
        yield c


@pytest.fixture
def client_for(app: MockServerApp) -> Iterator[ClientFor]:
    """FullStory clients for any key secret, all closed at teardown."""
    from contextlib import ExitStack

    with ExitStack() as stack:

        def make(secret: str) -> httpx.Client:
            return stack.enter_context(
                in_process_client(app, headers={"Authorization": f"Basic {secret}"})
            )

        yield make
