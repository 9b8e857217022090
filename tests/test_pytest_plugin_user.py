"""The plugin as a new user meets it: any HTTP client reaches the fake, and mistakes in the marker
fail one test with one line that says what to write instead."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import threading
import urllib.request

import pytest


def loopback_threads():
    return [t for t in threading.enumerate() if t.name.startswith("mockserver-uvicorn-")]


def test_base_url_is_a_real_socket_started_on_first_use(fullstory, fullstory_client):
    assert fullstory_client.get("/me").status_code == 200  # httpx: in process, no socket
    assert fullstory_client.base_url.host in {"mockserver.test", "127.0.0.1"}
    url = fullstory.base_url
    assert url.startswith("http://127.0.0.1:") and loopback_threads()
    request = urllib.request.Request(
        url + "/v2/sessions?uid=jane-checkout", headers=fullstory.headers
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    fullstory.assert_called("listSessionsV2", times=1, uid="jane-checkout")
    assert fullstory.base_url == url  # one server for the session


@pytest.mark.mockserver(scenario="no-such-scenario")
def test_unknown_scenario(fullstory):
    pass


@pytest.mark.mockserver(rate_limits={"me": {"rate_per_second": 1, "burst": 2}})
def test_old_rate_limit_shape(fullstory):
    pass


@pytest.mark.mockserver(sead=3)
def test_misspelt_option(fullstory):
    pass


@pytest.mark.mockserver(clock="yesterday")
def test_clock_that_is_no_time(fullstory):
    pass


@pytest.mark.mockserver("frozen")
def test_positional_option(fullstory):
    pass


@pytest.mark.mockserver(summary_latency="slow")
def test_unknown_summary_latency(fullstory):
    pass
"""


def run_user_tests(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=USER_TESTS)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


@pytest.mark.parametrize("mode", ["inprocess", "server"])
def test_as_a_user_meets_it(pytester: pytest.Pytester, mode: str) -> None:
    result = run_user_tests(pytester, f"--mockserver-mode={mode}")
    result.assert_outcomes(passed=1, errors=6)
    output = result.stdout.str()
    # One line per mistake, naming it and what is known; no trace through the plugin.
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.mockserver: unknown scenario 'no-such-scenario'; the packaged "
            "scenarios are default (or give a path to a .yaml file, or 'none')",
            '*@pytest.mark.mockserver: rate limits take the shape {"enabled": true|false, '
            '"default": {"rate_per_second": R, "burst": B}, "groups": {"<group>": *'
            "got {'me': {'rate_per_second': 1, 'burst': 2}}",
            "*@pytest.mark.mockserver: test_user.py::test_misspelt_option: unknown option(s) "
            "sead; use seed, users, *",
            "*@pytest.mark.mockserver: 'yesterday' is not a time: give RFC 3339 text with a zone*",
            "*@pytest.mark.mockserver takes keywords only, not ('frozen',)",
            "*@pytest.mark.mockserver: summary latency must be one of off, realistic, not 'slow'",
        ]
    )
    for trace in ("Traceback", "During handling", "testing/fake.py", "pytest_plugin.py"):
        assert trace not in output


def test_no_loopback_server_unless_asked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import threading

        def test_in_process_only(fullstory_client):
            assert fullstory_client.get("/me").status_code == 200
            assert not [t for t in threading.enumerate() if t.name.startswith("mockserver-uvicorn")]
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
