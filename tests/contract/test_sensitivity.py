"""The kit notices deviations: run through a loopback proxy that plants one deviation at a time
between the kit and a served fake, it fails on each (in the test that should catch it), and
passes when the proxy forwards unchanged.

Each run is the packaged kit over a URL (the proxy), limited to the one test (or few) that must
catch the deviation, so a run costs little more than starting the kit."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.contract.environment import ADMIN_TOKEN_ENV
from mockserver.contract.runner import RunOptions, suite_command
from mockserver.contract.targets import CONTRACT_TOKEN, TargetSpec
from mockserver.testing.fake import start_fake_server
from mockserver.testing.server import serve_in_thread
from tests.contract.proxy import Exchange, Proxy


@pytest.fixture(scope="module")
def proxy() -> Iterator[tuple[Proxy, str]]:
    # The settings of a fake the kit starts itself: rate limits off, the known admin token.
    settings = TargetSpec.parse("uvicorn", environ={}).fake_settings()
    with start_fake_server(settings, "server") as upstream:
        relay = Proxy(upstream.base_url)
        with serve_in_thread(relay) as url:
            yield relay, url


def items_key(exchange: Exchange) -> str | None:
    if exchange.method != "GET" or exchange.status != 200:
        return None
    return {"/v2/sessions": "results", "/sessions/v2": "sessions"}.get(exchange.path)


async def item_field_changes_type(exchange: Exchange, *_: Any) -> None:
    key = items_key(exchange)
    if key == "results":
        body = exchange.json()
        for item in body[key]:
            item["created_time"] = 1767225600  # a number where the spec says a date-time string
        exchange.set_json(body)


async def required_field_disappears(exchange: Exchange, *_: Any) -> None:
    if exchange.path == "/me" and exchange.status == 200:
        body = exchange.json()
        body.pop("orgId")
        exchange.set_json(body)


async def list_items_repeat(exchange: Exchange, *_: Any) -> None:
    key = items_key(exchange)
    if key is not None:
        body = exchange.json()
        body[key] = body[key] + body[key][:1]
        exchange.set_json(body)


async def write_is_not_stored(exchange: Exchange, client: httpx.AsyncClient, _: str) -> None:
    if exchange.method == "POST" and exchange.path == "/__admin/faults" and exchange.status == 201:
        auth = {"Authorization": exchange.headers.get("authorization", "")}
        await client.delete(f"/__admin/faults/{exchange.json()['id']}", headers=auth)


async def documented_header_disappears(exchange: Exchange, *_: Any) -> None:
    exchange.response_headers = {
        k: v for k, v in exchange.response_headers.items() if k.lower() != "retry-after"
    }


def credentials_added(memory: dict[str, str]) -> Callable[[Exchange], None]:
    """A request without credentials is sent upstream with the last key the proxy saw."""

    def before(exchange: Exchange) -> None:
        auth = exchange.headers.get("authorization", "")
        if auth.startswith("Basic "):
            memory["key"] = auth
        elif not auth and "key" in memory and not exchange.path.startswith("/__admin"):
            exchange.headers["authorization"] = memory["key"]

    return before


@dataclass(frozen=True)
class Plant:
    name: str
    apis: str
    select: str  # pytest -k: the one test (or few) that must catch it, nothing else
    caught_by: str  # a test id (prefix) that must fail
    after: Any = None
    before: Any = None


PLANTS = [
    Plant(
        "item_field_changes_type",
        "fullstory",
        "provider_state_cases and listSessionsV2",
        "test_fullstory_provider_state_cases[listSessionsV2",
        after=item_field_changes_type,
    ),
    Plant(
        "required_field_disappears",
        "fullstory",
        "provider_state_cases and getMe",
        "test_fullstory_provider_state_cases[getMe",
        after=required_field_disappears,
    ),
    Plant(
        "list_items_repeat",
        "fullstory",
        "no_session_listed_twice",
        "test_property[fullstory:no_session_listed_twice",
        after=list_items_repeat,
    ),
    Plant(
        "write_is_not_stored",
        "admin",
        "acknowledged_writes_are_stored",
        "test_property[admin:acknowledged_writes_are_stored",
        after=write_is_not_stored,
    ),
    Plant(
        "documented_header_disappears",
        "fullstory",
        "throttled_responses_conform and /me",
        "test_fullstory_throttled_responses_conform[GET /me]",
        after=documented_header_disappears,
    ),
    Plant(
        "unauthenticated_answered_as_authenticated",
        "fullstory",
        "provider_state_cases and getMe",
        "test_fullstory_provider_state_cases[getMe",
        before="credentials",
    ),
]


def run_kit(url: str, apis: str, select: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # Explicit cases, properties and throttled answers do not depend on the phases; examples
    # only keeps the collected conformance tests (deselected anyway) cheap.
    options = RunOptions(
        max_examples=1,
        writes=True,
        progress=False,
        apis=apis,
        phases="examples",
        pytest_args=("-k", select, "-rf", "-p", "no:randomly"),
    )
    command, env = suite_command(url, tmp_path / "observations.json", options)
    env[ADMIN_TOKEN_ENV] = CONTRACT_TOKEN
    return subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("plant", PLANTS, ids=[p.name for p in PLANTS])
def test_the_kit_fails_on_each_planted_deviation(
    plant: Plant, proxy: tuple[Proxy, str], tmp_path: Path
) -> None:
    relay, url = proxy
    relay.after = plant.after
    relay.before = credentials_added({}) if plant.before == "credentials" else None
    try:
        result = run_kit(url, plant.apis, plant.select, tmp_path)
    finally:
        relay.after = relay.before = None
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert any(plant.caught_by in line for line in failed), result.stdout[-3000:]


def test_the_kit_passes_through_an_unchanged_proxy(
    proxy: tuple[Proxy, str], tmp_path: Path
) -> None:
    # The same tests the plants select, in one run: each fails above only for its deviation.
    _, url = proxy
    select = " or ".join(sorted({f"({plant.select})" for plant in PLANTS}))
    result = run_kit(url, "fullstory,admin", select, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = result.stdout.count("PASSED") + result.stdout.splitlines()[-1].count("passed")
    assert passed, result.stdout[-2000:]
