"""The /opal mount is built at start without the tools, which load at its first tool or
discovery request; the spec is checked against the tools then (mockserver/opal/mount.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockserver.http.routing import SpecDriftError, check_drift
from mockserver.http.spec import load_spec
from mockserver.opal import service
from mockserver.opal.auth import OpalConfig
from mockserver.opal.mount import DeferredTools, lenient_bodies
from mockserver.resources import spec_path

SPEC = load_spec("opal", spec_path("opal"))
# The tools' modules: what a start no longer loads.
TOOL_MODULES = (
    "mockserver.opal.service", "mockserver.opal.catalog", "mockserver.opal.client",
    "mockserver.opal.params", "mockserver.opal.tools", "mockserver.opal.visit",
)  # fmt: skip


def test_the_spec_and_the_tools_agree() -> None:
    """What the first load checks, checked here too (no drift, no failed first request)."""
    check_drift("opal", SPEC.operations, service.handlers())


def test_a_tool_missing_from_the_spec_fails_the_first_load() -> None:
    without_one = tuple(op for op in SPEC.operations if op.operation_id != "fullstory_get_segment")
    tools = DeferredTools(without_one, OpalConfig(), lambda: None)  # type: ignore[arg-type,return-value]
    assert set(tools) == {op.operation_id for op in without_one}  # what the router sees at start
    with pytest.raises(SpecDriftError, match="fullstory_get_segment"):
        tools.connector(None)


def test_only_tool_calls_get_lenient_bodies() -> None:
    lenient = {op.operation_id: op for op in lenient_bodies(SPEC.operations)}
    for op in SPEC.operations:
        if op.body is None:
            assert lenient[op.operation_id] == op
        else:
            assert lenient[op.operation_id].body.schema == {"type": "object"}  # type: ignore[union-attr]


def test_the_tools_load_at_the_first_tool_request_not_at_start() -> None:
    """A fresh interpreter: the app answers a 404 and a 405 under /opal in Opal's envelope with
    none of the tools' modules loaded; the discovery document loads them."""
    probe = (
        "import sys\n"
        "from mockserver.app import create_app\n"
        "from mockserver.testing.transport import in_process_client\n"
        f"modules = {TOOL_MODULES!r}\n"
        "with in_process_client(create_app()) as client:\n"
        "    a = client.get('/opal/tools/nothing_here')\n"
        "    b = client.delete('/opal/discovery')\n"
        "    print(a.status_code, b.status_code, a.json()['detail'][:13], b.json()['detail'][:9],\n"
        "          [m for m in modules if m in sys.modules])\n"
        "    c = client.get('/opal/discovery', headers={'Authorization': 'Basic mock-admin-key'})\n"
        "    print(c.status_code, all(m in sys.modules for m in modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["404 405 no tool named method DE []", "200 True"]
