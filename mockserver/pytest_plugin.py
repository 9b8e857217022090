"""mockserver's pytest plugin (registered through the ``pytest11`` entry point).

Fixtures:

* ``mockserver`` (session): the fake, in process by default or served by uvicorn on a free
  127.0.0.1 port (``--mockserver-mode=server``, ``MOCKSERVER_PYTEST_MODE=server``, the
  ``mockserver_mode`` ini option, or override the ``mockserver_mode`` fixture);
* ``mockserver_settings`` (session): the app's :class:`~mockserver.settings.Settings`, override
  it to change them (the default validates every response against the spec);
* ``fullstory`` (function): a :class:`~mockserver.testing.fake.Fake` with the test's own fresh
  tenant and key, clock control and journal assertions;
* ``fullstory_client`` / ``fullstory_async_client``: httpx clients with that key and base URL
  (async tests need ``@pytest.mark.anyio``);
* ``cognigy`` (function): a :class:`~mockserver.testing.cognigy.CognigyFake`, the same kind of
  fresh tenant for Cognigy's contact profiles (key sent as ``X-API-Key``, a ``project_id``,
  ``add_profile`` for seeding); ``cognigy_client`` an httpx client with that key.
* ``opal`` (function): the Opal tools service as a connector on that same tenant
  (:class:`~mockserver.testing.opal.OpalFake`: ``opal.run("fullstory_list_sessions", uid=...)``).

The ``mockserver`` marker sets the test's tenant up, e.g.
``@pytest.mark.mockserver(seed=7, scenario="none", clock="2026-09-01T00:00:00Z",
rate_limits={"default": {"rate_per_second": 1, "burst": 2}}, faults=[...], level="standard",
profiles=[{"id": "mine", "post_prompt": "Be brief"}])`` (``profiles``: summary profiles to
preload, each as :meth:`~mockserver.testing.fake.Fake.create_profile` takes it). The README's
plugin reference lists every option.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from mockserver.fullstory.world.scenario import ScenarioError
from mockserver.settings import Settings, SettingsError
from mockserver.testing.cognigy import CognigyFake
from mockserver.testing.fake import (
    MODES,
    OPTION_NAMES,
    Fake,
    FakeOptions,
    FakeServer,
    Mode,
    parse_mode,
    start_fake_server,
)
from mockserver.testing.opal import OpalFake, opal_client

MODE_ENV = "MOCKSERVER_PYTEST_MODE"
F = TypeVar("F", bound=Fake)
MARKER = "mockserver"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver", "mockserver (fake FullStory API)")
    group.addoption(
        "--mockserver-mode",
        choices=MODES,
        default=None,
        help=f"call the fake in process (default) or over a uvicorn server [env {MODE_ENV}]",
    )
    parser.addini("mockserver_mode", "default for --mockserver-mode", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}({', '.join(f'{name}=...' for name in OPTION_NAMES)}): "
        "set up the test's own fake tenant (see mockserver.testing.fake.FakeOptions)",
    )


@pytest.fixture(scope="session")
def mockserver_mode(pytestconfig: pytest.Config) -> Mode:
    """Flag, then environment, then ini; override this fixture to pin a mode in a suite."""
    raw = (
        pytestconfig.getoption("--mockserver-mode")
        or os.environ.get(MODE_ENV)
        or str(pytestconfig.getini("mockserver_mode"))
        or "inprocess"
    )
    try:
        return parse_mode(raw)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture(scope="session")
def mockserver_settings() -> Settings:
    # validate_responses: a response that breaks the spec becomes a 500 instead of a silent lie.
    return Settings(validate_responses=True)


@pytest.fixture(scope="session")
def mockserver(mockserver_settings: Settings, mockserver_mode: Mode) -> Iterator[FakeServer]:
    with start_fake_server(mockserver_settings, mockserver_mode) as server:
        yield server


def marker_options(node: pytest.Item) -> FakeOptions:
    """The ``mockserver`` markers on a test, the closest winning per option."""
    merged: dict[str, Any] = {}
    problem: str | None = None
    for mark in node.iter_markers(MARKER):  # closest first: function, class, module
        if mark.args:
            problem = f"@pytest.mark.{MARKER} takes keywords only, not {mark.args!r}"
        for name, value in mark.kwargs.items():
            merged.setdefault(name, value)
    if problem is None:
        try:
            return FakeOptions.from_kwargs(node.nodeid, merged)
        except (TypeError, ValueError) as exc:
            problem = f"@pytest.mark.{MARKER}: {exc}"
    # The test's mistake, not the plugin's: one line (outside the ``except``, so pytest shows
    # no chained exception either), and the rest of the session runs on.
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def fullstory(request: pytest.FixtureRequest, mockserver: FakeServer) -> Iterator[Fake]:
    options = marker_options(request.node)
    # The node id names the tenant: stable across runs, distinct between tests and xdist-safe.
    with _set_up(Fake, mockserver, request.node.nodeid, options) as fake:
        yield fake


def _set_up(kind: type[F], server: FakeServer, name: str, options: FakeOptions) -> F:
    try:
        return kind(server, name, options)
    except (SettingsError, ScenarioError, ValueError) as exc:
        problem = f"@pytest.mark.{MARKER}: {exc}"
    # A bad scenario or option is the test's mistake: one line that names it, no traceback
    # through the plugin's internals (nor the chained exception pytest shows inside ``except``).
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def fullstory_client(fullstory: Fake) -> Iterator[httpx.Client]:
    with fullstory.client() as client:
        yield client


@pytest.fixture
async def fullstory_async_client(fullstory: Fake) -> AsyncIterator[httpx.AsyncClient]:
    async with fullstory.async_client() as client:
        yield client


@pytest.fixture
def opal(fullstory: Fake) -> Iterator[OpalFake]:
    with opal_client(fullstory) as service:
        yield service


@pytest.fixture
def cognigy(request: pytest.FixtureRequest, mockserver: FakeServer) -> Iterator[CognigyFake]:
    options = marker_options(request.node)
    # Its own tenant, so a test may use both `fullstory` and `cognigy` without them colliding.
    with _set_up(CognigyFake, mockserver, f"{request.node.nodeid}::cognigy", options) as fake:
        yield fake


@pytest.fixture
def cognigy_client(cognigy: CognigyFake) -> Iterator[httpx.Client]:
    with cognigy.client() as client:
        yield client
