"""The pytest plugin, exercised the way users meet it: a test file in a fresh pytest run."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import anyio
import httpx
import pytest

JANE = "jane.checkout@example.com"


def test_client_has_its_own_tenant_and_key(fullstory, fullstory_client):
    me = fullstory_client.get("/me")
    assert me.status_code == 200
    assert me.json()["orgId"] == fullstory.tenant_id
    sessions = fullstory_client.get("/v2/sessions", params={"email": JANE, "limit": 2})
    assert sessions.status_code == 200 and len(sessions.json()["results"]) == 2
    fullstory.assert_called("listSessionsV2", times=1, email=JANE)
    fullstory.assert_not_called("listSessions")


def test_journal_is_per_test(fullstory):
    assert fullstory.calls() == []


@pytest.mark.mockserver(level="standard", faults=[
    {"match": {"operation_id": "getMe"}, "action": {"type": "error", "status": 500}, "times": 1}
])
def test_marker_faults_and_level(fullstory, fullstory_client):
    assert fullstory_client.get("/me").status_code == 500
    me = fullstory_client.get("/me").json()
    assert me["role"] == "USER"


@pytest.mark.mockserver(
    clock="2026-09-01T00:00:00Z", rate_limits={"default": {"rate_per_second": 1, "burst": 2}}
)
def test_frozen_clock_and_rate_limits(fullstory, fullstory_client):
    assert fullstory.now().isoformat() == "2026-09-01T00:00:00+00:00"
    statuses = [fullstory_client.get("/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    fullstory.advance_clock(1)
    assert fullstory_client.get("/me").status_code == 200


@pytest.mark.mockserver(rate_limits=False)
def test_drop_connection_is_a_protocol_error(fullstory, fullstory_client):
    fullstory.add_fault(match={"operation_id": "getMe"}, action={"type": "drop_connection"})
    with pytest.raises(httpx.RemoteProtocolError):
        fullstory_client.get("/me")


@pytest.mark.mockserver(seed=7, users=10, scenario="none")
def test_world_options(fullstory):
    config = fullstory.state.with_config(fullstory.tenant_id)
    assert (config.seed, config.users, config.scenario_name) == (7, 10, None)


@pytest.mark.anyio
async def test_async_client(fullstory_async_client):
    response = await fullstory_async_client.get("/me")
    assert response.status_code == 200


@pytest.fixture
def anyio_backend():
    return "asyncio"
"""


def test_fixtures_in_process(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=7)


def test_fixtures_over_uvicorn(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--mockserver-mode=server")
    result.assert_outcomes(passed=7)


def test_fixtures_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=7)


def test_assertion_message_lists_calls(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_wrong(fullstory, fullstory_client):
            fullstory_client.get("/me")
            fullstory.assert_called("listSessions", times=1, email="x@y.test")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected listSessions(email='x@y.test') to be called exactly 1 time*0 times*",
            "*GET /me -> 200 [[]getMe]*",
        ]
    )


def test_unknown_marker_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mockserver(colour="blue")
        def test_x(fullstory):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*unknown option(s) colour*"])


def test_marker_is_registered_for_strict_markers(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.mockserver(seed=*"])
